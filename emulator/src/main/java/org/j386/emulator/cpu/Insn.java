package org.j386.emulator.cpu;

/**
 * One decoded instruction: everything the executor needs, with no reference back to the bytes.
 * Instances live in the decode cache and are reused; the executor only reads them, and the
 * bytecode translator reads the same objects through the accessors (only the decoder writes).
 */
public final class Insn {
    /** What to do: one of the {@link Op} constants. */
    int op;
    /** Encoded length in bytes, prefixes included. */
    int length;
    /** The CS default size the bytes were decoded under (the cache key besides the address). */
    boolean code32;

    /** Width of the main operand: 0 byte, 1 word, 2 dword. */
    int size;
    /** Operand-size attribute after 0x66: true for 32 bits (stack pushes, far pointers, IRET). */
    boolean operand32;
    /** Address-size attribute after 0x67: true for 32-bit effective addresses and ECX/ESI/EDI. */
    boolean address32;

    /** ModRM reg field (register operand, or the group extension already folded into op/sub). */
    int reg;
    /** Register number of the r/m operand, or -1 for a memory operand. */
    int rm = -1;
    /** Memory operand: segment (override applied), base and index registers (-1 for none). */
    int seg;
    int base = -1;
    int index = -1;
    int scale;
    int disp;

    /** Operation variant: ALU operation, condition code, shift kind, segment register... */
    int sub;
    int imm;
    int imm2;
    /** 0, or the repeat prefix byte (0xF3 REP/REPE, 0xF2 REPNE). */
    int rep;
    /** Segment override prefix, or -1: string instructions use it for the source. */
    int segOverride = -1;

    void reset(boolean code32) {
        this.code32 = code32;
        op = Op.UD;
        length = 0;
        size = code32 ? 2 : 1;
        operand32 = code32;
        address32 = code32;
        reg = 0;
        rm = -1;
        seg = CpuState.DS;
        base = -1;
        index = -1;
        scale = 0;
        disp = 0;
        sub = 0;
        imm = 0;
        imm2 = 0;
        rep = 0;
        segOverride = -1;
    }

    void copyFrom(Insn o) {
        op = o.op;
        length = o.length;
        code32 = o.code32;
        size = o.size;
        operand32 = o.operand32;
        address32 = o.address32;
        reg = o.reg;
        rm = o.rm;
        seg = o.seg;
        base = o.base;
        index = o.index;
        scale = o.scale;
        disp = o.disp;
        sub = o.sub;
        imm = o.imm;
        imm2 = o.imm2;
        rep = o.rep;
        segOverride = o.segOverride;
    }

    // ---- read access for the bytecode translator ----

    public int op() {
        return op;
    }

    public int length() {
        return length;
    }

    public boolean code32() {
        return code32;
    }

    /** Operand width: 0 byte, 1 word, 2 dword. */
    public int size() {
        return size;
    }

    public boolean operand32() {
        return operand32;
    }

    public boolean address32() {
        return address32;
    }

    public int reg() {
        return reg;
    }

    /** Register of the r/m operand, or -1 for memory. */
    public int rm() {
        return rm;
    }

    public int seg() {
        return seg;
    }

    public int base() {
        return base;
    }

    public int index() {
        return index;
    }

    public int scale() {
        return scale;
    }

    public int disp() {
        return disp;
    }

    public int sub() {
        return sub;
    }

    public int imm() {
        return imm;
    }

    public int imm2() {
        return imm2;
    }

    public int rep() {
        return rep;
    }
}
