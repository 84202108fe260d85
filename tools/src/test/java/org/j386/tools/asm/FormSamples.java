package org.j386.tools.asm;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.j386.tools.isa.Form;
import org.j386.tools.isa.OperandKind;

/**
 * Writes random source lines that use a given form of the instruction table: registers of the
 * right class, memory operands with every addressing shape, immediates that fit. Used to build
 * the NASM corpus and the assemble-disassemble round trip.
 */
public final class FormSamples {
    private static final String[] R8 = {"al", "cl", "dl", "bl", "ah", "ch", "dh", "bh"};
    private static final String[] R16 = {"ax", "cx", "dx", "bx", "sp", "bp", "si", "di"};
    private static final String[] R32 = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
    private static final String[] SREG = {"es", "ss", "ds", "fs", "gs"};
    private static final String[] CREG = {"cr0", "cr2", "cr3", "cr4"};
    private static final String[] DREG = {"dr0", "dr1", "dr2", "dr3", "dr6", "dr7"};
    private static final String[] SEG16 = {"bx+si", "bx+di", "bp+si", "bp+di", "si", "di", "bp", "bx"};

    private final Random rnd;
    private final int bits;

    public FormSamples(long seed, int bits) {
        this.rnd = new Random(seed);
        this.bits = bits;
    }

    /**
     * Whether NASM syntax can ask for {@code f} at all in this BITS: a branch with a 16-bit
     * displacement in 32-bit code (or the reverse) has no spelling; o16 only adds a prefix.
     */
    public boolean reachable(Form f) {
        return !(f.operandSize() != 0 && f.operandSize() != bits
            && f.operands().stream().anyMatch(k -> k.cat == OperandKind.Cat.REL));
    }

    /** One source line (without label) that should assemble to form {@code f}'s family. */
    public String line(Form f) {
        List<String> ops = new ArrayList<>();
        for (OperandKind k : f.operands()) {
            ops.add(operand(k, f));
        }
        String m = f.mnemonic().toLowerCase(Locale.ROOT);

        return ops.isEmpty() ? m : m + " " + String.join(", ", ops);
    }

    private String pick(String[] a) {
        return a[rnd.nextInt(a.length)];
    }


    /** Size keyword for an immediate of a form whose operand size differs from BITS. */
    private String osizeHint(Form f) {
        return f.operandSize() != 0 && f.operandSize() != bits ? OperandKind.sizeKeyword(f.operandSize()) + " " : "";
    }

    private String operand(OperandKind k, Form f) {
        switch (k) {
            case REG8: return pick(R8);
            case REG16: case R16: return pick(R16);
            case REG32: case R32: return pick(R32);
            case RM8: return rnd.nextBoolean() ? pick(R8) : "byte " + memory();
            case RM16: return rnd.nextBoolean() ? pick(R16) : "word " + memory();
            case RM32: return rnd.nextBoolean() ? pick(R32) : "dword " + memory();
            case MEM: return memory();
            case MEM16: return "word " + memory();
            case MEM64: return "qword " + memory();
            case FAR: return "far " + memory();
            case IMM8: return Integer.toString(rnd.nextInt(256));
            case IMM16: return osizeHint(f) + (rnd.nextBoolean() ? rnd.nextInt(65536) : rnd.nextInt(256) - 128);
            case IMM32: return osizeHint(f) + (rnd.nextBoolean() ? rnd.nextInt() : rnd.nextInt(256) - 128);
            case SBYTE: return osizeHint(f) + (rnd.nextInt(256) - 128);
            case ONE: return "1";
            case REL8: return "$" + signed(rnd.nextInt(200) - 100);
            case REL16: case REL32: return "$+" + (200 + rnd.nextInt(20000));
            case PTR16: return osizeHint(f) + "0x" + Integer.toHexString(rnd.nextInt(65536)) + ":0x"
                + Integer.toHexString(rnd.nextInt(65536));
            case PTR32: return osizeHint(f) + "0x" + Integer.toHexString(rnd.nextInt(65536)) + ":0x"
                + Integer.toHexString(rnd.nextInt());
            case MOFFS8: case MOFFS16: case MOFFS32:
                return "[" + segment() + "0x" + Integer.toHexString(rnd.nextInt(bits == 16 ? 65536 : Integer.MAX_VALUE)) + "]";
            case SREG: return pick(SREG);
            case CREG: return pick(CREG);
            case DREG: return pick(DREG);
            default: return k.fixed.spelling();
        }
    }

    private static String signed(int v) {
        return v < 0 ? Integer.toString(v) : "+" + v;
    }

    private String segment() {
        return rnd.nextInt(4) == 0 ? pick(new String[] {"es", "cs", "ss", "ds", "fs", "gs"}) + ":" : "";
    }

    private String disp(boolean big) {
        int v = big ? rnd.nextInt() : rnd.nextInt(256) - 128;
        return signed(v);
    }

    /** A memory operand in one of the addressing shapes, mostly in the native address size. */
    private String memory() {
        boolean use16 = bits == 16 ? rnd.nextInt(5) != 0 : rnd.nextInt(8) == 0;
        String seg = segment();
        if (use16) {
            switch (rnd.nextInt(4)) {
                case 0: return "[" + seg + "0x" + Integer.toHexString(rnd.nextInt(65536)) + "]";
                case 1: return "[" + seg + pick(SEG16) + "]";
                case 2: return "[" + seg + pick(SEG16) + signed(rnd.nextInt(256) - 128) + "]";
                default: return "[" + seg + pick(SEG16) + signed(rnd.nextInt(65536) - 32768) + "]";
            }
        }
        String base = pick(R32);
        String index = R32[new int[] {0, 1, 2, 3, 5, 6, 7}[rnd.nextInt(7)]];
        int scale = new int[] {1, 2, 4, 8}[rnd.nextInt(4)];
        switch (rnd.nextInt(7)) {
            case 0: return "[" + seg + "0x" + Integer.toHexString(bits == 16 ? rnd.nextInt(65536) : rnd.nextInt()) + "]";
            case 1: return "[" + seg + base + "]";
            case 2: return "[" + seg + base + disp(rnd.nextBoolean()) + "]";
            case 3: return "[" + seg + base + "+" + index + "*" + scale + "]";
            case 4: return "[" + seg + base + "+" + index + "*" + scale + disp(rnd.nextBoolean()) + "]";
            case 5: return "[" + seg + index + "*" + scale + disp(true) + "]";
            default: return "[" + seg + index + "*" + new int[] {2, 3, 5, 9}[rnd.nextInt(4)] + "]";
        }
    }
}
