package org.j386.guest.scenario;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.j386.guest.GuestKernel;

/**
 * Writes the scenario of a seed as a Multiboot module file, for replaying a differential-test
 * seed: {@code WriteScenario [--guest mp4|lab2] SEED FILE [LENGTH]}.
 */
public final class WriteScenario {
    /** Operations per MP4 scenario in the differential tests. */
    public static final int DEFAULT_LENGTH = 200;

    private WriteScenario() {
    }

    public static void main(String[] args) throws IOException {
        GuestKernel kernel = GuestKernel.MP4;
        if (args.length > 0 && args[0].equals("--guest")) {
            kernel = args.length > 1 ? GuestKernel.named(args[1]) : null;
            if (kernel == null) {
                System.err.println("WriteScenario: --guest takes one of " + GuestKernel.names());
                System.exit(2);
            }
            args = Arrays.copyOfRange(args, 2, args.length);
        }
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: WriteScenario [--guest " + GuestKernel.names().replace(", ", "|") + "] SEED FILE [LENGTH]");
            System.exit(2);
        }
        long seed;
        int length;
        try {
            seed = Long.parseLong(args[0]);
            length = args.length == 3 ? Integer.parseInt(args[2]) : kernel.scenarioLength();
        } catch (NumberFormatException e) {
            System.err.println("WriteScenario: SEED and LENGTH must be numbers: " + e.getMessage());
            System.exit(2);
            return;
        }
        Files.write(Path.of(args[1]), kernel.scenario(seed, length));
    }
}
