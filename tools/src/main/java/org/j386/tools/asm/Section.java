package org.j386.tools.asm;

import java.io.ByteArrayOutputStream;

/** A section being filled in one pass: its bytes (or just its size when it holds no data). */
public final class Section {
    final String name;
    final int index;
    final boolean nobits;
    long align;
    final Bytes bytes = new Bytes();
    long reserved; // size of a nobits section
    /** Address chosen by the output format at the end of the previous pass. */
    long start;
    /** The address a {@code start=} attribute fixes, or -1 when the section follows the one before. */
    long fixedStart = -1;
    /** The first SECTION line that named it (where a layout error is reported). */
    SourceLine definedAt;
    /**
     * When the section was first named by SECTION or, for the implicit .text, first given a label
     * (-1: neither). An object file lists sections in this order, then the implicit .text if it
     * only has contents, as NASM makes it only when it writes them.
     */
    int firstUse = -1;
    /** Whether the directive gave {@code align=} (else an object file starts from the name's default). */
    boolean alignGiven;
    /** The ELF attribute words of its SECTION directives, in order. */
    final java.util.List<String> flags = new java.util.ArrayList<>();
    /** Fields whose values depend on placement, offsets from the start of the section. */
    final java.util.List<Code.Fixup> fixups = new java.util.ArrayList<>();

    Section(String name, int index, boolean nobits, long align) {
        this.name = name;
        this.index = index;
        this.nobits = nobits;
        this.align = align;
    }

    public String name() {
        return name;
    }

    public boolean nobits() {
        return nobits;
    }

    public long align() {
        return align;
    }

    public int firstUse() {
        return firstUse;
    }

    public boolean alignGiven() {
        return alignGiven;
    }

    public java.util.List<String> flags() {
        return java.util.List.copyOf(flags);
    }

    public long start() {
        return start;
    }

    public long size() {
        return nobits ? reserved : bytes.size();
    }

    /** A byte buffer that can be read in place (the listing reads each line's bytes). */
    static final class Bytes extends ByteArrayOutputStream {
        Bytes() {
            super(256);
        }

        int at(int index) {
            return buf[index] & 0xFF;
        }
    }

    /** The section's contents (empty for a nobits section). */
    public byte[] contents() {
        return bytes.toByteArray();
    }
}
