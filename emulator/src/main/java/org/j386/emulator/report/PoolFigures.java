package org.j386.emulator.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.j386.guest.reference.ContFramePool;
import org.j386.guest.reference.PoolSnapshot;

/** Section 5 of the page: the bundled guest kernel's frame pools and VM pools over time. */
final class PoolFigures {
    private PoolFigures() {
    }

    static final String USED = Svg.ORANGE, FREE = Svg.GREEN, UNAVAILABLE = Svg.GREY;

    /** One pool's states over the samples, with the instruction count of each. */
    private record Series(String name, List<Long> at, List<PoolHistory.PoolState> states) {
    }

    static void pools(StringBuilder b, ReportCollector c, long instructions) {
        b.append("<section id=\"pools\"><h2>5. The guest kernel's pools</h2>\n");
        if (c == null) {
            b.append("<p class=\"how\">").append(TimeFigures.NO_HISTORY).append("</p>");
            TimeFigures.emptyFigure(b, "pools-none", "pool history not recorded");
            b.append("</section>\n");
            return;
        }
        PoolHistory h = c.pools;
        if (h.operations() == 0) {
            b.append("<p class=\"how\">No memory-manager records arrived on the trace port (0x504): only the bundled guest"
                    + " kernel writes them.</p>");
            TimeFigures.emptyFigure(b, "pools-none", "no pool records in this run");
            b.append("</section>\n");
            return;
        }
        b.append(String.format("<p class=\"how\">From the guest's event records (%d records, %d operations), followed by the"
                + " Java reference memory manager. After each operation%s: how much of each pool is allocated and free"
                + " (first chart), and how fragmented its free space is (second chart: the number of free regions, and the"
                + " largest one). The strip under each pool shows its regions at the end.</p>%n", h.records(), h.operations(),
                h.stride() > 1 ? String.format(" (every %s, to bound the page)", Svg.ordinal(h.stride())) : ""));
        if (h.problem() != null) {
            b.append("<p class=\"note\">The history stops early: ")
                    .append(Svg.esc(h.problem().replace('\n', ' '))).append("</p>");
        }
        b.append("<div class=\"legend\">").append(Svg.swatch(USED, "allocated")).append(Svg.swatch(FREE, "free"))
                .append(Svg.swatch(UNAVAILABLE, "inaccessible (frame pools) or region table (VM pools)"))
                .append("<span class=\"key\"><svg width=\"24\" height=\"14\" aria-hidden=\"true\"><line x1=\"0\" y1=\"7\" x2=\"24\""
                        + " y2=\"7\" stroke=\"" + Svg.BLUE + "\" stroke-width=\"2\"/></svg>free regions (count, left axis)</span>"
                        + "<span class=\"key\"><svg width=\"24\" height=\"14\" aria-hidden=\"true\"><line x1=\"0\" y1=\"7\" x2=\"24\""
                        + " y2=\"7\" stroke=\"" + Svg.VERMILLION + "\" stroke-width=\"2\" stroke-dasharray=\"6 3\"/></svg>largest free"
                        + " region (right axis)</span></div>\n");
        Map<String, Series> byPool = new LinkedHashMap<>();
        for (PoolHistory.Sample s : h.samples()) {
            for (PoolHistory.PoolState p : s.pools()) {
                Series series = byPool.computeIfAbsent(p.name(), n -> new Series(n, new ArrayList<>(), new ArrayList<>()));
                series.at().add(s.instructions());
                series.states().add(p);
            }
        }
        PoolSnapshot now = h.now();
        int id = 0;
        for (Series s : byPool.values()) {
            b.append("<div class=\"pool\"><h3>").append(Svg.esc(s.name())).append("</h3>");
            usage(b, s, instructions, "pool" + id + "-usage");
            fragmentation(b, s, instructions, "pool" + id + "-fragmentation");
            layout(b, s.name(), now, "pool" + id + "-layout");
            b.append("</div>\n");
            id++;
        }
        b.append("</section>\n");
    }

    private static String unit(PoolHistory.PoolState p) {
        return p.framePool() ? "frames" : "pages";
    }

    /** Allocated, free and unavailable stacked, in MiB, as steps between operations. */
    private static void usage(StringBuilder b, Series s, long instructions, String id) {
        long total = s.states().stream().mapToLong(PoolHistory.PoolState::total).max().orElse(1);
        Plot p = new Plot(420, 150, 0, Math.max(instructions, 1), 0, total * 4096.0, false);
        b.append(p.open(id, s.name() + ": allocated and free over time"));
        p.axes(b, "instructions executed", Svg::count, "size", Svg::bytes, true);
        StringBuilder used = new StringBuilder(), free = new StringBuilder(), unavailable = new StringBuilder();
        for (int layer = 0; layer < 3; layer++) {
            StringBuilder d = layer == 0 ? used : layer == 1 ? free : unavailable;
            List<String> back = new ArrayList<>();
            for (int i = 0; i < s.states().size(); i++) {
                PoolHistory.PoolState st = s.states().get(i);
                long below = layer == 0 ? 0 : layer == 1 ? st.used() : st.used() + st.free();
                long above = below + (layer == 0 ? st.used() : layer == 1 ? st.free() : st.unavailable());
                double x0 = p.x(s.at().get(i));
                double x1 = p.x(i + 1 < s.at().size() ? s.at().get(i + 1) : instructions);
                d.append(i == 0 ? "M" : "L").append(Svg.n(x0)).append(' ').append(Svg.n(p.y(above * 4096.0)))
                        .append("L").append(Svg.n(x1)).append(' ').append(Svg.n(p.y(above * 4096.0)));
                back.add("L" + Svg.n(x1) + " " + Svg.n(p.y(below * 4096.0)) + "L" + Svg.n(x0) + " " + Svg.n(p.y(below * 4096.0)));
            }
            // The lower edge runs back from the last step to the first.
            for (int i = back.size() - 1; i >= 0; i--) {
                d.append(back.get(i));
            }
            d.append('Z');
        }
        PoolHistory.PoolState last = s.states().get(s.states().size() - 1);
        String summary = String.format("at the end: %d %s allocated, %d free, %d unavailable", last.used(), unit(last),
                last.free(), last.unavailable());
        b.append("<path d=\"").append(used).append("\" fill=\"").append(USED).append("\"><title>allocated; ").append(summary)
                .append("</title></path>");
        b.append("<path d=\"").append(free).append("\" fill=\"").append(FREE).append("\"><title>free; ").append(summary)
                .append("</title></path>");
        b.append("<path d=\"").append(unavailable).append("\" fill=\"").append(UNAVAILABLE).append("\"><title>unavailable; ")
                .append(summary).append("</title></path>");
        b.append("</svg>");
    }

    /** Free regions (count, left axis) and the largest free region (size, right axis). */
    private static void fragmentation(StringBuilder b, Series s, long instructions, String id) {
        // At least five, so the ticks of a count stay whole numbers.
        long regions = Math.max(5, s.states().stream().mapToLong(PoolHistory.PoolState::freeRegions).max().orElse(1));
        long largest = Math.max(1, s.states().stream().mapToLong(PoolHistory.PoolState::largestFree).max().orElse(1));
        Plot p = new Plot(420, 150, 0, Math.max(instructions, 1), 0, regions, false);
        b.append(p.open(id, s.name() + ": fragmentation over time"));
        p.axes(b, "instructions executed", Svg::count, "free regions (count)", Svg::count, false);
        StringBuilder count = new StringBuilder(), size = new StringBuilder();
        for (int i = 0; i < s.states().size(); i++) {
            PoolHistory.PoolState st = s.states().get(i);
            double x0 = p.x(s.at().get(i)), x1 = p.x(i + 1 < s.at().size() ? s.at().get(i + 1) : instructions);
            double yc = p.y(st.freeRegions());
            double ys = Plot.TOP + p.height - st.largestFree() / (double) largest * p.height;
            count.append(i == 0 ? "M" : "L").append(Svg.n(x0)).append(' ').append(Svg.n(yc)).append('L').append(Svg.n(x1))
                    .append(' ').append(Svg.n(yc));
            size.append(i == 0 ? "M" : "L").append(Svg.n(x0)).append(' ').append(Svg.n(ys)).append('L').append(Svg.n(x1))
                    .append(' ').append(Svg.n(ys));
        }
        b.append("<path d=\"").append(size).append("\" fill=\"none\" stroke=\"").append(Svg.VERMILLION)
                .append("\" stroke-width=\"2\" stroke-dasharray=\"6 3\"><title>largest free region</title></path>");
        b.append("<path d=\"").append(count).append("\" fill=\"none\" stroke=\"").append(Svg.BLUE)
                .append("\" stroke-width=\"2\"><title>free regions</title></path>");
        // The right axis: the largest free region, from none to the most seen.
        double right = Plot.LEFT + p.width;
        b.append("<g class=\"axis\">");
        Svg.line(b, right, Plot.TOP, right, Plot.TOP + p.height, "#333");
        for (int k = 0; k <= 2; k++) {
            double y = Plot.TOP + p.height - k / 2.0 * p.height;
            Svg.text(b, right + 4, y + 4, "start", Svg.bytes(largest * 4096.0 * k / 2));
        }
        b.append("</g></svg>");
    }

    /** The pool's regions now: allocated and free runs across its range. */
    private static void layout(StringBuilder b, String name, PoolSnapshot now, String id) {
        List<long[]> runs = new ArrayList<>(); // first page, pages, kind (0 allocated, 1 free, 2 unavailable)
        long total = 0;
        for (PoolSnapshot.FramePool p : now.framePools()) {
            if (name.equals(PoolHistory.name(p))) {
                total = p.states().length;
                for (int f = 0; f < p.states().length; f++) {
                    int kind = p.states()[f] == ContFramePool.FREE ? 1 : p.states()[f] == ContFramePool.INACCESSIBLE ? 2 : 0;
                    long[] last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
                    if (last != null && last[2] == kind) {
                        last[1]++;
                    } else {
                        runs.add(new long[] {f, 1, kind});
                    }
                }
            }
        }
        for (PoolSnapshot.VmPool v : now.vmPools()) {
            if (name.equals(PoolHistory.name(v))) {
                total = Integer.toUnsignedLong(v.size()) >>> 12;
                runs.add(new long[] {0, 1, 2});
                for (PoolSnapshot.Region r : v.regions()) {
                    runs.add(new long[] {(Integer.toUnsignedLong(r.start()) - Integer.toUnsignedLong(v.base())) >>> 12, r.pages(),
                            r.allocated() ? 0 : 1});
                }
            }
        }
        if (total == 0) {
            b.append("<p class=\"note\">Not in the current page table at the end of the run.</p>");
            return;
        }
        double width = 420 + Plot.LEFT + 70;
        b.append("<svg id=\"").append(id).append("\" role=\"img\" aria-label=\"").append(Svg.esc(name))
                .append(" regions at the end\" width=\"").append(Svg.n(width)).append("\" height=\"30\" viewBox=\"0 0 ")
                .append(Svg.n(width)).append(" 30\">");
        Svg.rect(b, Plot.LEFT, 4, 420, 16, "#F4F4F4", null, "");
        for (long[] r : runs.subList(0, Math.min(runs.size(), 2000))) {
            String kind = r[2] == 0 ? "allocated" : r[2] == 1 ? "free" : "unavailable";
            Svg.rect(b, Plot.LEFT + 420.0 * r[0] / total, 4, Math.max(0.5, 420.0 * r[1] / total), 16,
                    r[2] == 0 ? USED : r[2] == 1 ? FREE : UNAVAILABLE,
                    String.format("%s: %d pages from page %d of the pool (%s)", kind, r[1], r[0], Svg.bytes(r[1] * 4096.0)), "");
        }
        b.append("<g class=\"axis\">");
        Svg.text(b, Plot.LEFT - 6, 16, "end", "at the end");
        b.append("</g></svg>");
    }
}
