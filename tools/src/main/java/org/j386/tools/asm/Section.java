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
