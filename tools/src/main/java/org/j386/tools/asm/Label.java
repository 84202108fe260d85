package org.j386.tools.asm;

/**
 * A name the source defined or declared, as the output formats see it after the last pass.
 *
 * @param name    full name (local labels qualified: {@code main.loop})
 * @param value   the address (or, for a constant, the number; for COMMON, the alignment)
 * @param section index of the section the label lives in, or -1 for a constant (EQU, STRUC field)
 * @param global  named by a GLOBAL directive
 * @param kind    what declared it
 * @param size    the size of a COMMON variable, else 0
 */
public record Label(String name, long value, int section, boolean global, Kind kind, long size) {

    /** Defined in the source, declared EXTERN, or declared COMMON. */
    public enum Kind { DEFINED, EXTERN, COMMON }

    public Label(String name, long value, int section, boolean global) {
        this(name, value, section, global, Kind.DEFINED, 0);
    }

    /** Whether the name stands for a place in one of the source's sections rather than a number. */
    public boolean isAddress() {
        return kind == Kind.DEFINED && section >= 0 && section < Value.EXTERNAL;
    }
}
