package org.j386.emulator.debug;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.completer.StringsCompleter;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.j386.tools.image.Symbol;

/**
 * The interactive console on a terminal: line editing, history and completion of command names
 * and kernel symbols (jline). Ctrl-C while the machine runs stops it at the next instruction.
 */
public final class TerminalLines implements ConsoleSession.LineSource, AutoCloseable {
    private final Terminal terminal;
    private final Debugger debugger;
    private LineReader reader;

    private TerminalLines(Terminal terminal, Debugger debugger) {
        this.terminal = terminal;
        this.debugger = debugger;
    }

    /** A console on the process's terminal; Ctrl-C interrupts the debugger's machine. */
    public static TerminalLines openFor(Debugger debugger) throws IOException {
        return openFor(debugger, debugger::interrupt);
    }

    /** A console on the process's terminal; Ctrl-C runs {@code onInterrupt} (on a signal thread). */
    public static TerminalLines openFor(Debugger debugger, Runnable onInterrupt) throws IOException {
        Terminal terminal = systemTerminal();
        terminal.handle(Terminal.Signal.INT, signal -> onInterrupt.run());
        return new TerminalLines(terminal, debugger);
    }

    /** The process's terminal for jline, at least 80 columns wide. */
    public static Terminal systemTerminal() throws IOException {
        Terminal terminal = TerminalBuilder.builder().system(true).build();
        if (terminal.getWidth() <= 0) {
            // A pseudo-terminal nobody sized (a serial line, script(1) without a terminal) reports
            // 0 columns, and jline would then squeeze the prompt into nothing.
            terminal.setSize(new Size(80, 24));
        }
        return terminal;
    }

    /** Completion of the console's command names and the kernel's symbols. */
    public void complete(Console console) {
        List<String> words = new ArrayList<>(console.commandWords());
        for (Symbol s : debugger.symbols().symbols()) {
            words.add(s.name());
        }
        reader = LineReaderBuilder.builder().terminal(terminal).appName("j386")
                .completer(new StringsCompleter(words)).build();
    }

    /** Output that goes through the terminal (so it does not tangle with the line being edited). */
    public PrintWriter writer() {
        return terminal.writer();
    }

    @Override
    public String readLine(String prompt) {
        while (true) {
            try {
                return reader.readLine(prompt);
            } catch (UserInterruptException e) {
                // Ctrl-C at the prompt discards the line, as in a shell.
            } catch (EndOfFileException e) {
                return null;
            }
        }
    }

    @Override
    public void close() throws IOException {
        terminal.close();
    }
}
