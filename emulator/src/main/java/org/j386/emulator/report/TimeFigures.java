package org.j386.emulator.report;

import java.util.ArrayList;
import java.util.List;

import org.j386.emulator.cpu.Vectors;

/** Sections 3 and 4 of the page: the page-fault timeline, deliveries by vector and the TLB over time. */
final class TimeFigures {
    private TimeFigures() {
    }

    static final String NO_HISTORY = "Not recorded: the history of a run is collected from its start by"
            + " j386 boot --report FILE.html, and in j386 debug.";

    static String faultColour(FaultLog.Fault f) {
        return f.protection() ? (f.write() ? Svg.VERMILLION : Svg.ORANGE) : (f.write() ? Svg.BLUE : Svg.SKY);
    }

    static String describe(FaultLog.Fault f) {
        return String.format("cr2=%s error code 0x%x (%s, %s, %s) eip=%s at instruction %d%s", Svg.hex(f.cr2() & 0xFFFFFFFFL),
                f.errorCode(), f.protection() ? "protection" : "not present", f.write() ? "write" : "read",
                f.user() ? "user" : "supervisor", Svg.hex(f.eip() & 0xFFFFFFFFL), f.instructions(),
                f.endedRun() ? ": ended the run" : "");
    }

    static void faults(StringBuilder b, ReportCollector c, long instructions, long totalFaults) {
        b.append("<section id=\"faults\"><h2>3. Page faults over time</h2>\n");
        if (c == null) {
            b.append("<p class=\"how\">").append(totalFaults).append(" page faults so far. ").append(NO_HISTORY).append("</p>");
            emptyFigure(b, "fault-timeline", "no page-fault history");
            b.append("</section>\n");
            return;
        }
        List<FaultLog.Fault> faults = c.faults.faults();
        if (c.heldFault() != null) {
            b.append("<p class=\"note\">At this stop a page fault is held back, not yet delivered (not drawn): ")
                    .append(Svg.esc(describe(c.heldFault()))).append(".</p>\n");
        }
        b.append(String.format("<p class=\"how\">Each page fault at the address it faulted on (CR2) against the instructions"
                + " executed before it; colour gives the error code's P and W bits, shape its U bit. %d faults%s.</p>%n",
                c.faults.total(), c.faults.stride() > 1 ? String.format("; only every %s is drawn (and the last), to bound"
                        + " the page", Svg.ordinal(c.faults.stride())) : ""));
        b.append("<div class=\"legend\">").append(Svg.swatch(Svg.SKY, "not present, read")).append(Svg.swatch(Svg.BLUE,
                "not present, write")).append(Svg.swatch(Svg.ORANGE, "protection, read")).append(Svg.swatch(Svg.VERMILLION,
                "protection, write"))
                .append("<span class=\"key\"><svg width=\"14\" height=\"14\" aria-hidden=\"true\"><circle cx=\"7\" cy=\"7\" r=\"4\""
                        + " fill=\"#777\"/></svg>supervisor</span><span class=\"key\"><svg width=\"14\" height=\"14\" aria-hidden=\"true\">"
                        + "<rect x=\"3\" y=\"3\" width=\"8\" height=\"8\" fill=\"#777\"/></svg>user</span>"
                        + "<span class=\"key\"><svg width=\"14\" height=\"14\" aria-hidden=\"true\"><circle cx=\"7\" cy=\"7\" r=\"6\""
                        + " fill=\"none\" stroke=\"#000\" stroke-width=\"2\"/></svg>ended the run</span></div>\n");
        long low = 0, high = 1L << 32;
        if (!faults.isEmpty()) {
            low = faults.stream().mapToLong(f -> f.cr2() & 0xFFFFFFFFL).min().getAsLong();
            high = faults.stream().mapToLong(f -> f.cr2() & 0xFFFFFFFFL).max().getAsLong() + 1;
            double step = Svg.step(high - low, 5, true);
            low = (long) (Math.floor(low / step) * step);
            high = (long) (Math.ceil(high / step) * step);
        }
        Plot p = new Plot(900, 300, 0, Math.max(instructions, 1), low, high, false);
        b.append(p.open("fault-timeline", "page faults: CR2 against instruction count"));
        p.axes(b, "instructions executed", Svg::count, "CR2 (linear address)", v -> Svg.hex((long) v), true);
        for (FaultLog.Fault f : faults) {
            double x = p.x(f.instructions()), y = p.y(f.cr2() & 0xFFFFFFFFL);
            String title = "<title>" + Svg.esc(describe(f)) + "</title>";
            if (f.user()) {
                b.append("<rect x=\"").append(Svg.n(x - 3)).append("\" y=\"").append(Svg.n(y - 3))
                        .append("\" width=\"6\" height=\"6\" fill=\"").append(faultColour(f)).append("\">").append(title).append("</rect>");
            } else {
                b.append("<circle cx=\"").append(Svg.n(x)).append("\" cy=\"").append(Svg.n(y)).append("\" r=\"3\" fill=\"")
                        .append(faultColour(f)).append("\">").append(title).append("</circle>");
            }
            if (f.endedRun()) {
                b.append("<circle cx=\"").append(Svg.n(x)).append("\" cy=\"").append(Svg.n(y))
                        .append("\" r=\"9\" fill=\"none\" stroke=\"#000\" stroke-width=\"2\"/>");
                Svg.text(b, x - 12, y - 12, "end", "ended the run");
            }
        }
        if (faults.isEmpty()) {
            Svg.text(b, p.x(p.xMin) + p.width / 2, Plot.TOP + p.height / 2, "middle", "no page faults");
        }
        b.append("</svg>\n</section>\n");
    }

    static void emptyFigure(StringBuilder b, String id, String text) {
        b.append("<svg id=\"").append(id).append("\" role=\"img\" aria-label=\"").append(Svg.esc(text))
                .append("\" width=\"600\" height=\"40\" viewBox=\"0 0 600 40\">");
        Svg.rect(b, 0, 0, 600, 40, "#F4F4F4", null, "");
        Svg.text(b, 300, 25, "middle", text);
        b.append("</svg>\n");
    }

    /** Totals per vector (from the CPU's own counts) and, with a history, each vector's deliveries over time. */
    static void events(StringBuilder b, ReportCollector c, long instructions, long[] deliveries, long tlbHits, long tlbMisses) {
        b.append("<section id=\"events\"><h2>4. Exceptions and interrupts by vector; the TLB over time</h2>\n");
        List<Integer> vectors = new ArrayList<>();
        long most = 1;
        for (int v = 0; v < 256; v++) {
            if (deliveries[v] > 0) {
                vectors.add(v);
                most = Math.max(most, deliveries[v]);
            }
        }
        b.append("<p class=\"how\">Left: deliveries per vector (exceptions, INT n and hardware interrupts) over the whole run."
                + " Right: when they happened, one bar per interval of the run, its height relative to the busiest interval of"
                + " that vector.</p>\n");
        double rowHeight = 18;
        double height = Math.max(1, vectors.size()) * rowHeight + 40;
        double barWidth = 260, stripLeft = 70 + barWidth + 90, stripWidth = 512;
        b.append("<svg id=\"vectors\" role=\"img\" aria-label=\"deliveries by vector\" width=\"").append(Svg.n(stripLeft + stripWidth + 10))
                .append("\" height=\"").append(Svg.n(height)).append("\" viewBox=\"0 0 ").append(Svg.n(stripLeft + stripWidth + 10))
                .append(' ').append(Svg.n(height)).append("\">");
        Timeline t = c == null ? null : c.timeline;
        for (int i = 0; i < vectors.size(); i++) {
            int v = vectors.get(i);
            double y = 8 + i * rowHeight;
            String name = Vectors.name(v) + (v >= 32 ? "" : String.format(" (%d)", v));
            b.append("<g class=\"axis\">");
            Svg.text(b, 64, y + 12, "end", name);
            b.append("</g>");
            Svg.rect(b, 70, y, Math.max(1, barWidth * deliveries[v] / most), rowHeight - 4, v < 32 ? Svg.VERMILLION : Svg.BLUE,
                    name + ": " + deliveries[v] + " deliveries", "");
            Svg.text(b, 76 + barWidth * deliveries[v] / most, y + 12, "start", Long.toString(deliveries[v]));
            Svg.rect(b, stripLeft, y, stripWidth, rowHeight - 4, "#F4F4F4", null, "");
            long[] counts = t == null ? null : t.counts(v);
            if (counts != null) {
                long peak = 1;
                for (long n : counts) {
                    peak = Math.max(peak, n);
                }
                double w = stripWidth * t.width() / (double) Math.max(instructions, 1);
                for (int k = 0; k < counts.length; k++) {
                    if (counts[k] > 0) {
                        double h = Math.max(1, (rowHeight - 4) * counts[k] / (double) peak);
                        Svg.rect(b, stripLeft + Math.min(k * w, stripWidth - 1), y + rowHeight - 4 - h, Math.max(w, 1), h, v < 32 ? Svg.VERMILLION : Svg.BLUE,
                                String.format("%s: %d between instructions %d and %d", name, counts[k], k * t.width(),
                                        (k + 1) * t.width() - 1), "");
                    }
                }
            }
        }
        double axisY = 8 + Math.max(1, vectors.size()) * rowHeight + 4;
        b.append("<g class=\"axis\">");
        if (vectors.isEmpty()) {
            Svg.text(b, 70, 20, "start", "no exception or interrupt was delivered");
        }
        Svg.text(b, 70 + barWidth / 2, axisY + 14, "middle", "deliveries (count)");
        Svg.text(b, stripLeft + stripWidth / 2, axisY + 14, "middle", t == null ? "over time: not recorded"
                : "instructions 0 to " + Svg.count(instructions) + ", one bar per " + Svg.count(t.width()) + " instructions");
        b.append("</g></svg>\n");
        b.append("<div class=\"legend\">").append(Svg.swatch(Svg.VERMILLION, "exceptions (vectors 0-31)"))
                .append(Svg.swatch(Svg.BLUE, "interrupts and INT n (vectors 32-255)")).append("</div>\n");
        tlb(b, t, instructions, tlbHits, tlbMisses);
        b.append("</section>\n");
    }

    private static void tlb(StringBuilder b, Timeline t, long instructions, long hits, long misses) {
        b.append(String.format("<h3>TLB hits and misses</h3><p class=\"how\">%d hits and %d misses in all (data accesses; code"
                + " fetches count only their misses). The counters are read at each delivery and guest record, and"
                + " what they counted in between is drawn as an even rate over that stretch. Logarithmic scale.</p>%n", hits, misses));
        if (t == null) {
            emptyFigure(b, "tlb", "TLB over time: not recorded");
            return;
        }
        long[] h = t.counts(ReportCollector.TLB_HITS), m = t.counts(ReportCollector.TLB_MISSES);
        long peak = 10;
        for (long[] s : new long[][] {h, m}) {
            for (int k = 0; s != null && k < s.length; k++) {
                peak = Math.max(peak, s[k]);
            }
        }
        double top = Math.pow(10, Math.ceil(Math.log10(peak)));
        Plot p = new Plot(900, 200, 0, Math.max(instructions, 1), 1, top, true);
        b.append(p.open("tlb", "TLB hits and misses over time"));
        p.axes(b, "instructions executed", Svg::count, "accesses per " + Svg.count(t.width()) + " instructions", Svg::count, false);
        int buckets = (int) Math.min(Timeline.BUCKETS, instructions / t.width() + 1);
        series(b, p, t, h, buckets, Svg.BLUE, "", "TLB hits");
        series(b, p, t, m, buckets, Svg.VERMILLION, " stroke-dasharray=\"6 3\"", "TLB misses");
        b.append("</svg>\n<div class=\"legend\">").append("<span class=\"key\"><svg width=\"24\" height=\"14\" aria-hidden=\"true\">"
                + "<line x1=\"0\" y1=\"7\" x2=\"24\" y2=\"7\" stroke=\"" + Svg.BLUE + "\" stroke-width=\"2\"/></svg>hits</span>"
                + "<span class=\"key\"><svg width=\"24\" height=\"14\" aria-hidden=\"true\"><line x1=\"0\" y1=\"7\" x2=\"24\" y2=\"7\""
                + " stroke=\"" + Svg.VERMILLION + "\" stroke-width=\"2\" stroke-dasharray=\"6 3\"/></svg>misses</span></div>\n");
    }

    private static void series(StringBuilder b, Plot p, Timeline t, long[] counts, int buckets, String colour, String dash,
            String name) {
        if (counts == null) {
            return;
        }
        StringBuilder d = new StringBuilder();
        for (int k = 0; k < buckets; k++) {
            double x = Math.min((k + 0.5) * t.width(), p.xMax);
            d.append(k == 0 ? "M" : "L").append(Svg.n(p.x(x))).append(' ').append(Svg.n(p.y(counts[k])));
        }
        b.append("<path d=\"").append(d).append("\" fill=\"none\" stroke=\"").append(colour).append("\" stroke-width=\"2\"")
                .append(dash).append("><title>").append(Svg.esc(name)).append("</title></path>");
    }
}
