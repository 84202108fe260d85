package org.j386.emulator.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.j386.emulator.check.EventLog;
import org.j386.emulator.check.GuestLocation;
import org.j386.emulator.check.ReferenceChecker;
import org.j386.emulator.check.StaleTranslationReport;
import org.j386.emulator.check.TracePort;
import org.j386.emulator.machine.Machine;
import org.j386.guest.reference.Event;

/**
 * {@code --check-reference} and {@code --trace-events} (the trace port and what listens to it), and
 * {@code --check tlb} (the stale-translation audit).
 */
final class EventChecking {
    /** The options, shared by {@code j386 boot} and {@code j386 debug}. */
    static final class Options {
        boolean checkReference;
        List<String> checks = new ArrayList<>();
        String traceEvents;

        /** Adds the options to the model of {@code j386 boot} or {@code j386 debug}. */
        void addTo(CommandModel model) {
            model.flag("--check-reference", "run the guest kernel's Java reference memory manager beside the guest,"
                    + " comparing its records and, after each operation, its structures in memory; stop at the first"
                    + " divergence (exit status 12)", v -> checkReference = v);
            model.repeatable("--check", "LIST", true, checks, "checks to run beside the guest, comma-separated:",
                    "tlb: report each use of a TLB entry that a page-table write made stale with no INVLPG or CR3"
                            + " reload (runs on the interpreter; exit status 16);",
                    "reference: as --check-reference");
            model.option("--trace-events", "FILE", "write the guest kernel's memory-manager event records (trace port"
                    + " 0x504) to FILE as JSON lines", v -> traceEvents = v);
        }

        /**
         * Attaches the port and its listeners, {@code report} among them when not null, and the
         * checks {@code --check} names; warnings about malformed records go to {@code err}.
         */
        EventChecking attach(Machine machine, Consumer<Event> report, PrintWriter err) throws UsageException {
            boolean reference = checkReference;
            boolean tlb = false;
            for (String check : checks) {
                switch (check.trim()) {
                    case "reference" -> reference = true;
                    case "tlb" -> tlb = true;
                    default -> throw new UsageException("--check: unknown check '" + check + "' (expected tlb or reference)");
                }
            }
            EventChecking events = EventChecking.attach(machine, reference, traceEvents, report, err);
            if (tlb) {
                events.staleTranslations = new StaleTranslationReport(err, machine::symbols);
                machine.auditTlb(events.staleTranslations);
            }
            return events;
        }
    }

    /** Exit status when --check tlb saw a stale translation in use. */
    static final int STALE_TRANSLATION = 16;

    private final ReferenceChecker checker;
    private final Writer log;
    private StaleTranslationReport staleTranslations;

    private EventChecking(ReferenceChecker checker, Writer log) {
        this.checker = checker;
        this.log = log;
    }

    static EventChecking attach(Machine machine, boolean check, String traceFile, Consumer<Event> report,
            PrintWriter err) throws UsageException {
        if (!check && traceFile == null && report == null) {
            return new EventChecking(null, null);
        }
        LongSupplier instructions = () -> machine.cpu().state.instructions;
        Consumer<Event> sink = report != null ? report : e -> { };
        Writer log = null;
        if (traceFile != null) {
            try {
                log = Files.newBufferedWriter(Path.of(traceFile));
            } catch (IOException | RuntimeException e) {
                throw new UsageException("--trace-events: cannot write " + traceFile + ": " + IoProblem.describe(e));
            }
            sink = sink.andThen(new EventLog(log, instructions));
        }
        ReferenceChecker checker = null;
        if (check) {
            checker = new ReferenceChecker(instructions,
                    () -> machine.stopForCheck("--check-reference: the guest's memory manager diverged from the reference"))
                    .compareStateWith(machine.ram(), () -> machine.cpu().state.cr3)
                    .locateWith(() -> GuestLocation.of(machine));
            sink = sink.andThen(checker);
        }
        machine.ports().register(TracePort.PORT, 1, new TracePort(sink, problem -> {
            err.println("j386: warning: " + problem);
            err.flush();
        }));
        return new EventChecking(checker, log);
    }

    /**
     * The exit status for a run that ended with {@code status}: {@link #STALE_TRANSLATION} when
     * {@code --check tlb} reported anything (with a summary line), else {@code status}.
     */
    int statusAfterChecks(int status, PrintWriter err) {
        if (staleTranslations == null) {
            return status;
        }
        int cases = staleTranslations.cases();
        err.println("j386: --check tlb: " + (cases == 0 ? "no stale translation was used"
                : cases + (cases == 1 ? " use" : " distinct uses") + " of stale translations"));
        err.flush();
        return cases == 0 ? status : STALE_TRANSLATION;
    }

    /** The checker, or null without --check-reference. */
    ReferenceChecker checker() {
        return checker;
    }

    /**
     * Closes the log; reports a divergence (true) or how many records agreed. {@code guestEnded}:
     * the guest ended the run itself (no limit cut it short), so stopping inside an operation
     * where the reference goes on is a divergence, not a warning.
     */
    boolean finish(PrintWriter err, boolean guestEnded) throws IOException {
        if (log != null) {
            try {
                log.close();
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
        if (checker == null) {
            return false;
        }
        if (checker.divergence() != null) {
            ReferenceChecker.Divergence d = checker.divergence();
            err.println("j386: " + d.describe());
            err.println("  to stop just before it: the same command as j386 debug (same image and options), then `goto "
                    + Math.max(0, d.instructions() - 1) + "` (an instruction count from the kernel's entry; `continue`"
                    + " runs into the divergence, which ends the run, and `reverse-step` goes back from there)");
            err.flush();
            return true;
        }
        String unfinished = checker.unfinished();
        if (unfinished != null && guestEnded && checker.endedMidOperation()) {
            err.println("j386: --check-reference: the guest ended the run where the reference goes on: " + unfinished);
            err.flush();
            return true;
        }
        if (unfinished != null) {
            err.println("j386: " + (checker.stoppedWithReference() ? "" : "warning: ") + "--check-reference: " + unfinished);
        }
        err.println("j386: --check-reference: " + checker.checked() + " records agree with the reference"
                + (checker.stateCompared() ? ", and the structures in memory after every operation" : ""));
        return false;
    }
}
