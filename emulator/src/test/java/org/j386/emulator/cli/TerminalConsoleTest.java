package org.j386.emulator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.j386.emulator.debug.Debugger;
import org.j386.emulator.debug.Supervisor;
import org.j386.emulator.machine.Machine;
import org.j386.emulator.machine.MachineConfig;
import org.j386.emulator.machine.RunResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The consoles on a real terminal: Ctrl-C in {@code j386 boot} stops the guest and opens a console
 * instead of killing the process; {@code j386 attach} edits lines locally. The terminal is a pseudo-terminal made by util-linux's {@code script}, so
 * the kernel's line discipline turns the 0x03 byte into SIGINT exactly as a keyboard would.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TerminalConsoleTest {
    private static final Path SCRIPT = Path.of("/usr/bin/script");
    private static final String BENCH = "src/test/kernels/bench/bench_alu.elf";

    /** Output of a process, collected on its own thread so that waiting for text never blocks the reader. */
    private static final class Transcript {
        private final ByteArrayOutputStream text = new ByteArrayOutputStream();

        Transcript(InputStream in) {
            Thread t = new Thread(() -> {
                byte[] buffer = new byte[4096];
                try {
                    int n;
                    while ((n = in.read(buffer)) > 0) {
                        synchronized (text) {
                            text.write(buffer, 0, n);
                            text.notifyAll();
                        }
                    }
                } catch (IOException ended) {
                    // the process went away
                }
            }, "transcript");
            t.setDaemon(true);
            t.start();
        }

        String now() {
            synchronized (text) {
                return text.toString(StandardCharsets.UTF_8);
            }
        }

        /** Waits until the output holds {@code wanted}; fails with the output so far after {@code seconds}. */
        String await(String wanted, int seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            synchronized (text) {
                while (!text.toString(StandardCharsets.UTF_8).contains(wanted)) {
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    assertTrue(left > 0, "no \"" + wanted + "\" in:\n" + text.toString(StandardCharsets.UTF_8));
                    text.wait(left);
                }
                return text.toString(StandardCharsets.UTF_8);
            }
        }
    }

    /** j386 with {@code args} on a fresh pseudo-terminal; its output merged into one transcript. */
    private static Process onTerminal(String... args) throws IOException {
        assumeTrue(Files.isExecutable(SCRIPT), "util-linux script makes the pseudo-terminal");
        assumeTrue(pseudoTerminalsWork(), "this machine gives script no pseudo-terminal");
        String java = ProcessHandle.current().info().command().orElse("java");
        String command = String.join(" ", List.of(java, "-cp", System.getProperty("java.class.path"),
                Main.class.getName())) + " " + String.join(" ", args);
        return new ProcessBuilder(SCRIPT.toString(), "-qfec", command, "/dev/null").redirectErrorStream(true).start();
    }

    private static boolean pseudoTerminalsWork() {
        try {
            Process p = new ProcessBuilder(SCRIPT.toString(), "-qec", "true", "/dev/null").redirectErrorStream(true).start();
            p.getOutputStream().close();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void type(Process process, String keys) throws IOException {
        OutputStream keyboard = process.getOutputStream();
        keyboard.write(keys.getBytes(StandardCharsets.US_ASCII));
        keyboard.flush();
    }

    @Test
    void ctrlCInBootOpensTheConsoleAndQuitEndsJ386() throws Exception {
        Process process = onTerminal("boot", BENCH, "--debug-port", "0");
        try {
            Transcript out = new Transcript(process.getInputStream());
            // The port line comes after the Ctrl-C handler is in place: a keypress before it would kill the JVM.
            out.await("j386 attach", 60);
            type(process, "\u0003");
            out.await("Interrupted; the machine stopped at", 30);
            out.await("(j386) ", 30);
            type(process, "print 6*7\r");
            out.await("0x0000002a (42)", 30);
            type(process, "quit\r");
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), out.now());
            assertEquals(130, process.exitValue(), out.now()); // the documented status for a debugger's quit
            assertTrue(out.now().contains("j386: stopped from the debugger"), out.now());
            assertFalse(out.now().contains("Exception"), out.now());
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void ctrlCDuringContinueInTheDebuggerStopsTheMachineAndTheConsoleGoesOn() throws Exception {
        Process process = onTerminal("debug", BENCH);
        try {
            Transcript out = new Transcript(process.getInputStream());
            out.await("(j386) ", 60);
            type(process, "continue\r");
            out.await("continue", 30);
            Thread.sleep(300); // let the machine run: the key must reach a running guest
            type(process, "\u0003");
            out.await("Interrupted at 0x", 30);
            type(process, "print 6*7\r");
            out.await("0x0000002a (42)", 30);
            type(process, "quit\r");
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), out.now());
            assertFalse(out.now().contains("Exception"), out.now());
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void attachOnATerminalRecallsHistoryWithTheUpKeyAndEndsWhenTheConsoleDetaches() throws Exception {
        Machine machine = new Machine(new MachineConfig());
        machine.boot(Path.of(BENCH));
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try (Supervisor supervisor = new Supervisor(new Debugger(machine))) {
            Future<RunResult> run = thread.submit(() -> supervisor.run());
            int port = supervisor.listenForConsoles(0);
            Process process = onTerminal("attach", String.valueOf(port));
            try {
                Transcript out = new Transcript(process.getInputStream());
                out.await("Attached; the machine stopped at", 60);
                out.await("(j386) ", 30);
                type(process, "print 6*7\r");
                out.await("0x0000002a (42)", 30);
                type(process, "\u001bOA\r"); // the up key (application cursor mode, as jline sets it) brings the last line back
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (count(out.now(), "0x0000002a (42)") < 2 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertEquals(2, count(out.now(), "0x0000002a (42)"), out.now());
                type(process, "detach\r");
                assertTrue(process.waitFor(30, TimeUnit.SECONDS), "attach ends without another key: " + out.now());
                assertEquals(0, process.exitValue(), out.now());
                assertTrue(out.now().contains("Detached; the machine runs on."), out.now());
                assertFalse(run.isDone(), "the machine runs on");
            } finally {
                process.destroyForcibly();
                supervisor.request(() -> true);
            }
        } finally {
            thread.shutdownNow();
        }
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            n++;
        }
        return n;
    }
}
