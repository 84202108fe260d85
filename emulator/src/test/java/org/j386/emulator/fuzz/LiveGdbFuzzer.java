package org.j386.emulator.fuzz;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.j386.emulator.debug.Debugger;
import org.j386.emulator.debug.Supervisor;
import org.j386.emulator.machine.Machine;
import org.j386.emulator.machine.MachineConfig;
import org.j386.emulator.machine.Outcome;
import org.j386.emulator.machine.RunResult;

/**
 * gdb sessions against a live machine, as {@code j386 boot --gdb} serves them: the machine runs
 * under a {@link Supervisor} listening on a TCP port of 127.0.0.1, and one to three clients
 * connect in turn, send random packets (see {@link GdbFuzzer}), read their replies or not, and go
 * away, closing or resetting the connection. The run must end (by its virtual-time limit, or a
 * client's kill) without an exception and without an internal error.
 */
final class LiveGdbFuzzer implements Fuzz.Target {
    @Override
    public String name() {
        return "gdb-live";
    }

    @Override
    public void run(Random r, StringBuilder input) throws Exception {
        MachineConfig config = new MachineConfig();
        config.maxTimeSlots = 10_000_000; // 0.1 virtual seconds, then the run ends by itself
        Machine machine = new Machine(config);
        machine.boot(Path.of("src/test/kernels/bench/bench_alu.elf"));
        ExecutorService threads = Executors.newFixedThreadPool(2, run -> {
            Thread t = new Thread(run, "j386-fuzz-gdb-live");
            t.setDaemon(true);
            return t;
        });
        try (Supervisor supervisor = new Supervisor(new Debugger(machine))) {
            int port = supervisor.listenForGdb(0);
            Future<RunResult> run = threads.submit(supervisor::run);
            int clients = 1 + r.nextInt(3);
            for (int c = 0; c < clients && !run.isDone(); c++) {
                input.append("(connect)\n");
                try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    if (r.nextBoolean()) {
                        InputStream in = socket.getInputStream();
                        threads.submit(() -> GdbFuzzer.drain(in));
                    }
                    int n = 1 + r.nextInt(20);
                    for (int i = 0; i < n; i++) {
                        String frame = GdbFuzzer.frame(r);
                        input.append(frame.length() > 300 ? frame.substring(0, 300) + "..." : frame).append('\n');
                        socket.getOutputStream().write(frame.getBytes(StandardCharsets.ISO_8859_1));
                    }
                    if (r.nextBoolean()) {
                        socket.setSoLinger(true, 0); // a reset rather than an orderly close
                        input.append("(reset)\n");
                    } else {
                        input.append("(close)\n");
                    }
                } catch (IOException refused) {
                    input.append("(the stub closed the connection: ").append(refused.getMessage()).append(")\n");
                }
            }
            RunResult result = run.get(20, TimeUnit.SECONDS); // throws if the supervisor threw
            if (result != null && result.outcome() == Outcome.INTERNAL_ERROR) {
                throw new AssertionError("internal error: " + result.message());
            }
        } finally {
            threads.shutdownNow();
        }
    }
}
