package org.j386.emulator.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

import org.j386.emulator.debug.Console;
import org.j386.emulator.debug.ConsoleSession;
import org.j386.emulator.debug.Debugger;
import org.j386.emulator.debug.OutputGate;
import org.j386.emulator.debug.TerminalLines;
import org.j386.emulator.machine.Machine;
import org.j386.emulator.machine.Outcome;
import org.j386.emulator.report.ReportCollector;
import org.j386.tools.image.ImageFormatException;

import picocli.CommandLine.Model.CommandSpec;

/** {@code j386 debug IMAGE}: the machine stopped at the kernel's first instruction, with a console. */
final class DebugCommand implements Callable<Integer> {
    final MachineOptions machineOptions = new MachineOptions();
    final EventChecking.Options eventOptions = new EventChecking.Options();
    boolean noRecord;
    Long recordLimit;

    private CommandSpec spec;

    /** The command's options and help, bound to this object. */
    CommandSpec model() {
        CommandModel model = CommandModel.of(this, "debug",
                "Load a Multiboot kernel (or, with --bios, a ROM) and stop at its first instruction with the",
                "debugger console.",
                "On a terminal the console edits lines and completes commands and symbols; otherwise it",
                "reads plain lines (j386 debug IMAGE < commands.txt) and echoes each after the prompt.",
                "Type 'help' in the console for the commands.",
                "",
                "The run is recorded: snapshots of the whole machine (registers, devices,",
                "the RAM pages written since the one before) are kept every N instructions,",
                "N adapting so that taking them costs a twentieth of the run time (recording",
                "costs at most about 1.3x in all), within --record-limit, the oldest going",
                "first. Going back (goto, reverse-step) restores the newest snapshot before",
                "the instruction wanted and replays from there; before the oldest one it",
                "replays from boot, as last-write, history, reverse-next, reverse-finish and",
                "reverse-continue always do (their window is the whole run). 'info record'",
                "shows what is kept.")
            .unsorted()
            .exitStatuses(
                "  0    the console quit while the machine could still run",
                "  *    once the machine has ended, its status as for 'j386 boot'",
                "  12   --check-reference: the guest's memory manager diverged from the reference",
                "  2    bad command line, or an image or file that cannot be used");
        machineOptions.addTo(model);
        eventOptions.addTo(model);
        model.flag("--no-record", "keep no snapshots: going back then replays the run from boot", v -> noRecord = v)
            .option("--record-limit", "SIZE", "the most memory the snapshots may take (default 256M; K, M or G"
                    + " suffix)", null, Long.class, new MemorySize.RecordLimit(), v -> recordLimit = v);
        spec = model.build();
        return spec;
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        GuestOutputs outputs = new GuestOutputs();
        // Going back in time replays output the terminal has already shown: the gate drops it.
        OutputGate gate = new OutputGate();
        outputs.wrapEach(gate::wrap);
        try {
            if (noRecord && recordLimit != null) {
                throw new UsageException("--record-limit limits the recording, which --no-record turns off: give one of them");
            }
            Machine machine = machineOptions.create(outputs, err, true);
            // The console's report draws the run's history, so a debugging session keeps one from the start.
            ReportCollector report = ReportCollector.attach(machine);
            EventChecking events = eventOptions.attach(machine, report.poolRecords(), err);
            machineOptions.load(machine);
            Debugger debugger = new Debugger(machine);
            debugger.keepReportHistory(report);
            debugger.enableReplay(machineOptions.replica(machine));
            debugger.gateOutput(gate);
            if (!noRecord) {
                debugger.enableRecording(recordLimit == null ? Debugger.DEFAULT_RECORD_LIMIT : recordLimit);
            }
            if (events.checker() != null) {
                debugger.comparePoolsWith(events.checker()::pools, events.checker()::caveat);
            }
            int status;
            if (System.console() != null) {
                try (TerminalLines terminal = TerminalLines.openFor(debugger)) {
                    Console console = new Console(debugger, terminal.writer());
                    terminal.complete(console);
                    status = session(console, debugger, terminal, headline());
                }
            } else {
                PrintWriter out = spec.commandLine().getOut();
                Console console = new Console(debugger, out);
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                status = session(console, debugger, ConsoleSession.plain(in, out), headline());
            }
            outputs.flush();
            return events.finish(err, false) ? BootCommand.DIVERGED : events.statusAfterChecks(status, err);
        } catch (ImageFormatException | UsageException | IOException e) {
            outputs.flush();
            err.println("j386: error: " + e.getMessage());
            return Outcome.USAGE_OR_IMAGE_ERROR;
        } finally {
            outputs.close();
        }
    }

    /** A ROM starts at the reset vector, a kernel at its entry point. */
    private String headline() {
        return machineOptions.bios != null ? "Stopped at the reset vector" : "Stopped at the kernel's entry";
    }

    private static int session(Console console, Debugger debugger, ConsoleSession.LineSource in, String headline)
            throws IOException {
        ConsoleSession.greet(console, debugger, headline);
        ConsoleSession.run(console, in);
        return debugger.ended() ? debugger.machine().endResult().exitStatus() : 0;
    }
}
