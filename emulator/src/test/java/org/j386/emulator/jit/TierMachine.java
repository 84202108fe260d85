package org.j386.emulator.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.j386.emulator.cpu.Cpu;
import org.j386.emulator.cpu.CpuState;
import org.j386.emulator.cpu.OneInterruptRequest;
import org.j386.emulator.memory.Mmu;
import org.j386.emulator.memory.PhysicalMemory;
import org.j386.emulator.memory.PortBus;
import org.j386.tools.disasm.Disassembler;
import org.j386.tools.disasm.Instruction;

/**
 * A ring-0 flat protected-mode machine for comparing the two CPU tiers: a GDT, an IDT whose
 * handlers let execution go on after the exceptions test code raises, optional paging with a
 * page-fault handler that maps the missing page, and a record of every delivery with the
 * instruction count at which it happened.
 *
 * <p>The handlers assume the faulting instructions are those the tests place: #DE, #UD and #GP
 * with a non-zero error code (a bad selector) resume two bytes past the faulting instruction (the
 * tests raise them only with two-byte forms); #GP(0), an access through FS beyond its limit or
 * while it is null, makes FS a 4 GiB segment at the same base and retries; #PF maps the page of
 * CR2 to {@link #SCRATCH} and retries; traps and software interrupts just return; INT 0x81 (the
 * way ring-3 code stops) and every other vector halt with interrupts disabled.
 *
 * <p>FS starts as {@link #WINDOW_SELECTOR}, the data window as a segment of its own size.
 */
final class TierMachine {
    static final int RAM = 0x80000;
    static final int GDT = 0x1000, IDT = 0x2000, HANDLERS = 0x3000, PAGE_DIR = 0x4000, PAGE_TABLE = 0x5000;
    /** Reachable with 16-bit addressing. */
    static final int LOW_WINDOW = 0x8000, LOW_WINDOW_SIZE = 0x2000;
    static final int CODE = 0x10000, CODE_SIZE = 0x2000;
    static final int DATA = 0x20000, DATA_SIZE = 0x2000;
    static final int STACK_LOW = 0x2E000, STACK_HIGH = 0x30000, INITIAL_ESP = 0x2F000;
    /** The frame the page-fault handler maps missing pages to. */
    static final int SCRATCH = 0x40000;
    /** Linear addresses from here to 4 MiB are never mapped: touching them raises #PF. */
    static final int UNMAPPED = 0x100000, UNMAPPED_END = 0x400000;
    static final int CODE_SELECTOR = 0x08, DATA_SELECTOR = 0x10;
    /** DPL 3 data segments at the data window: its size, and 4 GiB. */
    static final int WINDOW_SELECTOR = 0x1B, WIDE_WINDOW_SELECTOR = 0x23;
    static final int USER_CODE_SELECTOR = 0x2B, USER_DATA_SELECTOR = 0x33, TSS_SELECTOR = 0x38;
    /** One past the last GDT selector: loading it raises #GP. */
    static final int BEYOND_GDT = 0x40;
    static final int TSS = HANDLERS + 0x800, KERNEL_STACK_TOP = STACK_LOW - 0x800;
    /** The vector ring-3 code stops with (its gate lets ring 3 call it). */
    static final int STOP_VECTOR = 0x81;
    /** Vector of the external interrupt the tests raise; its handler only returns. */
    static final int TIMER_VECTOR = 0x20;

    private static final int SKIP2 = HANDLERS, RETURN = HANDLERS + 0x10, GP = HANDLERS + 0x20,
            PF = HANDLERS + 0x40, STOP = HANDLERS + 0x80;

    final PhysicalMemory ram;
    final Mmu mmu;
    final Cpu cpu;
    final CpuState s;
    final List<String> events = new ArrayList<>();
    private final OneInterruptRequest line = new OneInterruptRequest(TIMER_VECTOR, false);

    TierMachine() {
        this(RAM);
    }

    /** With {@code ramBytes} of RAM instead of {@link #RAM}: at least that much, in whole pages. */
    TierMachine(int ramBytes) {
        ram = new PhysicalMemory(ramBytes);
        mmu = new Mmu(ram);
        cpu = new Cpu(mmu, new PortBus());
        s = cpu.state;
        writeDescriptor(1, 0, 0xFFFFF, 0x9A, 0xC);
        writeDescriptor(2, 0, 0xFFFFF, 0x92, 0xC);
        writeDescriptor(3, DATA, DATA_SIZE - 1, 0xF2, 0x4);
        writeDescriptor(4, DATA, 0xFFFFF, 0xF2, 0xC);
        writeDescriptor(5, 0, 0xFFFFF, 0xFA, 0xC);
        writeDescriptor(6, 0, 0xFFFFF, 0xF2, 0xC);
        writeDescriptor(7, TSS, 0x67, 0x89, 0x0);
        ram.write32(TSS + 4, KERNEL_STACK_TOP); // esp0
        ram.write32(TSS + 8, DATA_SELECTOR); // ss0
        ram.write16(TSS + 0x66, 0x68); // no I/O bitmap
        s.gdtBase = GDT;
        s.gdtLimit = 8 * 8 - 1;
        s.idtBase = IDT;
        s.idtLimit = 256 * 8 - 1;
        for (int v = 0; v < 256; v++) {
            gate(v, STOP);
        }
        for (int v : new int[] {0, 6}) {
            gate(v, SKIP2);
        }
        for (int v : new int[] {1, 3, 4, 0x80, TIMER_VECTOR}) {
            gate(v, RETURN);
        }
        gate(13, GP);
        gate(14, PF);
        gate(STOP_VECTOR, STOP);
        for (int v : new int[] {3, 4, 0x80, STOP_VECTOR}) {
            ram.write8(IDT + v * 8 + 5, 0xEE); // DPL 3: ring 3 may raise these
        }
        bytes(SKIP2, "83 04 24 02 CF"); // add dword [esp], 2; iret
        bytes(RETURN, "CF");
        bytes(GP, "83 3C 24 00 75 0D" // cmp dword [esp], 0; jne to the skipping part
                + " 83 C4 04 50 B8" + hex32(WIDE_WINDOW_SELECTOR) + "8E E0 58 CF" // fs = the wide window; retry
                + " 83 C4 04 83 04 24 02 CF"); // drop the error code, skip two bytes
        bytes(PF, "50 53" // push eax; push ebx
                + " 0F 20 D0 89 C3 C1 E8 0C 25 FF 03 00 00" // eax = cr2 >> 12 & 0x3FF; ebx = cr2
                + " C7 04 85" + hex32(PAGE_TABLE) + hex32(SCRATCH | 7) // the PTE maps the scratch frame
                + " 0F 01 3B 5B 58 83 C4 04 CF"); // invlpg [ebx]; pop ebx; pop eax; drop the error code; iret
        bytes(STOP, "F4 EB FD"); // hlt; jmp back to it
        for (int i = 0; i < 6; i++) {
            s.segs[i].setFlat(i == CpuState.CS ? CODE_SELECTOR : DATA_SELECTOR, i == CpuState.CS);
        }
        s.cr0 |= CpuState.CR0_PE;
        cpu.segmentation.loadTaskRegister(TSS_SELECTOR);
        cpu.segmentation.loadSegment(CpuState.FS, WINDOW_SELECTOR);
        s.eip = CODE;
        s.regs[CpuState.ESP] = INITIAL_ESP;
        s.flags.set(2);
        cpu.setInterruptController(line);
        cpu.setEventObserver(new Cpu.EventObserver() {
            @Override
            public void exception(int vector, int errorCode, boolean hasErrorCode, int eip, int cr2) {
                // With the registers and flags as the faulting instruction found them.
                StringBuilder regs = new StringBuilder();
                for (int r = 0; r < 8; r++) {
                    regs.append(String.format(" %s=%08x", CpuState.REGISTER_NAMES[r], s.regs[r]));
                }
                events.add(String.format("exception %d error %s at %08x cr2 %08x after %d instructions:%s eflags=%08x",
                        vector, hasErrorCode ? Integer.toHexString(errorCode) : "-", eip, cr2, s.instructions, regs,
                        s.flags.get()));
            }

            @Override
            public void interrupt(int vector, boolean external, int eip) {
                events.add(String.format("%s interrupt %d at %08x after %d instructions",
                        external ? "external" : "software", vector, eip, s.instructions));
            }
        });
    }

    /** Installs the bytecode tier; threshold 0 compiles every block on first sight. */
    TierMachine jit(int threshold, int maxInstructions, long cacheBytes) {
        cpu.setBlockCompiler(new BlockTranslator(cpu.blockRuntime(), threshold, maxInstructions), cacheBytes);
        return this;
    }

    TierMachine jit() {
        return jit(0, BlockTranslator.DEFAULT_MAX_INSTRUCTIONS, 64L << 20);
    }

    /**
     * Runs what {@code setup} puts on a machine of {@code ramBytes} for {@code budget}
     * instructions on the interpreter and on the bytecode tier (every block compiled on first
     * sight), checks that both end in the same state ({@code when} says of which case, in the
     * message) and returns the compiled one.
     */
    static TierMachine onBothTiers(int ramBytes, Consumer<TierMachine> setup, long budget, String when) {
        TierMachine reference = new TierMachine(ramBytes);
        setup.accept(reference);
        reference.run(budget);
        TierMachine jit = new TierMachine(ramBytes);
        setup.accept(jit);
        jit.jit().run(budget);
        assertEquals("", jit.differencesFrom(reference), when + "the bytecode tier disagrees with the interpreter");
        return jit;
    }

    /**
     * Identity-maps all of RAM through one page table and turns paging on through MOV CR3 and MOV
     * CR0, as a guest would; with {@code writeProtect} the second data page is read-only and
     * CR0.WP makes ring 0 respect it.
     */
    TierMachine paging(boolean writeProtect) {
        ram.write32(PAGE_DIR, PAGE_TABLE | 7);
        for (int page = 0; page < ram.size() >>> 12; page++) {
            ram.write32(PAGE_TABLE + 4 * page, (page << 12) | 7);
        }
        if (writeProtect) {
            ram.write32(PAGE_TABLE + 4 * ((DATA + 0x1000) >>> 12), (DATA + 0x1000) | 5);
        }
        cpu.system.writeControl(3, PAGE_DIR);
        cpu.system.writeControl(0, s.cr0 | CpuState.CR0_PG | (writeProtect ? CpuState.CR0_WP : 0));
        return this;
    }

    /**
     * Puts the CPU in ring 3 on the user code and data segments (FS stays the window); exceptions
     * and interrupts then switch to the ring-0 stack of the TSS.
     */
    TierMachine ring3() {
        s.segs[CpuState.CS].setFlat(USER_CODE_SELECTOR, true);
        s.segs[CpuState.CS].attributes |= 3 << 5;
        cpu.setCpl(3);
        for (int sreg : new int[] {CpuState.ES, CpuState.SS, CpuState.DS, CpuState.GS}) {
            cpu.segmentation.loadSegment(sreg, USER_DATA_SELECTOR);
        }
        return this;
    }

    /** Makes the page of {@code linear} reachable from ring 0 only. */
    void supervisorOnly(int linear) {
        int pte = PAGE_TABLE + 4 * (linear >>> 12);
        ram.write32(pte, ram.read32(pte) & ~4);
    }

    /** Points linear page {@code linear} at physical frame {@code physical}, in the page table. */
    void map(int linear, int physical) {
        ram.write32(PAGE_TABLE + 4 * (linear >>> 12), (physical & ~0xFFF) | 7);
    }

    TierMachine code(int address, String hex) {
        bytes(address, hex);
        return this;
    }

    void bytes(int address, String hex) {
        String h = hex.replaceAll("\\s+", "");
        for (int i = 0; i < h.length() / 2; i++) {
            ram.write8(address + i, Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16));
        }
    }

    void bytes(int address, byte[] b) {
        for (int i = 0; i < b.length; i++) {
            ram.write8(address + i, b[i]);
        }
    }

    /** Little-endian hex of a dword, for building code strings. */
    static String hex32(int v) {
        return String.format(" %02X %02X %02X %02X ", v & 0xFF, (v >>> 8) & 0xFF, (v >>> 16) & 0xFF, v >>> 24);
    }

    /** The bytes of CALL rel32 at {@code from} to {@code target}. */
    static String callRel(int from, int target) {
        return "E8" + hex32(target - (from + 5));
    }

    /** access is the P/DPL/S/type byte, flags G/D/L/AVL. */
    private void writeDescriptor(int index, int base, int limit, int access, int flags) {
        ram.write32(GDT + index * 8, (limit & 0xFFFF) | (base << 16));
        ram.write32(GDT + index * 8 + 4, ((base >>> 16) & 0xFF) | (access << 8) | (limit & 0xF0000) | (flags << 20)
                | (base & 0xFF000000));
    }

    /** An interrupt gate: the handlers run with IF and TF clear. */
    private void gate(int vector, int offset) {
        ram.write32(IDT + vector * 8, (CODE_SELECTOR << 16) | (offset & 0xFFFF));
        ram.write32(IDT + vector * 8 + 4, (offset & 0xFFFF0000) | 0x8E00);
    }

    /** Raises the INTR line with {@link #TIMER_VECTOR}; it stays up until the CPU takes it. */
    void raiseInterrupt() {
        line.raise();
        s.requestAttention();
    }

    void run(long budget) {
        cpu.run(budget);
    }

    /** The state now, kept: later runs do not change it. */
    Snapshot snapshot() {
        return new Snapshot(s.regs.clone(), s.eip, s.flags.get(), s.instructions, s.cr2, s.halted, cpu.stop(),
                segments(), tlbCounts(), List.copyOf(events), ram.array().clone());
    }

    /** Compares with {@code reference} as they stand, without copying memory; empty when they agree. */
    String differencesFrom(TierMachine reference) {
        return live().differencesFrom(reference.live());
    }

    private Snapshot live() {
        return new Snapshot(s.regs, s.eip, s.flags.get(), s.instructions, s.cr2, s.halted, cpu.stop(),
                segments(), tlbCounts(), events, ram.array());
    }

    /** Selectors, bases and limits of the segment registers, and the CPL. */
    private String segments() {
        StringBuilder b = new StringBuilder("cpl " + s.cpl);
        for (int i = 0; i < 6; i++) {
            b.append(String.format(" %s=%04x/%08x/%08x", CpuState.SEGMENT_NAMES[i], s.segs[i].selector, s.segs[i].base,
                    s.segs[i].limit));
        }
        return b.toString();
    }

    /** The TLB's statistics, which --stats prints: the same under either tier. */
    private String tlbCounts() {
        return "hits " + mmu.tlbHits() + ", misses " + mmu.tlbMisses() + ", page faults " + mmu.pageFaults();
    }

    /** Everything the two tiers must agree on. */
    record Snapshot(int[] regs, int eip, int eflags, long instructions, int cr2, boolean halted, Cpu.Stop stop,
            String segments, String tlbCounts, List<String> events, byte[] ram) {
        /** The differences from {@code other} (the reference), one per line; empty when none. */
        String differencesFrom(Snapshot other) {
            StringBuilder d = new StringBuilder();
            for (int r = 0; r < 8; r++) {
                diff(d, CpuState.REGISTER_NAMES[r], other.regs[r], regs[r]);
            }
            diff(d, "eip", other.eip, eip);
            if (other.eflags != eflags) {
                d.append(String.format("eflags: expected %08x (%s) but was %08x (%s)%n", other.eflags,
                        flagNames(other.eflags), eflags, flagNames(eflags)));
            }
            if (other.instructions != instructions) {
                d.append("instructions: expected ").append(other.instructions).append(" but was ")
                        .append(instructions).append('\n');
            }
            diff(d, "cr2", other.cr2, cr2);
            if (!other.segments.equals(segments)) {
                d.append("segments: expected ").append(other.segments).append(" but were ").append(segments).append('\n');
            }
            if (!other.tlbCounts.equals(tlbCounts)) {
                d.append("TLB: expected ").append(other.tlbCounts).append(" but was ").append(tlbCounts).append('\n');
            }
            if (other.halted != halted || other.stop != stop) {
                d.append("halted/stop: expected ").append(other.halted).append('/').append(other.stop)
                        .append(" but was ").append(halted).append('/').append(stop).append('\n');
            }
            if (!other.events.equals(events)) {
                d.append("events: expected\n  ").append(String.join("\n  ", other.events))
                        .append("\nbut were\n  ").append(String.join("\n  ", events)).append('\n');
            }
            int at = Arrays.mismatch(other.ram, ram);
            if (at >= 0) {
                d.append(String.format("memory differs first at %05x: expected %02x but was %02x%n", at,
                        other.ram[at] & 0xFF, ram[at] & 0xFF));
            }
            return d.toString();
        }

        private static void diff(StringBuilder d, String what, int expected, int actual) {
            if (expected != actual) {
                d.append(String.format("%s: expected %08x but was %08x%n", what, expected, actual));
            }
        }
    }

    static String flagNames(int eflags) {
        StringBuilder b = new StringBuilder();
        String[] names = {"CF", "", "PF", "", "AF", "", "ZF", "SF", "TF", "IF", "DF", "OF"};
        for (int i = 0; i < names.length; i++) {
            if (!names[i].isEmpty() && (eflags & (1 << i)) != 0) {
                b.append(b.length() > 0 ? " " : "").append(names[i]);
            }
        }
        return b.toString();
    }

    /** A listing of {@code code} as placed at {@code origin}, for failure messages. */
    static String listing(byte[] code, int origin) {
        StringBuilder b = new StringBuilder();
        for (Instruction i : Disassembler.disassemble(code, origin, 32)) {
            b.append("  ").append(i).append('\n');
        }
        return b.toString();
    }
}
