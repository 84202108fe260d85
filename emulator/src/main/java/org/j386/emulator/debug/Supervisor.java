package org.j386.emulator.debug;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import org.j386.emulator.debug.gdb.GdbPackets;
import org.j386.emulator.debug.gdb.GdbStub;
import org.j386.emulator.machine.RunResult;

/**
 * Runs a machine freely while debuggers may come and go: gdb connecting to {@code --gdb PORT}, a
 * console attaching to {@code --debug-port PORT}, Ctrl-C on the terminal. Each of them asks for
 * the machine, which stops at the next instruction boundary; the session is then served on the
 * machine's thread until it detaches, and the machine runs on.
 */
public final class Supervisor implements Closeable {
    /** Something that takes over the stopped machine. */
    public interface Session {
        /** Serves until detach (false) or until j386 should stop altogether (true). */
        boolean serve() throws IOException;

        /** Turns the session away because the machine has ended (closes its connection). */
        default void refuse(String why) {
        }
    }

    private final Debugger debugger;
    private final BlockingQueue<Session> waiting = new LinkedBlockingQueue<>();
    private final List<ServerSocket> listeners = new ArrayList<>();
    private volatile boolean serving;
    private boolean killed;
    /** Set once {@link #run} has returned: sessions asking later are turned away, never left waiting. */
    private String finished;

    public Supervisor(Debugger debugger) {
        this.debugger = debugger;
    }

    public Debugger debugger() {
        return debugger;
    }

    /** Whether a session ended j386 (gdb's kill, the console's quit). */
    public boolean killed() {
        return killed;
    }

    /** Asks for the machine on behalf of a session (from any thread). */
    public void request(Session session) {
        synchronized (waiting) {
            if (finished == null) {
                waiting.add(session);
                debugger.interrupt();
                return;
            }
        }
        session.refuse(finished);
    }

    /** From now on sessions are refused with {@code why}; those still waiting are refused too. */
    private void finish(String why) {
        List<Session> late = new ArrayList<>();
        synchronized (waiting) {
            finished = why;
            waiting.drainTo(late);
        }
        for (Session session : late) {
            session.refuse(why);
        }
    }

    /** Whether a session has the machine now (Ctrl-C then only interrupts the running command). */
    public boolean serving() {
        return serving;
    }

    /** Listens on 127.0.0.1 (port 0 picks a free one); returns the port. */
    private ServerSocket listen(int port) throws IOException {
        try {
            ServerSocket server = new ServerSocket(port, 4, InetAddress.getLoopbackAddress());
            listeners.add(server);
            return server;
        } catch (IOException e) {
            throw new IOException("cannot listen on 127.0.0.1:" + port + ": " + e.getMessage());
        }
    }

    private void acceptForever(ServerSocket server, java.util.function.Function<Socket, Session> sessions, String name) {
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    request(sessions.apply(socket));
                } catch (IOException closed) {
                    return;
                }
            }
        }, name);
        t.setDaemon(true);
        t.start();
    }

    /** Serves gdb on {@code port}; returns the port actually bound. */
    public int listenForGdb(int port) throws IOException {
        ServerSocket server = listen(port);
        acceptForever(server, this::gdbSession, "j386-gdb-listener");
        return server.getLocalPort();
    }

    /** Waits for gdb's first connection on {@code port} and serves it before the machine runs. */
    public int waitForGdb(int port, java.util.function.IntConsumer listening) throws IOException {
        ServerSocket server = listen(port);
        listening.accept(server.getLocalPort());
        Session first = gdbSession(server.accept());
        acceptForever(server, this::gdbSession, "j386-gdb-listener");
        serveNow(first);
        return server.getLocalPort();
    }

    /** Serves consoles attaching with {@code j386 attach PORT}; returns the port actually bound. */
    public int listenForConsoles(int port) throws IOException {
        ServerSocket server = listen(port);
        acceptForever(server, this::consoleSession, "j386-console-listener");
        return server.getLocalPort();
    }

    private Session gdbSession(Socket socket) {
        return new Session() {
            @Override
            public boolean serve() throws IOException {
                try (socket) {
                    GdbStub.End end = new GdbStub(debugger).serve(new GdbPackets(socket.getInputStream(),
                            socket.getOutputStream()));
                    return end == GdbStub.End.KILLED;
                }
            }

            @Override
            public void refuse(String why) {
                // gdb reports the closed connection ("Remote connection closed").
                closeQuietly(socket);
            }
        };
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // the peer is gone already
        }
    }

    private Session consoleSession(Socket socket) {
        return new Session() {
            @Override
            public void refuse(String why) {
                try (socket) {
                    socket.getOutputStream().write(("j386: nothing to attach to: " + why + "\n")
                            .getBytes(StandardCharsets.UTF_8));
                } catch (IOException ignored) {
                    // the console went away first
                }
            }

            @Override
            public boolean serve() throws IOException {
                return serveConsole(socket);
            }
        };
    }

    private boolean serveConsole(Socket socket) throws IOException {
        try (socket) {
            PrintWriter out = new PrintWriter(new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8));
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> {
                // Not closed here: closing a socket's input stream closes the socket, and the
                // answers to the last commands may still be on their way out.
                try {
                    BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                            StandardCharsets.UTF_8));
                    String line;
                    while ((line = readLine(in)) != null) {
                        // A line holding Ctrl-C (0x03) interrupts the running command.
                        if (line.indexOf(3) >= 0) {
                            debugger.interrupt();
                            line = line.replace("\u0003", "");
                            if (line.isBlank()) {
                                continue;
                            }
                        }
                        lines.add(line);
                    }
                } catch (IOException closed) {
                    // the client went away
                }
                lines.add("\u0000end");
            }, "j386-console-reader");
            reader.setDaemon(true);
            reader.start();
            Console console = new Console(debugger, out);
            ConsoleSession.greet(console, debugger, "Attached; the machine stopped at");
            Console.Next next = ConsoleSession.run(console, prompt -> {
                out.print(prompt);
                out.flush();
                try {
                    String line = lines.take();
                    if (line.startsWith(TOO_LONG)) {
                        out.println("error: a line of " + line.substring(TOO_LONG.length())
                                + " characters was ignored: a console line may hold at most " + MAX_LINE);
                        return "";
                    }
                    // A console that goes away (end of its input, a dropped connection) detaches:
                    // only an explicit quit stops the machine it left.
                    return line.equals("\u0000end") ? "detach" : line;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            });
            if (next == Console.Next.DETACH || next == Console.Next.QUIT) {
                out.println(next == Console.Next.QUIT ? "j386 stops." : "Detached; the machine runs on.");
                out.flush();
            }
            return next == Console.Next.QUIT;
        }
    }

    /** The longest console line accepted from a connection; a longer one is answered with an error. */
    static final int MAX_LINE = 1 << 20;
    /** What {@link #readLine} returns, followed by the length, for a line longer than {@link #MAX_LINE}. */
    static final String TOO_LONG = "\u0000too long ";

    /**
     * A line from a console connection, without its end; null at the end of input. A line longer
     * than {@link #MAX_LINE} is read to its end but not kept: {@link #TOO_LONG} and its length come
     * back instead, so that no client can make j386 hold an endless line in memory.
     */
    static String readLine(BufferedReader in) throws IOException {
        StringBuilder line = new StringBuilder();
        long length = 0;
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (length++ < MAX_LINE) {
                line.append((char) c);
            }
        }
        if (c < 0 && length == 0) {
            return null;
        }
        if (length > MAX_LINE) {
            return TOO_LONG + length;
        }
        int end = line.length();
        return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
    }

    /** A detached debugger leaves nothing behind that could stop the free-running machine. */
    private void forgetStops() {
        debugger.deleteAll();
        java.util.BitSet all = new java.util.BitSet();
        all.set(0, 256);
        debugger.catchVectors(all, false);
        debugger.setTrace(null);
    }

    /**
     * Serves one session on this thread. A session whose connection fails (a client that went
     * away mid-reply) has simply ended: it never takes the machine or j386 down with it.
     */
    private boolean serveNow(Session session) {
        serving = true;
        try {
            boolean end = session.serve();
            killed |= end;
            return end;
        } catch (IOException connectionLost) {
            return false;
        } finally {
            forgetStops();
            serving = false;
        }
    }

    /**
     * Runs the machine until it ends or a session ends j386, serving sessions as they ask.
     * Returns the machine's result, or null when a session ended j386 first.
     */
    public RunResult run() throws IOException {
        RunResult result = null;
        try {
            result = runUntilEnd();
            return result;
        } finally {
            finish(result != null ? "the machine has ended (" + result.message() + ")" : "j386 is stopping");
        }
    }

    private RunResult runUntilEnd() throws IOException {
        if (killed) {
            return null;
        }
        while (true) {
            Stop stop = debugger.continueRun();
            if (stop.kind() == Stop.Kind.ENDED) {
                return stop.end();
            }
            Session session;
            while ((session = waiting.poll()) != null) {
                if (serveNow(session)) {
                    return null;
                }
                if (debugger.ended()) {
                    return debugger.machine().endResult();
                }
            }
        }
    }

    @Override
    public void close() {
        listeners.forEach(Supervisor::closeQuietly);
    }
}
