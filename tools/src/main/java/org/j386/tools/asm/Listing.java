package org.j386.tools.asm;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntToLongFunction;

/**
 * The listing ({@code -l}) in NASM's layout: every line the preprocessor looked at, with its line
 * number, the section offset and hex of what it assembled to (an address a linker or the layout
 * fills in shown as {@code [..]}, a relative one as {@code (..)}, TIMES as the first round and {@code <rep Nh>}, reservations as
 * {@code <res Nh>}, INCBIN as {@code <bin Nh>}), and {@code <N>} for lines N levels deep in
 * includes and expansions. Rows hold 18 hex digits; a longer output goes on under the same line
 * number after a {@code -}.
 */
final class Listing {
    private static final int HEX_WIDTH = 18;

    private record Chunk(long offset, String text) { }

    private final Map<Integer, List<Chunk>> byLine = new HashMap<>();
    private List<Chunk> current;
    private int suppressed;

    /** Starts collecting for the output line {@code index}. */
    void startLine(int index) {
        current = new ArrayList<>();
        byLine.put(index, current);
        suppressed = 0;
    }

    /** Bytes written from here on (until {@link #resume}) are left out. */
    void suppress() {
        suppressed++;
    }

    void resume() {
        suppressed--;
    }

    private boolean active() {
        return current != null && suppressed == 0;
    }

    void bytes(long offset, byte[] b) {
        if (active()) {
            for (int i = 0; i < b.length; i++) {
                current.add(new Chunk(offset + i, hex(b[i] & 0xFF, 1)));
            }
        }
    }

    /**
     * The bytes of {@code c} at {@code offset}, each relocated field as its value from the start
     * of its section ({@code sectionStart}), little-endian in brackets, as NASM shows addresses.
     */
    void code(long offset, Code c, IntToLongFunction sectionStart) {
        if (!active()) {
            return;
        }
        byte[] b = c.toByteArray();
        int i = 0;
        for (Code.Fixup f : c.fixups) {
            for (; i < f.offset(); i++) {
                current.add(new Chunk(offset + i, hex(b[i] & 0xFF, 1)));
            }
            long shown = f.target().value();
            int section = f.target().section();
            if (section >= 0 && section < Value.EXTERNAL) {
                shown -= sectionStart.applyAsLong(section);
            }
            boolean relative = f.relative() || f.target().minus() != Value.ABSOLUTE;
            current.add(new Chunk(offset + i, (relative ? "(" : "[") + hex(shown, f.bytes()) + (relative ? ")" : "]")));
            i += f.bytes();
        }
        for (; i < b.length; i++) {
            current.add(new Chunk(offset + i, hex(b[i] & 0xFF, 1)));
        }
    }

    /** Space reserved: {@code ??} a byte up to 8 bytes, else {@code <res Nh>}. */
    void reserved(long offset, long n) {
        if (n <= 8) {
            if (active()) {
                current.add(new Chunk(offset, "??".repeat((int) n)));
            }
        } else {
            marker(offset, "res", n);
        }
    }

    /** {@code <rep 3h>}, {@code <res 10h>}, {@code <bin 23h>}. */
    void marker(long offset, String what, long count) {
        if (current != null && suppressed <= (what.equals("rep") ? 1 : 0)) {
            current.add(new Chunk(offset, "<" + what + " " + Long.toHexString(count).toUpperCase() + "h>"));
        }
    }

    /** The value's bytes, least significant first, as hex. */
    private static String hex(long v, int bytes) {
        StringBuilder sb = new StringBuilder(bytes * 2);
        for (int k = 0; k < bytes; k++) {
            int x = (int) (v >>> (8 * k)) & 0xFF;
            sb.append(Character.toUpperCase(Character.forDigit(x >> 4, 16)))
                .append(Character.toUpperCase(Character.forDigit(x & 15, 16)));
        }
        return sb.toString();
    }

    /** The listing of the preprocessor's lines, each with the output of the lines it became. */
    String render(List<Preprocessor.Listed> lines) {
        StringBuilder out = new StringBuilder();
        for (Preprocessor.Listed l : lines) {
            List<long[]> offsets = new ArrayList<>();
            List<StringBuilder> rows = new ArrayList<>();
            for (int index : l.outputs) {
                for (Chunk c : byLine.getOrDefault(index, List.of())) {
                    StringBuilder row = rows.isEmpty() ? null : rows.get(rows.size() - 1);
                    if (row != null && row.length() + c.text().length() > HEX_WIDTH) {
                        row.append('-');
                        row = null;
                    }
                    if (row == null) {
                        rows.add(new StringBuilder(c.text()));
                        offsets.add(new long[] {c.offset()});
                    } else {
                        row.append(c.text());
                    }
                }
            }
            // the offset and hex columns are 28 wide, the level 4
            String level = l.level > 0 ? (l.level < 10 ? " " : "") + "<" + l.level + ">" : "";
            out.append(String.format("%6d ", l.line));
            if (rows.isEmpty()) {
                out.append(" ".repeat(HEX_WIDTH + 10));
            } else {
                out.append(String.format("%08X %-19s", offsets.get(0)[0], rows.get(0)));
            }
            out.append(level.isEmpty() ? "    " : level).append(' ').append(l.text).append('\n');
            for (int r = 1; r < rows.size(); r++) {
                out.append(String.format("%6d %08X %-19s", l.line, offsets.get(r)[0], rows.get(r))).append(level)
                    .append('\n');
            }
            for (String m : l.messages) {
                out.append(String.format("%6d          ", l.line)).append("*".repeat(HEX_WIDTH))
                    .append(level.isEmpty() ? "     " : " " + level).append("  ").append(m).append('\n');
            }
        }
        return out.toString();
    }
}
