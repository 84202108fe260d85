package org.j386.emulator.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.j386.emulator.check.EventLog;
import org.j386.emulator.check.ReferenceChecker;
import org.j386.emulator.check.TracePort;
import org.j386.emulator.machine.Machine;
import org.j386.guest.reference.Event;

import picocli.CommandLine.Option;

/** {@code --check-reference} and {@code --trace-events}: the trace port and what listens to it. */
final class EventChecking {
    /** The options, shared by {@code j386 boot} and {@code j386 debug}. */
    static final class Options {
        @Option(names = "--check-reference",
                description = "run the guest kernel's Java reference memory manager beside the guest and stop at the first divergence (exit status 12)")
        boolean checkReference;

        @Option(names = "--trace-events", paramLabel = "FILE",
                description = "write the guest kernel's memory-manager event records (trace port 0x504) to FILE as JSON lines")
        String traceEvents;

        /**
         * Attaches the port and its listeners, {@code report} among them when not null; warnings
         * about malformed records go to {@code err}.
         */
        EventChecking attach(Machine machine, Consumer<Event> report, PrintWriter err) throws UsageException {
            return EventChecking.attach(machine, checkReference, traceEvents, report, err);
        }
    }

    private final ReferenceChecker checker;
    private final Writer log;

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
            checker = new ReferenceChecker(instructions, () -> machine.exit(0));
            sink = sink.andThen(checker);
        }
        machine.ports().register(TracePort.PORT, 1, new TracePort(sink, problem -> {
            err.println("j386: warning: " + problem);
            err.flush();
        }));
        return new EventChecking(checker, log);
    }

    /** The checker, or null without --check-reference. */
    ReferenceChecker checker() {
        return checker;
    }

    /** Closes the log; reports a divergence (true) or how many records agreed. */
    boolean finish(PrintWriter err) throws IOException {
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
            err.println("j386: " + checker.divergence().describe());
            err.flush();
            return true;
        }
        err.println("j386: --check-reference: " + checker.checked() + " records agree with the reference");
        return false;
    }
}
