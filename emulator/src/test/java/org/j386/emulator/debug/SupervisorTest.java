package org.j386.emulator.debug;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.j386.emulator.debug.gdb.GdbPackets;
import org.j386.emulator.machine.Machine;
import org.j386.emulator.machine.MachineConfig;
import org.j386.emulator.machine.RunResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A free-running machine that consoles and gdb join over TCP on 127.0.0.1 and leave again. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SupervisorTest {
    private final ExecutorService machineThread = Executors.newSingleThreadExecutor();
    private Supervisor supervisor;
    private Machine machine;

    private Future<RunResult> start(String image) throws Exception {
        machine = new Machine(new MachineConfig());
        machine.boot(Path.of("src/test/kernels").resolve(image));
        supervisor = new Supervisor(new Debugger(machine));
        return machineThread.submit(() -> supervisor.run());
    }

    @AfterEach
    void stop() throws Exception {
        if (supervisor != null) {
            supervisor.request(() -> true); // a session that ends the run
            supervisor.close();
        }
        machineThread.shutdown();
        assertTrue(machineThread.awaitTermination(10, TimeUnit.SECONDS));
    }

    private static String converse(int port, String commands, String until) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(20_000); // a console that never answers fails the test instead of hanging it
            socket.getOutputStream().write(commands.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            int n;
            while (!text.toString(StandardCharsets.UTF_8).contains(until) && (n = in.read(buffer)) > 0) {
                text.write(buffer, 0, n);
            }
            return text.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void anAttachedConsoleStopsTheMachineAndDetachingLetsItRunOn() throws Exception {
        Future<RunResult> run = start("bench/bench_alu.elf");
        int port = supervisor.listenForConsoles(0);
        Thread.sleep(50);
        String first = converse(port, "print 6*7\ndetach\n", "Detached");
        assertTrue(first.startsWith("Attached; the machine stopped at 0x"), first);
        assertTrue(first.contains("(j386) 0x0000002a (42)\n"), first);
        long stoppedAt = machine.cpu().state.instructions;
        Thread.sleep(50);
        assertFalse(run.isDone());
        String second = converse(port, "quit\n", "j386 stops.");
        assertTrue(second.contains("j386 stops."), second);
        assertNull(run.get(10, TimeUnit.SECONDS), "quit ends the run without a machine result");
        assertTrue(supervisor.killed());
        assertTrue(machine.cpu().state.instructions > stoppedAt, "the machine ran between the two consoles");
    }

    @Test
    void breakpointsSetInAConsoleAreGoneAfterItDetaches() throws Exception {
        Future<RunResult> run = start("paging_lazy/paging_lazy.elf");
        int port = supervisor.listenForConsoles(0);
        // paging_lazy ends within milliseconds: the console may come too late and is then told so.
        String text = converse(port, "break pf_handler\ndetach\n", "Detached");
        RunResult result = run.get(10, TimeUnit.SECONDS);
        assertEquals(1, result.exitStatus(), text);
        assertTrue(text.contains("Detached") || text.startsWith("j386: nothing to attach to: the machine has ended"), text);
        assertTrue(supervisor.debugger().breakpoints().isEmpty());
    }

    @Test
    void aConsoleAttachingAfterTheMachineEndedIsToldSoAndDisconnected() throws Exception {
        Future<RunResult> run = start("paging_lazy/paging_lazy.elf");
        int port = supervisor.listenForConsoles(0);
        assertEquals(1, run.get(10, TimeUnit.SECONDS).exitStatus());
        String text = converse(port, "regs\n", "never printed");
        assertTrue(text.startsWith("j386: nothing to attach to: the machine has ended ("), text);
    }

    @Test
    void aSessionAskingBetweenTwoRunsIsServed() throws Exception {
        // The request lands while the machine is not running; the next run must stop for it at once.
        machine = new Machine(new MachineConfig());
        machine.boot(Path.of("src/test/kernels/bench/bench_alu.elf"));
        supervisor = new Supervisor(new Debugger(machine));
        boolean[] served = new boolean[1];
        supervisor.request(() -> {
            served[0] = true;
            return true;
        });
        Future<RunResult> run = machineThread.submit(() -> supervisor.run());
        assertNull(run.get(10, TimeUnit.SECONDS));
        assertTrue(served[0]);
    }

    @Test
    void gdbConnectingToARunningMachineFindsItStopped() throws Exception {
        Future<RunResult> run = start("bench/bench_alu.elf");
        int port = supervisor.listenForGdb(0);
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            GdbPackets gdb = new GdbPackets(socket.getInputStream(), socket.getOutputStream());
            gdb.reply("g");
            String registers = gdb.read().payload();
            assertEquals(352, registers.length());
            long at = machine.cpu().state.instructions;
            Thread.sleep(20);
            assertEquals(at, machine.cpu().state.instructions, "stopped while gdb is attached");
            gdb.reply("D");
            assertEquals("OK", gdb.read().payload());
        }
        Thread.sleep(50);
        assertFalse(run.isDone());
        supervisor.debugger().interrupt(); // no session waits: the machine goes on
        Thread.sleep(20);
        assertFalse(run.isDone());
    }

    @Test
    void gdbDroppingTheConnectionWhileTheTargetRunsLeavesTheMachineRunning() throws Exception {
        Future<RunResult> run = start("bench/bench_alu.elf");
        int port = supervisor.listenForGdb(0);
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            GdbPackets gdb = new GdbPackets(socket.getInputStream(), socket.getOutputStream());
            gdb.reply("?");
            gdb.read();
            gdb.reply("c");
            Thread.sleep(20);
        }
        Thread.sleep(200);
        assertFalse(run.isDone(), "the machine runs on: the session alone ended");
        long at = machine.cpu().state.instructions;
        Thread.sleep(50);
        assertTrue(machine.cpu().state.instructions > at, "and it is running");
    }

    @Test
    void gdbResettingTheConnectionWithRepliesQueuedLeavesTheMachineRunning() throws Exception {
        Future<RunResult> run = start("bench/bench_alu.elf");
        int port = supervisor.listenForGdb(0);
        for (int attempt = 0; attempt < 3; attempt++) {
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                GdbPackets gdb = new GdbPackets(socket.getInputStream(), socket.getOutputStream());
                for (int i = 0; i < 200; i++) {
                    gdb.reply("m100000,1000"); // 8 KiB of reply each, never read
                }
                socket.setSoLinger(true, 0); // close with a reset: the stub's writes fail
            }
        }
        Thread.sleep(300);
        assertFalse(run.isDone(), "no broken pipe ends the run");
        long at = machine.cpu().state.instructions;
        Thread.sleep(50);
        assertTrue(machine.cpu().state.instructions > at, "the machine runs on");
    }

    @Test
    void anEndlessConsoleLineIsRefusedWithoutBeingKeptAndTheConsoleCarriesOn() throws Exception {
        Future<RunResult> run = start("bench/bench_alu.elf");
        int port = supervisor.listenForConsoles(0);
        Thread.sleep(50);
        String huge = "print " + "(".repeat(3 << 20) + "\n";
        String text = converse(port, huge + "print 6*7\ndetach\n", "Detached");
        assertTrue(text.contains("error: a line of " + (huge.length() - 1) + " characters was ignored:"
                + " a console line may hold at most 1048576\n"), text.substring(0, Math.min(text.length(), 2000)));
        assertTrue(text.contains("0x0000002a (42)"), text);
        assertFalse(run.isDone());
    }

    @Test
    void aConsoleLineIsReadUpToItsEndOfLineWithoutTheCarriageReturn() throws Exception {
        java.io.BufferedReader in = new java.io.BufferedReader(new java.io.StringReader("regs\r\nx/4xw 0\nlast"));
        assertEquals("regs", Supervisor.readLine(in));
        assertEquals("x/4xw 0", Supervisor.readLine(in));
        assertEquals("last", Supervisor.readLine(in));
        assertNull(Supervisor.readLine(in));
    }
}
