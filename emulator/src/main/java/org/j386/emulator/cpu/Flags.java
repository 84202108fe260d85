package org.j386.emulator.cpu;

/**
 * EFLAGS. (Placeholder representation: stored eagerly. The interpreter's lazy form replaces the
 * inside of this class and keeps this API.)
 */
public final class Flags {
    public static final int CF = 1, PF = 4, AF = 0x10, ZF = 0x40, SF = 0x80, TF = 0x100, IF = 0x200,
            DF = 0x400, OF = 0x800, IOPL = 0x3000, NT = 0x4000, RF = 0x10000, VM = 0x20000, AC = 0x40000,
            ID = 0x200000;
    /** Bits software can change on this processor (486+ without VME/VIF). */
    public static final int WRITABLE = CF | PF | AF | ZF | SF | TF | IF | DF | OF | IOPL | NT | RF | AC | ID;

    private int value = 2;

    /** The whole register; bit 1 always reads as one. */
    public int get() {
        return value | 2;
    }

    /** Replaces the whole register; callers mask what the instruction may change. */
    public void set(int eflags) {
        value = (eflags & WRITABLE) | 2;
    }

    public boolean cf() {
        return (get() & CF) != 0;
    }

    public boolean zf() {
        return (get() & ZF) != 0;
    }

    public boolean sf() {
        return (get() & SF) != 0;
    }

    public boolean of() {
        return (get() & OF) != 0;
    }

    public boolean pf() {
        return (get() & PF) != 0;
    }

    public boolean af() {
        return (get() & AF) != 0;
    }

    public boolean df() {
        return (value & DF) != 0;
    }

    public boolean interruptsEnabled() {
        return (value & IF) != 0;
    }

    public boolean trap() {
        return (value & TF) != 0;
    }

    public int iopl() {
        return (value >>> 12) & 3;
    }

    /** Sets or clears one of the non-arithmetic bits (IF, DF, TF, NT, RF, AC, ID). */
    public void setBit(int mask, boolean on) {
        value = on ? value | mask : value & ~mask;
    }
}
