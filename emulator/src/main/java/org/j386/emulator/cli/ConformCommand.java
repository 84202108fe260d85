package org.j386.emulator.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import org.j386.emulator.conform.ConformanceReport;
import org.j386.emulator.conform.ConformanceSuite;
import org.j386.emulator.conform.ConformanceSuites;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** {@code j386 conform [SUITE...]}: runs the conformance suites and tabulates the results. */
final class ConformCommand implements Callable<Integer> {
    /** Width of the first-failure column before it is cut short. */
    private static final int FAILURE_WIDTH = 100;

    List<String> names = new ArrayList<>();

    private CommandSpec spec;

    /** The suites there are; tests replace them. */
    List<ConformanceSuite> available = ConformanceSuites.all();
    /** Whether to draw a progress bar on stderr; by default when the terminal is interactive. */
    boolean interactive = System.console() != null;

    /** The command's options and help, bound to this object. */
    CommandSpec model() {
        spec = CommandModel.of(this, "conform",
                "Run conformance suites whose expected results come from a real x86 CPU or QEMU,",
                "and print a table per suite and group (passed, failed, first failure).")
            .exitStatuses(
                "  0    every case passed",
                "  1    some case failed",
                "  2    bad command line (an unknown suite)")
            .parameters("SUITE", "suites to run (default: all): ${COMPLETION-CANDIDATES}",
                    ConformanceSuites.all().stream().map(ConformanceSuite::name).toList(), names)
            .build();
        return spec;
    }

    @Override
    public Integer call() {
        List<ConformanceSuite> chosen = new ArrayList<>();
        for (String name : names) {
            ConformanceSuite suite = available.stream().filter(s -> s.name().equals(name)).findFirst()
                    .orElseThrow(() -> new CommandLine.ParameterException(spec.commandLine(), "unknown suite '" + name
                            + "' (known: " + available.stream().map(ConformanceSuite::name)
                            .collect(Collectors.joining(", ")) + ")"));
            if (!chosen.contains(suite)) {
                chosen.add(suite);
            }
        }
        if (chosen.isEmpty()) {
            chosen.addAll(available);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        long passed = 0, failed = 0;
        for (ConformanceSuite suite : chosen) {
            ConformanceReport report = new ConformanceReport();
            ConformanceSuite.Listener listener = report;
            Progress progress = null;
            if (interactive) {
                progress = new Progress(err, suite.name(), suite.size(), report);
                listener = progress;
            }
            suite.run(listener);
            if (progress != null) {
                progress.clear();
            }
            printTable(out, suite, report);
            passed += report.passed();
            failed += report.failed();
        }
        out.println(passed + " passed, " + failed + " failed");
        out.flush();
        return failed == 0 ? 0 : 1;
    }

    private static void printTable(PrintWriter out, ConformanceSuite suite, ConformanceReport report) {
        out.println(suite.name() + ": " + suite.description());
        List<ConformanceReport.Row> rows = report.rows();
        int width = Math.max(5, rows.stream().mapToInt(r -> r.group.length()).max().orElse(0));
        String format = "  %-" + width + "s %9s %9s  %s";
        out.println(String.format(format, "group", "passed", "failed", "first failure"));
        for (ConformanceReport.Row r : rows) {
            String first = r.firstFailure == null ? "-" : r.firstFailure;
            if (first.length() > FAILURE_WIDTH) {
                first = first.substring(0, FAILURE_WIDTH - 3) + "...";
            }
            out.println(String.format(format, r.group, r.passed, r.failed, first));
        }
        out.println(String.format(format, "total", report.passed(), report.failed(), "").stripTrailing());
        out.println();
    }

    /** A one-line progress bar on stderr, redrawn at most once per percent. */
    private static final class Progress implements ConformanceSuite.Listener {
        private static final int BAR = 30;
        private final PrintWriter err;
        private final String name;
        private final long total;
        private final ConformanceSuite.Listener next;
        private long done;
        private int shown = -1;

        Progress(PrintWriter err, String name, long total, ConformanceSuite.Listener next) {
            this.err = err;
            this.name = name;
            this.total = Math.max(1, total);
            this.next = next;
        }

        @Override
        public void result(String group, String label, String failure) {
            next.result(group, label, failure);
            done++;
            int percent = (int) (100 * done / total);
            if (percent != shown) {
                shown = percent;
                int filled = (int) (BAR * done / total);
                err.print("\r" + name + " [" + "#".repeat(Math.min(BAR, filled))
                        + ".".repeat(Math.max(0, BAR - filled)) + "] " + percent + "% " + group + "      ");
                err.flush();
            }
        }

        void clear() {
            err.print("\r" + " ".repeat(name.length() + BAR + 30) + "\r");
            err.flush();
        }
    }
}
