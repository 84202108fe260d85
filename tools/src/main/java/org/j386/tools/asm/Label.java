package org.j386.tools.asm;

/**
 * A name the source defined, as the output formats see it after the last pass.
 *
 * @param name    full name (local labels qualified: {@code main.loop})
 * @param value   the address (or, for a constant, the number)
 * @param section index of the section the label lives in, or -1 for a constant (EQU, STRUC field)
 * @param global  named by a GLOBAL directive
 */
public record Label(String name, long value, int section, boolean global) {

    /** Whether the name stands for a place in a section rather than a number. */
    public boolean isAddress() {
        return section >= 0;
    }
}
