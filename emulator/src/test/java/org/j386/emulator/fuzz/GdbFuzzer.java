package org.j386.emulator.fuzz;

import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.j386.emulator.debug.Debugger;
import org.j386.emulator.debug.gdb.GdbPackets;
import org.j386.emulator.debug.gdb.GdbStub;
import org.j386.emulator.machine.Machine;
import org.j386.emulator.machine.MachineConfig;
import org.j386.emulator.machine.Outcome;

/**
 * gdb packet sequences with disconnects: well-formed packets of every kind with random and edge
 * arguments, packets with bad checksums, oversized packets, stray bytes and interrupt bytes, then
 * the connection dropped at a random point (its reading side, its writing side or both, while the
 * target may be running). The stub must end the session without throwing, and the machine must
 * not have ended with an internal error.
 */
final class GdbFuzzer implements Fuzz.Target {
    private static final String[] PACKETS = {"?", "g", "G", "p", "P", "m", "M", "X", "c", "s", "C05", "S05", "Z0", "Z1",
        "Z2", "Z3", "Z4", "z0", "z2", "H", "T", "vCont?", "vCont;c", "vCont;s", "vCont;x", "vKill", "qSupported",
        "qXfer:features:read:target.xml:", "qRcmd,", "qC", "qfThreadInfo", "qAttached", "QStartNoAckMode", "D", "k", ""};
    private static final String[] MONITOR = {"regs", "x/99999999xw 0", "x/99999999i 0", "pagetable 0xffffffff",
        "print " + "(".repeat(5000) + "1" + ")".repeat(5000), "step -5", "continue", "info stats", "frames", "quit",
        "detach", "help"};

    @Override
    public String name() {
        return "gdb";
    }

    @Override
    public void run(Random r, StringBuilder input) throws Exception {
        MachineConfig config = new MachineConfig();
        config.maxTimeSlots = 2_000_000;
        Machine machine = new Machine(config);
        machine.boot(Path.of("src/test/kernels/paging_lazy/paging_lazy.elf"));
        Debugger debugger = new Debugger(machine);
        PipedInputStream toStub = new PipedInputStream(1 << 16);
        PipedInputStream toGdb = new PipedInputStream(1 << 16);
        PipedOutputStream gdbSends = new PipedOutputStream(toStub);
        GdbPackets stubSide = new GdbPackets(toStub, new PipedOutputStream(toGdb));
        ExecutorService threads = Executors.newFixedThreadPool(2, run -> {
            Thread t = new Thread(run, "j386-fuzz-gdb");
            t.setDaemon(true);
            return t;
        });
        try {
            Future<GdbStub.End> served = threads.submit(() -> new GdbStub(debugger).serve(stubSide));
            boolean keepReading = r.nextInt(4) != 0; // else replies pile up unread until the pipe is closed
            if (keepReading) {
                threads.submit(() -> drain(toGdb));
            }
            int n = 1 + r.nextInt(30);
            for (int i = 0; i < n && !served.isDone(); i++) {
                String frame = frame(r);
                input.append(frame.length() > 300 ? frame.substring(0, 300) + "..." : frame).append('\n');
                try {
                    gdbSends.write(frame.getBytes(StandardCharsets.ISO_8859_1));
                    gdbSends.flush();
                } catch (IOException stubGone) {
                    break; // the session ended (kill, detach): nothing more to send
                }
            }
            // A dropped connection: either gdb's side simply goes (the stub reads the end), or it
            // stops reading first, so that the stub's next replies fail, and then goes.
            if (r.nextBoolean()) {
                toGdb.close();
                input.append("(gdb stops reading)\n");
                try {
                    gdbSends.write("$g#67$?#3f".getBytes(StandardCharsets.ISO_8859_1));
                    gdbSends.flush();
                } catch (IOException stubGone) {
                    // already over
                }
            }
            gdbSends.close();
            toGdb.close();
            input.append("(disconnect)\n");
            served.get(20, TimeUnit.SECONDS); // throws if serve threw
            if (machine.endResult() != null && machine.endResult().outcome() == Outcome.INTERNAL_ERROR) {
                throw new AssertionError("the machine ended with an internal error: " + machine.endResult().message());
            }
        } finally {
            threads.shutdownNow();
        }
    }

    /** Reads replies until the other end closes: only that the stub keeps answering is checked. */
    static void drain(InputStream in) {
        byte[] buffer = new byte[8192];
        try {
            while (in.read(buffer) >= 0) {
                // replies are not checked here, only that the stub keeps answering
            }
        } catch (IOException closed) {
            // the test closed its end
        }
    }

    /** One frame as gdb would send it, or damaged. */
    static String frame(Random r) {
        switch (r.nextInt(12)) {
            case 0:
                return "\u0003";
            case 1:
                return "$" + packet(r) + "#00"; // bad checksum (unless it happens to be 00)
            case 2:
                return "$" + "A".repeat(GdbPackets.MAX_PACKET + r.nextInt(100)) + "#00";
            case 3:
                return "+-garbage$";
            default: {
                String p = packet(r);
                int sum = 0;
                for (char c : p.toCharArray()) {
                    sum = (sum + c) & 0xFF;
                }
                return "$" + p + "#" + String.format("%02x", sum);
            }
        }
    }

    private static String packet(Random r) {
        String p = PACKETS[r.nextInt(PACKETS.length)];
        String addr = Long.toHexString(switch (r.nextInt(4)) {
            case 0 -> 0x100000L;
            case 1 -> 0xFFFFFFFFL;
            case 2 -> r.nextInt() & 0xFFFFFFFFL;
            default -> 0;
        });
        switch (p) {
            case "p": return "p" + Integer.toHexString(r.nextInt(64));
            case "P": return "P" + Integer.toHexString(r.nextInt(64)) + "=" + "12345678".substring(0, r.nextInt(9));
            case "G": return "G" + "0".repeat(r.nextInt(400));
            case "m": return "m" + addr + "," + Integer.toHexString(r.nextInt(0x10000));
            case "M": return "M" + addr + ",4:" + "deadbeef".substring(0, r.nextInt(9));
            case "X": return "X" + addr + ",2:}\u0003x";
            case "Z0": case "Z1": case "Z2": case "Z3": case "Z4": case "z0": case "z2":
                return p + "," + addr + "," + "1248".charAt(r.nextInt(4));
            case "H": return "Hg0";
            case "qXfer:features:read:target.xml:":
                return p + Integer.toHexString(r.nextInt(3000)) + "," + Integer.toHexString(r.nextInt(0x8000));
            case "qRcmd,": {
                byte[] command = MONITOR[r.nextInt(MONITOR.length)].getBytes(StandardCharsets.ISO_8859_1);
                return p + GdbPackets.hex(command, command.length);
            }
            default: return p;
        }
    }

}
