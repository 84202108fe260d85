package org.j386.emulator.cpu;

/** BT, BTS, BTR, BTC, BSF, BSR, BSWAP. */
final class BitOps {
    private final Operands x;
    private final Flags flags;

    BitOps(Operands x, CpuState s) {
        this.x = x;
        this.flags = s.flags;
    }

    /**
     * Bit test with the bit offset in a register. A memory operand is a bit string: the signed
     * offset selects the word or dword {@code offset / width} units away from the operand.
     */
    void testRegister(Insn d) {
        int size = d.size;
        int offset = x.reg(d.reg, size);
        if (d.rm >= 0) {
            testRegisterOperand(d, offset);
            return;
        }
        int bits = 8 << size;
        int signedOffset = size == 1 ? (short) offset : offset;
        int unit = signedOffset >> (size == 1 ? 4 : 5);
        int ea = x.ea(d) + unit * Operands.bytes(size);
        if (!d.address32) {
            ea &= 0xFFFF;
        }
        testMemory(d, ea, signedOffset & (bits - 1));
    }

    /** Bit test with an immediate offset (taken modulo the operand width). */
    void testImmediate(Insn d) {
        if (d.rm >= 0) {
            testRegisterOperand(d, d.imm);
        } else {
            testMemory(d, x.ea(d), d.imm & ((8 << d.size) - 1));
        }
    }

    private void testRegisterOperand(Insn d, int offset) {
        int size = d.size;
        int bit = offset & ((8 << size) - 1);
        int v = x.reg(d.rm, size);
        if (d.sub != Op.BT) {
            x.setReg(d.rm, size, modify(d.sub, v, bit));
        }
        setCarry((v >>> bit) & 1);
    }

    private void testMemory(Insn d, int ea, int bit) {
        int size = d.size;
        int bytes = Operands.bytes(size);
        if (d.sub == Op.BT) {
            setCarry((x.readMem(d.seg, ea, size) >>> bit) & 1);
            return;
        }
        int lin = x.linearWrite(d.seg, ea, bytes);
        int v = x.read(lin, size);
        x.write(lin, size, modify(d.sub, v, bit));
        setCarry((v >>> bit) & 1);
    }

    private static int modify(int op, int v, int bit) {
        switch (op) {
            case Op.BTS: return v | (1 << bit);
            case Op.BTR: return v & ~(1 << bit);
            default: return v ^ (1 << bit);
        }
    }

    /** BT* change only CF; the other arithmetic flags are undefined and kept. */
    private void setCarry(int cf) {
        flags.setArith((flags.arith() & ~Flags.CF) | cf);
    }

    /** BSF / BSR: a zero source sets ZF and leaves the destination as it was. */
    void scan(Insn d, boolean forward) {
        int size = d.size;
        int v = x.readRm(d) & Operands.mask(size);
        int f = flags.arith();
        if (v == 0) {
            flags.setArith(f | Flags.ZF);
            return;
        }
        int index = forward ? Integer.numberOfTrailingZeros(v) : 31 - Integer.numberOfLeadingZeros(v);
        x.setReg(d.reg, size, index);
        flags.setArith(f & ~Flags.ZF);
    }

    void bswap(Insn d) {
        // With a 16-bit operand the result is undefined; real parts clear the low word.
        int r = x.regs[d.reg];
        x.regs[d.reg] = d.size == 2 ? Integer.reverseBytes(r) : r & 0xFFFF0000;
    }
}
