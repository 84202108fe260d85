package org.j386.emulator.cpu;

/**
 * A segment register with its hidden descriptor cache: what the processor loaded from the GDT or
 * LDT when the selector was written, and uses for every access until the next load.
 */
public final class Segment {
    // Attribute bits, laid out as in the descriptor's second dword shifted right by 8.
    public static final int ACCESSED = 0x01, READ_WRITE = 0x02, CONFORMING_OR_EXPAND_DOWN = 0x04,
            CODE = 0x08, CODE_OR_DATA = 0x10, PRESENT = 0x80, DEFAULT_BIG = 0x4000, GRANULARITY = 0x8000;

    public int selector;
    public int base;
    /** Byte-granular limit (already scaled by G): the last valid offset, unsigned. */
    public int limit;
    /** Type, S, DPL, P in bits 0-7; AVL, L, D/B, G in bits 12-15. */
    public int attributes;
    /** False for a null selector in a data segment register: any access through it is #GP(0). */
    public boolean usable;

    public int dpl() {
        return (attributes >>> 5) & 3;
    }

    public boolean present() {
        return (attributes & PRESENT) != 0;
    }

    public boolean isCode() {
        return (attributes & CODE) != 0;
    }

    public boolean isSystem() {
        return (attributes & CODE_OR_DATA) == 0;
    }

    /** Code: readable; data: writable. */
    public boolean readWrite() {
        return (attributes & READ_WRITE) != 0;
    }

    public boolean conforming() {
        return isCode() && (attributes & CONFORMING_OR_EXPAND_DOWN) != 0;
    }

    public boolean expandDown() {
        return !isCode() && (attributes & CONFORMING_OR_EXPAND_DOWN) != 0;
    }

    /** D/B: 32-bit default operand size for code, 32-bit stack pointer for SS. */
    public boolean big() {
        return (attributes & DEFAULT_BIG) != 0;
    }

    /** System descriptor type (low nibble) when {@link #isSystem()}. */
    public int systemType() {
        return attributes & 0xF;
    }

    /** Loads the cache from the two dwords of a descriptor. */
    public void load(int selector, int low, int high) {
        this.selector = selector & 0xFFFF;
        this.base = (low >>> 16) | ((high & 0xFF) << 16) | (high & 0xFF000000);
        this.attributes = (high >>> 8) & 0xF0FF;
        this.limit = byteLimit(low, high);
        this.usable = true;
    }

    /** The last valid offset a descriptor allows: its 20-bit limit, in pages of 4 KiB when G is set. */
    public static int byteLimit(int low, int high) {
        int rawLimit = (low & 0xFFFF) | (high & 0x000F0000);
        return (high & (GRANULARITY << 8)) != 0 ? (rawLimit << 12) | 0xFFF : rawLimit;
    }

    /** A flat 4 GiB segment (what a Multiboot loader leaves behind), ring 0. */
    public void setFlat(int selector, boolean code) {
        this.selector = selector & 0xFFFF;
        this.base = 0;
        this.limit = -1;
        this.attributes = PRESENT | CODE_OR_DATA | READ_WRITE | ACCESSED | DEFAULT_BIG | GRANULARITY
                | (code ? CODE : 0);
        this.usable = true;
    }

    /** A null selector loaded into DS/ES/FS/GS. */
    public void setNull(int selector) {
        this.selector = selector & 0xFFFF;
        this.base = 0;
        this.limit = 0;
        this.attributes = 0;
        this.usable = false;
    }

    public void copyFrom(Segment other) {
        selector = other.selector;
        base = other.base;
        limit = other.limit;
        attributes = other.attributes;
        usable = other.usable;
    }
}
