package org.j386.tools.isa;

import java.util.List;

/**
 * One row of the instruction table after expansion: a mnemonic with fixed operand kinds and
 * the recipe for its bytes.
 *
 * @param mnemonic     upper-case mnemonic, condition code already spelled out (JZ, SETNC)
 * @param operands     operand slots in source order
 * @param operandSize  16 or 32 when the form needs that operand size (a 66 prefix if BITS differs), else 0
 * @param addressSize  16 or 32 when the form needs that address size (JCXZ/JECXZ), else 0
 * @param opcode       opcode bytes; with {@link #plusReg} the last one is the base of a +r column
 * @param plusReg      the register operand is added to the last opcode byte
 * @param modrm        how the ModR/M byte is formed
 * @param digit        the fixed reg-field value for {@link ModRm#DIGIT}
 * @param tail         immediates, relative targets and offsets in emission order
 * @param condition    the condition code 0..15 of a cc family member, else -1
 * @param assembleOnly true when the disassembler must not pick this row (aliases, duplicates)
 * @param line         line of the table the row came from, for messages
 */
public record Form(String mnemonic, List<OperandKind> operands, int operandSize, int addressSize,
                   byte[] opcode, boolean plusReg, ModRm modrm, int digit, List<Tail> tail,
                   int condition, boolean assembleOnly, int line) {

    /** The ModR/M recipe. */
    public enum ModRm {
        /** No ModR/M byte. */
        NONE,
        /** reg field = the register operand, r/m = the r/m operand. */
        REG,
        /** reg field = a fixed digit, r/m = the r/m operand. */
        DIGIT,
        /** One register operand in both fields (IMUL r, imm as IMUL r, r, imm). */
        BOTH
    }

    /** Trailing fields after opcode and ModR/M. */
    public enum Tail {
        IB(1), IW(2), ID(4), RB(1), RW(2), RD(4), MO(0), PW(4), PD(6);

        public final int bytes;

        Tail(int bytes) {
            this.bytes = bytes;
        }

        public boolean relative() {
            return this == RB || this == RW || this == RD;
        }
    }

    public Form {
        operands = List.copyOf(operands);
        tail = List.copyOf(tail);
        opcode = opcode.clone();
    }

    /** A copy of the opcode bytes (records expose arrays by reference otherwise). */
    @Override
    public byte[] opcode() {
        return opcode.clone();
    }

    /** The opcode byte at {@code i} without copying. */
    public int opcodeByte(int i) {
        return opcode[i] & 0xFF;
    }

    public int opcodeLength() {
        return opcode.length;
    }

    /** Index of the first operand slot satisfying the predicate, or -1. */
    public int indexOf(java.util.function.Predicate<OperandKind> p) {
        for (int i = 0; i < operands.size(); i++) {
            if (p.test(operands.get(i))) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(mnemonic);
        for (int i = 0; i < operands.size(); i++) {
            sb.append(i == 0 ? " " : ",").append(operands.get(i).name().toLowerCase(java.util.Locale.ROOT));
        }
        return sb.toString();
    }
}
