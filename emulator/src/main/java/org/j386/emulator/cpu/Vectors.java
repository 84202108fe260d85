package org.j386.emulator.cpu;

/** Exception vector numbers. */
public final class Vectors {
    public static final int DE = 0, DB = 1, NMI = 2, BP = 3, OF = 4, BR = 5, UD = 6, NM = 7, DF = 8,
            TS = 10, NP = 11, SS = 12, GP = 13, PF = 14, MF = 16, AC = 17, MC = 18;

    private static final String[] MNEMONICS = {
        "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "#MP", "#TS", "#NP", "#SS", "#GP",
        "#PF", "#15", "#MF", "#AC", "#MC", "#XM"
    };

    private Vectors() {
    }

    public static String name(int vector) {
        return vector >= 0 && vector < MNEMONICS.length ? MNEMONICS[vector] : String.format("0x%02x", vector);
    }

    /** Exceptions for which the processor pushes an error code. */
    public static boolean pushesErrorCode(int vector) {
        return vector == DF || (vector >= TS && vector <= PF) || vector == AC;
    }
}
