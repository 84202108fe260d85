package org.j386.emulator.cpu;

/**
 * EFLAGS, with the six arithmetic flags (CF, PF, AF, ZF, SF, OF) kept lazily.
 *
 * <p>Most instructions that set flags have their flags overwritten by the next such instruction
 * before anyone reads them. So an arithmetic instruction only records what it did (the kind of
 * operation, its operands, its result and its width) and the flags are derived on demand. A
 * compare followed by a conditional jump then costs one comparison ({@link #condition}).
 *
 * <p>When {@link #kind} is {@link #EAGER} the arithmetic flags live in {@link #value} like the
 * other bits; otherwise the arithmetic bits of {@code value} are stale and the recorded
 * operation defines them. The system bits (TF, IF, DF, IOPL, NT, RF, AC, ID) are always in
 * {@code value}.
 */
public final class Flags {
    public static final int CF = 1, PF = 4, AF = 0x10, ZF = 0x40, SF = 0x80, TF = 0x100, IF = 0x200,
            DF = 0x400, OF = 0x800, IOPL = 0x3000, NT = 0x4000, RF = 0x10000, VM = 0x20000, AC = 0x40000,
            ID = 0x200000;
    /** Bits software can change on this processor (486+ without VME/VIF). */
    public static final int WRITABLE = CF | PF | AF | ZF | SF | TF | IF | DF | OF | IOPL | NT | RF | AC | ID;
    /** The six flags that arithmetic computes. */
    public static final int ARITH = CF | PF | AF | ZF | SF | OF;

    // Recorded operation kinds. ADD covers ADC too and SBB is SUB with a borrow-in: the carry-in
    // is folded into the carry and borrow vectors computed from the operands and the result.
    // SBB is separate only because its condition codes cannot come from comparing the operands.
    static final int EAGER = 0, ADD = 1, SUB = 2, LOGIC = 3, INC = 4, DEC = 5, SBB = 6;

    private int value = 2;
    /** How the arithmetic flags are defined right now. */
    int kind = EAGER;
    /** Operand width of the recorded operation: 0 byte, 1 word, 2 dword. */
    int size;
    /** First operand, second operand, result of the recorded operation. */
    int dst, src, res;
    /** CF as it was before INC/DEC, which leave it alone. */
    int carryIn;

    // Computed rather than read from a table, as Operands#mask is (and see why there).

    /** The position of the sign bit of an operand of {@code size} (0 byte, 1 word, 2 dword). */
    private static int signShift(int size) {
        return (8 << size) - 1;
    }

    // ---- recording (called by the interpreter after every flag-setting instruction) ----

    void add(int size, int a, int b, int r) {
        this.kind = ADD;
        this.size = size;
        this.dst = a;
        this.src = b;
        this.res = r;
    }

    void sub(int size, int a, int b, int r) {
        this.kind = ((r ^ (a - b)) & Operands.mask(size)) == 0 ? SUB : SBB;
        this.size = size;
        this.dst = a;
        this.src = b;
        this.res = r;
    }

    /** AND, OR, XOR, TEST: CF = OF = AF = 0 (AF is undefined; Intel parts clear it). */
    void logic(int size, int r) {
        this.kind = LOGIC;
        this.size = size;
        this.res = r;
    }

    void inc(int size, int a, int r) {
        this.carryIn = cfBit();
        this.kind = INC;
        this.size = size;
        this.dst = a;
        this.src = 1;
        this.res = r;
    }

    void dec(int size, int a, int r) {
        this.carryIn = cfBit();
        this.kind = DEC;
        this.size = size;
        this.dst = a;
        this.src = 1;
        this.res = r;
    }

    /** The six arithmetic flags as EFLAGS bits. */
    int arith() {
        if (kind == EAGER) {
            return value & ARITH;
        }
        return arithOf(kind, size, dst, src, res, carryIn);
    }

    /**
     * The six arithmetic flags of an operation of {@code kind} (any but EAGER) and {@code size} on
     * {@code a} and {@code b} giving {@code r}, with {@code carryIn} the CF an INC or DEC keeps: what
     * {@link #arith()} makes of the record, for compiled code that keeps a record of its own.
     */
    static int arithOf(int kind, int size, int a, int b, int r, int carryIn) {
        return cfOf(kind, size, a, b, r, carryIn) | parity(r) | (kind == LOGIC ? 0 : (a ^ b ^ r) & AF)
                | ((r & Operands.mask(size)) == 0 ? ZF : 0) | ((r >>> signShift(size)) & 1) * SF
                | ofOf(kind, size, a, b, r);
    }

    /** Replaces the six arithmetic flags (instructions that compute them all eagerly). */
    void setArith(int bits) {
        value = (value & ~ARITH) | (bits & ARITH);
        kind = EAGER;
    }

    /** Sets CF, ZF, SF, PF from a result; AF and OF cleared (shifts, multiplies, BCD adjusts). */
    static int resultFlags(int size, int r) {
        int m = r & Operands.mask(size);
        return (m == 0 ? ZF : 0) | ((m >>> signShift(size)) & 1) * SF | parity(m);
    }

    static int parity(int r) {
        return (Integer.bitCount(r & 0xFF) & 1) == 0 ? PF : 0;
    }

    // ---- individual flags from the recorded operation ----

    int cfBit() {
        return kind == EAGER ? value & CF : cfOf(kind, size, dst, src, res, carryIn);
    }

    private static int cfOf(int kind, int size, int a, int b, int r, int carryIn) {
        switch (kind) {
            case ADD:
                return carryOfAdd(size, a, b, r);
            case SUB:
            case SBB:
                return borrowOfSub(size, a, b, r);
            case INC:
            case DEC:
                return carryIn;
            default: // LOGIC
                return 0;
        }
    }

    /** CF (0 or 1) of an ADD or ADC of {@code a} and {@code b} giving {@code r}. */
    static int carryOfAdd(int size, int a, int b, int r) {
        int carries = (a & b) | ((a | b) & ~r);
        return (carries >>> signShift(size)) & 1;
    }

    /** CF (0 or 1) of a SUB, SBB or CMP of {@code b} from {@code a} giving {@code r}. */
    static int borrowOfSub(int size, int a, int b, int r) {
        int borrows = (~a & b) | (~(a ^ b) & r);
        return (borrows >>> signShift(size)) & 1;
    }

    /** INC or DEC recorded with the carry flag it leaves alone given explicitly (compiled code). */
    void incDec(boolean inc, int size, int a, int r, int carry) {
        this.carryIn = carry;
        this.kind = inc ? INC : DEC;
        this.size = size;
        this.dst = a;
        this.src = 1;
        this.res = r;
    }

    private static int ofOf(int kind, int size, int a, int b, int r) {
        int v;
        switch (kind) {
            case ADD:
            case INC:
                v = (a ^ r) & (b ^ r);
                break;
            case SUB:
            case SBB:
            case DEC:
                v = (a ^ b) & (a ^ r);
                break;
            default:
                return 0;
        }
        return ((v >>> signShift(size)) & 1) * OF;
    }

    /**
     * Evaluates condition code {@code cc} (the low nibble of Jcc/SETcc/CMOVcc). After a compare
     * or a logic operation the common conditions come straight from the operands.
     */
    boolean condition(int cc) {
        if (kind == SUB) {
            int m = Operands.mask(size);
            switch (cc) {
                case 0x2: return Integer.compareUnsigned(dst & m, src & m) < 0;   // B
                case 0x3: return Integer.compareUnsigned(dst & m, src & m) >= 0;  // AE
                case 0x4: return (res & m) == 0;                                 // E
                case 0x5: return (res & m) != 0;                                 // NE
                case 0x6: return Integer.compareUnsigned(dst & m, src & m) <= 0;  // BE
                case 0x7: return Integer.compareUnsigned(dst & m, src & m) > 0;   // A
                case 0xC: return signed(dst) < signed(src);                      // L
                case 0xD: return signed(dst) >= signed(src);                     // GE
                case 0xE: return signed(dst) <= signed(src);                     // LE
                case 0xF: return signed(dst) > signed(src);                      // G
                default: break;
            }
        } else if (kind == LOGIC || kind == DEC || kind == INC) {
            int m = Operands.mask(size);
            switch (cc) {
                case 0x4: return (res & m) == 0;
                case 0x5: return (res & m) != 0;
                default: break;
            }
        }
        return slowCondition(cc);
    }

    private int signed(int v) {
        int sh = 31 - signShift(size);
        return (v << sh) >> sh;
    }

    private boolean slowCondition(int cc) {
        int f = arith();
        boolean r;
        switch (cc >> 1) {
            case 0: r = (f & OF) != 0; break;
            case 1: r = (f & CF) != 0; break;
            case 2: r = (f & ZF) != 0; break;
            case 3: r = (f & (CF | ZF)) != 0; break;
            case 4: r = (f & SF) != 0; break;
            case 5: r = (f & PF) != 0; break;
            case 6: r = ((f & SF) != 0) != ((f & OF) != 0); break;
            default: r = (f & ZF) != 0 || ((f & SF) != 0) != ((f & OF) != 0); break;
        }
        return r ^ ((cc & 1) != 0);
    }

    /** Makes this register an exact copy of {@code other}, lazy record included. */
    void copyFrom(Flags other) {
        value = other.value;
        kind = other.kind;
        size = other.size;
        dst = other.dst;
        src = other.src;
        res = other.res;
        carryIn = other.carryIn;
    }

    // ---- public API ----

    /** The whole register; bit 1 always reads as one. */
    public int get() {
        return (value & ~ARITH) | arith() | 2;
    }

    /**
     * Replaces the whole register but VM; callers mask what the instruction may change. VM
     * changes only with the mode ({@link #setVm}): no flag-loading instruction can set or clear it.
     */
    public void set(int eflags) {
        value = (eflags & WRITABLE) | (value & VM) | 2;
        kind = EAGER;
    }

    /** Virtual-8086 mode: set by IRET to a V86 frame, cleared by an interrupt or exception taken there. */
    public void setVm(boolean on) {
        value = on ? value | VM : value & ~VM;
    }

    public boolean vm() {
        return (value & VM) != 0;
    }

    public boolean cf() {
        return cfBit() != 0;
    }

    public boolean zf() {
        return (arith() & ZF) != 0;
    }

    public boolean sf() {
        return (arith() & SF) != 0;
    }

    public boolean of() {
        return (arith() & OF) != 0;
    }

    public boolean pf() {
        return (arith() & PF) != 0;
    }

    public boolean af() {
        return (arith() & AF) != 0;
    }

    public boolean df() {
        return (value & DF) != 0;
    }

    public boolean interruptsEnabled() {
        return (value & IF) != 0;
    }

    public boolean trap() {
        return (value & TF) != 0;
    }

    public int iopl() {
        return (value >>> 12) & 3;
    }

    /** Sets or clears one of the non-arithmetic bits (IF, DF, TF, NT, RF, AC, ID). */
    public void setBit(int mask, boolean on) {
        if ((mask & ARITH) != 0) {
            int a = arith();
            setArith(on ? a | mask : a & ~mask);
            mask &= ~ARITH;
        }
        value = on ? value | mask : value & ~mask;
    }
}
