package org.j386.emulator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import org.j386.emulator.conform.ConformanceSuite;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ConformCommandTest {
    record Run(int status, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(status, out.toString(), err.toString());
    }

    /** A suite reporting a fixed list of results: {group, label, failure or null}. */
    private static ConformanceSuite suite(String name, String[]... results) {
        return new ConformanceSuite() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String description() {
                return "a suite for this test";
            }

            @Override
            public long size() {
                return results.length;
            }

            @Override
            public void run(Listener listener) {
                for (String[] r : results) {
                    listener.result(r[0], r[1], r[2]);
                }
            }
        };
    }

    private static Run runWith(List<ConformanceSuite> suites, boolean interactive, String... args) {
        ConformCommand command = new ConformCommand();
        command.available = suites;
        command.interactive = interactive;
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(command.model());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int status = cli.execute(args);
        return new Run(status, out.toString(), err.toString());
    }

    @Test
    void helpNamesEverySuiteAndTheExitStatuses() {
        Run r = run("conform", "--help");
        assertEquals(0, r.status());
        assertTrue(r.out().contains("vectors, probes"), r.out());
        assertTrue(r.out().contains("1    some case failed"), r.out());
    }

    @Test
    void runsTheProbeKernelsWithOneRowPerKernel() {
        Run r = run("conform", "probes");
        assertEquals(0, r.status(), r.out());
        assertTrue(r.out().startsWith("probes: "), r.out());
        assertTrue(r.out().contains("\n  rings ") && r.out().contains("\n  paging_matrix "), r.out());
        assertTrue(r.out().strip().endsWith(" failed") && r.out().contains(", 0 failed"), r.out());
    }

    @Test
    void tabulatesPerGroupWithTheFirstFailureAndExitsOneWhenAnythingFailed() {
        Run r = runWith(List.of(suite("alpha",
                new String[] {"alu", "add #0", null},
                new String[] {"alu", "add #1", "eax: expected 1, got 2"},
                new String[] {"alu", "add #2", "eax: expected 3, got 4"},
                new String[] {"bcd", "daa #0", null})), false);
        assertEquals(1, r.status());
        String[] lines = r.out().split("\n");
        assertEquals("alpha: a suite for this test", lines[0]);
        assertTrue(lines[2].matches(" +alu +1 +2  add #1: eax: expected 1, got 2"), lines[2]);
        assertTrue(lines[3].matches(" +bcd +1 +0  -"), lines[3]);
        assertEquals("2 passed, 2 failed", lines[lines.length - 1]);
        assertEquals("", r.err(), "no progress bar when the terminal is not interactive");
    }

    @Test
    void runsOnlyTheNamedSuitesAndDrawsProgressOnlyWhenInteractive() {
        List<ConformanceSuite> suites = List.of(suite("one", new String[] {"g", "a", null}),
                suite("two", new String[] {"g", "b", null}, new String[] {"g", "c", null}));
        Run r = runWith(suites, true, "two");
        assertEquals(0, r.status());
        assertFalse(r.out().contains("one:"), r.out());
        assertTrue(r.out().endsWith("2 passed, 0 failed\n"), r.out());
        assertTrue(r.err().contains("two [") && r.err().contains("100%"), r.err());
    }

    @Test
    void refusesAnUnknownSuiteInOneLine() {
        Run r = run("conform", "nosuch");
        assertEquals(2, r.status());
        assertEquals("j386: error: unknown suite 'nosuch' (known: vectors, probes, vectors-jit, probes-jit)", r.err().strip());
    }
}
