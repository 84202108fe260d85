package org.j386.emulator.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import org.j386.emulator.debug.ConsoleSession;
import org.j386.emulator.debug.TerminalLines;
import org.j386.emulator.machine.Outcome;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;

import picocli.CommandLine.Model.CommandSpec;

/** {@code j386 attach PORT}: the debugger console of a machine started with {@code j386 boot --debug-port PORT}. */
final class AttachCommand implements Callable<Integer> {
    int port;

    private CommandSpec spec;

    /** The command's options and help, bound to this object. */
    CommandSpec model() {
        spec = CommandModel.of(this, "attach",
                "Attach a debugger console to a running 'j386 boot --debug-port PORT' on this machine.",
                "The machine stops while the console is attached; 'detach' lets it run on, 'quit' stops j386.",
                "On a terminal, lines are edited locally with history (cursor keys, Ctrl-R).",
                "The end of input (Ctrl-D) detaches, like 'detach'.",
                "Ctrl-C interrupts a running 'continue'.")
            .exitStatuses("  0    the console detached or the machine ended", "  2    nothing listens on that port")
            .parameter("PORT", "the --debug-port of the running j386", Integer.class, new TcpPort(), v -> port = v)
            .build();
        return spec;
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        Socket socket;
        try {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
        } catch (IOException e) {
            err.println("j386: error: cannot attach to 127.0.0.1:" + port + ": " + e.getMessage());
            return Outcome.USAGE_OR_IMAGE_ERROR;
        }
        try (socket) {
            if (System.console() != null) {
                try (Terminal terminal = TerminalLines.systemTerminal()) {
                    onTerminal(socket, terminal);
                }
            } else {
                fromPipe(socket, out);
            }
            return 0;
        } catch (IOException e) {
            err.println("j386: error: the connection to 127.0.0.1:" + port + " failed: " + e.getMessage());
            return Outcome.USAGE_OR_IMAGE_ERROR;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /**
     * Lines from standard input go to the machine as they come. The input is read on a daemon
     * thread: once the machine closes the connection (detach, quit) j386 ends without waiting for
     * another line.
     */
    private static void fromPipe(Socket socket, PrintWriter out) throws IOException, InterruptedException {
        OutputStream toMachine = socket.getOutputStream();
        Thread toMachineThread = new Thread(() -> {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            try {
                String line;
                while ((line = in.readLine()) != null) {
                    send(toMachine, line + "\n");
                }
                socket.shutdownOutput();
            } catch (IOException ignored) {
                // the connection or the input ended
            }
        }, "j386-attach-input");
        toMachineThread.setDaemon(true);
        toMachineThread.start();
        copy(socket.getInputStream(), text -> {
            out.print(text);
            out.flush();
        });
    }

    /**
     * The console on a terminal, edited locally with jline (history, cursor keys): the machine's
     * prompt is taken off its output and shown by the line reader instead, and Ctrl-C while a
     * command runs is passed on to interrupt it.
     */
    private static void onTerminal(Socket socket, Terminal terminal) throws IOException, InterruptedException {
        OutputStream toMachine = socket.getOutputStream();
        terminal.handle(Terminal.Signal.INT, signal -> send(toMachine, "\u0003\n"));
        LineReader reader = LineReaderBuilder.builder().terminal(terminal).appName("j386").build();
        PrintWriter screen = terminal.writer();
        // Each element is one prompt the machine sent; END once it has closed the connection.
        BlockingQueue<Boolean> prompts = new LinkedBlockingQueue<>();
        Thread fromMachine = new Thread(() -> {
            StringBuilder held = new StringBuilder();
            copy(socketInput(socket), text -> {
                held.append(text);
                String now = held.toString();
                boolean prompted = now.endsWith(ConsoleSession.PROMPT);
                int keep = prompted ? ConsoleSession.PROMPT.length() : partialPrompt(now);
                screen.print(now.substring(0, now.length() - keep));
                screen.flush();
                held.setLength(0);
                if (prompted) {
                    prompts.add(Boolean.TRUE);
                } else {
                    held.append(now, now.length() - keep, now.length());
                }
            });
            screen.print(held);
            screen.flush();
            prompts.add(Boolean.FALSE);
        }, "j386-attach-output");
        fromMachine.setDaemon(true);
        fromMachine.start();
        while (prompts.take()) {
            String line;
            try {
                line = reader.readLine(ConsoleSession.PROMPT);
            } catch (UserInterruptException e) {
                line = ""; // Ctrl-C at the prompt discards the line; the machine prompts again
            } catch (EndOfFileException e) {
                socket.shutdownOutput();
                continue;
            }
            send(toMachine, line + "\n");
        }
    }

    private static InputStream socketInput(Socket socket) {
        try {
            return socket.getInputStream();
        } catch (IOException e) {
            return InputStream.nullInputStream();
        }
    }

    /** How many characters at the end of {@code text} could be the start of a prompt still on its way. */
    private static int partialPrompt(String text) {
        for (int n = Math.min(text.length(), ConsoleSession.PROMPT.length() - 1); n > 0; n--) {
            if (ConsoleSession.PROMPT.startsWith(text.substring(text.length() - n))) {
                return n;
            }
        }
        return 0;
    }

    private static void send(OutputStream out, String text) {
        try {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException ignored) {
            // the machine went away; the output thread reports the end
        }
    }

    /** Passes the machine's output to {@code sink} as it arrives, until the connection closes. */
    private static void copy(InputStream in, java.util.function.Consumer<String> sink) {
        try {
            InputStreamReader text = new InputStreamReader(in, StandardCharsets.UTF_8);
            char[] buffer = new char[4096];
            int n;
            while ((n = text.read(buffer)) > 0) {
                sink.accept(new String(buffer, 0, n));
            }
        } catch (IOException ignored) {
            // closed
        }
    }
}
