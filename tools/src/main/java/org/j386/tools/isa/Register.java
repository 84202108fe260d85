package org.j386.tools.isa;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** The registers an operand can name, with the class, width and number the encodings use. */
public enum Register {
    AL(Kind.GPR, 8, 0), CL(Kind.GPR, 8, 1), DL(Kind.GPR, 8, 2), BL(Kind.GPR, 8, 3),
    AH(Kind.GPR, 8, 4), CH(Kind.GPR, 8, 5), DH(Kind.GPR, 8, 6), BH(Kind.GPR, 8, 7),
    AX(Kind.GPR, 16, 0), CX(Kind.GPR, 16, 1), DX(Kind.GPR, 16, 2), BX(Kind.GPR, 16, 3),
    SP(Kind.GPR, 16, 4), BP(Kind.GPR, 16, 5), SI(Kind.GPR, 16, 6), DI(Kind.GPR, 16, 7),
    EAX(Kind.GPR, 32, 0), ECX(Kind.GPR, 32, 1), EDX(Kind.GPR, 32, 2), EBX(Kind.GPR, 32, 3),
    ESP(Kind.GPR, 32, 4), EBP(Kind.GPR, 32, 5), ESI(Kind.GPR, 32, 6), EDI(Kind.GPR, 32, 7),
    ES(Kind.SREG, 16, 0), CS(Kind.SREG, 16, 1), SS(Kind.SREG, 16, 2), DS(Kind.SREG, 16, 3),
    FS(Kind.SREG, 16, 4), GS(Kind.SREG, 16, 5),
    CR0(Kind.CREG, 32, 0), CR2(Kind.CREG, 32, 2), CR3(Kind.CREG, 32, 3), CR4(Kind.CREG, 32, 4),
    DR0(Kind.DREG, 32, 0), DR1(Kind.DREG, 32, 1), DR2(Kind.DREG, 32, 2), DR3(Kind.DREG, 32, 3),
    DR6(Kind.DREG, 32, 6), DR7(Kind.DREG, 32, 7);

    /** Register classes: each has its own number space in the ModR/M reg field. */
    public enum Kind { GPR, SREG, CREG, DREG }

    private static final Map<String, Register> BY_NAME = new HashMap<>();
    private static final Register[][] GPR_BY_SIZE = new Register[33][8];

    static {
        for (Register r : values()) {
            BY_NAME.put(r.spelling(), r);
            if (r.kind == Kind.GPR) {
                GPR_BY_SIZE[r.size][r.number] = r;
            }
        }
    }

    public final Kind kind;
    public final int size;
    public final int number;

    Register(Kind kind, int size, int number) {
        this.kind = kind;
        this.size = size;
        this.number = number;
    }

    /** NASM's (lower-case) spelling. */
    public String spelling() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The register named {@code name} in any case, or null. */
    public static Register byName(String name) {
        return BY_NAME.get(name.toLowerCase(Locale.ROOT));
    }

    /** The general register of {@code size} bits with encoding {@code number}. */
    public static Register gpr(int size, int number) {
        return GPR_BY_SIZE[size][number];
    }

    /** The register of {@code kind} with encoding {@code number}, or null when that number names none. */
    public static Register of(Kind kind, int size, int number) {
        if (kind == Kind.GPR) {
            return gpr(size, number);
        }
        for (Register r : values()) {
            if (r.kind == kind && r.number == number) {
                return r;
            }
        }
        return null;
    }
}
