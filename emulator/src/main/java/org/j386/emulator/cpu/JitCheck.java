package org.j386.emulator.cpu;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

import org.j386.emulator.memory.Mmu;
import org.j386.emulator.memory.PageFault;
import org.j386.emulator.memory.PhysicalMemory;
import org.j386.emulator.memory.TranslationChange;
import org.j386.emulator.memory.WriteJournal;

/**
 * {@code --jit-check}: every compiled block the run loop enters is run twice, compiled and then
 * on the interpreter from the same starting state, and the two results must agree: registers,
 * EIP, EFLAGS, the instruction count, CR2, the fault raised, if any, and every byte either run
 * wrote. On agreement the machine goes on from the interpreter's result; on the first difference
 * it is put back at the block's entry and stopped ({@link Cpu.Stop#JIT_MISMATCH}) with a report.
 *
 * <p>Only what a block can change is saved and put back: the state above, the halt and
 * interrupt-shadow state of CLI, STI, POPF and HLT, and RAM (through a {@link WriteJournal}).
 * Blocks that hold an instruction with effects beyond that (port I/O, interrupts, control and
 * segment registers: the other operations the table marks {@link OpInfo#ATTENTION}) run once,
 * unchecked, and are counted.
 *
 * <p><b>The TLB</b> is not put back wholesale, but every entry the first run filled or changed is
 * dropped before the second: such an entry would spare the second run the accessed and dirty bits
 * the first one wrote (and the undo took back). Entries that were there before stay, so a guest
 * that reads through a stale translation, as hardware and QEMU allow, does so under both runs.
 */
final class JitCheck {
    private final Cpu cpu;
    private final CpuState s;
    private final Mmu mmu;
    private final PhysicalMemory ram;
    private final Executor executor;
    private final CodeCache cache;
    /** The guest code and bytecode of a block, as text, for the report. */
    private final Function<CompiledBlock, String> describer;
    private final WriteJournal compiledWrites = new WriteJournal();
    private final WriteJournal interpretedWrites = new WriteJournal();

    long checkedRuns;
    long uncheckedRuns;
    /** The full report of the difference found; empty until then. */
    String report = "";

    JitCheck(Cpu cpu, Executor executor, CodeCache cache, Function<CompiledBlock, String> describer) {
        this.cpu = cpu;
        this.s = cpu.state;
        this.mmu = cpu.mmu;
        this.ram = cpu.mmu.physical();
        this.executor = executor;
        this.cache = cache;
        this.describer = describer;
    }

    /** In place of {@code b.run(limit)}: the same contract, faults included. */
    void run(CompiledBlock b, long limit) {
        if (!replayable(b)) {
            uncheckedRuns++;
            b.run(limit);
            return;
        }
        checkedRuns++;
        State before = new State(cpu);
        Map<Integer, Integer> tlbBefore = tlbEntries();

        RuntimeException thrown = runJournaled(compiledWrites, () -> b.run(limit));
        State compiled = new State(cpu);
        Fault compiledFault = Fault.of(thrown);
        Map<Integer, Integer> compiledOriginal = compiledWrites.originalBytes();
        Map<Integer, Integer> compiledBytes = new TreeMap<>();
        for (int a : compiledOriginal.keySet()) {
            compiledBytes.put(a, ram.read8(a));
        }
        compiledWrites.undo(ram);
        forgetTlbEntriesSince(tlbBefore);
        before.restore(cpu);

        long target = compiled.instructions;
        thrown = runJournaled(interpretedWrites, () -> interpret(target));
        State interpreted = new State(cpu);
        Fault interpretedFault = Fault.of(thrown);
        Map<Integer, Integer> interpretedOriginal = interpretedWrites.originalBytes();

        List<String> differences = interpreted.differences(compiled);
        if (!Fault.same(compiledFault, interpretedFault)) {
            differences.add("fault");
        }
        // Every byte either run wrote, as each run left it: a byte one run did not write kept its
        // original value there.
        TreeSet<Integer> written = new TreeSet<>(compiledOriginal.keySet());
        written.addAll(interpretedOriginal.keySet());
        List<int[]> memory = new ArrayList<>();
        boolean memoryDiffers = false;
        for (int a : written) {
            int c = compiledBytes.containsKey(a) ? compiledBytes.get(a) : interpretedOriginal.get(a);
            int i = interpretedOriginal.containsKey(a) ? ram.read8(a) : compiledOriginal.get(a);
            int original = compiledOriginal.containsKey(a) ? compiledOriginal.get(a) : interpretedOriginal.get(a);
            memory.add(new int[] {a, original, c, i});
            memoryDiffers |= c != i;
        }
        if (memoryDiffers) {
            differences.add("memory");
        }
        if (differences.isEmpty()) {
            if (thrown != null) {
                throw thrown; // the interpreter's own fault, delivered by the run loop as usual
            }
            return;
        }
        // Back to the block's entry, so that the machine stops where the difference begins.
        interpretedWrites.undo(ram);
        forgetTlbEntriesSince(tlbBefore);
        before.restore(cpu);
        String headline = String.format("jit check: the compiled block at eip=0x%08x differs from the interpreter in %s",
                b.eip, String.join(", ", differences));
        report = report(b, before, compiled, interpreted, compiledFault, interpretedFault, memory);
        cpu.stopFor(Cpu.Stop.JIT_MISMATCH, headline);
    }

    /** Whether running the block twice has no effect beyond what is saved and compared. */
    private static boolean replayable(CompiledBlock b) {
        if (b.listing == null) {
            return true; // nothing known: a block made by hand, which is checked as it is
        }
        for (Insn d : b.listing.insns()) {
            int op = d.op();
            if (OpInfo.has(op, OpInfo.ATTENTION) && op != Op.CLI && op != Op.STI && op != Op.POPF && op != Op.HLT) {
                return false;
            }
        }
        return true;
    }

    /** The TLB's cached translations: linear page to frame and rights bits. */
    private Map<Integer, Integer> tlbEntries() {
        Map<Integer, Integer> entries = new HashMap<>();
        mmu.forEachCachedTranslation((page, frame, supervisorWrite, userRead, userWrite, dirty, global) ->
                entries.put(page, frame | (supervisorWrite ? 1 : 0) | (userRead ? 2 : 0) | (userWrite ? 4 : 0)
                        | (dirty ? 8 : 0) | (global ? 16 : 0)));
        return entries;
    }

    /** Drops each TLB entry that is not as it was in {@code earlier}. */
    private void forgetTlbEntriesSince(Map<Integer, Integer> earlier) {
        tlbEntries().forEach((page, entry) -> {
            if (!entry.equals(earlier.get(page))) {
                mmu.invalidatePage(page, TranslationChange.EMULATOR);
            }
        });
    }

    /** Runs {@code stretch} with RAM writes journaled; returns the fault it raised, if any. */
    private RuntimeException runJournaled(WriteJournal journal, Runnable stretch) {
        ram.setWriteJournal(journal.clear());
        try {
            cache.codeWritten = false;
            stretch.run();
            return null;
        } catch (PageFault | CpuFault f) {
            return f;
        } finally {
            ram.setWriteJournal(null);
        }
    }

    /**
     * The run loop's own path, instruction by instruction, until {@code target} instructions have
     * retired or one faults (left as the run loop leaves it before delivery: EIP and ESP of its start).
     */
    private void interpret(long target) {
        while (s.instructions < target) {
            int eip = s.eip;
            int esp = s.regs[CpuState.ESP];
            try {
                Insn d = cache.fetch(eip);
                s.instructions++;
                s.eip = eip + d.length;
                executor.execute(d);
            } catch (PageFault | CpuFault f) {
                s.eip = eip;
                s.regs[CpuState.ESP] = esp;
                throw f;
            }
        }
    }

    /** What a block may change, besides RAM. */
    private static final class State {
        final int[] regs;
        final int eip;
        final Flags flags = new Flags();
        final long instructions;
        final int cr2;
        final boolean halted;
        final boolean interruptShadow;
        final boolean trapShadow;
        final boolean singleStepPending;
        final boolean attention;
        final boolean stopRequested;
        final Cpu.Stop stop;
        final String stopDetail;

        State(Cpu cpu) {
            CpuState s = cpu.state;
            regs = s.regs.clone();
            eip = s.eip;
            flags.copyFrom(s.flags);
            instructions = s.instructions;
            cr2 = s.cr2;
            halted = s.halted;
            interruptShadow = s.interruptShadow;
            trapShadow = s.trapShadow;
            singleStepPending = s.singleStepPending;
            attention = s.attention;
            stopRequested = s.stopRequested;
            stop = cpu.stop;
            stopDetail = cpu.stopDetail;
        }

        void restore(Cpu cpu) {
            CpuState s = cpu.state;
            System.arraycopy(regs, 0, s.regs, 0, regs.length);
            s.eip = eip;
            s.flags.copyFrom(flags);
            s.instructions = instructions;
            s.cr2 = cr2;
            s.halted = halted;
            s.interruptShadow = interruptShadow;
            s.trapShadow = trapShadow;
            s.singleStepPending = singleStepPending;
            s.attention = attention;
            s.stopRequested = stopRequested;
            cpu.stop = stop;
            cpu.stopDetail = stopDetail;
        }

        /** The names of the fields in which this state and {@code other} differ. */
        List<String> differences(State other) {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < regs.length; i++) {
                if (regs[i] != other.regs[i]) {
                    names.add(CpuState.REGISTER_NAMES[i]);
                }
            }
            if (eip != other.eip) {
                names.add("eip");
            }
            if (flags.get() != other.flags.get()) {
                names.add("eflags");
            }
            if (instructions != other.instructions) {
                names.add("instructions");
            }
            if (cr2 != other.cr2) {
                names.add("cr2");
            }
            if (halted != other.halted) {
                names.add("halted");
            }
            if (interruptShadow != other.interruptShadow) {
                names.add("interrupt shadow");
            }
            if (stop != other.stop) {
                names.add("stop");
            }
            return names;
        }
    }

    /** A raised fault, copied: the exception objects are reused by the next fault. */
    private record Fault(int vector, int errorCode, int cr2) {
        static Fault of(RuntimeException f) {
            if (f instanceof PageFault pf) {
                return new Fault(Vectors.PF, pf.errorCode(), pf.linearAddress());
            }
            if (f instanceof CpuFault cf) {
                return new Fault(cf.vector(), cf.hasErrorCode() ? cf.errorCode() : 0, 0);
            }
            return null;
        }

        static boolean same(Fault a, Fault b) {
            return a == null ? b == null : a.equals(b);
        }

        @Override
        public String toString() {
            return String.format("%s(0x%x)%s", Vectors.name(vector), errorCode,
                    vector == Vectors.PF ? String.format(" cr2=%08x", cr2) : "");
        }
    }

    private String report(CompiledBlock b, State before, State compiled, State interpreted,
            Fault compiledFault, Fault interpretedFault, List<int[]> memory) {
        // The headline itself is the run's message, printed above this report.
        StringBuilder r = new StringBuilder();
        r.append(String.format("%-14s %-12s %-12s %s%n", "", "before", "compiled", "interpreter"));
        for (int i = 0; i < 8; i++) {
            row(r, CpuState.REGISTER_NAMES[i], hex(before.regs[i]), hex(compiled.regs[i]), hex(interpreted.regs[i]));
        }
        row(r, "eip", hex(before.eip), hex(compiled.eip), hex(interpreted.eip));
        row(r, "eflags", hex(before.flags.get()), hex(compiled.flags.get()), hex(interpreted.flags.get()));
        row(r, "instructions", Long.toString(before.instructions), Long.toString(compiled.instructions),
                Long.toString(interpreted.instructions));
        row(r, "cr2", hex(before.cr2), hex(compiled.cr2), hex(interpreted.cr2));
        row(r, "fault", "", String.valueOf(compiledFault == null ? "none" : compiledFault),
                String.valueOf(interpretedFault == null ? "none" : interpretedFault));
        if (compiled.halted != interpreted.halted || compiled.interruptShadow != interpreted.interruptShadow) {
            row(r, "halted", Boolean.toString(before.halted), Boolean.toString(compiled.halted),
                    Boolean.toString(interpreted.halted));
            row(r, "int. shadow", Boolean.toString(before.interruptShadow), Boolean.toString(compiled.interruptShadow),
                    Boolean.toString(interpreted.interruptShadow));
        }
        if (compiled.stop != interpreted.stop) {
            row(r, "stop", before.stop.name(), compiled.stop.name(), interpreted.stop.name());
        }
        r.append(memory.isEmpty() ? "memory: neither run wrote any\n"
                : String.format("memory: %d bytes written (address: before, compiled, interpreter)%n", memory.size()));
        int shown = 0;
        for (int[] m : memory) {
            // The bytes that differ first; a few of the others for context.
            if (m[2] != m[3] || shown < 16) {
                r.append(String.format("  %08x: %02x %02x %02x%s%n", m[0], m[1], m[2], m[3], m[2] != m[3] ? "  <<" : ""));
                shown++;
            }
        }
        r.append(String.format("block: %d instructions at most per entry%n", b.length));
        r.append(describer.apply(b));
        return r.toString();
    }

    private static void row(StringBuilder r, String name, String before, String compiled, String interpreted) {
        r.append(String.format("%-14s %-12s %-12s %-12s%s%n", name, before, compiled, interpreted,
                compiled.equals(interpreted) ? "" : "<<").stripTrailing()).append('\n');
    }

    private static String hex(int v) {
        return String.format("%08x", v);
    }
}
