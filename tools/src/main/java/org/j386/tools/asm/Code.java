package org.j386.tools.asm;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Bytes of one statement and the fields in them whose values depend on where a section or an
 * external symbol ends up: an object file turns each such field into a relocation, a flat image
 * has already written the final number.
 */
final class Code extends ByteArrayOutputStream {

    /**
     * A field to relocate.
     *
     * @param offset   where the field starts, from the start of these bytes (later: of the section)
     * @param bytes    its width
     * @param target   the value it refers to (a section or external symbol and an offset)
     * @param relative whether the CPU adds the field to the address after the instruction
     */
    record Fixup(long offset, int bytes, Value target, boolean relative) {
        Fixup at(long base) {
            return new Fixup(base + offset, bytes, target, relative);
        }
    }

    final List<Fixup> fixups = new ArrayList<>();

    Code() {
        super(16);
    }

    /** Writes {@code number} in {@code bytes} bytes and remembers the field when {@code v} needs relocating. */
    void field(Value v, long number, int bytes, boolean relative) {
        if (v.known() && v.section() != Value.ABSOLUTE && bytes > 0) {
            fixups.add(new Fixup(size(), bytes, v, relative));
        }
        Encoder.little(this, number, bytes);
    }

    /** Adds {@code delta} to the little-endian field of {@code bytes} bytes at {@code offset}. */
    void add(long offset, int bytes, long delta) {
        long v = 0;
        for (int i = bytes - 1; i >= 0; i--) {
            v = v << 8 | (buf[(int) offset + i] & 0xFF);
        }
        v += delta;
        for (int i = 0; i < bytes; i++) {
            buf[(int) offset + i] = (byte) (v >>> (8 * i));
        }
    }

    /** An absolute field holding {@code v} itself. */
    void field(Value v, int bytes) {
        field(v, v.value(), bytes, false);
    }
}
