package org.j386.emulator.check;

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
 * memory must be the reference's. Seeds 1..N, N = {@code -Dj386.scenarios=N} (default 1000),
 * half of them under each CPU tier, within a time budget per kernel; a failure names the seed and the command that replays it.
 */
class DifferentialScenarioTest {
    static final int SEEDS = Integer.getInteger("j386.scenarios", 1000);
    static final long BUDGET_SECONDS = 240;
    /** 32 MiB less the 128 KiB the firmware reserves at the top, as the Multiboot map says. */
    static final int RAM_TOP = (32 << 20) - (128 << 10);

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
        String disagreement = disagreement(kernel, kernel.elf(), seed, dir, false);
        if (disagreement != null) {
            fail(disagreement);
        }
    }

    /**
     * Runs the scenario of {@code seed} on {@code elf} (the kernel's image, or a mutant of it)
     * and on the reference: null when the records, the structures in memory after every
     * operation, and the exit status all agree, else what differs and how to replay it. With
     * {@code auditTlb} the run is on the interpreter with {@code --check tlb}'s audit, and a
     * stale translation in use is a disagreement too.
     */
    static String disagreement(GuestKernel kernel, byte[] elf, long seed, Path dir, boolean auditTlb) throws Exception {
        Path module = dir.resolve("scenario.bin");
        Files.write(module, kernel.scenario(seed, kernel.scenarioLength()));

        MachineConfig config = new MachineConfig();
        ByteArrayOutputStream debugcon = new ByteArrayOutputStream();
        config.debugcon = debugcon;
        config.maxInstructions = 200_000_000L;
        // Odd seeds run on the bytecode tier with a low threshold, so that it runs most of each
        // scenario; even seeds on the interpreter alone, which spares compiling the same blocks
        // again for every short run.
        config.cpuTier = seed % 2 == 1 ? MachineConfig.CpuTier.JIT : MachineConfig.CpuTier.INTERP;
        config.jitThreshold = 32;
        config.modules.add(MachineConfig.Module.parse(module.toString(), Path.of("")));
        Machine machine = new Machine(config);
        List<Event> guest = new ArrayList<>();
        // The records are compared with the reference's own replay below; the checker beside them
        // compares the structures in memory after every operation, which no record shows.
        ReferenceChecker state = new ReferenceChecker(() -> machine.cpu().state.instructions, () -> { })
                .compareStateWith(machine.ram(), () -> machine.cpu().state.cr3);
        machine.ports().register(TracePort.PORT, 1, new TracePort(((Consumer<Event>) guest::add).andThen(state)));
        List<TlbAudit.StaleUse> stale = new ArrayList<>();
        if (auditTlb) {
            machine.auditTlb(stale::add);
        }
        machine.boot(kernel.bootName, elf);
        RunResult result = machine.run();

        List<Event> reference = new ArrayList<>();
        String stop = "";
        try {
            kernel.runScenario(seed, kernel.scenarioLength(), RAM_TOP, reference::add);
        } catch (RuntimeException e) {
            stop = " (the reference stopped: " + e.getMessage() + ")";
        }
        String replay = kernel.guestName + " seed " + seed + ", replay with: make scenario KERNEL=" + kernel.guestName
                + " SEED=" + seed;
        String output = debugcon.toString(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < Math.min(guest.size(), reference.size()); i++) {
            if (!guest.get(i).equals(reference.get(i))) {
                return replay + "\nrecord " + i + " differs:\n  guest:     " + guest.get(i)
                        + "\n  reference: " + reference.get(i) + stop;
            }
        }
        if (state.divergence() != null) {
            return replay + "\n" + state.divergence().describe();
        }
        if (reference.size() != guest.size()) {
            return replay + ": the guest wrote " + guest.size() + " records, the reference " + reference.size() + stop
                    + "\n" + output;
        }
        if (!stale.isEmpty()) {
            return replay + ": the guest used a stale translation at linear 0x" + Integer.toHexString(stale.get(0).linear());
        }
        // A scenario that ends by releasing a frame inside a sequence stops both (status 3: FAIL).
        int status = stop.isEmpty() ? 1 : 3;
        if (result.exitStatus() != status) {
            return replay + ": the guest ended with status " + result.exitStatus() + ", not " + status + stop + " ("
                    + result.message() + ")\n" + output;
        }
        return null;
    }
}
