package org.j386.emulator.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.j386.emulator.machine.Machine;
import org.j386.emulator.machine.MachineConfig;
import org.j386.emulator.machine.RunResult;
import org.j386.guest.GuestKernel;
import org.j386.guest.reference.Event;
import org.j386.guest.scenario.Scenario;
import org.j386.guest.scenario.ScenarioGenerator;
import org.j386.guest.scenario.ScenarioRunner;
import org.j386.guest.scenario.WriteScenario;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The differential test: for every seed, the guest kernel runs a random scenario (a Multiboot
 * module) on j386 and the reference runs the same scenario on its own; the two event streams
 * must be identical. Seeds 1..N, N = {@code -Dj386.scenarios=N} (default 1000), within a time
 * budget; a failure names the seed and the command that replays it.
 */
class DifferentialScenarioTest {
    static final int SEEDS = Integer.getInteger("j386.scenarios", 1000);
    static final long BUDGET_SECONDS = 240;
    /** 32 MiB less the 128 KiB the firmware reserves at the top, as the Multiboot map says. */
    static final int RAM_TOP = (32 << 20) - (128 << 10);

    @TempDir
    Path dir;

    @Test
    void theGuestAndTheReferenceWriteTheSameEventsForEverySeed() throws Exception {
        long start = System.nanoTime();
        for (int seed = 1; seed <= SEEDS; seed++) {
            check(seed);
        }
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        if (seconds > BUDGET_SECONDS) {
            fail(SEEDS + " scenarios took " + seconds + " s, over the budget of " + BUDGET_SECONDS + " s");
        }
    }

    private void check(long seed) throws Exception {
        Scenario scenario = ScenarioGenerator.generate(seed, WriteScenario.DEFAULT_LENGTH);
        Path module = dir.resolve("scenario.bin");
        Files.write(module, scenario.toBytes());

        MachineConfig config = new MachineConfig();
        ByteArrayOutputStream debugcon = new ByteArrayOutputStream();
        config.debugcon = debugcon;
        config.maxInstructions = 200_000_000L;
        // Scenarios are short: a low threshold has the bytecode tier run most of each one.
        config.jitThreshold = 32;
        config.modules.add(MachineConfig.Module.parse(module.toString(), Path.of("")));
        Machine machine = new Machine(config);
        List<Event> guest = new ArrayList<>();
        machine.ports().register(TracePort.PORT, 1, new TracePort(guest::add));
        machine.boot(GuestKernel.NAME, GuestKernel.image());
        RunResult result = machine.run();

        List<Event> reference = new ArrayList<>();
        String stop = "";
        try {
            ScenarioRunner.run(scenario, RAM_TOP, reference::add);
        } catch (RuntimeException e) {
            stop = " (the reference stopped: " + e.getMessage() + ")";
        }
        String referenceStop = stop;
        String replay = "seed " + seed + ", replay with: make scenario SEED=" + seed;
        for (int i = 0; i < Math.min(guest.size(), reference.size()); i++) {
            if (!guest.get(i).equals(reference.get(i))) {
                fail(replay + "\nrecord " + i + " differs:\n  guest:     " + guest.get(i)
                        + "\n  reference: " + reference.get(i) + referenceStop);
            }
        }
        assertEquals(reference.size(), guest.size(), () -> replay + ": the guest wrote " + guest.size()
                + " records, the reference " + reference.size() + referenceStop + "\n"
                + debugcon.toString(StandardCharsets.ISO_8859_1));
        assertEquals(1, result.exitStatus(), () -> replay + ": the guest did not pass its scenario ("
                + result.message() + ")\n" + debugcon.toString(StandardCharsets.ISO_8859_1));
    }
}
