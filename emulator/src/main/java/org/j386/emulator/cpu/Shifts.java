package org.j386.emulator.cpu;

/**
 * Shifts and rotates (SHL SHR SAR ROL ROR RCL RCR) and the double shifts SHLD/SHRD.
 *
 * <p>The count is masked to five bits; a masked count of zero changes neither the operand nor
 * any flag. Each operation computes its result and new flags first, stores the result, and only
 * then commits the flags, so a faulting store leaves the flags untouched.
 */
final class Shifts {
    private final Operands x;
    private final Flags flags;

    /** Flags computed by the last {@link #shift}/{@link #doubleShift}: the full arithmetic set. */
    int newFlags;

    Shifts(Operands x, CpuState s) {
        this.x = x;
        this.flags = s.flags;
    }

    void shift(Insn d, int count) {
        count &= 0x1F;
        if (count == 0) {
            rewriteUnchanged(d);
            return;
        }
        int size = d.size;
        if (d.rm >= 0) {
            x.setReg(d.rm, size, shift(d.sub, size, x.reg(d.rm, size), count));
        } else {
            int lin = x.linearWrite(d.seg, x.ea(d), Operands.bytes(size));
            x.write(lin, size, shift(d.sub, size, x.read(lin, size), count));
        }
        flags.setArith(newFlags);
    }

    /**
     * A count of 0 changes neither the operand nor the flags, but a memory operand is still read
     * and written back, as QEMU does it (the processor too, which faults on that write): the page's
     * accessed and dirty bits are set, and a page that may not be written raises #PF.
     */
    private void rewriteUnchanged(Insn d) {
        if (d.rm < 0) {
            int lin = x.linearWrite(d.seg, x.ea(d), Operands.bytes(d.size));
            x.write(lin, d.size, x.read(lin, d.size));
        }
    }

    /** A dword register shifted by an immediate count of 1-31 (the decoder leaves out count 0). */
    int shiftRegister32(int op, int v, int count) {
        int r = shift(op, 2, v, count);
        flags.setArith(newFlags);
        return r;
    }

    /**
     * Shifts or rotates zero-extended {@code v} by {@code count} (1-31) and leaves the flags in
     * {@link #newFlags}.
     */
    int shift(int op, int size, int v, int count) {
        int bits = 8 << size;
        int mask = Operands.mask(size);
        int msb = bits - 1;
        int r;
        int cf;
        int of;
        switch (op) {
            case Op.ROL: {
                int c = count & msb;
                r = c == 0 ? v : ((v << c) | (v >>> (bits - c))) & mask;
                newFlags = rotateFlags(op, size, r, flags.arith());
                return r;
            }
            case Op.ROR: {
                int c = count & msb;
                r = c == 0 ? v : ((v >>> c) | (v << (bits - c))) & mask;
                newFlags = rotateFlags(op, size, r, flags.arith());
                return r;
            }
            case Op.RCL:
            case Op.RCR: {
                // Rotate through carry: a (bits+1)-bit rotation of CF:value.
                int width = bits + 1;
                int c = count % width;
                long t = ((long) flags.cfBit() << bits) | (v & 0xFFFFFFFFL);
                long wmask = (1L << width) - 1;
                if (op == Op.RCR) {
                    c = (width - c) % width;
                }
                long rot = c == 0 ? t : ((t << c) | (t >>> (width - c))) & wmask;
                r = (int) rot & mask;
                cf = (int) (rot >>> bits) & 1;
                of = op == Op.RCL ? ((r >>> msb) ^ cf) & 1 : ((r >>> msb) ^ (r >>> (msb - 1))) & 1;
                newFlags = (flags.arith() & ~(Flags.CF | Flags.OF)) | cf | of * Flags.OF;
                return r;
            }
            default: // SHL, SAL, SHR, SAR
                newFlags = plainShiftFlags(op, size, v, count);
                return plainShift(op, size, v, count);
        }
    }

    /**
     * The flags ROL or ROR by a count of 1-31 leaves, with result {@code r} as wide as {@code size}
     * and {@code before} the arithmetic flags before it: CF and OF from the result, the others kept.
     */
    static int rotateFlags(int op, int size, int r, int before) {
        int msb = (8 << size) - 1;
        int cf = op == Op.ROL ? r & 1 : (r >>> msb) & 1;
        int of = op == Op.ROL ? ((r >>> msb) ^ cf) & 1 : ((r >>> msb) ^ (r >>> (msb - 1))) & 1;
        return (before & ~(Flags.CF | Flags.OF)) | cf | of * Flags.OF;
    }

    /**
     * SHL (SAL), SHR or SAR of zero-extended {@code v} by {@code count} (1-31), as wide as {@code
     * size}. Their flags depend on nothing else, so compiled code computes them with {@link
     * #plainShiftFlags} where the interpreter does.
     */
    static int plainShift(int op, int size, int v, int count) {
        int bits = 8 << size;
        switch (op) {
            case Op.SHL:
            case Op.SAL:
                return (v << count) & Operands.mask(size);
            case Op.SHR:
                return v >>> count;
            default: { // SAR
                int sv = (v << (32 - bits)) >> (32 - bits);
                return (sv >> count) & Operands.mask(size);
            }
        }
    }

    /**
     * The arithmetic flags of {@link #plainShift}: ZF, SF and PF of the result, CF the last bit
     * shifted out, OF the sign change of a one-bit SHL (the operand's sign for a one-bit SHR, and
     * 0 beyond, as QEMU and Intel parts give; always 0 for SAR).
     */
    static int plainShiftFlags(int op, int size, int v, int count) {
        int bits = 8 << size;
        int msb = bits - 1;
        int cf;
        int of;
        switch (op) {
            case Op.SHL:
            case Op.SAL:
                cf = (int) (((v & 0xFFFFFFFFL) << count) >>> bits) & 1;
                of = ((plainShift(op, size, v, count) >>> msb) ^ cf) & 1;
                break;
            case Op.SHR: {
                int before = v >>> (count - 1);
                cf = before & 1;
                of = (before >>> msb) & 1;
                break;
            }
            default: { // SAR
                int sv = (v << (32 - bits)) >> (32 - bits);
                cf = (sv >> (count - 1)) & 1;
                of = 0;
                break;
            }
        }
        return Flags.resultFlags(size, plainShift(op, size, v, count)) | cf | of * Flags.OF;
    }

    /** SHLD (sub 0) / SHRD (sub 1) of the r/m operand with bits from the reg operand. */
    void doubleShift(Insn d, int count) {
        count &= 0x1F;
        int size = d.size;
        if (count == 0) {
            rewriteUnchanged(d);
            return;
        }
        int src = x.reg(d.reg, size);
        if (d.rm >= 0) {
            x.setReg(d.rm, size, doubleShift(d.sub == 0, size, x.reg(d.rm, size), src, count));
        } else {
            int lin = x.linearWrite(d.seg, x.ea(d), Operands.bytes(size));
            x.write(lin, size, doubleShift(d.sub == 0, size, x.read(lin, size), src, count));
        }
        flags.setArith(newFlags);
    }

    int doubleShift(boolean left, int size, int dst, int src, int count) {
        long t;
        int r;
        int cf;
        if (size == 2) {
            if (left) {
                t = ((long) dst << 32) | (src & 0xFFFFFFFFL);
                r = (int) (t >>> (32 - count));
                cf = (int) (t >>> (64 - count)) & 1;
            } else {
                t = ((long) src << 32) | (dst & 0xFFFFFFFFL);
                r = (int) (t >>> count);
                cf = (int) (t >>> (count - 1)) & 1;
            }
        } else {
            // 16-bit counts above 16 are undefined; Intel parts shift the 48-bit pattern
            // dst:src:dst (left) or dst:src:dst read from the low end (right), as QEMU does.
            if (left) {
                t = ((long) dst << 32) | ((long) src << 16) | dst;
                r = (int) (t >>> (32 - count)) & 0xFFFF;
                cf = (int) (t >>> (48 - count)) & 1;
            } else {
                t = ((long) dst << 32) | ((long) src << 16) | dst;
                r = (int) (t >>> count) & 0xFFFF;
                cf = (int) (t >>> (count - 1)) & 1;
            }
        }
        int msb = (8 << size) - 1;
        int of = ((r ^ dst) >>> msb) & 1;
        newFlags = Flags.resultFlags(size, r) | cf | of * Flags.OF;
        return r;
    }
}
