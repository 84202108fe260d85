package org.j386.emulator.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.j386.emulator.debug.Debugger;
import org.j386.emulator.debug.OutputGate;
import org.j386.emulator.machine.Machine;
import org.j386.emulator.machine.Outcome;
import org.j386.emulator.machine.RunResult;
import org.j386.emulator.report.Report;
import org.j386.emulator.report.ReportCollector;
import org.j386.tools.image.ImageFormatException;

import picocli.CommandLine.Model.CommandSpec;

/** {@code j386 boot IMAGE}: loads a Multiboot kernel and runs it to the end. */
final class BootCommand implements Callable<Integer> {
    final MachineOptions machineOptions = new MachineOptions();
    String vgaDump;
    boolean stats;
    Integer gdbPort;
    boolean waitGdb;
    Integer debugPort;
    boolean record;
    Long recordLimit;
    /** For make bench: records the whole run with no debugger, to measure what recording costs. */
    boolean benchRecording;
    final EventChecking.Options eventOptions = new EventChecking.Options();
    Path report;

    /** Exit status when --check-reference found a divergence. */
    static final int DIVERGED = Outcome.CHECK_STOPPED.fixedStatus();

    private CommandSpec spec;

    /** The command's options and help, bound to this object. */
    CommandSpec model() {
        CommandModel model = CommandModel.of(this, "boot",
                "Boot a Multiboot (v1) kernel: an ELF32 i386 executable, or a flat image whose",
                "Multiboot header gives its load addresses. Options are named after QEMU's.")
            .unsorted()
            .exitStatuses(
                "  0    the guest halted with interrupts disabled, or waits for an interrupt no device can raise;",
                "       or --until TEXT appeared on COM1, the debug console or the screen",
                "  odd  the guest wrote v to port 0xF4: (v << 1) | 1, as with QEMU's isa-debug-exit",
                "  2    bad command line, or an image or file that cannot be used",
                "  4    --max-instructions or --max-time reached (the default --max-time is 600 virtual seconds)",
                "  6    triple fault (a fault while delivering a double fault)",
                "  8    the guest used something j386 does not emulate (nothing known reaches it today)",
                "  10   internal error in j386",
                "  12   --check-reference: the guest's memory manager diverged from the reference",
                "       (or sent a record the reference cannot follow; malformed records are only warned about)",
                "  14   --jit-check: a compiled block and the interpreter disagreed",
                "  16   --check tlb: the guest used a translation that a page-table write had made stale",
                "  130  stopped from a debugger (quit in the console, kill in gdb)");
        machineOptions.addTo(model);
        model.option("--vga-dump", "stdout|FILE", "write the 80x25 text screen at exit", v -> vgaDump = v)
            .flag("--stats", "at exit, print instructions, wall time, MIPS, interrupts by vector, page faults and TLB"
                    + " hits/misses to stderr", v -> stats = v)
            .option("--gdb", "PORT", "serve the GDB remote protocol on 127.0.0.1:PORT (target remote :PORT)", null,
                    Integer.class, new TcpPort(), v -> gdbPort = v)
            .flag("--wait-gdb", "with --gdb: wait for gdb to connect before the first instruction (like QEMU's -S)",
                    v -> waitGdb = v)
            .option("--debug-port", "PORT", "accept debugger consoles on 127.0.0.1:PORT (j386 attach PORT)", null,
                    Integer.class, new TcpPort(), v -> debugPort = v)
            .flag("--record", "with --gdb or --debug-port: keep snapshots of the run, so that going back"
                    + " (reverse-stepi, goto, ...) replays from the newest one before instead of from boot; costs up"
                    + " to 1.3x the run time", v -> record = v)
            .option("--record-limit", "SIZE", "with --record: the most memory the snapshots may take, the oldest"
                    + " going first (default 256M)", null, Long.class, new MemorySize.RecordLimit(),
                    v -> recordLimit = v)
            .hiddenFlag("--bench-recording", v -> benchRecording = v);
        eventOptions.addTo(model);
        model.option("--report", "FILE.html", "at the end, write a self-contained HTML page picturing the address"
                + " space, physical memory, page faults, interrupts, the TLB and the guest kernel's pools", null,
                Path.class, null, v -> report = v);
        spec = model.build();
        return spec;
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        GuestOutputs outputs = new GuestOutputs();
        try {
            if (waitGdb && gdbPort == null) {
                throw new UsageException("--wait-gdb needs --gdb PORT");
            }
            if (record && gdbPort == null && debugPort == null) {
                throw new UsageException("--record needs --gdb PORT or --debug-port PORT: only a debugger can go back");
            }
            if (recordLimit != null && !record && !benchRecording) {
                throw new UsageException("--record-limit needs --record");
            }
            long limit = recordLimit == null ? Debugger.DEFAULT_RECORD_LIMIT : recordLimit;
            boolean supervised = gdbPort != null || debugPort != null || System.console() != null;
            // A debugger may go back in time and replay output the terminal has shown: the gate drops it.
            OutputGate gate = new OutputGate();
            if (supervised) {
                outputs.wrapEach(gate::wrap);
            }
            // The TLB hits are read by --stats, the report and a debugger's stats; else compiled code
            // need not count them.
            Machine machine = machineOptions.create(outputs, err, stats || report != null || supervised);
            ReportCollector collector = report == null ? null : startReport(machine);
            EventChecking events = eventOptions.attach(machine, collector == null ? null : collector.poolRecords(), err);
            machineOptions.load(machine);
            RunResult result;
            Debugger benchRecorder = null;
            if (!supervised && benchRecording) {
                benchRecorder = new Debugger(machine);
                benchRecorder.enableReplay(machineOptions.replica(machine));
                benchRecorder.enableRecording(limit);
            }
            if (!supervised) {
                result = machine.run();
            } else {
                result = Supervised.run(machine, collector, machineOptions.replica(machine), gate, gdbPort, waitGdb,
                        debugPort, record ? limit : null, err);
                if (result == null) {
                    outputs.flush();
                    err.println("j386: stopped from the debugger");
                    if (collector != null) {
                        writeReport(machine, collector, null);
                    }
                    return 130;
                }
            }
            outputs.flush();
            boolean guestEnded = result.outcome() != Outcome.INSTRUCTION_LIMIT && result.outcome() != Outcome.TIME_LIMIT
                    && result.outcome() != Outcome.UNTIL_TEXT;
            if (events.finish(err, guestEnded)) {
                return DIVERGED;
            }
            if (vgaDump != null) {
                writeScreen(machine.devices().vga.screenText());
            }
            // A debug-exit is the guest's own way out and needs no comment (QEMU makes none either);
            // --until's end is the one asked for, and a comment would run into the guest's last line.
            if (result.outcome() != Outcome.DEBUG_EXIT && result.outcome() != Outcome.UNTIL_TEXT) {
                err.print(result.diagnostic().isEmpty() ? "j386: " + result.message() + "\n" : result.diagnostic());
            }
            if (stats) {
                machine.printStats(result, err);
                if (benchRecorder != null) {
                    err.printf("recording        %s%n", benchRecorder.recordingSummary().replace("\n", "\n                 "));
                }
            }
            if (collector != null) {
                writeReport(machine, collector, result);
            }
            err.flush();
            return events.statusAfterChecks(result.exitStatus(), err);
        } catch (ImageFormatException | UsageException e) {
            outputs.flush();
            err.println("j386: error: " + e.getMessage());
            return Outcome.USAGE_OR_IMAGE_ERROR;
        } catch (IOException e) {
            outputs.flush();
            err.println("j386: error: " + e.getMessage());
            return Outcome.USAGE_OR_IMAGE_ERROR;
        } finally {
            outputs.close();
        }
    }

    private ReportCollector startReport(Machine machine) throws UsageException {
        try {
            Report.checkWritable(report);
        } catch (IOException e) {
            throw new UsageException("--report: " + e.getMessage());
        }
        return ReportCollector.attach(machine);
    }

    private void writeReport(Machine machine, ReportCollector collector, RunResult result) throws IOException {
        try {
            Report.write(report, machine, collector, result, kernelName());
        } catch (IOException e) {
            throw new IOException("--report: " + e.getMessage(), e);
        }
    }

    /** The name the report's title gives the kernel. */
    private String kernelName() {
        return machineOptions.image == null ? "the bundled guest kernel" : machineOptions.image.getFileName().toString();
    }

    private void writeScreen(String screen) throws IOException {
        // The screen's empty bottom rows say nothing; the rows above keep their positions.
        String text = screen.stripTrailing() + "\n";
        if (vgaDump.equals("stdout") || vgaDump.equals("stdio")) {
            System.out.print(text);
            System.out.flush();
        } else {
            try {
                Files.writeString(Path.of(vgaDump), text);
            } catch (IOException e) {
                throw new IOException("--vga-dump: cannot write " + vgaDump + ": " + IoProblem.describe(e), e);
            }
        }
    }
}
