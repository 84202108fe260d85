package org.j386.tools.asm;

/**
 * The value of an expression in one pass.
 *
 * @param value   the number (for labels: the final address in a flat image)
 * @param section -1 for a plain number; the index of the section a label lives in when the value
 *                still depends on where that section is placed; {@link #EXTERNAL} plus its number
 *                for an offset from an EXTERN or COMMON symbol (object files only); -2 for a mix
 *                no relocation can express
 * @param known   false while a forward reference is not yet defined (early passes only)
 * @param minus   for {@code symbol - label}, the section of the label subtracted (else -1): in an
 *                object file, a PC-relative field when that section is the one being filled
 */
public record Value(long value, int section, boolean known, int minus) {

    Value(long value, int section, boolean known) {
        this(value, section, known, ABSOLUTE);
    }
    static final int ABSOLUTE = -1;
    static final int COMPLEX = -2;
    /** Section numbers from here up stand for external symbols, which the linker places. */
    static final int EXTERNAL = 1 << 20;

    static Value of(long v) {
        return new Value(v, ABSOLUTE, true);
    }

    static final Value UNKNOWN = new Value(0, ABSOLUTE, false);

    /**
     * A number fixed at assembly time. NASM picks short encodings (sign-extended imm8, disp8)
     * only for these: a label's address is left to the output format, so it gets the long form.
     */
    boolean simple() {
        return known && section == ABSOLUTE;
    }
}
