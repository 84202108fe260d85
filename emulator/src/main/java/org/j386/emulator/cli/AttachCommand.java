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

import org.j386.emulator.machine.Outcome;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code j386 attach PORT}: the debugger console of a machine started with {@code j386 boot --debug-port PORT}. */
@Command(name = "attach", mixinStandardHelpOptions = true,
        description = {"Attach a debugger console to a running 'j386 boot --debug-port PORT' on this machine.",
            "The machine stops while the console is attached; 'detach' lets it run on, 'quit' stops j386.",
            "Ctrl-C interrupts a running 'continue'."},
        footerHeading = "%nExit status:%n",
        footer = {"  0    the console detached or the machine ended", "  2    nothing listens on that port"})
final class AttachCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "PORT", converter = TcpPort.class, description = "the --debug-port of the running j386")
    int port;

    @Spec
    CommandSpec spec;

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
        try (socket; Terminal terminal = System.console() == null ? null : TerminalBuilder.builder().system(true).build()) {
            OutputStream toMachine = socket.getOutputStream();
            if (terminal != null) {
                terminal.handle(Terminal.Signal.INT, signal -> send(toMachine, "\u0003\n"));
            }
            Thread fromMachine = new Thread(() -> copy(socket, out), "j386-attach-output");
            fromMachine.start();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while (fromMachine.isAlive() && (line = in.readLine()) != null) {
                send(toMachine, line + "\n");
            }
            socket.shutdownOutput();
            fromMachine.join();
            return 0;
        } catch (IOException e) {
            err.println("j386: error: the connection to 127.0.0.1:" + port + " failed: " + e.getMessage());
            return Outcome.USAGE_OR_IMAGE_ERROR;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private static void send(OutputStream out, String text) {
        try {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException ignored) {
            // the machine went away; the output thread reports the end
        }
    }

    private static void copy(Socket socket, PrintWriter out) {
        try {
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            int n;
            while ((n = in.read(buffer)) > 0) {
                out.print(new String(buffer, 0, n, StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException ignored) {
            // closed
        }
    }
}
