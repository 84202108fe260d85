package org.j386.emulator.cpu;

/**
 * Integer arithmetic and logic: the eight ALU operations, INC/DEC/NEG/NOT, multiply and divide,
 * and the decimal adjusts.
 *
 * <p>Memory destinations are written before the flags are recorded: if the store faults, the
 * flags still hold what they held before the instruction, as the fault must leave them.
 */
final class Arithmetic {
    private final Operands x;
    private final Flags flags;
    private final CpuState s;

    Arithmetic(Operands x, CpuState s) {
        this.x = x;
        this.s = s;
        this.flags = s.flags;
    }

    /** The result of ALU operation {@code op} on zero-extended operands (unmasked). */
    int compute(int op, int a, int b) {
        switch (op) {
            case Op.ADD: return a + b;
            case Op.OR: return a | b;
            case Op.ADC: return a + b + flags.cfBit();
            case Op.SBB: return a - b - flags.cfBit();
            case Op.AND: return a & b;
            case Op.XOR: return a ^ b;
            default: return a - b; // SUB, CMP
        }
    }

    void record(int op, int size, int a, int b, int r) {
        switch (op) {
            case Op.ADD: case Op.ADC: flags.add(size, a, b, r); break;
            case Op.SUB: case Op.SBB: case Op.CMP: flags.sub(size, a, b, r); break;
            default: flags.logic(size, r); break;
        }
    }

    /**
     * ALU operation with the r/m operand as destination and {@code b} as source. CMP and TEST
     * (passed as AND with {@code store} false) only read their destination.
     */
    void aluRm(Insn d, int op, int b, boolean store) {
        int size = d.size;
        if (d.rm >= 0) {
            int a = x.reg(d.rm, size);
            int r = compute(op, a, b);
            if (store) {
                x.setReg(d.rm, size, r);
            }
            record(op, size, a, b, r);
            return;
        }
        int offset = x.ea(d);
        int bytes = Operands.bytes(size);
        int lin = store ? x.linearWrite(d.seg, offset, bytes) : x.linearRead(d.seg, offset, bytes);
        int a = x.read(lin, size);
        int r = compute(op, a, b);
        if (store) {
            x.write(lin, size, r);
        }
        record(op, size, a, b, r);
    }

    /** ALU operation into a register from the r/m operand (opcodes 02, 03, 0A...). */
    void aluRegFromRm(Insn d) {
        int size = d.size;
        int b = x.readRm(d);
        int a = x.reg(d.reg, size);
        int r = compute(d.sub, a, b);
        if (d.sub != Op.CMP) {
            x.setReg(d.reg, size, r);
        }
        record(d.sub, size, a, b, r);
    }

    void incDec(Insn d, boolean inc) {
        int size = d.size;
        if (d.rm >= 0) {
            int a = x.reg(d.rm, size);
            int r = inc ? a + 1 : a - 1;
            x.setReg(d.rm, size, r);
            recordIncDec(inc, size, a, r);
            return;
        }
        int lin = x.linearWrite(d.seg, x.ea(d), Operands.bytes(size));
        int a = x.read(lin, size);
        int r = inc ? a + 1 : a - 1;
        x.write(lin, size, r);
        recordIncDec(inc, size, a, r);
    }

    private void recordIncDec(boolean inc, int size, int a, int r) {
        if (inc) {
            flags.inc(size, a, r);
        } else {
            flags.dec(size, a, r);
        }
    }

    void not(Insn d) {
        // NOT changes no flags.
        if (d.rm >= 0) {
            x.setReg(d.rm, d.size, ~x.reg(d.rm, d.size));
        } else {
            int lin = x.linearWrite(d.seg, x.ea(d), Operands.bytes(d.size));
            x.write(lin, d.size, ~x.read(lin, d.size));
        }
    }

    void neg(Insn d) {
        int size = d.size;
        int lin = d.rm >= 0 ? 0 : x.linearWrite(d.seg, x.ea(d), Operands.bytes(size));
        int a = d.rm >= 0 ? x.reg(d.rm, size) : x.read(lin, size);
        int r = -a;
        if (d.rm >= 0) {
            x.setReg(d.rm, size, r);
        } else {
            x.write(lin, size, r);
        }
        flags.sub(size, 0, a, r);
    }

    // ---- multiply and divide ----

    /** Flags after a multiply: CF = OF = the result did not fit the destination width. */
    private void multiplyFlags(int size, int low, boolean overflow) {
        flags.setArith(multiplyFlagBits(size, low, overflow));
    }

    static int multiplyFlagBits(int size, int low, boolean overflow) {
        return Flags.resultFlags(size, low) | (overflow ? Flags.CF | Flags.OF : 0);
    }

    /** MUL / IMUL with one operand: the accumulator times r/m into the accumulator pair. */
    void multiplyAccumulator(Insn d, boolean signed) {
        int size = d.size;
        int src = x.readRm(d);
        int[] r = x.regs;
        switch (size) {
            case 0: {
                int al = r[CpuState.EAX] & 0xFF;
                int p = signed ? (byte) al * (byte) src : al * src;
                x.setReg(CpuState.EAX, 1, p);
                multiplyFlags(0, p, signed ? p != (byte) p : (p & 0xFF00) != 0);
                break;
            }
            case 1: {
                int ax = r[CpuState.EAX] & 0xFFFF;
                int p = signed ? (short) ax * (short) src : ax * src;
                x.setReg(CpuState.EAX, 1, p);
                x.setReg(CpuState.EDX, 1, p >>> 16);
                multiplyFlags(1, p, signed ? p != (short) p : (p >>> 16) != 0);
                break;
            }
            default: {
                long p = signed ? (long) r[CpuState.EAX] * src
                        : (r[CpuState.EAX] & 0xFFFFFFFFL) * (src & 0xFFFFFFFFL);
                r[CpuState.EAX] = (int) p;
                r[CpuState.EDX] = (int) (p >>> 32);
                multiplyFlags(2, (int) p, signed ? p != (int) p : (p >>> 32) != 0);
                break;
            }
        }
    }

    /** IMUL r, r/m and IMUL r, r/m, imm: a truncated signed product. */
    void multiplySigned(Insn d, int a, int b) {
        int size = d.size;
        long p = size == 2 ? (long) a * b : (long) (short) a * (short) b;
        int low = (int) p;
        x.setReg(d.reg, size, low);
        boolean overflow = size == 2 ? p != low : p != (short) low;
        multiplyFlags(size, low, overflow);
    }

    /**
     * DIV / IDIV: the accumulator pair divided by r/m. #DE when the divisor is zero or the
     * quotient does not fit; nothing is written then. The flags are undefined and left alone.
     */
    void divide(Insn d, boolean signed) {
        int size = d.size;
        int divisor = x.readRm(d);
        if (divisor == 0) {
            throw s.fault.divideError();
        }
        int[] r = x.regs;
        long dividend;
        long q;
        long rem;
        switch (size) {
            case 0:
                dividend = signed ? (short) r[CpuState.EAX] : r[CpuState.EAX] & 0xFFFF;
                break;
            case 1: {
                int v = ((r[CpuState.EDX] & 0xFFFF) << 16) | (r[CpuState.EAX] & 0xFFFF);
                dividend = signed ? v : v & 0xFFFFFFFFL;
                break;
            }
            default:
                dividend = ((long) r[CpuState.EDX] << 32) | (r[CpuState.EAX] & 0xFFFFFFFFL);
                break;
        }
        int bits = 8 << size;
        if (signed) {
            long dv = size == 0 ? (byte) divisor : size == 1 ? (short) divisor : divisor;
            if (dividend == Long.MIN_VALUE && dv == -1) {
                throw s.fault.divideError();
            }
            q = dividend / dv;
            rem = dividend % dv;
            long limit = 1L << (bits - 1);
            if (q >= limit || q < -limit) {
                throw s.fault.divideError();
            }
        } else {
            long dv = divisor & 0xFFFFFFFFL;
            q = Long.divideUnsigned(dividend, dv);
            rem = Long.remainderUnsigned(dividend, dv);
            if (Long.compareUnsigned(q, (1L << bits) - 1) > 0) {
                throw s.fault.divideError();
            }
        }
        switch (size) {
            case 0:
                x.setReg(CpuState.EAX, 1, ((int) rem << 8) | ((int) q & 0xFF));
                break;
            case 1:
                x.setReg(CpuState.EAX, 1, (int) q);
                x.setReg(CpuState.EDX, 1, (int) rem);
                break;
            default:
                r[CpuState.EAX] = (int) q;
                r[CpuState.EDX] = (int) rem;
                break;
        }
    }

    // ---- decimal adjusts ----

    /** DAA (add) and DAS (subtract): packed BCD adjust of AL. */
    void decimalAdjust(boolean subtract) {
        int f = flags.arith();
        int al = x.regs[CpuState.EAX] & 0xFF;
        int oldAl = al;
        boolean oldCf = (f & Flags.CF) != 0;
        int sign = subtract ? -1 : 1;
        int cf = 0;
        int af = 0;
        if ((al & 0xF) > 9 || (f & Flags.AF) != 0) {
            boolean carry = subtract ? al < 6 : al + 6 > 0xFF;
            cf = oldCf || carry ? Flags.CF : 0;
            al = (al + sign * 6) & 0xFF;
            af = Flags.AF;
        }
        if (oldAl > 0x99 || oldCf) {
            al = (al + sign * 0x60) & 0xFF;
            cf = Flags.CF;
        } else if (!subtract) {
            // The manual's DAA clears CF here; DAS keeps the borrow of the low-digit step.
            cf = 0;
        }
        x.setReg(CpuState.EAX, 0, al);
        flags.setArith(Flags.resultFlags(0, al) | cf | af);
    }

    /** AAA (add) and AAS (subtract): unpacked BCD adjust of AL, carrying into AH. */
    void asciiAdjust(boolean add) {
        int f = flags.arith();
        int ax = x.regs[CpuState.EAX] & 0xFFFF;
        int adjust = 0;
        if ((ax & 0xF) > 9 || (f & Flags.AF) != 0) {
            // Current Intel parts adjust AX as a whole (AX +/- 6, then AH +/- 1), so the low-byte
            // adjustment can carry into AH as well.
            ax = add ? ax + 0x106 : ax - 0x106;
            adjust = Flags.AF | Flags.CF;
        }
        ax &= 0xFF0F;
        x.setReg(CpuState.EAX, 1, ax);
        flags.setArith(Flags.resultFlags(0, ax) | adjust);
    }

    void aam(int base) {
        if (base == 0) {
            throw s.fault.divideError();
        }
        int al = x.regs[CpuState.EAX] & 0xFF;
        int r = ((al / base) << 8) | (al % base);
        x.setReg(CpuState.EAX, 1, r);
        flags.setArith(Flags.resultFlags(0, r));
    }

    void aad(int base) {
        int ax = x.regs[CpuState.EAX];
        int al = ((ax & 0xFF) + ((ax >>> 8) & 0xFF) * base) & 0xFF;
        x.setReg(CpuState.EAX, 1, al);
        flags.setArith(Flags.resultFlags(0, al));
    }
}
