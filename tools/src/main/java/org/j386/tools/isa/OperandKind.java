package org.j386.tools.isa;

import java.util.Locale;

/**
 * What an operand slot of a form accepts. The assembler matches parsed operands against these;
 * the disassembler reads them to know which bytes to decode and how to print them.
 */
public enum OperandKind {
    REG8(Cat.REG, 8), REG16(Cat.REG, 16), REG32(Cat.REG, 32),
    R16(Cat.RMREG, 16), R32(Cat.RMREG, 32),
    RM8(Cat.RM, 8), RM16(Cat.RM, 16), RM32(Cat.RM, 32),
    MEM(Cat.MEM, 0), MEM16(Cat.MEM, 16), MEM64(Cat.MEM, 64),
    FAR(Cat.FARMEM, 0),
    IMM8(Cat.IMM, 8), IMM16(Cat.IMM, 16), IMM32(Cat.IMM, 32),
    SBYTE(Cat.SBYTE, 8),
    REL8(Cat.REL, 8), REL16(Cat.REL, 16), REL32(Cat.REL, 32),
    PTR16(Cat.PTR, 16), PTR32(Cat.PTR, 32),
    MOFFS8(Cat.MOFFS, 8), MOFFS16(Cat.MOFFS, 16), MOFFS32(Cat.MOFFS, 32),
    SREG(Cat.SPECIAL, 16), CREG(Cat.SPECIAL, 32), DREG(Cat.SPECIAL, 32),
    ONE(Cat.ONE, 0),
    AL(Register.AL), AX(Register.AX), EAX(Register.EAX), CL(Register.CL), DX(Register.DX),
    ES(Register.ES), CS(Register.CS), SS(Register.SS), DS(Register.DS), FS(Register.FS), GS(Register.GS);

    /** Broad families that decide where an operand is encoded. */
    public enum Cat { REG, RMREG, RM, MEM, FARMEM, IMM, SBYTE, REL, PTR, MOFFS, SPECIAL, ONE, FIXED }

    public final Cat cat;
    /** Width in bits of the value the slot holds; 0 when the slot has no size of its own. */
    public final int size;
    /** For FIXED kinds, the only register accepted. */
    public final Register fixed;

    OperandKind(Cat cat, int size) {
        this.cat = cat;
        this.size = size;
        this.fixed = null;
    }

    OperandKind(Register fixed) {
        this.cat = Cat.FIXED;
        this.size = fixed.size;
        this.fixed = fixed;
    }

    /** True when the operand goes into the ModR/M r/m field. */
    public boolean inRmField() {
        return cat == Cat.RM || cat == Cat.RMREG || cat == Cat.MEM || cat == Cat.FARMEM;
    }

    /** True when the operand goes into the ModR/M reg field (or the opcode, with +r). */
    public boolean inRegField() {
        return cat == Cat.REG || cat == Cat.SPECIAL;
    }

    /** The register class of register slots; null for others. */
    public Register.Kind registerKind() {
        switch (this) {
            case SREG: return Register.Kind.SREG;
            case CREG: return Register.Kind.CREG;
            case DREG: return Register.Kind.DREG;
            default: return cat == Cat.REG || cat == Cat.RMREG || cat == Cat.RM ? Register.Kind.GPR : null;
        }
    }

    /** NASM's size keyword for an operand of {@code bits} bits: byte, word, dword or qword. */
    public static String sizeKeyword(int bits) {
        switch (bits) {
            case 8: return "byte";
            case 16: return "word";
            case 32: return "dword";
            default: return "qword";
        }
    }

    public static OperandKind parse(String text) {
        return valueOf(text.toUpperCase(Locale.ROOT));
    }
}
