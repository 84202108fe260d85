package org.j386.emulator.debug;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.j386.emulator.debug.TimeTravelTest.STILL;
import static org.j386.emulator.debug.TimeTravelTest.forward;
import static org.j386.emulator.debug.TimeTravelTest.recorded;
import static org.j386.emulator.debug.TimeTravelTest.session;
import static org.j386.emulator.debug.TimeTravelTest.state;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.j386.emulator.boot.TestKernels;
import org.j386.emulator.cpu.Vectors;
import org.j386.emulator.debug.TimeTravelTest.Session;
import org.j386.emulator.machine.Machine;
import org.j386.emulator.machine.MachineConfig;
import org.j386.emulator.machine.Outcome;
import org.j386.tools.asm.Assembler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The debugger's snapshots (the random walk through them is in {@link TimeTravelTest}): they stay
 * within a memory limit, at an interval that follows what they cost, recording them changes
 * nothing the guest sees, and they take a run that ended in a triple fault back to its fault.
 */
class RecordingTest {
    private static final Path KERNELS = TimeTravelTest.KERNELS;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "under {0}")
    @CsvSource({"INTERP", "JIT"})
    void recordingChangesNothingTheGuestSeesNorTheTlbStatistics(MachineConfig.CpuTier tier) throws Exception {
        Path image = KERNELS.resolve("paging_matrix/paging_matrix.elf");
        Session plain = session(image, "", tier);
        plain.debugger().continueRun();
        Session recorded = recorded(image, tier, Recording.DEFAULT_LIMIT, 997, STILL);
        recorded.debugger().continueRun();
        assertTrue(recorded.recording().snapshotCount() > 10);
        assertEquals(state(plain.machine()), state(recorded.machine()));
        assertEquals(plain.machine().mmu().tlbHits(), recorded.machine().mmu().tlbHits());
        assertEquals(plain.machine().mmu().tlbMisses(), recorded.machine().mmu().tlbMisses());
        assertEquals(plain.output().toString(), recorded.output().toString());
    }

    @Test
    void snapshotsStayWithinATinyLimitDroppingTheOldestAndGoingBackStillLandsExactly() throws Exception {
        Path image = KERNELS.resolve("paging_matrix/paging_matrix.elf");
        Machine plain = forward(image, "", 0);
        plain.run();
        long total = plain.cpu().state.instructions;
        long limit = 1 << 20;
        Session session = recorded(image, MachineConfig.CpuTier.JIT, limit, Math.max(1000, total / 200), STILL);
        long[] targets = {total - 2, total / 2, total - total / 10, total / 50, 3 * total / 4};
        for (long target : targets) {
            session.debugger().goTo(target);
            assertTrue(session.recording().bytes() <= limit, session.recording().describe());
            assertEquals(state(forward(image, "", target)), state(session.machine()), "at instruction " + target);
        }
        List<Long> kept = session.recording().snapshotCounts();
        assertFalse(kept.isEmpty(), session.recording().describe());
        assertTrue(kept.get(0) > 0, "the oldest snapshots were dropped: " + kept);
        assertTrue(targets[3] < kept.get(0), "one target lies before the window and was reached from boot: " + kept);
    }

    @Test
    void aChangeFromTheDebuggerDropsTheSnapshotsFromThereOnAndRecordingGoesOnFromIt() throws Exception {
        Path image = KERNELS.resolve("paging_matrix/paging_matrix.elf");
        Session session = recorded(image, MachineConfig.CpuTier.JIT, Recording.DEFAULT_LIMIT, 5000, STILL);
        session.debugger().step(100_000);
        session.debugger().goTo(50_000);
        assertTrue(session.recording().snapshotCounts().contains(60_000L));
        session.machine().cpu().state.regs[0] ^= 1; // as gdb's P packet would
        session.debugger().changedByUser();
        List<Long> kept = session.recording().snapshotCounts();
        assertTrue(kept.get(kept.size() - 1) < 50_000, "none at or after the change: " + kept);
        session.debugger().step(20_000);
        assertTrue(session.recording().snapshotCounts().contains(65_000L), "new snapshots of the changed run");
        String changed = state(session.machine());
        session.debugger().goTo(62_000);
        session.debugger().step(8_000);
        assertEquals(changed, state(session.machine()), "going back within the changed run repeats it");
    }

    @Test
    void theIntervalGrowsWhenSnapshotsCostAsMuchAsTheRun() throws Exception {
        // Each reading of this clock is a millisecond later: a snapshot seems to cost as long as the run before it.
        AtomicLong ticks = new AtomicLong();
        Session session = recorded(KERNELS.resolve("paging_matrix/paging_matrix.elf"), MachineConfig.CpuTier.JIT,
                Recording.DEFAULT_LIMIT, 1000, () -> ticks.addAndGet(1_000_000));
        session.debugger().step(200_000);
        List<Long> at = session.recording().snapshotCounts();
        assertTrue(at.size() >= 4, at.toString());
        for (int i = 2; i < at.size(); i++) {
            assertTrue(at.get(i) - at.get(i - 1) > at.get(i - 1) - at.get(i - 2), "gaps grow: " + at);
        }
        assertTrue(session.recording().interval() > 1000);
    }

    @Test
    void theIntervalShrinksWhenSnapshotsCostNextToNothing() throws Exception {
        // Time passes only with instructions (a microsecond each): taking a snapshot seems free.
        Machine[] machine = new Machine[1];
        long first = 8 * Recording.Spacing.MIN;
        Session session = recorded(KERNELS.resolve("bench/bench_alu.elf"), MachineConfig.CpuTier.JIT,
                Recording.DEFAULT_LIMIT, first, () -> machine[0] == null ? 0 : machine[0].cpu().state.instructions * 1000);
        machine[0] = session.machine();
        session.debugger().step(3 * first);
        List<Long> at = session.recording().snapshotCounts();
        assertEquals(List.of(0L, first, first + first / 2, first + first / 2 + first / 4), at.subList(0, 4), "gaps halve");
        assertEquals(Recording.Spacing.MIN, session.recording().interval(), "down to the least interval");
    }

    @Test
    void theSpacingDoublesWhileSnapshotsCostMoreThanTheirShareAndNeverPassesItsBounds() {
        long run = 1_000_000;
        long costly = (long) (2 * run * Recording.Spacing.SHARE);
        Recording.Spacing spacing = new Recording.Spacing(1 << 20);
        spacing.taken(costly, run);
        assertEquals(1 << 21, spacing.interval());
        Recording.Spacing atMost = new Recording.Spacing(Recording.Spacing.MAX);
        atMost.taken(run, run);
        assertEquals(Recording.Spacing.MAX, atMost.interval());
    }

    @Test
    void oneQuickSnapshotAmongOnesOnTheirShareLeavesTheSpacingAsItWas() {
        long run = 1_000_000;
        long onShare = (long) (run * Recording.Spacing.SHARE / 2);
        Recording.Spacing spacing = new Recording.Spacing(1 << 20);
        for (int i = 0; i < 5; i++) {
            spacing.taken(onShare, run);
        }
        spacing.taken(0, run);
        assertEquals(1 << 20, spacing.interval());
    }

    @Test
    void theSpacingHalvesWhileSnapshotsCostNextToNothingDownToItsLeast() {
        Recording.Spacing spacing = new Recording.Spacing(4 * Recording.Spacing.MIN);
        spacing.taken(0, 1_000_000);
        assertEquals(2 * Recording.Spacing.MIN, spacing.interval());
        for (int i = 0; i < 10; i++) {
            spacing.taken(0, 1_000_000);
        }
        assertEquals(Recording.Spacing.MIN, spacing.interval());
    }

    /**
     * A kernel that identity-maps its first 4 MiB, turns paging on with an empty IDT and reads an
     * unmapped address: the #PF cannot be delivered (#GP on the IDT limit, so #DF), nor the #DF, so
     * the run ends in a triple fault. The read is the instruction whose fault began the fatal delivery.
     */
    private static final String TRIPLE_FAULT = String.join("\n",
            "bits 32",
            "        mov edi, 0x103000          ; page table in the kernel's bss",
            "        mov eax, 0x003             ; present, writable",
            "        mov ecx, 1024",
            "map:    mov [edi], eax",
            "        add eax, 0x1000",
            "        add edi, 4",
            "        loop map",
            "        mov dword [0x102000], 0x103003",
            "        lidt [0x104000]            ; limit 0: no vector can be delivered",
            "        mov eax, 0x102000",
            "        mov cr3, eax",
            "        mov eax, cr0",
            "        or eax, 0x80000000",
            "        mov cr0, eax",
            "fatal:  mov eax, [0x40000000]",
            "        hlt",
            "");

    @ParameterizedTest(name = "under {0}")
    @CsvSource({"INTERP", "JIT"})
    void fromATripleFaultReverseContinueGoesBackToTheFaultThatBeganTheFatalDelivery(MachineConfig.CpuTier tier)
            throws Exception {
        Assembler.Result assembled = Assembler.assemble("triple.asm", TRIPLE_FAULT, dir, Assembler.Options.defaults());
        assertTrue(assembled.ok(), assembled.diagnostics().toString());
        Path image = dir.resolve("triple.elf");
        Files.write(image, TestKernels.elfKernelRunning(assembled.output()));
        Session session = recorded(image, tier, Recording.DEFAULT_LIMIT, 500, STILL);
        Machine m = session.machine();
        int fatal = m.cpu().state.eip + assembled.symbols().get("fatal").intValue();

        Stop end = session.debugger().continueRun();
        assertEquals(Stop.Kind.ENDED, end.kind(), end.headline());
        assertEquals(Outcome.TRIPLE_FAULT, m.endResult().outcome());
        long ended = m.cpu().state.instructions;
        assertTrue(session.recording().snapshotCount() > 3, "the run was recorded");

        BitSet pf = new BitSet();
        pf.set(Vectors.PF);
        session.debugger().catchVectors(pf, true);
        Stop back = session.debugger().reverseContinue();
        assertTrue(back.headline().startsWith("Exception #PF (vector 14)"), back.headline());
        assertEquals(fatal, m.cpu().state.eip, "at the read of the unmapped address");
        assertEquals(ended, m.cpu().state.instructions, "the faulting read never retired");
        assertTrue(m.cpu().interrupts.hasHeldException(), "the #PF is held before its delivery");
        assertEquals(null, m.endResult(), "the machine can run again");

        session.debugger().catchVectors(pf, false);
        Stop again = session.debugger().continueRun();
        assertEquals(Stop.Kind.ENDED, again.kind(), again.headline());
        assertEquals(Outcome.TRIPLE_FAULT, m.endResult().outcome());
        assertEquals(ended, m.cpu().state.instructions);
    }
}
