package org.j386.emulator.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.j386.emulator.machine.Machine;
import org.j386.emulator.machine.MachineConfig;
import org.j386.emulator.machine.RunResult;
import org.j386.emulator.memory.TlbAudit;
import org.j386.guest.GuestKernel;
import org.j386.guest.reference.Event;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The differential test, for each bundled kernel: for every seed, the kernel runs a random
 * scenario (a Multiboot module) on j386 and its reference runs the same scenario on its own; the
 * two event streams must be identical, and after every operation the structures in the guest's
 * memory must be the reference's. Seeds 1..N, N = {@code -Dj386.scenarios=N} (default 1000), each
 * run on both CPU tiers, which must also print the same output, end with the same status and
 * retire the same number of instructions; within a time budget per kernel; a failure names the
 * seed and the command that replays it.
 */
class DifferentialScenarioTest {
    static final int SEEDS = Integer.getInteger("j386.scenarios", 1000);
    static final long BUDGET_SECONDS = 240;
    /** 32 MiB less the 128 KiB the firmware reserves at the top, as the Multiboot map says. */
    static final int RAM_TOP = (32 << 20) - (128 << 10);
    /**
     * The bytecode tier's threshold: low, so that it runs most of each short scenario compiled
     * (with 0 it would compile the boot's code run once as well, for nothing).
     */
    static final int JIT_THRESHOLD = 32;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @EnumSource(GuestKernel.class)
    void theGuestAndTheReferenceWriteTheSameEventsForEverySeed(GuestKernel kernel) throws Exception {
        long start = System.nanoTime();
        for (int seed = 1; seed <= SEEDS; seed++) {
            check(kernel, seed);
        }
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        if (seconds > BUDGET_SECONDS) {
            fail(SEEDS + " " + kernel.guestName + " scenarios took " + seconds + " s, over the budget of "
                    + BUDGET_SECONDS + " s");
        }
    }

    private void check(GuestKernel kernel, long seed) throws Exception {
        Reference reference = Reference.of(kernel, seed);
        GuestRun interpreted = GuestRun.of(kernel, kernel.elf(), seed, dir, MachineConfig.CpuTier.INTERP, false);
        GuestRun compiled = GuestRun.of(kernel, kernel.elf(), seed, dir, MachineConfig.CpuTier.JIT, false);
        for (GuestRun run : List.of(interpreted, compiled)) {
            String disagreement = run.disagreement(reference);
            if (disagreement != null) {
                fail(disagreement);
            }
        }
        String tiers = replay(kernel, seed) + ": the bytecode tier ";
        assertEquals(interpreted.output, compiled.output, tiers + "printed something else");
        assertEquals(interpreted.result.exitStatus(), compiled.result.exitStatus(), tiers + "ended with another status");
        assertEquals(interpreted.result.instructions(), compiled.result.instructions(),
                tiers + "retired another number of instructions");
    }

    private static String replay(GuestKernel kernel, long seed) {
        return kernel.guestName + " seed " + seed + ", replay with: make scenario KERNEL=" + kernel.guestName + " SEED="
                + seed;
    }

    /**
     * Runs the scenario of {@code seed} on {@code elf} (the kernel's image, or a mutant of it) on
     * the interpreter with {@code --check tlb}'s audit when {@code auditTlb}, and on the reference:
     * null when the records, the structures in memory after every operation, the exit status and,
     * with the audit, every translation used all agree, else what differs and how to replay it.
     */
    static String disagreement(GuestKernel kernel, byte[] elf, long seed, Path dir, boolean auditTlb) throws Exception {
        return GuestRun.of(kernel, elf, seed, dir, MachineConfig.CpuTier.INTERP, auditTlb)
                .disagreement(Reference.of(kernel, seed));
    }

    /** What the reference writes for a seed's scenario, and why it stopped early, if it did ("" if not). */
    private record Reference(List<Event> records, String stop) {
        static Reference of(GuestKernel kernel, long seed) {
            List<Event> records = new ArrayList<>();
            String stop = "";
            try {
                kernel.runScenario(seed, kernel.scenarioLength(), RAM_TOP, records::add);
            } catch (RuntimeException e) {
                stop = " (the reference stopped: " + e.getMessage() + ")";
            }
            return new Reference(records, stop);
        }
    }

    /** One run of a seed's scenario on j386: what the guest wrote, what its memory showed, how it ended. */
    private record GuestRun(String named, List<Event> records, ReferenceChecker state, List<TlbAudit.StaleUse> stale,
            String output, RunResult result) {
        /** With {@code auditTlb} the run is on the interpreter whatever the tier: the audit needs it. */
        static GuestRun of(GuestKernel kernel, byte[] elf, long seed, Path dir, MachineConfig.CpuTier tier,
                boolean auditTlb) throws Exception {
            Path module = dir.resolve("scenario.bin");
            Files.write(module, kernel.scenario(seed, kernel.scenarioLength()));

            MachineConfig config = new MachineConfig();
            ByteArrayOutputStream debugcon = new ByteArrayOutputStream();
            config.debugcon = debugcon;
            config.maxInstructions = 200_000_000L;
            config.cpuTier = tier;
            config.jitThreshold = JIT_THRESHOLD;
            config.modules.add(MachineConfig.Module.parse(module.toString(), Path.of("")));
            Machine machine = new Machine(config);
            List<Event> records = new ArrayList<>();
            // The records are compared with the reference's own replay; the checker beside them
            // compares the structures in memory after every operation, which no record shows.
            ReferenceChecker state = new ReferenceChecker(() -> machine.cpu().state.instructions, () -> { })
                    .compareStateWith(machine.ram(), () -> machine.cpu().state.cr3);
            machine.ports().register(TracePort.PORT, 1, new TracePort(((Consumer<Event>) records::add).andThen(state)));
            List<TlbAudit.StaleUse> stale = new ArrayList<>();
            if (auditTlb) {
                machine.auditTlb(stale::add);
            }
            machine.boot(kernel.bootName, elf);
            RunResult result = machine.run();
            String named = DifferentialScenarioTest.replay(kernel, seed) + " (" + tier.name().toLowerCase() + ")";
            return new GuestRun(named, records, state, stale, debugcon.toString(StandardCharsets.ISO_8859_1), result);
        }

        /** Null when this run agrees with the reference's, else what differs. */
        String disagreement(Reference reference) {
            List<Event> expected = reference.records();
            String stop = reference.stop();
            for (int i = 0; i < Math.min(records.size(), expected.size()); i++) {
                if (!records.get(i).equals(expected.get(i))) {
                    return named + "\nrecord " + i + " differs:\n  guest:     " + records.get(i)
                            + "\n  reference: " + expected.get(i) + stop;
                }
            }
            if (state.divergence() != null) {
                return named + "\n" + state.divergence().describe();
            }
            if (expected.size() != records.size()) {
                return named + ": the guest wrote " + records.size() + " records, the reference " + expected.size()
                        + stop + "\n" + output;
            }
            if (!stale.isEmpty()) {
                return named + ": the guest used a stale translation at linear 0x"
                        + Integer.toHexString(stale.get(0).linear());
            }
            // A scenario that ends by releasing a frame inside a sequence stops both (status 3: FAIL).
            int status = stop.isEmpty() ? 1 : 3;
            if (result.exitStatus() != status) {
                return named + ": the guest ended with status " + result.exitStatus() + ", not " + status + stop + " ("
                        + result.message() + ")\n" + output;
            }
            return null;
        }
    }
}
