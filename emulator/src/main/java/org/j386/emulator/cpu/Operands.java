package org.j386.emulator.cpu;

import org.j386.emulator.memory.Mmu;

/**
 * Operand access shared by all instruction groups: registers by width, effective addresses,
 * segment-checked memory and the stack.
 *
 * <p>Widths are 0 (byte), 1 (word), 2 (dword). Byte and word values are returned zero-extended.
 * Byte registers 4-7 are AH, CH, DH, BH: the second byte of registers 0-3.
 */
final class Operands {
    // Computed rather than read from tables: where compiled code inlines a helper with a constant
    // size, the JVM's compiler folds arithmetic on it, but not a load from an array.

    /** The bits of an operand of {@code size} (0 byte, 1 word, 2 dword). */
    static int mask(int size) {
        return -1 >>> (32 - (8 << size));
    }

    /** The bytes of an operand of {@code size}. */
    static int bytes(int size) {
        return 1 << size;
    }

    final CpuState s;
    final int[] regs;
    final Segment[] segs;
    final Mmu mmu;

    Operands(CpuState s, Mmu mmu) {
        this.s = s;
        this.regs = s.regs;
        this.segs = s.segs;
        this.mmu = mmu;
    }

    // ---- registers ----

    int reg(int r, int size) {
        if (size == 2) {
            return regs[r];
        }
        if (size == 1) {
            return regs[r] & 0xFFFF;
        }
        return r < 4 ? regs[r] & 0xFF : (regs[r - 4] >>> 8) & 0xFF;
    }

    void setReg(int r, int size, int v) {
        if (size == 2) {
            regs[r] = v;
        } else if (size == 1) {
            regs[r] = (regs[r] & 0xFFFF0000) | (v & 0xFFFF);
        } else if (r < 4) {
            regs[r] = (regs[r] & 0xFFFFFF00) | (v & 0xFF);
        } else {
            regs[r - 4] = (regs[r - 4] & 0xFFFF00FF) | ((v & 0xFF) << 8);
        }
    }

    // ---- memory ----

    /** The effective address (offset within the segment) of the memory operand. */
    int ea(Insn d) {
        int a = d.disp;
        if (d.base >= 0) {
            a += regs[d.base];
        }
        if (d.index >= 0) {
            a += regs[d.index] << d.scale;
        }
        return d.address32 ? a : a & 0xFFFF;
    }

    // Indexed by the type bits CODE | READ_WRITE | CONFORMING_OR_EXPAND_DOWN of a descriptor:
    // whether a segment of that type with base 0 and a 4 GiB limit needs no check for the access.
    private static final int TYPE_BITS = Segment.CODE | Segment.READ_WRITE | Segment.CONFORMING_OR_EXPAND_DOWN;
    private static final boolean[] FLAT_READ = new boolean[16];
    private static final boolean[] FLAT_WRITE = new boolean[16];

    static {
        FLAT_READ[0] = true;                                                             // read-only data
        FLAT_READ[Segment.READ_WRITE] = true;                                            // read/write data
        FLAT_READ[Segment.CODE | Segment.READ_WRITE] = true;                             // readable code
        FLAT_READ[Segment.CODE | Segment.READ_WRITE | Segment.CONFORMING_OR_EXPAND_DOWN] = true;
        FLAT_WRITE[Segment.READ_WRITE] = true;
    }

    private static boolean flat(Segment sg, boolean[] types) {
        return sg.limit == -1 && sg.base == 0 && types[sg.attributes & TYPE_BITS] && sg.usable;
    }

    /**
     * Whether DS, ES and SS are flat writable data segments over a 32-bit stack: then every access
     * through them has its offset as linear address and needs no segment check.
     */
    boolean flatData() {
        return flat(segs[CpuState.DS], FLAT_WRITE) && flat(segs[CpuState.ES], FLAT_WRITE)
                && flat(segs[CpuState.SS], FLAT_WRITE) && segs[CpuState.SS].big();
    }

    /** Whether every offset in segment {@code sreg} is its linear address, for reads (or writes too). */
    boolean flat(int sreg, boolean write) {
        return flat(segs[sreg], write ? FLAT_WRITE : FLAT_READ);
    }

    /** Linear address for reading {@code bytes} at {@code offset} in segment {@code sreg}. */
    int linearRead(int sreg, int offset, int bytes) {
        Segment sg = segs[sreg];
        if (flat(sg, FLAT_READ)) {
            return offset;
        }
        return checkedLinear(sreg, sg, offset, bytes, false);
    }

    /** Linear address for writing (or read-modify-writing) {@code bytes} at {@code offset}. */
    int linearWrite(int sreg, int offset, int bytes) {
        Segment sg = segs[sreg];
        if (flat(sg, FLAT_WRITE)) {
            return offset;
        }
        return checkedLinear(sreg, sg, offset, bytes, true);
    }

    private int checkedLinear(int sreg, Segment sg, int offset, int bytes, boolean write) {
        // A null selector and the wrong kind of segment are #GP(0) whatever the register;
        // only a limit violation through SS is a stack fault.
        if (!sg.usable) {
            throw s.fault.generalProtection(0);
        }
        int a = sg.attributes;
        if (s.protectedMode()) {
            boolean code = (a & Segment.CODE) != 0;
            boolean rw = (a & Segment.READ_WRITE) != 0;
            // Writes need a writable data segment; reads fail only on execute-only code.
            if (write ? code || !rw : code && !rw) {
                throw s.fault.generalProtection(0);
            }
        }
        long first = offset & 0xFFFFFFFFL;
        long last = first + bytes - 1;
        long limit = sg.limit & 0xFFFFFFFFL;
        boolean ok;
        if (sg.expandDown()) {
            long upper = sg.big() ? 0xFFFFFFFFL : 0xFFFFL;
            ok = first > limit && last <= upper;
        } else {
            ok = last <= limit;
        }
        if (!ok) {
            throw sreg == CpuState.SS ? s.fault.stackFault(0) : s.fault.generalProtection(0);
        }
        return sg.base + offset;
    }

    int read(int linear, int size) {
        if (size == 2) {
            return mmu.read32(linear);
        }
        return size == 1 ? mmu.read16(linear) : mmu.read8(linear);
    }

    void write(int linear, int size, int v) {
        if (size == 2) {
            mmu.write32(linear, v);
        } else if (size == 1) {
            mmu.write16(linear, v);
        } else {
            mmu.write8(linear, v);
        }
    }

    int read32(int sreg, int offset) {
        return mmu.read32(linearRead(sreg, offset, 4));
    }

    void write32(int sreg, int offset, int v) {
        mmu.write32(linearWrite(sreg, offset, 4), v);
    }

    /** Reads a value of {@code size} at offset {@code offset} of segment {@code sreg}. */
    int readMem(int sreg, int offset, int size) {
        return read(linearRead(sreg, offset, bytes(size)), size);
    }

    void writeMem(int sreg, int offset, int size, int v) {
        write(linearWrite(sreg, offset, bytes(size)), size, v);
    }

    /** The r/m operand at the instruction's operand width. */
    int readRm(Insn d) {
        return readRm(d, d.size);
    }

    int readRm(Insn d, int size) {
        if (d.rm >= 0) {
            return reg(d.rm, size);
        }
        return readMem(d.seg, ea(d), size);
    }

    void writeRm(Insn d, int v) {
        writeRm(d, d.size, v);
    }

    void writeRm(Insn d, int size, int v) {
        if (d.rm >= 0) {
            setReg(d.rm, size, v);
        } else {
            writeMem(d.seg, ea(d), size, v);
        }
    }

    // ---- stack ----

    /** The stack pointer as an offset in SS: ESP or SP by SS.B. */
    int sp() {
        return s.stack32() ? regs[CpuState.ESP] : regs[CpuState.ESP] & 0xFFFF;
    }

    /** Sets ESP, or only SP on a 16-bit stack. */
    void setSp(int v) {
        if (s.stack32()) {
            regs[CpuState.ESP] = v;
        } else {
            regs[CpuState.ESP] = (regs[CpuState.ESP] & 0xFFFF0000) | (v & 0xFFFF);
        }
    }

    /** Pushes a word or dword: the store happens before ESP moves, so a faulting push changes nothing. */
    void push(int v, boolean operand32) {
        int n = operand32 ? 4 : 2;
        int sp = s.stack32() ? regs[CpuState.ESP] - n : (regs[CpuState.ESP] - n) & 0xFFFF;
        int lin = linearWrite(CpuState.SS, sp, n);
        if (operand32) {
            mmu.write32(lin, v);
        } else {
            mmu.write16(lin, v);
        }
        setSp(sp);
    }

    /** The value {@code depth} bytes above the top of stack, without popping it. */
    int peek(int depth, boolean operand32) {
        int sp = sp() + depth;
        if (!s.stack32()) {
            sp &= 0xFFFF;
        }
        int lin = linearRead(CpuState.SS, sp, operand32 ? 4 : 2);
        return operand32 ? mmu.read32(lin) : mmu.read16(lin);
    }

    int pop(boolean operand32) {
        int v = peek(0, operand32);
        setSp(sp() + (operand32 ? 4 : 2));
        return v;
    }
}
