package org.j386.emulator.cpu;

/**
 * Executor operations. The decoder maps each opcode (with its ModRM group extension) to one of
 * these and to the operand fields of {@link Insn}; several encodings share an operation when only
 * their operands differ (MOV AL,moffs is MOV r,r/m with a displacement-only memory operand).
 */
public final class Op {
    private Op() {
    }

    public static final int
        UD = 0, FPU = 2, NOP = 3,
        // data movement
        MOV_RM_R = 10, MOV_R_RM = 11, MOV_RM_I = 12, MOVZX = 13, MOVSX = 14, LEA = 15, XCHG = 16,
        XADD = 17, CMPXCHG = 18, CMPXCHG8B = 19, MOV_RM_SREG = 20, MOV_SREG_RM = 21, LOAD_FAR_POINTER = 22,
        BSWAP = 23, CMOVCC = 24, SETCC = 25, XLAT = 26, CBW = 27, CWD = 28, LAHF = 29, SAHF = 30,
        // arithmetic and logic; sub is the ALU operation (ADD OR ADC SBB AND SUB XOR CMP)
        ALU_RM_R = 40, ALU_R_RM = 41, ALU_RM_I = 42, TEST_RM_R = 43, TEST_RM_I = 44, INC = 45, DEC = 46,
        NOT = 47, NEG = 48, MUL = 49, IMUL1 = 50, DIV = 51, IDIV = 52, IMUL_R_RM = 53, IMUL_R_RM_I = 54,
        SHIFT_I = 55, SHIFT_CL = 56, DSHIFT_I = 57, DSHIFT_CL = 58, BT_R = 59, BT_I = 60, BSF = 61, BSR = 62,
        DAA = 63, DAS = 64, AAA = 65, AAS = 66, AAM = 67, AAD = 68, SALC = 69,
        CLC = 70, STC = 71, CMC = 72, CLD = 73, STD = 74, CLI = 75, STI = 76,
        // control transfer
        JMP_REL = 81, JMP_RM = 82, CALL_REL = 83, CALL_RM = 84, RET = 85, LOOP = 86,
        JMP_FAR = 87, JMP_FAR_M = 88, CALL_FAR = 89, CALL_FAR_M = 90, RETF = 91, ENTER = 92, LEAVE = 93,
        INT = 94, INT3 = 95, INTO = 96, IRET = 97, HLT = 98, BOUND = 99,
        // stack
        PUSH_R = 100, POP_R = 101, PUSH_RM = 102, POP_RM = 103, PUSH_I = 104, PUSH_SREG = 105,
        POP_SREG = 106, PUSHA = 107, POPA = 108, PUSHF = 109, POPF = 110,
        // strings and I/O
        MOVS = 120, CMPS = 121, STOS = 122, LODS = 123, SCAS = 124, INS = 125, OUTS = 126,
        IN_I = 127, IN_DX = 128, OUT_I = 129, OUT_DX = 130,
        // system
        CPUID = 140, RDTSC = 141, INVLPG = 142, WBINVD = 143, CLTS = 144, MOV_R_CR = 145,
        MOV_CR_R = 146, MOV_R_DR = 147, MOV_DR_R = 148, LGDT = 149, LIDT = 150, SGDT = 151, SIDT = 152,
        LLDT = 153, LTR = 154, SLDT = 155, STR = 156, SMSW = 157, LMSW = 158,
        // selector checks (SelectorChecks)
        LAR = 160, LSL = 161, VERR = 162, VERW = 163, ARPL = 164;

    /**
     * Whether the operation is a string instruction or port I/O (numbered together above, MOVS to
     * OUT_DX): the group compiled blocks hand to the interpreter's implementation without its dispatch.
     */
    public static boolean stringOrPort(int op) {
        return op >= MOVS && op <= OUT_DX;
    }

    // Specialised forms of the commonest instructions with dword operands, chosen by the decoder
    // (see Decoder#specialise): register destinations, no width or operand-kind tests left.
    // ALU32_RR + op and ALU32_RI + op for each of the eight ALU operations. Jcc (every width)
    // sits among them. The block is dense so that the executor's first switch compiles to a jump
    // table rather than a search.
    public static final int ALU32_RR = 200, ALU32_RI = 208, MOV32_RR = 216, MOV32_RI = 217, MOV32_LOAD = 218,
        MOV32_STORE = 219, INC32 = 220, DEC32 = 221, TEST32_RR = 222, JCC = 223,
        SHIFT32_RI = 224;

    // ALU operations, in their encoding order.
    public static final int ADD = 0, OR = 1, ADC = 2, SBB = 3, AND = 4, SUB = 5, XOR = 6, CMP = 7;
    // Shift and rotate operations, in their encoding order (6 is an alias of SHL).
    public static final int ROL = 0, ROR = 1, RCL = 2, RCR = 3, SHL = 4, SHR = 5, SAL = 6, SAR = 7;
    // Bit-test operations.
    public static final int BT = 0, BTS = 1, BTR = 2, BTC = 3;
}
