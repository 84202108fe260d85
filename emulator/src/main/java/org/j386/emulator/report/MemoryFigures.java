package org.j386.emulator.report;

import java.util.List;

/** Sections 1 and 2 of the page: the linear address space and physical memory by use. */
final class MemoryFigures {
    private MemoryFigures() {
    }

    /** Linear rows of 128 MiB: 32 rows cover 4 GiB; one pixel is 128 KiB (32 pages). */
    static final long ROW_BYTES = 128L << 20;
    static final int ROWS = 32, ROW_WIDTH = 1024, ROW_HEIGHT = 12, ROW_GAP = 4, LABEL = 86;
    /** The most ranges drawn and listed (a directory of garbage can map a million ranges). */
    static final int MAX_RANGES = 4000, MAX_TABLE_ROWS = 2000;

    static String rightsColour(boolean user, boolean writable) {
        return user ? (writable ? Svg.ORANGE : Svg.GREEN) : (writable ? Svg.SKY : Svg.BLUE);
    }

    static String rights(AddressSpace.Range r) {
        return (r.user() ? "user" : "supervisor") + ", " + (r.writable() ? "read/write" : "read-only");
    }

    static void addressSpace(StringBuilder b, AddressSpace space) {
        b.append("<section id=\"address-space\"><h2>1. Linear address space</h2>\n");
        if (!space.paging) {
            b.append("<p class=\"how\">Paging is off (CR0.PG=0): every linear address is the physical address.</p>");
        } else {
            b.append(String.format("<p class=\"how\">The 4 GiB the page directory at %s maps now: %s in %d ranges. Each row is"
                    + " 128 MiB, one pixel 128 KiB; a mapped range is at least one pixel wide. Hover a range for its linear and"
                    + " physical addresses and flags, click it to find it in the table.</p>%n", Svg.hex(space.directory),
                    Svg.bytes(space.mappedBytes()), space.ranges.size()));
        }
        b.append("<div class=\"legend\">").append(Svg.swatch(Svg.BLUE, "supervisor, read-only"))
                .append(Svg.swatch(Svg.SKY, "supervisor, read/write")).append(Svg.swatch(Svg.GREEN, "user, read-only"))
                .append(Svg.swatch(Svg.ORANGE, "user, read/write")).append(Svg.swatch(Svg.LIGHT_GREY, "not mapped"))
                .append("<span class=\"key\"><svg width=\"14\" height=\"14\" aria-hidden=\"true\"><rect width=\"14\" height=\"14\""
                        + " fill=\"url(#large)\" stroke=\"#333\" stroke-width=\"0.5\"/></svg>4 MiB page (hatched; plain: 4 KiB pages)</span>")
                .append("<span class=\"key\"><svg width=\"14\" height=\"14\" aria-hidden=\"true\"><rect x=\"1\" y=\"1\" width=\"12\""
                        + " height=\"12\" fill=\"none\" stroke=\"" + Svg.VERMILLION + "\" stroke-width=\"2\"/></svg>recursive window</span>")
                .append("</div>\n<div class=\"pair\">");
        double height = ROWS * (ROW_HEIGHT + ROW_GAP) + 8;
        b.append("<svg id=\"address-space-map\" role=\"img\" aria-label=\"linear address space\" width=\"")
                .append(LABEL + ROW_WIDTH + 8).append("\" height=\"").append(Svg.n(height)).append("\" viewBox=\"0 0 ")
                .append(LABEL + ROW_WIDTH + 8).append(' ').append(Svg.n(height)).append("\">");
        b.append("<defs><pattern id=\"large\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\""
                + " patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#ffffff\" fill-opacity=\"0\"/>"
                + "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#000\" stroke-width=\"2\" stroke-opacity=\"0.45\"/></pattern></defs>");
        b.append("<g class=\"axis\">");
        for (int row = 0; row < ROWS; row++) {
            double y = 4 + row * (ROW_HEIGHT + ROW_GAP);
            Svg.text(b, LABEL - 6, y + ROW_HEIGHT - 2, "end", Svg.hex(row * ROW_BYTES));
            Svg.rect(b, LABEL, y, ROW_WIDTH, ROW_HEIGHT, Svg.LIGHT_GREY, null, "");
        }
        b.append("</g>");
        List<AddressSpace.Range> drawn = space.ranges.subList(0, Math.min(space.ranges.size(), MAX_RANGES));
        for (int i = 0; i < drawn.size(); i++) {
            AddressSpace.Range r = drawn.get(i);
            String title = String.format("linear %s-%s -> physical %s-%s, %s, %s pages, %s%s", Svg.hex(r.linear()),
                    Svg.hex(r.linearEnd()), Svg.hex(r.physical()), Svg.hex(r.physicalEnd()), Svg.bytes(r.size()),
                    r.large() ? "4 MiB" : "4 KiB", rights(r), r.recursive() ? ", in the recursive window" : "");
            // A range may cross rows: one piece per row.
            for (long at = r.linear(); at <= r.linearEnd(); ) {
                long row = at / ROW_BYTES;
                long end = Math.min(r.linearEnd() + 1, (row + 1) * ROW_BYTES);
                double x = LABEL + (at - row * ROW_BYTES) * (double) ROW_WIDTH / ROW_BYTES;
                double w = Math.max(1, (end - at) * (double) ROW_WIDTH / ROW_BYTES);
                double y = 4 + row * (ROW_HEIGHT + ROW_GAP);
                String attrs = " data-row=\"r" + i + "\" class=\"pick\"";
                Svg.rect(b, x, y, w, ROW_HEIGHT, rightsColour(r.user(), r.writable()), title, attrs);
                if (r.large()) {
                    Svg.rect(b, x, y, w, ROW_HEIGHT, "url(#large)", null, " pointer-events=\"none\"");
                }
                at = end;
            }
        }
        for (int window : space.windows) {
            long start = (long) window << 22;
            long row = start / ROW_BYTES;
            double x = LABEL + (start - row * ROW_BYTES) * (double) ROW_WIDTH / ROW_BYTES;
            double y = 4 + row * (ROW_HEIGHT + ROW_GAP);
            b.append("<rect x=\"").append(Svg.n(x - 1)).append("\" y=\"").append(Svg.n(y - 2)).append("\" width=\"")
                    .append(Svg.n((4 << 20) * (double) ROW_WIDTH / ROW_BYTES + 2)).append("\" height=\"").append(ROW_HEIGHT + 4)
                    .append("\" fill=\"none\" stroke=\"").append(Svg.VERMILLION).append("\" stroke-width=\"2\" pointer-events=\"none\"/>");
        }
        b.append("</svg>\n");
        rangeTable(b, space);
        b.append("</div>");
        if (space.ranges.size() > MAX_RANGES) {
            b.append(String.format("<p class=\"note\">Only the first %d of %d ranges are drawn.</p>", MAX_RANGES,
                    space.ranges.size()));
        }
        for (int window : space.windows) {
            b.append(String.format("<p class=\"note\">Recursive window: directory entry %d points at the directory itself,"
                    + " so %s-%s shows the page tables, and %s the directory.</p>", window, Svg.hex((long) window << 22),
                    Svg.hex(((long) window << 22) + (4 << 20) - 1), Svg.hex(((long) window << 22) + ((long) window << 12))));
        }
        b.append("</section>\n");
    }

    private static void rangeTable(StringBuilder b, AddressSpace space) {
        b.append("<div class=\"table\"><table><thead><tr><th>linear</th><th>physical</th><th>size</th><th>pages</th>"
                + "<th>rights</th></tr></thead><tbody>");
        List<AddressSpace.Range> rows = space.ranges.subList(0, Math.min(space.ranges.size(), MAX_TABLE_ROWS));
        for (int i = 0; i < rows.size(); i++) {
            AddressSpace.Range r = rows.get(i);
            b.append("<tr id=\"r").append(i).append("\"><td>").append(Svg.hex(r.linear())).append('-').append(Svg.hex(r.linearEnd()))
                    .append("</td><td>").append(Svg.hex(r.physical())).append('-').append(Svg.hex(r.physicalEnd()))
                    .append("</td><td>").append(Svg.bytes(r.size())).append("</td><td>").append(r.large() ? "4 MiB" : "4 KiB")
                    .append("</td><td>").append(rights(r)).append(r.recursive() ? ", recursive" : "").append("</td></tr>");
        }
        if (space.ranges.size() > MAX_TABLE_ROWS) {
            b.append("<tr><td colspan=\"5\">").append(space.ranges.size() - MAX_TABLE_ROWS).append(" more ranges not listed</td></tr>");
        }
        if (space.ranges.isEmpty()) {
            b.append("<tr><td colspan=\"5\">").append(space.paging ? "nothing is mapped" : "paging is off").append("</td></tr>");
        }
        b.append("</tbody></table></div>");
    }

    static String useColour(PhysicalMap.Use use) {
        return switch (use) {
            case DIRECTORY -> Svg.VERMILLION;
            case PAGE_TABLE -> Svg.PURPLE;
            case HOLE -> Svg.DARK_GREY;
            case ROM -> Svg.GREY;
            case RESERVED -> Svg.YELLOW;
            case MAPPED_MORE -> Svg.ORANGE;
            case MAPPED_ONCE -> Svg.GREEN;
            case NEVER_MAPPED -> Svg.LIGHT_GREY;
            case UNTRANSLATED -> Svg.SKY;
        };
    }

    /** Physical rows: at least 256 frames (1 MiB) each, at most 64 rows; at most 1,024 cells per row. */
    static void physical(StringBuilder b, PhysicalMap map) {
        long rowFrames = 256;
        while (map.ramFrames > rowFrames * 64) {
            rowFrames *= 2;
        }
        long cellFrames = Math.max(1, rowFrames / ROW_WIDTH);
        int rows = (int) ((map.ramFrames + rowFrames - 1) / rowFrames);
        b.append("<section id=\"physical\"><h2>2. Physical memory by use</h2>\n");
        b.append(String.format("<p class=\"how\">Every 4 KiB frame of the %s of RAM, by what the current page tables make of"
                + " it. Each row is %s%s. A frame is shown by the first use in the legend that applies.</p>%n",
                Svg.bytes(map.ramFrames << 12), Svg.bytes(rowFrames << 12), cellFrames > 1
                        ? String.format("; a cell is %d frames, shown by the first use among them", cellFrames) : ""));
        b.append("<div class=\"legend\">");
        for (PhysicalMap.Use use : PhysicalMap.Use.values()) {
            long frames = map.framesByUse[use.ordinal()];
            if (frames > 0 || use.ordinal() <= PhysicalMap.Use.NEVER_MAPPED.ordinal()) {
                b.append(Svg.swatch(useColour(use), use.label + ": " + Svg.plural(frames, "frame") + " (" + Svg.bytes(frames << 12) + ")"));
            }
        }
        b.append("</div>\n");
        double height = rows * (ROW_HEIGHT + ROW_GAP) + 8;
        b.append("<svg id=\"physical-map\" role=\"img\" aria-label=\"physical memory by use\" width=\"")
                .append(LABEL + ROW_WIDTH + 8).append("\" height=\"").append(Svg.n(height)).append("\" viewBox=\"0 0 ")
                .append(LABEL + ROW_WIDTH + 8).append(' ').append(Svg.n(height)).append("\"><g class=\"axis\">");
        for (int row = 0; row < rows; row++) {
            Svg.text(b, LABEL - 6, 4 + row * (ROW_HEIGHT + ROW_GAP) + ROW_HEIGHT - 2, "end", Svg.hex((row * rowFrames) << 12));
        }
        b.append("</g>");
        PhysicalMap.Use[] cells = cells(map, cellFrames);
        double cellWidth = ROW_WIDTH / (double) (rowFrames / cellFrames);
        long cellsPerRow = rowFrames / cellFrames;
        for (int c = 0; c < cells.length; ) {
            int row = (int) (c / cellsPerRow);
            int end = c + 1;
            while (end < cells.length && cells[end] == cells[c] && end / cellsPerRow == row) {
                end++;
            }
            long first = (long) c * cellFrames, last = Math.min((long) end * cellFrames, map.ramFrames) - 1;
            String title = String.format("%s-%s: %s (%s)", Svg.hex(first << 12), Svg.hex((last << 12) + 4095),
                    cells[c].label, Svg.bytes((last - first + 1) << 12));
            Svg.rect(b, LABEL + (c - row * cellsPerRow) * cellWidth, 4 + row * (ROW_HEIGHT + ROW_GAP),
                    (end - c) * cellWidth, ROW_HEIGHT, useColour(cells[c]), title, "");
            c = end;
        }
        b.append("</svg>\n");
        if (map.pagesOutsideRam > 0) {
            b.append(String.format("<p class=\"note\">%d mapped pages point at frames beyond the %s of RAM (not drawn).</p>",
                    map.pagesOutsideRam, Svg.bytes(map.ramFrames << 12)));
        }
        b.append("</section>\n");
    }

    /** The use of each cell of {@code cellFrames} frames: the most telling use among its frames. */
    static PhysicalMap.Use[] cells(PhysicalMap map, long cellFrames) {
        PhysicalMap.Use[] cells = new PhysicalMap.Use[(int) ((map.ramFrames + cellFrames - 1) / cellFrames)];
        for (PhysicalMap.Run r : map.runs) {
            for (long c = r.first() / cellFrames; c <= (r.first() + r.frames() - 1) / cellFrames; c++) {
                if (cells[(int) c] == null || r.use().ordinal() < cells[(int) c].ordinal()) {
                    cells[(int) c] = r.use();
                }
            }
        }
        return cells;
    }
}
