package org.j386.emulator.conform;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.j386.emulator.cpu.Cpu;
import org.j386.emulator.cpu.CpuState;
import org.j386.emulator.cpu.Flags;
import org.j386.emulator.jit.BlockTranslator;
import org.j386.emulator.machine.MachineConfig.CpuTier;
import org.j386.emulator.memory.Mmu;
import org.j386.emulator.memory.PhysicalMemory;
import org.j386.emulator.memory.PortBus;

/**
 * A bare CPU in flat 32-bit protected mode with paging off, over RAM that covers the addresses the
 * vectors use. It replays {@link InstructionVector}s one at a time and says how j386 disagrees
 * with the CPU that recorded them.
 *
 * <p>An exception is observed as the CPU is about to deliver it, and delivery is abandoned there:
 * the state at that point (registers and memory rolled back to the start of the instruction) is
 * what the real CPU showed its signal handler.
 */
public final class VectorMachine {
    private static final int RAM_SIZE = 4 << 20;
    private static final long CODE_CACHE_BYTES = 16 << 20;
    /** Instruction bytes written after the instruction, as the generator's exit jump. */
    private static final byte[] EXIT_JUMP = {(byte) 0xFF, 0x25, 0, 0, 0, 0};
    /** Iterations allowed for one instruction (a REP string instruction retires one per element). */
    private static final int MAX_STEPS = 256;
    /** The flags the vectors record and compare. */
    private static final int COMPARED_FLAGS = Flags.ARITH | Flags.DF;

    private final PhysicalMemory ram = new PhysicalMemory(RAM_SIZE);
    private final Cpu cpu = new Cpu(new Mmu(ram), new PortBus());
    private final CpuState s = cpu.state;
    private final Raised raised = new Raised();

    /** Thrown from the event observer to stop exception delivery; carries no stack trace. */
    private static final class Raised extends RuntimeException {
        int vector;

        Raised() {
            super(null, null, false, false);
        }
    }

    /**
     * Under {@link CpuTier#JIT} every instruction is compiled on first sight as a block of its own, so
     * each form runs through the code the translator generates for it.
     */
    public VectorMachine(CpuTier tier) {
        if (tier == CpuTier.JIT) {
            cpu.setBlockCompiler(new BlockTranslator(cpu.blockRuntime(), 0, 1), CODE_CACHE_BYTES);
        }
        for (int i = 0; i < 6; i++) {
            s.segs[i].setFlat(i == CpuState.CS ? 0x08 : 0x10, i == CpuState.CS);
        }
        // FS as the recording process had it: a data segment at 0x200000 with limit 0xFFFF, which
        // 16-bit addressing forms reach through an FS override.
        s.segs[CpuState.FS].load(0x18, 0x0000FFFF | (InstructionVector.FS_BASE << 16),
                ((InstructionVector.FS_BASE >>> 16) & 0xFF) | 0x00409300 | (InstructionVector.FS_BASE & 0xFF000000));
        s.cr0 |= CpuState.CR0_PE;
        cpu.setEventObserver(new Cpu.EventObserver() {
            @Override
            public void exception(int vector, int errorCode, boolean hasErrorCode, int eip, int cr2) {
                raised.vector = vector;
                throw raised;
            }

            @Override
            public void interrupt(int vector, boolean external, int eip) {
                raised.vector = vector; // INT3, INTO, INT n: traps, delivered like interrupts
                throw raised;
            }
        });
    }

    /** Runs the vector; returns null when j386 agrees with the CPU, else what differs. */
    public Mismatch check(InstructionVector v) {
        load(v);
        int vector = -1;
        try {
            for (int step = 0; step < MAX_STEPS && s.eip == InstructionVector.CODE_ADDRESS; step++) {
                cpu.run(1);
            }
        } catch (Raised r) {
            vector = r.vector;
        }
        try {
            return compare(v, vector);
        } finally {
            unload(v);
        }
    }

    private void load(InstructionVector v) {
        int at = InstructionVector.CODE_ADDRESS;
        for (byte b : v.code) {
            ram.write8(at++, b);
        }
        for (byte b : EXIT_JUMP) {
            ram.write8(at++, b);
        }
        for (int w = 0; w < v.windowAddress.length; w++) {
            byte[] bytes = v.windowBefore[w];
            for (int i = 0; i < bytes.length; i++) {
                ram.write8(v.windowAddress[w] + i, bytes[i]);
            }
        }
        System.arraycopy(v.regs, 0, s.regs, 0, 8);
        // IF is set as it is for the user-mode process that recorded the vectors (PUSHF shows it).
        s.flags.set(v.flags | Flags.IF);
        s.eip = InstructionVector.CODE_ADDRESS;
        s.halted = false;
    }

    /** Zeroes what the vector wrote, so the next one starts from zeroed memory again. */
    private void unload(InstructionVector v) {
        for (int i = 0; i < v.code.length + EXIT_JUMP.length; i++) {
            ram.write8(InstructionVector.CODE_ADDRESS + i, 0);
        }
        for (int w = 0; w < v.windowAddress.length; w++) {
            for (int i = 0; i < v.windowBefore[w].length; i++) {
                ram.write8(v.windowAddress[w] + i, 0);
            }
        }
    }

    private Mismatch compare(InstructionVector v, int vector) {
        List<String> diffs = new ArrayList<>();
        int[] regs;
        byte[][] memory;
        if (v.exception >= 0) {
            if (vector != v.exception) {
                diffs.add("expected " + InstructionVector.exceptionName(v.exception) + ", "
                        + (vector < 0 ? "it completed" : "raised " + InstructionVector.exceptionName(vector)));
                return new Mismatch(v, diffs);
            }
            // A fault leaves the state as it was at the start of the instruction; a trap after it.
            regs = v.regs;
            memory = v.windowBefore;
            if (s.eip != v.finalEip) {
                diffs.add(String.format("eip: expected %08x (%s), got %08x", v.finalEip,
                        v.finalEip == InstructionVector.CODE_ADDRESS ? "the faulting instruction" : "after the trap",
                        s.eip));
            }
        } else {
            if (vector >= 0) {
                diffs.add("raised " + InstructionVector.exceptionName(vector) + ", expected it to complete with "
                        + v.expectedText());
                return new Mismatch(v, diffs);
            }
            regs = v.finalRegs;
            memory = v.windowAfter;
            if (s.eip != v.finalEip) {
                diffs.add(String.format("eip: expected %08x (%s), got %08x", v.finalEip,
                        v.finalEip == InstructionVector.CODE_ADDRESS + v.code.length ? "the next instruction"
                                : "the branch target", s.eip));
            }
            int compared = COMPARED_FLAGS & ~v.undefinedFlags;
            int got = s.flags.get();
            if (((got ^ v.finalFlags) & compared) != 0) {
                diffs.add("eflags: expected " + InstructionVector.flagsText(v.finalFlags & COMPARED_FLAGS) + ", got "
                        + InstructionVector.flagsText(got & COMPARED_FLAGS) + ", differing in "
                        + InstructionVector.flagsText((got ^ v.finalFlags) & compared)
                        + (v.undefinedFlags != 0 ? "; undefined and not compared: "
                                + InstructionVector.flagsText(v.undefinedFlags) : ""));
            }
        }
        for (int i = 0; i < 8; i++) {
            if (s.regs[i] != regs[i]) {
                diffs.add(String.format("%s: expected %08x, got %08x", InstructionVector.registerName(i), regs[i],
                        s.regs[i]));
            }
        }
        for (int w = 0; w < v.windowAddress.length; w++) {
            byte[] expected = memory[w];
            byte[] got = new byte[expected.length];
            for (int i = 0; i < got.length; i++) {
                got[i] = (byte) ram.read8(v.windowAddress[w] + i);
            }
            for (int i = 0; i < got.length; i++) {
                if (got[i] != expected[i]) {
                    diffs.add(String.format("memory at %08x: expected %s, got %s", v.windowAddress[w],
                            HexFormat.of().formatHex(expected), HexFormat.of().formatHex(got)));
                    break;
                }
            }
        }
        return diffs.isEmpty() ? null : new Mismatch(v, diffs);
    }

    /** How j386 disagrees with the CPU on one vector. */
    public static final class Mismatch {
        private final InstructionVector vector;
        private final List<String> differences;

        Mismatch(InstructionVector vector, List<String> differences) {
            this.vector = vector;
            this.differences = List.copyOf(differences);
        }

        public List<String> differences() {
            return differences;
        }

        /** One line: the instruction and the first difference. */
        public String summary() {
            return vector.describe() + ": " + differences.get(0);
        }

        /** Several lines: the bytes, the initial state, and every difference. */
        public String details() {
            StringBuilder b = new StringBuilder();
            b.append("  instruction: ").append(vector.describe()).append('\n');
            b.append("  initial:     ").append(vector.initialText()).append('\n');
            for (String d : differences) {
                b.append("  ").append(d).append('\n');
            }
            return b.toString();
        }
    }
}
