package org.j386.tools.asm;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * NASM's flat binary: {@code .text} at ORG, the other sections with contents after it in the
 * order they appeared, each aligned (4 bytes unless ALIGN= says otherwise), then the sections
 * without contents, which take addresses but no bytes in the file.
 */
public final class BinFormat implements OutputFormat {
    static final long DEFAULT_ALIGN = 4;

    @Override
    public void place(List<Section> sections, long origin) {
        long at = origin;
        List<Section> ordered = order(sections);
        for (Section s : ordered) {
            if (s.fixedStart >= 0) {
                at = s.fixedStart;
            } else {
                // .text starts at ORG unless its alignment was raised (align=, ALIGN); the file
                // then begins at ORG with zeros, as NASM writes it
                boolean text = s.name.equals(".text") && s == ordered.get(0);
                long a = s.align != 0 ? s.align : text ? 1 : DEFAULT_ALIGN;
                at = (at + a - 1) / a * a;
            }
            s.start = at;
            at += s.size();
        }
    }

    static List<Section> order(List<Section> sections) {
        List<Section> out = new ArrayList<>();
        sections.stream().filter(s -> s.name.equals(".text")).forEach(out::add);
        sections.stream().filter(s -> !s.name.equals(".text") && !s.nobits).forEach(out::add);
        sections.stream().filter(s -> !s.name.equals(".text") && s.nobits).forEach(out::add);
        return out;
    }

    /** The sections with contents in address order (a start= attribute can move one before another). */
    static List<Section> byAddress(List<Section> sections) {
        List<Section> out = new ArrayList<>(order(sections));
        out.removeIf(s -> s.nobits || s.size() == 0);
        out.sort(java.util.Comparator.comparingLong(s -> s.start));
        return out;
    }

    /** A section with contents that starts inside the one before it (or before ORG), or null. */
    static Section overlapping(List<Section> sections) {
        long end = Long.MIN_VALUE;
        for (Section s : byAddress(sections)) {
            if (s.start < end) {
                return s;
            }
            end = s.start + s.size();
        }
        return null;
    }

    @Override
    public byte[] write(String source, List<Section> sections, long origin, List<Label> labels) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long at = origin;
        for (Section s : byAddress(sections)) {
            if (s.nobits || s.size() == 0) {
                continue;
            }
            while (at < s.start) {
                out.write(0);
                at++;
            }
            byte[] b = s.contents();
            out.write(b, 0, b.length);
            at += b.length;
        }
        return out.toByteArray();
    }
}
