package org.j386.emulator.report;

import java.util.Locale;

/**
 * The page's drawing vocabulary: the Okabe-Ito palette (told apart with the common forms of
 * colour blindness), escaping, number formats with units, and axes with round ticks.
 */
final class Svg {
    private Svg() {
    }

    // Okabe & Ito, "Color Universal Design" (2008): the eight colours, plus greys for "nothing here".
    static final String BLACK = "#000000", ORANGE = "#E69F00", SKY = "#56B4E9", GREEN = "#009E73", YELLOW = "#F0E442",
            BLUE = "#0072B2", VERMILLION = "#D55E00", PURPLE = "#CC79A7";
    static final String DARK_GREY = "#555555", GREY = "#999999", LIGHT_GREY = "#E6E6E6";

    static String esc(String text) {
        StringBuilder b = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** 0x0000abcd: eight digits at least. Written out by hand, as pages hold tens of thousands. */
    static String hex(long v) {
        String digits = Long.toHexString(v);
        return "0x" + "00000000".substring(Math.min(8, digits.length())) + digits;
    }

    /** A coordinate with at most one decimal: small pages, same picture. */
    static String n(double v) {
        long tenths = Math.round(v * 10);
        String whole = Long.toString(Math.abs(tenths) / 10);
        long tenth = Math.abs(tenths) % 10;
        return (tenths < 0 ? "-" : "") + (tenth == 0 ? whole : whole + "." + tenth);
    }

    /** 4 KiB, 16 MiB, 1.5 GiB. */
    static String bytes(double bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB"};
        int u = 0;
        // A larger unit only when it stays exact or keeps two digits: 2047 MiB, not 2.0 GiB; 15.9 MiB.
        while (bytes >= 1024 && u < units.length - 1 && (bytes % 1024 == 0 || bytes >= 10 * 1024)) {
            bytes /= 1024;
            u++;
        }
        return (bytes == Math.rint(bytes) ? Long.toString((long) bytes) : String.format(Locale.ROOT, "%.1f", bytes)) + " "
                + units[u];
    }

    /** 2nd, 3rd, 4th, 21st: "every 4th fault". */
    static String ordinal(long n) {
        long tens = n % 100, ones = n % 10;
        String suffix = tens >= 11 && tens <= 13 ? "th" : ones == 1 ? "st" : ones == 2 ? "nd" : ones == 3 ? "rd" : "th";
        return n + suffix;
    }

    /** "1 frame", "2 frames". */
    static String plural(long n, String thing) {
        return n + " " + thing + (n == 1 ? "" : "s");
    }

    /** 950, 12k, 3.4M, 1.2G: counts on axes. */
    static String count(double v) {
        String[] units = {"", "k", "M", "G", "T"};
        int u = 0;
        while (Math.abs(v) >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return (v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v)) + units[u];
    }

    /** A round step (1, 2 or 5 times a power of ten, or of two for addresses) giving about {@code ticks} ticks. */
    static double step(double span, int ticks, boolean binary) {
        if (span <= 0) {
            return 1;
        }
        double raw = span / ticks;
        if (binary) {
            double p = 1;
            while (p < raw) {
                p *= 2;
            }
            return p;
        }
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * p >= raw) {
                return m * p;
            }
        }
        return 10 * p;
    }

    /** A legend swatch and its label, laid out in a row by the page's CSS. */
    static String swatch(String colour, String label) {
        return "<span class=\"key\"><svg width=\"14\" height=\"14\" aria-hidden=\"true\"><rect width=\"14\" height=\"14\" fill=\""
                + colour + "\" stroke=\"#333\" stroke-width=\"0.5\"/></svg>" + esc(label) + "</span>";
    }

    /** A rectangle with a tooltip. */
    static void rect(StringBuilder b, double x, double y, double w, double h, String fill, String title, String extra) {
        b.append("<rect x=\"").append(n(x)).append("\" y=\"").append(n(y)).append("\" width=\"").append(n(w))
                .append("\" height=\"").append(n(h)).append("\" fill=\"").append(fill).append('"').append(extra);
        if (title == null) {
            b.append("/>");
        } else {
            b.append("><title>").append(esc(title)).append("</title></rect>");
        }
    }

    static void text(StringBuilder b, double x, double y, String anchor, String text) {
        b.append("<text x=\"").append(n(x)).append("\" y=\"").append(n(y)).append("\" text-anchor=\"").append(anchor)
                .append("\">").append(esc(text)).append("</text>");
    }

    static void line(StringBuilder b, double x1, double y1, double x2, double y2, String stroke) {
        b.append("<line x1=\"").append(n(x1)).append("\" y1=\"").append(n(y1)).append("\" x2=\"").append(n(x2))
                .append("\" y2=\"").append(n(y2)).append("\" stroke=\"").append(stroke).append("\"/>");
    }
}
