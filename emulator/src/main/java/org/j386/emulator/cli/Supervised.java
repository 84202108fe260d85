package org.j386.emulator.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.function.Supplier;

import org.j386.emulator.debug.Console;
import org.j386.emulator.debug.ConsoleSession;
import org.j386.emulator.debug.Debugger;
import org.j386.emulator.debug.OutputGate;
import org.j386.emulator.debug.Supervisor;
import org.j386.emulator.debug.TerminalLines;
import org.j386.emulator.machine.Machine;
import org.j386.emulator.machine.RunResult;
import org.j386.emulator.report.ReportCollector;

/** {@code j386 boot} with debuggers that may join: --gdb, --debug-port, Ctrl-C on the terminal. */
final class Supervised {
    private Supervised() {
    }

    /** The machine's result, or null when a debugger ended j386. A null {@code recordLimit}: no recording. */
    static RunResult run(Machine machine, ReportCollector report, Supplier<Machine> replica, OutputGate gate,
            Integer gdbPort, boolean waitGdb, Integer debugPort, Long recordLimit, PrintWriter err) throws IOException {
        Debugger debugger = new Debugger(machine);
        debugger.keepReportHistory(report);
        debugger.enableReplay(replica);
        debugger.gateOutput(gate);
        if (recordLimit != null) {
            debugger.enableRecording(recordLimit);
        }
        try (Supervisor supervisor = new Supervisor(debugger)) {
            TerminalLines terminal = null;
            if (System.console() != null) {
                // Ctrl-C opens the console; while a console or gdb has the machine it only interrupts.
                TerminalLines[] holder = new TerminalLines[1];
                terminal = TerminalLines.openFor(debugger, () -> {
                    if (supervisor.serving()) {
                        debugger.interrupt();
                    } else {
                        supervisor.request(() -> terminalSession(holder[0], debugger));
                    }
                });
                holder[0] = terminal;
            }
            try {
                if (debugPort != null) {
                    int port = supervisor.listenForConsoles(debugPort);
                    err.printf("j386: debugger consoles: j386 attach %d%n", port);
                    err.flush();
                }
                if (gdbPort != null) {
                    if (waitGdb) {
                        supervisor.waitForGdb(gdbPort, port -> {
                            err.printf("j386: waiting for gdb on 127.0.0.1:%d (target remote :%d)%n", port, port);
                            err.flush();
                        });
                    } else {
                        int port = supervisor.listenForGdb(gdbPort);
                        err.printf("j386: gdb can attach: target remote :%d%n", port);
                        err.flush();
                    }
                }
                return supervisor.run();
            } finally {
                if (terminal != null) {
                    terminal.close();
                }
            }
        }
    }

    private static boolean terminalSession(TerminalLines terminal, Debugger debugger) throws IOException {
        Console console = new Console(debugger, terminal.writer());
        terminal.complete(console);
        console.out().println();
        ConsoleSession.greet(console, debugger, "Interrupted; the machine stopped at");
        console.out().println("(detach: run on; quit: stop j386)");
        Console.Next next = ConsoleSession.run(console, terminal);
        return next == Console.Next.QUIT;
    }
}
