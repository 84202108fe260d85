package org.j386.guest.scenario;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the scenario of a seed as a Multiboot module file, for replaying a differential-test
 * seed: {@code WriteScenario SEED FILE [LENGTH]}.
 */
public final class WriteScenario {
    /** Operations per scenario in the differential tests. */
    public static final int DEFAULT_LENGTH = 200;

    private WriteScenario() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: WriteScenario SEED FILE [LENGTH]");
            System.exit(2);
        }
        long seed;
        int length;
        try {
            seed = Long.parseLong(args[0]);
            length = args.length == 3 ? Integer.parseInt(args[2]) : DEFAULT_LENGTH;
        } catch (NumberFormatException e) {
            System.err.println("WriteScenario: SEED and LENGTH must be numbers: " + e.getMessage());
            System.exit(2);
            return;
        }
        Files.write(Path.of(args[1]), ScenarioGenerator.generate(seed, length).toBytes());
    }
}
