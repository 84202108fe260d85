package org.j386.emulator.report;

import java.util.function.DoubleFunction;

/**
 * A plotting area inside an SVG: maps data to pixels (linear, or base-10 logarithmic on the y axis)
 * and draws the axes with round ticks and labelled units.
 */
final class Plot {
    static final double LEFT = 100, TOP = 12, BOTTOM = 44;

    final double width, height;
    final double xMin, xMax, yMin, yMax;
    final boolean logY;

    /** {@code width} and {@code height} of the plotting area; the SVG adds the margins. */
    Plot(double width, double height, double xMin, double xMax, double yMin, double yMax, boolean logY) {
        this.width = width;
        this.height = height;
        this.xMin = xMin;
        this.xMax = xMax > xMin ? xMax : xMin + 1;
        this.yMin = yMin;
        this.yMax = yMax > yMin ? yMax : yMin + 1;
        this.logY = logY;
    }

    double x(double v) {
        return LEFT + (v - xMin) / (xMax - xMin) * width;
    }

    double y(double v) {
        double f = logY ? (Math.log10(Math.max(v, 1)) - Math.log10(Math.max(yMin, 1)))
                / (Math.log10(yMax) - Math.log10(Math.max(yMin, 1))) : (v - yMin) / (yMax - yMin);
        return TOP + height - f * height;
    }

    /** The SVG element's opening tag, sized for the area, margins and a right axis. */
    String open(String id, String label) {
        return "<svg id=\"" + id + "\" role=\"img\" aria-label=\"" + Svg.esc(label) + "\" width=\"" + Svg.n(svgWidth())
                + "\" height=\"" + Svg.n(TOP + height + BOTTOM) + "\" viewBox=\"0 0 " + Svg.n(svgWidth()) + " "
                + Svg.n(TOP + height + BOTTOM) + "\">";
    }

    double svgWidth() {
        return LEFT + width + 70;
    }

    /** Both axes, with ticks, grid lines, values and the axis titles (which carry the units). */
    void axes(StringBuilder b, String xTitle, DoubleFunction<String> xFormat, String yTitle, DoubleFunction<String> yFormat,
            boolean binaryY) {
        b.append("<g class=\"axis\">");
        double xs = Svg.step(xMax - xMin, 6, false);
        for (double v = Math.ceil(xMin / xs) * xs; v <= xMax + xs * 1e-9; v += xs) {
            Svg.line(b, x(v), TOP + height, x(v), TOP + height + 4, "#333");
            Svg.text(b, x(v), TOP + height + 16, "middle", xFormat.apply(v));
        }
        if (logY) {
            for (double v = 1; v <= yMax * 1.0001; v *= 10) {
                if (v >= yMin) {
                    Svg.line(b, LEFT, y(v), LEFT + width, y(v), Svg.LIGHT_GREY);
                    Svg.text(b, LEFT - 6, y(v) + 4, "end", yFormat.apply(v));
                }
            }
        } else {
            double ys = Svg.step(yMax - yMin, 5, binaryY);
            for (double v = Math.ceil(yMin / ys) * ys; v <= yMax + ys * 1e-9; v += ys) {
                Svg.line(b, LEFT, y(v), LEFT + width, y(v), Svg.LIGHT_GREY);
                Svg.text(b, LEFT - 6, y(v) + 4, "end", yFormat.apply(v));
            }
        }
        Svg.line(b, LEFT, TOP + height, LEFT + width, TOP + height, "#333");
        Svg.line(b, LEFT, TOP, LEFT, TOP + height, "#333");
        Svg.text(b, LEFT + width / 2, TOP + height + 36, "middle", xTitle);
        b.append("<text transform=\"translate(14 ").append(Svg.n(TOP + height / 2)).append(") rotate(-90)\" text-anchor=\"middle\">")
                .append(Svg.esc(yTitle)).append("</text>");
        b.append("</g>");
    }
}
