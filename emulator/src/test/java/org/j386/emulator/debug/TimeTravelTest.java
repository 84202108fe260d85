package org.j386.emulator.debug;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.function.LongSupplier;

import org.j386.emulator.cpu.CpuState;
import org.j386.emulator.cpu.Vectors;
import org.j386.emulator.devices.PcDevices;
import org.j386.emulator.machine.Machine;
import org.j386.emulator.machine.MachineConfig;
import org.j386.emulator.machine.RunResult;
import org.j386.guest.GuestKernel;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Going back and forth in a run ({@code goto}, {@code reverse-step}, {@code reverse-continue})
 * lands on exactly the state a plain forward run has at the same instruction, under either CPU
 * tier, and the run then goes on to the same end with the guest's output written once.
 */
class TimeTravelTest {
    static final Path KERNELS = Path.of("src/test/kernels");

    @TempDir
    Path dir;

    /** A debugged machine, its recording (null: none) and the guest's output behind the debugger's gate. */
    record Session(Machine machine, Debugger debugger, Recording recording, ByteArrayOutputStream output) {
    }

    /** A machine booted under a debugger that can go back by replaying from boot. */
    static Session session(Path image, String commandLine, MachineConfig.CpuTier tier) throws Exception {
        MachineConfig config = new MachineConfig();
        config.cpuTier = tier;
        config.jitThreshold = 0;
        config.commandLine = commandLine;
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        OutputGate gate = new OutputGate();
        config.debugcon = gate.wrap(output);
        Machine machine = new Machine(config);
        machine.boot(image);
        Debugger debugger = new Debugger(machine);
        debugger.enableReplay(() -> {
            Machine copy = new Machine(config.silentReplica());
            try {
                copy.boot(image);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return copy;
        });
        debugger.gateOutput(gate);
        return new Session(machine, debugger, null, output);
    }

    /**
     * As {@link #session}, recording snapshots within {@code limit} bytes, the first {@code
     * interval} instructions apart; {@code clock} measures what they cost.
     */
    static Session recorded(Path image, MachineConfig.CpuTier tier, long limit, long interval, LongSupplier clock)
            throws Exception {
        Session s = session(image, "", tier);
        Recording recording = new Recording(s.machine(), limit, interval, clock);
        s.debugger().timeTravel().useSnapshots(recording);
        return new Session(s.machine(), s.debugger(), recording, s.output());
    }

    /** A clock that never moves: snapshots then seem free and their interval stays as it was set. */
    static final LongSupplier STILL = () -> 0;

    /** A machine run forward, plainly, to {@code count} (or its end). */
    static Machine forward(Path image, String commandLine, long count) throws Exception {
        MachineConfig config = new MachineConfig();
        config.cpuTier = MachineConfig.CpuTier.INTERP;
        config.commandLine = commandLine;
        Machine m = new Machine(config);
        m.boot(image);
        if (count > 0) {
            m.resume(count);
        }
        return m;
    }

    /** Registers, control registers, a hash of RAM and one of every device's fields. */
    static String state(Machine m) {
        CpuState s = m.cpu().state;
        return String.format("insns=%d eip=%08x flags=%08x regs=%s cr0=%08x cr2=%08x cr3=%08x cpl=%d ram=%d devices=%d",
                s.instructions, s.eip, s.flags.get(), Arrays.toString(s.regs), s.cr0, s.cr2, s.cr3, s.cpl,
                Arrays.hashCode(m.ram().array()), devices(m.devices()).hashCode());
    }

    /**
     * Every field of every device, read reflectively so that a field added later is compared too
     * (its state must then be copied by the device's copyStateFrom, or this differs).
     */
    static String devices(PcDevices d) {
        StringBuilder b = new StringBuilder();
        for (Object device : List.of(d.pic, d.pit, d.com1, d.vga, d.keyboard, d.postCode, d.systemControlA)) {
            fields(device, b, 0);
        }
        return b.toString();
    }

    private static void fields(Object o, StringBuilder b, int depth) {
        b.append(o.getClass().getSimpleName()).append('{');
        for (Class<?> c = o.getClass(); c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                f.setAccessible(true);
                try {
                    b.append(f.getName()).append('=');
                    value(f.get(o), b, depth);
                    b.append(' ');
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
        }
        b.append('}');
    }

    /** A device field's value: numbers and arrays as they are, nested device parts field by field, nothing of the wiring. */
    private static void value(Object v, StringBuilder b, int depth) {
        if (v == null || v instanceof Number || v instanceof Boolean || v instanceof Character || v instanceof String
                || v instanceof Enum) {
            b.append(v);
        } else if (v.getClass().isArray()) {
            for (int i = 0; i < Array.getLength(v); i++) {
                value(Array.get(v, i), b, depth);
                b.append(',');
            }
        } else if (depth < 3 && !v.getClass().isSynthetic() && !v.getClass().isHidden()
                && v.getClass().getPackageName().equals(PcDevices.class.getPackageName())) {
            fields(v, b, depth + 1);
        }
    }

    /**
     * With snapshots (as {@code j386 debug} records by default) every step back starts from the
     * newest snapshot before its target; without, from boot.
     */
    @ParameterizedTest(name = "{0} under {1}, snapshots: {2}")
    @CsvSource({"paging_lazy, INTERP, true", "paging_lazy, JIT, true", "timer, JIT, true", "paging_matrix, INTERP, true",
            "paging_matrix, JIT, true", "paging_lazy, JIT, false", "mp4, JIT, true"})
    void aRandomWalkThroughTheRunLandsWhereAForwardRunIsAndEndsAlike(String kernel, MachineConfig.CpuTier tier,
            boolean snapshots) throws Exception {
        Path image = KERNELS.resolve(kernel).resolve(kernel + ".elf");
        if (kernel.equals("mp4")) { // the bundled guest kernel, all its tests
            image = Files.write(dir.resolve("mp4.elf"), GuestKernel.MP4.elf());
        }
        ByteArrayOutputStream plainOutput = new ByteArrayOutputStream();
        MachineConfig plainConfig = new MachineConfig();
        plainConfig.debugcon = plainOutput;
        Machine plain = new Machine(plainConfig);
        plain.boot(image);
        RunResult end = plain.run();
        long total = plain.cpu().state.instructions;

        Session session = snapshots ? recorded(image, tier, Recording.DEFAULT_LIMIT, Math.max(1000, total / 40), STILL)
                : session(image, "", tier);
        Random random = new Random(kernel.hashCode() ^ tier.ordinal());
        int backwards = 0;
        for (int i = 0; i < 10; i++) {
            long target = 1 + (long) (random.nextDouble() * (total - 2));
            backwards += target < session.machine().cpu().state.instructions ? 1 : 0;
            Stop stop = session.debugger().goTo(target);
            assertEquals(target, session.machine().cpu().state.instructions, stop.headline());
            assertEquals(state(forward(image, "", target)), state(session.machine()),
                    kernel + ": at instruction " + target + ", step " + i + " of the walk");
        }
        if (snapshots) {
            assertTrue(backwards > 0 && session.recording().snapshotCount() > 10, session.recording().describe());
            assertEquals(backwards, session.recording().restores(), "every step back started from a snapshot");
        }
        Stop last = session.debugger().continueRun();
        assertEquals(Stop.Kind.ENDED, last.kind(), last.headline());
        assertEquals(end.exitStatus(), last.end().exitStatus());
        assertEquals(total, session.machine().cpu().state.instructions);
        assertEquals(state(plain), state(session.machine()));
        assertEquals(plainOutput.toString(), session.output().toString(), "the guest's output is written once");
    }

    /**
     * The TLB goes back too: in {@code tlb_stale} a page-table entry changes under a cached
     * translation that the next instructions still use (the stale uses --check tlb finds). Going
     * back to just after each such write, the run must use the stale translation again, as it did.
     */
    @ParameterizedTest(name = "under {0}")
    @CsvSource({"INTERP", "JIT"})
    void goingBackBetweenAnEntryChangeAndItsStaleUseKeepsTheStaleTranslation(MachineConfig.CpuTier tier) throws Exception {
        Path image = KERNELS.resolve("tlb_stale/tlb_stale.elf");
        Machine audited = forward(image, "", 0);
        java.util.List<Long> writes = new java.util.ArrayList<>();
        audited.auditTlb(use -> writes.add(use.writeCount()));
        audited.run();
        Machine plain = forward(image, "", 0);
        plain.run();
        assertEquals(5, writes.size(), "the kernel's five stale uses");
        Session session = session(image, "", tier);
        session.debugger().goTo(audited.cpu().state.instructions - 1);
        for (int i = writes.size() - 1; i >= 0; i--) {
            session.debugger().goTo(writes.get(i));
            assertEquals(state(forward(image, "", writes.get(i))), state(session.machine()));
        }
        session.debugger().continueRun();
        assertEquals(state(plain), state(session.machine()));
    }

    @ParameterizedTest(name = "under {0}")
    @CsvSource({"INTERP", "JIT"})
    void reverseContinueGoesBackToThePreviousCaughtPageFault(MachineConfig.CpuTier tier) throws Exception {
        Path image = KERNELS.resolve("paging_lazy/paging_lazy.elf");
        Session session = session(image, "", tier);
        BitSet pf = new BitSet();
        pf.set(Vectors.PF);
        session.debugger().catchVectors(pf, true);
        session.debugger().continueRun();
        long first = session.machine().cpu().state.instructions;
        String atFirst = state(session.machine());
        session.debugger().continueRun();
        session.debugger().continueRun();
        long third = session.machine().cpu().state.instructions;
        session.debugger().reverseContinue();
        Stop back = session.debugger().reverseContinue();
        assertEquals(first, session.machine().cpu().state.instructions, back.headline());
        assertEquals(atFirst, state(session.machine()));
        assertTrue(back.headline().startsWith("Exception #PF (vector 14)"), back.headline());
        session.debugger().continueRun();
        session.debugger().continueRun();
        assertEquals(third, session.machine().cpu().state.instructions, "the same faults come again going forward");
        Stop reversed = session.debugger().reverseStep(1);
        assertEquals(third - 1, session.machine().cpu().state.instructions, reversed.headline());
    }

    /**
     * A watchpoint on the page-table entry the first page fault's handler fills: continuing stops
     * where the handler writes it; from further on, reverse-continue comes back to that write.
     */
    @ParameterizedTest(name = "under {0}")
    @CsvSource({"INTERP", "JIT"})
    void reverseContinueGoesBackToTheWriteOfAWatchedPageTableEntry(MachineConfig.CpuTier tier) throws Exception {
        Path image = KERNELS.resolve("paging_lazy/paging_lazy.elf");
        Session session = session(image, "", tier);
        Machine m = session.machine();
        CpuState s = m.cpu().state;
        Debugger d = session.debugger();
        BitSet pf = new BitSet();
        pf.set(Vectors.PF);
        d.catchVectors(pf, true);
        // The kernel's second fault finds its page table present and only the PTE missing.
        d.continueRun();
        d.continueRun();
        d.catchVectors(new BitSet(), true);
        d.step(1); // the delivery, which sets CR2
        int pde = m.ram().read32((s.cr3 & 0xFFFFF000) + 4 * (s.cr2 >>> 22));
        assertEquals(1, pde & 1, "the faulting page's table is present: its entry is what the handler fills");
        int pte = (pde & 0xFFFFF000) + 4 * ((s.cr2 >>> 12) & 0x3FF);
        assertEquals(0, m.ram().read32(pte) & 1, "the entry is not present before the handler runs");
        d.addWatchpoint(pte, 4, true, Watchpoint.Kind.WRITE, "*" + pte);
        Stop written = d.continueRun();
        long write = s.instructions;
        assertEquals(1, m.ram().read32(pte) & 1, written.headline());
        String atWrite = state(m);
        d.step(5_000);
        Stop back = d.reverseContinue();
        assertEquals(write, s.instructions, back.headline());
        assertEquals(atWrite, state(m));
        assertEquals(state(forward(image, "", write)), state(m), "where a forward run is at that count");
    }

    @ParameterizedTest(name = "under {0}")
    @CsvSource({"INTERP", "JIT"})
    void reverseNextGoesBackOverACallAndReverseFinishToTheCallOfTheCurrentFunction(MachineConfig.CpuTier tier) throws Exception {
        Session session = session(KERNELS.resolve("paging_lazy/paging_lazy.elf"), "", tier);
        Machine m = session.machine();
        CpuState s = m.cpu().state;
        Debugger d = session.debugger();
        d.step(10_000); // well inside kmain's printing
        while (m.ram().read8(s.eip) != 0xE8) { // a direct CALL
            d.step(1);
        }
        long call = s.instructions;
        int returnTo = s.eip + 5;
        d.step(3); // inside the callee
        Stop finished = d.reverseFinish();
        assertEquals(call, s.instructions, finished.headline());
        d.next(); // over the whole call
        assertEquals(returnTo, s.eip);
        Stop back = d.reverseNext();
        assertEquals(call, s.instructions, back.headline());
        assertEquals(state(forward(KERNELS.resolve("paging_lazy/paging_lazy.elf"), "", call)), state(m));
    }
}
