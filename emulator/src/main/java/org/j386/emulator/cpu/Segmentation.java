package org.j386.emulator.cpu;

import static org.j386.emulator.cpu.CpuState.*;

/**
 * Segmentation: loading segment registers from the GDT/LDT with the type, privilege and presence
 * checks, and the far transfers that reload CS. In real-address mode a selector is a paragraph
 * number and only the selector and base change (see {@link #loadReal}).
 *
 * <p>A far JMP or CALL through a call gate goes on in {@link CallGates}; one to a TSS or task gate
 * switches tasks ({@link TaskSwitch}).
 */
public final class Segmentation {
    // Bits of a descriptor's high dword.
    static final int D_ACCESSED = 0x100, D_RW = 0x200, D_CONFORMING = 0x400, D_CODE = 0x800, D_S = 0x1000,
            D_PRESENT = 0x8000;
    private static final int[] DATA_SEGMENTS = {ES, DS, FS, GS};

    private final Cpu cpu;
    private final CpuState s;
    private final SystemStack stack;
    private final CallGates callGates;
    /** Scratch descriptor cache, filled before a load is committed. */
    private final Segment candidate = new Segment();

    Segmentation(Cpu cpu) {
        this.cpu = cpu;
        this.s = cpu.state;
        this.stack = new SystemStack(cpu);
        this.callGates = new CallGates(cpu, this);
    }

    /** Whether {@code size} bytes at {@code offset} lie inside the segment (expand-down aware). */
    public static boolean withinLimit(Segment seg, int offset, int size) {
        long first = offset & 0xFFFFFFFFL;
        long last = first + size - 1;
        long limit = seg.limit & 0xFFFFFFFFL;
        if (seg.expandDown()) {
            long upper = seg.big() ? 0xFFFFFFFFL : 0xFFFFL;
            return first > limit && last <= upper;
        }
        return last <= limit;
    }

    /**
     * Reads the 8-byte descriptor for {@code selector} from the GDT or LDT (implicit supervisor
     * reads). A selector beyond the table's limit is #GP(selector | ext).
     */
    long readDescriptor(int selector, int ext) {
        if (!withinTable(selector)) {
            throw s.fault.generalProtection((selector & 0xFFFC) | ext);
        }
        return fetchDescriptor(selector);
    }

    /**
     * The descriptor LAR, LSL, VERR and VERW examine, or 0 when there is none to examine (a null
     * selector, or one beyond its table's limit): these instructions report a bad selector in ZF
     * rather than fault, and an all-zero descriptor (reserved system type 0) passes none of them.
     */
    long probeDescriptor(int selector) {
        if ((selector & 0xFFFC) == 0 || !withinTable(selector)) {
            return 0;
        }
        return fetchDescriptor(selector);
    }

    /** Whether the selector's descriptor lies inside the GDT, or inside a loaded LDT. */
    private boolean withinTable(int selector) {
        int limit;
        if ((selector & 4) != 0) {
            if (!s.ldtr.usable) {
                return false;
            }
            limit = s.ldtr.limit;
        } else {
            limit = s.gdtLimit;
        }
        return Integer.compareUnsigned((selector & 0xFFF8) + 7, limit) <= 0;
    }

    private long fetchDescriptor(int selector) {
        int address = ((selector & 4) != 0 ? s.ldtr.base : s.gdtBase) + (selector & 0xFFF8);
        int low = cpu.mmu.readAs(address, 4, false);
        int high = cpu.mmu.readAs(address + 4, 4, false);
        return (low & 0xFFFFFFFFL) | ((long) high << 32);
    }

    /** Sets the descriptor's accessed bit in memory, as the processor does on a segment load. */
    void markAccessed(int selector, long descriptor) {
        int high = (int) (descriptor >>> 32);
        if ((high & D_ACCESSED) != 0) {
            return;
        }
        int base = (selector & 4) != 0 ? s.ldtr.base : s.gdtBase;
        cpu.mmu.writeAs(base + (selector & 0xFFF8) + 4, 4, high | D_ACCESSED, false);
    }

    /**
     * A segment load in real-address mode: base = selector × 16. The limit and attributes cached
     * by the last protected-mode load stay, as on the processor, which is what lets a segment
     * loaded with a 4 GiB limit before PE was cleared keep it ("unreal" mode).
     */
    private static void loadReal(Segment seg, int selector) {
        seg.selector = selector & 0xFFFF;
        seg.base = (selector & 0xFFFF) << 4;
        seg.usable = true;
    }

    /** MOV Sreg, POP Sreg, LDS/LES/LFS/LGS/LSS: loads ES, SS, DS, FS or GS (never CS). */
    public void loadSegment(int sreg, int selector) {
        selector &= 0xFFFF;
        if (s.realAddressing()) {
            loadReal(s.segs[sreg], selector);
            return;
        }
        int rpl = selector & 3;
        int code = selector & 0xFFFC;
        if (sreg == SS) {
            if (code == 0) {
                throw s.fault.generalProtection(0);
            }
            long d = readDescriptor(selector, 0);
            int high = (int) (d >>> 32);
            int dpl = (high >>> 13) & 3;
            boolean writableData = (high & (D_S | D_CODE | D_RW)) == (D_S | D_RW);
            if (rpl != s.cpl || dpl != s.cpl || !writableData) {
                throw s.fault.generalProtection(code);
            }
            if ((high & D_PRESENT) == 0) {
                throw s.fault.stackFault(code);
            }
            markAccessed(selector, d);
            s.segs[SS].load(selector, (int) d, high | D_ACCESSED);
            return;
        }
        if (code == 0) {
            s.segs[sreg].setNull(selector);
            return;
        }
        long d = readDescriptor(selector, 0);
        int high = (int) (d >>> 32);
        int dpl = (high >>> 13) & 3;
        boolean isSegment = (high & D_S) != 0;
        boolean isCode = (high & D_CODE) != 0;
        boolean readable = !isCode || (high & D_RW) != 0;
        if (!isSegment || !readable) {
            throw s.fault.generalProtection(code);
        }
        boolean conformingCode = isCode && (high & D_CONFORMING) != 0;
        if (!conformingCode && (rpl > dpl || s.cpl > dpl)) {
            throw s.fault.generalProtection(code);
        }
        if ((high & D_PRESENT) == 0) {
            throw s.fault.notPresent(code);
        }
        markAccessed(selector, d);
        s.segs[sreg].load(selector, (int) d, high | D_ACCESSED);
    }

    /**
     * Checks that {@code selector} names a present code segment a far JMP/CALL/RET may enter at
     * privilege {@code targetCpl}, and leaves it in {@link #candidate}.
     */
    private long checkCodeTarget(int selector, int targetCpl, boolean isReturn) {
        int code = selector & 0xFFFC;
        if (code == 0) {
            throw s.fault.generalProtection(0);
        }
        long d = readDescriptor(selector, 0);
        int high = (int) (d >>> 32);
        if ((high & (D_S | D_CODE)) != (D_S | D_CODE)) {
            throw s.fault.generalProtection(code); // data segment, call gate, TSS or task gate
        }
        int dpl = (high >>> 13) & 3;
        int rpl = selector & 3;
        if ((high & D_CONFORMING) != 0) {
            if (dpl > (isReturn ? rpl : s.cpl)) {
                throw s.fault.generalProtection(code);
            }
        } else if (isReturn ? dpl != rpl : (rpl > s.cpl || dpl != s.cpl)) {
            throw s.fault.generalProtection(code);
        }
        if ((high & D_PRESENT) == 0) {
            throw s.fault.notPresent(code);
        }
        candidate.load((selector & 0xFFFC) | targetCpl, (int) d, high | D_ACCESSED);
        return d;
    }

    /** Commits CS:EIP to the code segment last checked by {@link #checkCodeTarget} (#GP(0) beyond its limit). */
    void enterCode(int selector, long descriptor, int offset) {
        enterCode(candidate, selector, descriptor, offset);
    }

    /**
     * Commits CS:EIP: {@code code} (a checked copy of the descriptor of {@code selector}, its RPL
     * the new CPL) becomes CS and its descriptor is marked accessed; #GP(0) with nothing changed
     * when {@code offset} lies beyond its limit.
     */
    void enterCode(Segment code, int selector, long descriptor, int offset) {
        if (Integer.compareUnsigned(offset, code.limit) > 0) {
            throw s.fault.generalProtection(0);
        }
        markAccessed(selector, descriptor);
        s.segs[CS].copyFrom(code);
        cpu.codeSegmentLoaded();
        s.eip = offset;
    }

    /**
     * Real-address or virtual-8086 mode: CS:EIP from a far JMP, CALL, RET or IRET, or an
     * interrupt vector.
     */
    void enterRealCode(int selector, int offset) {
        if (Integer.compareUnsigned(offset, s.segs[CS].limit) > 0) {
            throw s.fault.generalProtection(0);
        }
        loadReal(s.segs[CS], selector);
        cpu.codeSegmentLoaded();
        s.eip = offset;
    }

    /** JMP ptr16:32 / JMP m16:32. */
    public void farJump(int selector, int offset) {
        if (s.realAddressing()) {
            enterRealCode(selector, offset);
            return;
        }
        if (cpu.tasks.farTransfer(selector, false) || callGates.jump(selector)) {
            return;
        }
        long d = checkCodeTarget(selector, s.cpl, false);
        enterCode(selector, d, offset);
    }

    /** CALL ptr16:32 / CALL m16:32: pushes CS and {@code returnOffset}, then jumps. */
    public void farCall(int selector, int offset, boolean operand32, int returnOffset) {
        boolean real = s.realAddressing();
        long d = 0;
        if (!real && (cpu.tasks.farTransfer(selector, true) || callGates.call(selector, returnOffset))) {
            return;
        }
        if (real) {
            if (Integer.compareUnsigned(offset, s.segs[CS].limit) > 0) {
                throw s.fault.generalProtection(0);
            }
        } else {
            d = checkCodeTarget(selector, s.cpl, false);
            if (Integer.compareUnsigned(offset, candidate.limit) > 0) {
                throw s.fault.generalProtection(0);
            }
        }
        int size = operand32 ? 4 : 2;
        stack.current();
        stack.push(size, s.segs[CS].selector);
        stack.push(size, returnOffset);
        if (real) {
            enterRealCode(selector, offset);
        } else {
            enterCode(selector, d, offset);
        }
        s.regs[ESP] = stack.espFor(s.regs[ESP]);
    }

    /** RETF / RETF imm16: pops EIP and CS, then releases {@code immediate} bytes of parameters. */
    public void farReturn(boolean operand32, int immediate) {
        int size = operand32 ? 4 : 2;
        stack.current();
        int offset = stack.read(0, size);
        int selector = stack.read(size, size) & 0xFFFF;
        if (s.realAddressing()) {
            enterRealCode(selector, offset);
            stack.release(2 * size + immediate);
            s.regs[ESP] = stack.espFor(s.regs[ESP]);
            return;
        }
        int rpl = selector & 3;
        if (rpl < s.cpl) {
            throw s.fault.generalProtection(selector & 0xFFFC);
        }
        long d = checkCodeTarget(selector, rpl, true);
        if (rpl == s.cpl) {
            stack.release(2 * size + immediate);
            enterCode(selector, d, offset);
            s.regs[ESP] = stack.espFor(s.regs[ESP]);
            return;
        }
        // Return to an outer ring: the caller's SS:ESP sits above the parameters.
        int newEsp = stack.read(2 * size + immediate, size);
        int newSs = stack.read(3 * size + immediate, size) & 0xFFFF;
        returnToOuterRing(selector, d, offset, newSs, newEsp + immediate);
    }

    /**
     * Commits a return to the less privileged ring {@code csSelector & 3} (far RET or IRET): checks
     * the outer stack segment, loads CS:EIP and SS:ESP, and nulls data segment registers the outer
     * ring may not use.
     */
    void returnToOuterRing(int csSelector, long csDescriptor, int offset, int ssSelector, int esp) {
        int rpl = csSelector & 3;
        int ssCode = ssSelector & 0xFFFC;
        if (ssCode == 0) {
            throw s.fault.generalProtection(0);
        }
        long sd = readDescriptor(ssSelector, 0);
        int high = (int) (sd >>> 32);
        boolean writableData = (high & (D_S | D_CODE | D_RW)) == (D_S | D_RW);
        if ((ssSelector & 3) != rpl || ((high >>> 13) & 3) != rpl || !writableData) {
            throw s.fault.generalProtection(ssCode);
        }
        if ((high & D_PRESENT) == 0) {
            throw s.fault.stackFault(ssCode);
        }
        if (Integer.compareUnsigned(offset, candidate.limit) > 0) {
            throw s.fault.generalProtection(0); // before either descriptor is marked accessed
        }
        markAccessed(ssSelector, sd);
        enterCode(csSelector, csDescriptor, offset);
        s.segs[SS].load(ssSelector, (int) sd, high | D_ACCESSED);
        s.regs[ESP] = s.segs[SS].big() ? esp : (s.regs[ESP] & 0xFFFF0000) | (esp & 0xFFFF);
        cpu.setCpl(rpl);
        for (int sreg : DATA_SEGMENTS) {
            Segment seg = s.segs[sreg];
            boolean dataOrNonConforming = !seg.isCode() || !seg.conforming();
            if (seg.usable && dataOrNonConforming && seg.dpl() < rpl) {
                seg.setNull(0);
            }
        }
    }

    /** Data segments as an entry into virtual-8086 mode loads them: DPL 3, 64 KiB, read/write. */
    private static final int V86_SEGMENT = Segment.PRESENT | Segment.CODE_OR_DATA | Segment.READ_WRITE
            | Segment.ACCESSED | (3 << 5);

    /** Loads a segment register for virtual-8086 mode with its whole cache (IRET into V86 mode). */
    void loadV86(int sreg, int selector) {
        Segment seg = s.segs[sreg];
        loadReal(seg, selector);
        seg.limit = 0xFFFF;
        seg.attributes = V86_SEGMENT;
    }

    /** Outer-ring return needs the code descriptor checked by {@link #checkCodeTarget}. */
    long checkReturnTarget(int selector) {
        return checkCodeTarget(selector, selector & 3, true);
    }

    /** LLDT. */
    public void loadLdt(int selector) {
        cpu.system.requireRing0();
        int code = selector & 0xFFFC;
        if (code == 0) {
            s.ldtr.setNull(selector);
            return;
        }
        if ((selector & 4) != 0) {
            throw s.fault.generalProtection(code);
        }
        long d = readDescriptor(selector, 0);
        int high = (int) (d >>> 32);
        if ((high & D_S) != 0 || ((high >>> 8) & 0xF) != 2) {
            throw s.fault.generalProtection(code);
        }
        if ((high & D_PRESENT) == 0) {
            throw s.fault.notPresent(code);
        }
        s.ldtr.load(selector, (int) d, high);
    }

    /** LTR: loads an available TSS and marks it busy. */
    public void loadTaskRegister(int selector) {
        cpu.system.requireRing0();
        int code = selector & 0xFFFC;
        if (code == 0) {
            throw s.fault.generalProtection(0);
        }
        if ((selector & 4) != 0) {
            throw s.fault.generalProtection(code);
        }
        long d = readDescriptor(selector, 0);
        int high = (int) (d >>> 32);
        int type = (high >>> 8) & 0xF;
        if ((high & D_S) != 0 || (type != 9 && type != 1)) {
            throw s.fault.generalProtection(code);
        }
        if ((high & D_PRESENT) == 0) {
            throw s.fault.notPresent(code);
        }
        int busy = high | 0x200;
        cpu.mmu.writeAs(s.gdtBase + (selector & 0xFFF8) + 4, 4, busy, false);
        s.tr.load(selector, (int) d, busy);
    }
}
