package org.j386.emulator.cpu;

/**
 * What each {@link Op} may do, in one table read by the run loop (where may a block begin), the
 * bytecode translator (where must a block end, which flags are live) and the tests.
 *
 * <p>Facts are per operation, not per encoding: an operation that touches memory only through its
 * r/m operand has {@link #MEMORY} and faults only in its memory form; one that can fault whatever
 * its operands has {@link #MAY_FAULT}.
 */
public final class OpInfo {
    private OpInfo() {
    }

    /** Control may leave the straight line: every jump, call, return, loop and interrupt. */
    public static final int BRANCH = 1;
    /**
     * Compiled code must stop after it: the operation changes what a block was compiled under
     * (mode, privilege, segments, paging, the interrupt flag), touches a device, retires a variable
     * number of instructions (repeated string operations), or stops the processor.
     */
    public static final int ENDS_BLOCK = 2;
    /** May raise an exception whatever its operands (privilege checks, #DE, #UD, segment checks). */
    public static final int MAY_FAULT = 4;
    /** Reads or writes memory through its operands or the stack, and may fault doing so. */
    public static final int MEMORY = 8;
    /** May ask for the run loop's attention (an interrupt may now be taken, a trap is owed). */
    public static final int ATTENTION = 16;

    private static final int ALL = Flags.ARITH;
    private static final int NOT_CF = Flags.ARITH & ~Flags.CF;

    private static final int SIZE = 256;
    private static final int[] FACTS = new int[SIZE];
    private static final int[] READS = new int[SIZE];
    private static final int[] WRITES = new int[SIZE];
    private static final boolean[] DEFINED = new boolean[SIZE];

    private static void row(int op, int facts, int reads, int writes) {
        FACTS[op] = facts;
        READS[op] = reads;
        WRITES[op] = writes;
        DEFINED[op] = true;
    }

    private static final int TRANSFER = BRANCH | ENDS_BLOCK;
    private static final int SYSTEM = ENDS_BLOCK | MAY_FAULT | ATTENTION;

    static {
        row(Op.UD, ENDS_BLOCK | MAY_FAULT, 0, 0);
        row(Op.FPU, ENDS_BLOCK | MAY_FAULT, 0, 0);
        row(Op.NOP, 0, 0, 0);

        // data movement
        row(Op.MOV_RM_R, MEMORY, 0, 0);
        row(Op.MOV_R_RM, MEMORY, 0, 0);
        row(Op.MOV_RM_I, MEMORY, 0, 0);
        row(Op.MOVZX, MEMORY, 0, 0);
        row(Op.MOVSX, MEMORY, 0, 0);
        row(Op.LEA, 0, 0, 0);
        row(Op.XCHG, MEMORY, 0, 0);
        row(Op.XADD, MEMORY, 0, ALL);
        row(Op.CMPXCHG, MEMORY, 0, ALL);
        row(Op.CMPXCHG8B, MEMORY | MAY_FAULT, 0, Flags.ZF);
        row(Op.MOV_RM_SREG, MEMORY, 0, 0);
        row(Op.MOV_SREG_RM, SYSTEM | MEMORY, 0, 0);
        row(Op.LOAD_FAR_POINTER, SYSTEM | MEMORY, 0, 0);
        row(Op.BSWAP, 0, 0, 0);
        row(Op.CMOVCC, MEMORY, ALL, 0);
        row(Op.SETCC, MEMORY, ALL, 0);
        row(Op.XLAT, MEMORY, 0, 0);
        row(Op.CBW, 0, 0, 0);
        row(Op.CWD, 0, 0, 0);
        row(Op.LAHF, 0, ALL & ~Flags.OF, 0);
        row(Op.SAHF, 0, 0, ALL & ~Flags.OF);

        // arithmetic and logic
        row(Op.ALU_RM_R, MEMORY, Flags.CF, ALL);
        row(Op.ALU_R_RM, MEMORY, Flags.CF, ALL);
        row(Op.ALU_RM_I, MEMORY, Flags.CF, ALL);
        row(Op.TEST_RM_R, MEMORY, 0, ALL);
        row(Op.TEST_RM_I, MEMORY, 0, ALL);
        row(Op.INC, MEMORY, 0, NOT_CF);
        row(Op.DEC, MEMORY, 0, NOT_CF);
        row(Op.NOT, MEMORY, 0, 0);
        row(Op.NEG, MEMORY, 0, ALL);
        row(Op.MUL, MEMORY, 0, ALL);
        row(Op.IMUL1, MEMORY, 0, ALL);
        row(Op.DIV, MEMORY | MAY_FAULT, ALL, ALL);
        row(Op.IDIV, MEMORY | MAY_FAULT, ALL, ALL);
        row(Op.IMUL_R_RM, MEMORY, 0, ALL);
        row(Op.IMUL_R_RM_I, MEMORY, 0, ALL);
        // A shift by a count of zero leaves the flags alone, so the old ones may survive it.
        row(Op.SHIFT_I, MEMORY, ALL, ALL);
        row(Op.SHIFT_CL, MEMORY, ALL, ALL);
        row(Op.DSHIFT_I, MEMORY, ALL, ALL);
        row(Op.DSHIFT_CL, MEMORY, ALL, ALL);
        row(Op.BT_R, MEMORY, 0, Flags.CF);
        row(Op.BT_I, MEMORY, 0, Flags.CF);
        row(Op.BSF, MEMORY, ALL, ALL);
        row(Op.BSR, MEMORY, ALL, ALL);
        row(Op.DAA, 0, Flags.CF | Flags.AF, ALL);
        row(Op.DAS, 0, Flags.CF | Flags.AF, ALL);
        row(Op.AAA, 0, Flags.AF, ALL);
        row(Op.AAS, 0, Flags.AF, ALL);
        row(Op.AAM, MAY_FAULT, 0, ALL);
        row(Op.AAD, 0, 0, ALL);
        row(Op.SALC, 0, Flags.CF, 0);
        row(Op.CLC, 0, 0, Flags.CF);
        row(Op.STC, 0, 0, Flags.CF);
        row(Op.CMC, 0, Flags.CF, Flags.CF);
        row(Op.CLD, 0, 0, 0);
        row(Op.STD, 0, 0, 0);
        row(Op.CLI, SYSTEM, 0, 0);
        row(Op.STI, SYSTEM, 0, 0);

        // control transfer
        row(Op.JMP_REL, TRANSFER, 0, 0);
        row(Op.JMP_RM, TRANSFER | MEMORY, 0, 0);
        row(Op.CALL_REL, TRANSFER | MEMORY, 0, 0);
        row(Op.CALL_RM, TRANSFER | MEMORY, 0, 0);
        row(Op.RET, TRANSFER | MEMORY, 0, 0);
        row(Op.LOOP, TRANSFER, Flags.ZF, 0);
        row(Op.JMP_FAR, TRANSFER | SYSTEM, 0, 0);
        row(Op.JMP_FAR_M, TRANSFER | SYSTEM | MEMORY, 0, 0);
        row(Op.CALL_FAR, TRANSFER | SYSTEM | MEMORY, 0, 0);
        row(Op.CALL_FAR_M, TRANSFER | SYSTEM | MEMORY, 0, 0);
        row(Op.RETF, TRANSFER | SYSTEM | MEMORY, 0, 0);
        row(Op.ENTER, MEMORY, 0, 0);
        row(Op.LEAVE, MEMORY, 0, 0);
        row(Op.INT, TRANSFER | SYSTEM | MEMORY, ALL, 0);
        row(Op.INT3, TRANSFER | SYSTEM | MEMORY, ALL, 0);
        row(Op.INTO, TRANSFER | SYSTEM | MEMORY, ALL, 0);
        row(Op.IRET, TRANSFER | SYSTEM | MEMORY, 0, ALL);
        row(Op.HLT, SYSTEM, 0, 0);
        row(Op.BOUND, MEMORY | MAY_FAULT, 0, 0);

        // stack
        row(Op.PUSH_R, MEMORY, 0, 0);
        row(Op.POP_R, MEMORY, 0, 0);
        row(Op.PUSH_RM, MEMORY, 0, 0);
        row(Op.POP_RM, MEMORY, 0, 0);
        row(Op.PUSH_I, MEMORY, 0, 0);
        row(Op.PUSH_SREG, MEMORY, 0, 0);
        row(Op.POP_SREG, SYSTEM | MEMORY, 0, 0);
        row(Op.PUSHA, MEMORY, 0, 0);
        row(Op.POPA, MEMORY, 0, 0);
        row(Op.PUSHF, MEMORY | MAY_FAULT, ALL, 0);
        row(Op.POPF, SYSTEM | MEMORY, 0, ALL);

        // strings and I/O: a repeated string operation retires one instruction per iteration
        for (int op : new int[] {Op.MOVS, Op.CMPS, Op.STOS, Op.LODS, Op.SCAS}) {
            row(op, ENDS_BLOCK | MEMORY, ALL, ALL);
        }
        for (int op : new int[] {Op.INS, Op.OUTS, Op.IN_I, Op.IN_DX, Op.OUT_I, Op.OUT_DX}) {
            row(op, SYSTEM | MEMORY, 0, 0);
        }

        // system
        row(Op.CPUID, 0, 0, 0);
        row(Op.RDTSC, MAY_FAULT, 0, 0);
        for (int op : new int[] {Op.INVLPG, Op.WBINVD, Op.CLTS, Op.MOV_R_CR, Op.MOV_CR_R, Op.MOV_R_DR, Op.MOV_DR_R,
                Op.LGDT, Op.LIDT, Op.LLDT, Op.LTR, Op.LMSW}) {
            row(op, SYSTEM | MEMORY, 0, 0);
        }
        for (int op : new int[] {Op.SGDT, Op.SIDT, Op.SLDT, Op.STR, Op.SMSW}) {
            row(op, MEMORY | MAY_FAULT, 0, 0);
        }
        for (int op : new int[] {Op.LAR, Op.LSL, Op.VERR, Op.VERW}) {
            row(op, MEMORY | MAY_FAULT, 0, Flags.ZF);
        }
        row(Op.ARPL, MEMORY | MAY_FAULT, 0, Flags.ZF);

        // the specialised dword forms
        for (int alu = 0; alu < 8; alu++) {
            int reads = alu == Op.ADC || alu == Op.SBB ? Flags.CF : 0;
            row(Op.ALU32_RR + alu, 0, reads, ALL);
            row(Op.ALU32_RI + alu, 0, reads, ALL);
        }
        row(Op.MOV32_RR, 0, 0, 0);
        row(Op.MOV32_RI, 0, 0, 0);
        row(Op.MOV32_LOAD, MEMORY, 0, 0);
        row(Op.MOV32_STORE, MEMORY, 0, 0);
        row(Op.INC32, 0, 0, NOT_CF);
        row(Op.DEC32, 0, 0, NOT_CF);
        row(Op.TEST32_RR, 0, 0, ALL);
        row(Op.JCC, BRANCH, ALL, 0);
        row(Op.SHIFT32_RI, 0, 0, ALL);
    }

    /** Whether the table has a row for {@code op} (every operation the decoder produces must). */
    public static boolean defined(int op) {
        return op >= 0 && op < SIZE && DEFINED[op];
    }

    public static int facts(int op) {
        return FACTS[op];
    }

    public static boolean has(int op, int fact) {
        return (FACTS[op] & fact) != 0;
    }

    /** The arithmetic flags the operation may read (a superset where it depends on operands). */
    public static int flagsRead(int op) {
        return READS[op];
    }

    /** The arithmetic flags the operation may write. */
    public static int flagsWritten(int op) {
        return WRITES[op];
    }

    /** The arithmetic flags this instruction reads, given its ALU operation or condition code. */
    public static int flagsRead(Insn d) {
        int op = d.op;
        switch (op) {
            case Op.JCC:
            case Op.SETCC:
            case Op.CMOVCC:
                return conditionReads(d.sub);
            case Op.ALU_RM_R:
            case Op.ALU_R_RM:
            case Op.ALU_RM_I:
                return d.sub == Op.ADC || d.sub == Op.SBB ? Flags.CF : 0;
            case Op.SHIFT32_RI:
                return d.sub == Op.RCL || d.sub == Op.RCR ? Flags.CF : 0;
            default:
                return READS[op];
        }
    }

    /**
     * The arithmetic flags this instruction writes: a rotate by a non-zero count changes only CF
     * and OF. Operations whose row reads every flag may also leave them as they were (a shift by a
     * zero count), so for them this is what they may write, not what they must.
     */
    public static int flagsWritten(Insn d) {
        if (d.op == Op.SHIFT32_RI && d.sub <= Op.RCR) {
            return Flags.CF | Flags.OF;
        }
        return WRITES[d.op];
    }

    /** The arithmetic flags condition code {@code cc} (Jcc, SETcc, CMOVcc) reads. */
    public static int conditionReads(int cc) {
        switch (cc >> 1) {
            case 0: return Flags.OF;
            case 1: return Flags.CF;
            case 2: return Flags.ZF;
            case 3: return Flags.CF | Flags.ZF;
            case 4: return Flags.SF;
            case 5: return Flags.PF;
            case 6: return Flags.SF | Flags.OF;
            default: return Flags.ZF | Flags.SF | Flags.OF;
        }
    }
}
