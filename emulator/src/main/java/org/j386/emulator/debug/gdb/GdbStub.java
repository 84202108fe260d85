package org.j386.emulator.debug.gdb;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.j386.emulator.cpu.CpuFault;
import org.j386.emulator.cpu.CpuState;
import org.j386.emulator.cpu.Vectors;
import org.j386.emulator.debug.Console;
import org.j386.emulator.debug.DebugException;
import org.j386.emulator.debug.Debugger;
import org.j386.emulator.debug.GuestMemory;
import org.j386.emulator.debug.Stop;
import org.j386.emulator.debug.Watchpoint;
import org.j386.emulator.machine.Outcome;
import org.j386.emulator.memory.PageFault;

/**
 * The GDB remote serial protocol over a {@link Debugger}: registers with an i386 target
 * description, memory, continue and step, breakpoints and watchpoints, monitor commands, detach
 * and kill.
 *
 * <p>gdb knows one program counter and no segments, so {@code eip} is the linear address of the
 * next instruction, CS base + EIP: EIP itself under a flat code segment, CS * 16 + IP in real and
 * virtual-8086 mode, where breakpoints, {@code x/i $pc} and the stop address then all agree (the
 * debugger's breakpoints are linear too). A target description read while the CPU runs 16-bit
 * real or virtual-8086 code names the {@code i8086} architecture, so that gdb disassembles it as
 * 16-bit code; after a switch of mode the user tells gdb with {@code set architecture}.
 *
 * <p>One connection is served at a time, on the thread that owns the machine; a reader thread
 * passes packets in and turns gdb's interrupt byte into {@link Debugger#interrupt()} at once.
 */
public final class GdbStub {
    /** How serving a connection ended. */
    public enum End { DETACHED, KILLED, DISCONNECTED }

    /** Registers in the order of the target description: 16 dwords, 8 x87 registers of 10 bytes, 8 x87 dwords. */
    private static final int GPRS = 16, X87_STACK = 8, X87_CONTROL = 8;
    private static final int[] SEGMENT_ORDER = {CpuState.CS, CpuState.SS, CpuState.DS, CpuState.ES, CpuState.FS, CpuState.GS};

    /** The target description; {@link #targetXml()} fills in the architecture. */
    static final String TARGET_XML = """
            <?xml version="1.0"?>
            <!DOCTYPE target SYSTEM "gdb-target.dtd">
            <target version="1.0">
              <architecture>%s</architecture>
              <feature name="org.gnu.gdb.i386.core">
                <reg name="eax" bitsize="32" type="int32" regnum="0"/>
                <reg name="ecx" bitsize="32" type="int32"/>
                <reg name="edx" bitsize="32" type="int32"/>
                <reg name="ebx" bitsize="32" type="int32"/>
                <reg name="esp" bitsize="32" type="data_ptr"/>
                <reg name="ebp" bitsize="32" type="data_ptr"/>
                <reg name="esi" bitsize="32" type="int32"/>
                <reg name="edi" bitsize="32" type="int32"/>
                <reg name="eip" bitsize="32" type="code_ptr"/>
                <reg name="eflags" bitsize="32" type="int32"/>
                <reg name="cs" bitsize="32" type="int32"/>
                <reg name="ss" bitsize="32" type="int32"/>
                <reg name="ds" bitsize="32" type="int32"/>
                <reg name="es" bitsize="32" type="int32"/>
                <reg name="fs" bitsize="32" type="int32"/>
                <reg name="gs" bitsize="32" type="int32"/>
                <reg name="st0" bitsize="80" type="i387_ext"/>
                <reg name="st1" bitsize="80" type="i387_ext"/>
                <reg name="st2" bitsize="80" type="i387_ext"/>
                <reg name="st3" bitsize="80" type="i387_ext"/>
                <reg name="st4" bitsize="80" type="i387_ext"/>
                <reg name="st5" bitsize="80" type="i387_ext"/>
                <reg name="st6" bitsize="80" type="i387_ext"/>
                <reg name="st7" bitsize="80" type="i387_ext"/>
                <reg name="fctrl" bitsize="32" type="int" group="float"/>
                <reg name="fstat" bitsize="32" type="int" group="float"/>
                <reg name="ftag" bitsize="32" type="int" group="float"/>
                <reg name="fiseg" bitsize="32" type="int" group="float"/>
                <reg name="fioff" bitsize="32" type="int" group="float"/>
                <reg name="foseg" bitsize="32" type="int" group="float"/>
                <reg name="fooff" bitsize="32" type="int" group="float"/>
                <reg name="fop" bitsize="32" type="int" group="float"/>
              </feature>
            </target>
            """;

    private final Debugger debugger;
    private final CpuState s;
    private final GuestMemory memory;
    private final Console console;
    /** The most a monitor command sends back; the rest is replaced by a note saying how much. */
    static final int MONITOR_OUTPUT_LIMIT = 256 * 1024;
    private final CappedText consoleText = new CappedText(MONITOR_OUTPUT_LIMIT);
    /** Breakpoints and watchpoints gdb inserted, by "type,address,kind", to their debugger numbers. */
    private final Map<String, Integer> inserted = new HashMap<>();
    private String lastStop = "S05";
    /** The connection has ended (set by the reader thread). */
    private volatile boolean gone;
    /** The target is running for a c, s or vCont packet. */
    private volatile boolean running;
    private GdbPackets io;

    public GdbStub(Debugger debugger) {
        this.debugger = debugger;
        this.s = debugger.state();
        this.memory = debugger.memory();
        this.console = new Console(debugger, new PrintWriter(consoleText));
    }

    /**
     * Serves one connection until gdb detaches, kills, or the connection ends. A connection that
     * drops, while the target runs or with replies still to send, ends only this session: the
     * breakpoints gdb inserted are removed and {@link End#DISCONNECTED} returned, never an
     * exception that would end j386.
     */
    public End serve(GdbPackets packets) {
        this.io = packets;
        // Bounded: gdb waits for each reply, so only a client that floods the stub fills it, and
        // then the reader waits (and the client with it) instead of j386's memory filling up.
        BlockingQueue<GdbPackets.Event> queue = new LinkedBlockingQueue<>(MAX_QUEUED);
        AtomicBoolean over = new AtomicBoolean();
        Thread reader = new Thread(() -> {
            try {
                while (true) {
                    GdbPackets.Event e = packets.read();
                    if (e.kind() == GdbPackets.Kind.INTERRUPT) {
                        debugger.interrupt();
                        continue;
                    }
                    if (e.kind() == GdbPackets.Kind.END) {
                        break;
                    }
                    if (!enqueue(queue, e, over)) {
                        return; // the session is over
                    }
                }
            } catch (IOException e) {
                // a dropped connection: the same as its end
            }
            disconnected();
            enqueue(queue, new GdbPackets.Event(GdbPackets.Kind.END, ""), over);
        }, "j386-gdb-reader");
        reader.setDaemon(true);
        reader.start();
        try {
            while (true) {
                GdbPackets.Event e;
                try {
                    e = queue.take();
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    removeInserted();
                    return End.DISCONNECTED;
                }
                switch (e.kind()) {
                    case END:
                        removeInserted();
                        return End.DISCONNECTED;
                    case BAD:
                        continue; // already answered with '-': gdb sends it again
                    case OVERSIZED:
                        packets.reply("E01");
                        continue;
                    default:
                        break;
                }
                String payload = e.payload();
                if (payload.equals("k") || payload.startsWith("vKill")) {
                    if (payload.startsWith("vKill")) {
                        packets.reply("OK");
                    }
                    return End.KILLED;
                }
                if (payload.equals("D") || payload.startsWith("D;")) {
                    removeInserted();
                    packets.reply("OK");
                    return End.DETACHED;
                }
                String reply = handle(payload);
                packets.reply(reply);
                if (payload.equals("QStartNoAckMode")) {
                    packets.stopAcknowledging();
                }
            }
        } catch (IOException gone) {
            // gdb went away with replies still to send (a detach's OK included): the session is over.
            removeInserted();
            return End.DISCONNECTED;
        } finally {
            over.set(true);
            this.io = null;
        }
    }

    /** Packets read ahead of the stub: gdb itself never has more than one outstanding. */
    static final int MAX_QUEUED = 64;

    /** Waits for room in the queue; false when the session ended meanwhile (or the reader was interrupted). */
    private static boolean enqueue(BlockingQueue<GdbPackets.Event> queue, GdbPackets.Event e, AtomicBoolean over) {
        try {
            while (!queue.offer(e, 50, TimeUnit.MILLISECONDS)) {
                if (over.get()) {
                    return false;
                }
            }
            return true;
        } catch (InterruptedException interrupted) {
            return false;
        }
    }

    /**
     * The reader saw the connection end. A target that gdb left running is stopped, so that the
     * session ends now and the machine runs on free of gdb's breakpoints, not when the guest next
     * stops. (Either this sees {@link #running}, or {@link #resume} sees {@link #gone}.)
     */
    private void disconnected() {
        gone = true;
        if (running) {
            debugger.interrupt();
        }
    }

    /** The reply to one packet (except D and k, which end the connection). Runs the machine for c, s, vCont. */
    String handle(String p) {
        try {
            if (p.isEmpty()) {
                return "";
            }
            switch (p.charAt(0)) {
                case '?': return lastStop;
                case 'g': return readRegisters();
                case 'G': return writeRegisters(p.substring(1));
                case 'p': return readRegister(parseHex(p.substring(1)));
                case 'P': return writeRegister(p.substring(1));
                case 'm': return readMemory(p.substring(1));
                case 'M': return writeMemory(p.substring(1), false);
                case 'X': return writeMemory(p.substring(1), true);
                case 'c': return resume(p.substring(1), false);
                case 's': return resume(p.substring(1), true);
                case 'b': return reverse(p);
                case 'C': return resume(afterSignal(p), false);
                case 'S': return resume(afterSignal(p), true);
                case 'Z': return insert(p.substring(1));
                case 'z': return remove(p.substring(1));
                case 'H': return "OK";
                case 'T': return "OK";
                case 'v': return verbose(p);
                case 'q': return query(p);
                case 'Q': return p.equals("QStartNoAckMode") ? "OK" : "";
                default: return "";
            }
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            return "E01";
        }
    }

    // ---- registers ----

    private int register(int n) {
        if (n < 8) {
            return s.regs[n];
        }
        if (n == 8) {
            return (int) debugger.linear(s.eip);
        }
        if (n == 9) {
            return s.flags.get();
        }
        return s.segs[SEGMENT_ORDER[n - 10]].selector;
    }

    /** gdb's program counter is linear (see the class comment): EIP is its offset in CS. */
    private void setPc(int linear) {
        s.eip = linear - s.segs[CpuState.CS].base;
    }

    /** The target description, naming i8086 while the CPU runs real-mode or virtual-8086 code. */
    String targetXml() {
        return String.format(TARGET_XML, s.protectedMode() && !s.v86() ? "i386" : "i8086");
    }

    private static void le32(StringBuilder b, int v) {
        for (int i = 0; i < 4; i++) {
            int x = (v >>> (8 * i)) & 0xFF;
            b.append(Character.forDigit(x >> 4, 16)).append(Character.forDigit(x & 15, 16));
        }
    }

    private String readRegisters() {
        StringBuilder b = new StringBuilder();
        for (int n = 0; n < GPRS; n++) {
            le32(b, register(n));
        }
        b.append("0".repeat(X87_STACK * 20 + X87_CONTROL * 8));
        return b.toString();
    }

    private String readRegister(long n) {
        if (n < GPRS) {
            StringBuilder b = new StringBuilder();
            le32(b, register((int) n));
            return b.toString();
        }
        if (n < GPRS + X87_STACK) {
            return "0".repeat(20);
        }
        if (n < GPRS + X87_STACK + X87_CONTROL) {
            return "0".repeat(8);
        }
        return "E00";
    }

    private static int fromLe32(String hex, int at) {
        byte[] b = GdbPackets.unhex(hex.substring(at, at + 8));
        if (b == null) {
            throw new NumberFormatException("not hex");
        }
        return (b[0] & 0xFF) | (b[1] & 0xFF) << 8 | (b[2] & 0xFF) << 16 | (b[3] & 0xFF) << 24;
    }

    private boolean setRegister(int n, int v) {
        if (n < 10 && v != register(n)) {
            debugger.changedByUser();
        }
        if (n < 8) {
            s.regs[n] = v;
        } else if (n == 8) {
            setPc(v);
        } else if (n == 9) {
            s.flags.set(v);
        } else if (n < GPRS) {
            int sreg = SEGMENT_ORDER[n - 10];
            if (s.segs[sreg].selector == (v & 0xFFFF)) {
                return true;
            }
            if (sreg == CpuState.CS) {
                return false; // CS changes only with a far transfer
            }
            try {
                debugger.changedByUser();
                debugger.machine().cpu().segmentation.loadSegment(sreg, v & 0xFFFF);
            } catch (CpuFault | PageFault refused) {
                return false;
            }
        }
        return true; // x87 registers: accepted and ignored, j386 has no FPU
    }

    private String writeRegisters(String hex) {
        if (hex.length() < GPRS * 8) {
            return "E01";
        }
        boolean ok = true;
        for (int n = 0; n < GPRS; n++) {
            ok &= setRegister(n, fromLe32(hex, n * 8));
        }
        return ok ? "OK" : "E01";
    }

    private String writeRegister(String args) {
        int eq = args.indexOf('=');
        int n = (int) parseHex(args.substring(0, eq));
        String value = args.substring(eq + 1);
        if (n >= GPRS) {
            return n < GPRS + X87_STACK + X87_CONTROL ? "OK" : "E00";
        }
        if (value.length() != 8) {
            return "E01";
        }
        return setRegister(n, fromLe32(value, 0)) ? "OK" : "E01";
    }

    // ---- memory ----

    private String readMemory(String args) {
        int comma = args.indexOf(',');
        long address = parseHex(args.substring(0, comma));
        long length = Math.min(parseHex(args.substring(comma + 1)), GdbPackets.MAX_PACKET / 2);
        byte[] bytes = new byte[(int) length];
        int n = memory.read(address, false, bytes, bytes.length);
        if (n == 0 && length > 0) {
            return "E14";
        }
        return GdbPackets.hex(bytes, n);
    }

    private String writeMemory(String args, boolean binary) {
        int comma = args.indexOf(',');
        int colon = args.indexOf(':');
        long address = parseHex(args.substring(0, comma));
        long length = parseHex(args.substring(comma + 1, colon));
        String data = args.substring(colon + 1);
        byte[] bytes = binary ? GdbPackets.unescape(data) : GdbPackets.unhex(data);
        if (bytes == null || bytes.length != length) {
            return "E01";
        }
        debugger.changedByUser();
        int n = memory.write(address, false, bytes, bytes.length);
        return n == bytes.length ? "OK" : "E14";
    }

    // ---- run control ----

    private static String afterSignal(String p) {
        int semi = p.indexOf(';');
        return semi < 0 ? "" : p.substring(semi + 1);
    }

    private String resume(String address, boolean step) {
        if (!address.isEmpty() && (int) parseHex(address) != register(8)) {
            debugger.changedByUser();
            setPc((int) parseHex(address));
        }
        running = true;
        try {
            if (gone) {
                return "E01"; // nobody is left to tell where it stopped
            }
            Stop stop = step ? debugger.step(1) : debugger.continueRun();
            lastStop = stopReply(stop);
            return lastStop;
        } finally {
            running = false;
        }
    }

    /** bs and bc: one instruction back, or back to the previous breakpoint, watchpoint or caught exception. */
    private String reverse(String p) {
        if (!debugger.canGoBack() || !(p.equals("bs") || p.equals("bc"))) {
            return "";
        }
        running = true;
        try {
            Stop stop = p.equals("bs") ? debugger.reverseStep(1) : debugger.reverseContinue();
            lastStop = stopReply(stop);
            return lastStop;
        } catch (DebugException e) {
            return "E01";
        } finally {
            running = false;
        }
    }

    /** The stop reply for a stop: T with a signal number, W when the machine ended with a status. */
    static String stopReply(Stop stop) {
        switch (stop.kind()) {
            case WATCHPOINT: {
                Watchpoint w = stop.watchpoint();
                String kind = w.kind == Watchpoint.Kind.WRITE ? "watch" : w.kind == Watchpoint.Kind.READ ? "rwatch" : "awatch";
                return String.format("T05%s:%x;thread:1;", kind, w.address);
            }
            case EXCEPTION:
                return String.format("T%02xthread:1;", signalFor(stop.vector()));
            case INTERRUPTED:
                return "T02thread:1;";
            case ENDED: {
                Outcome o = stop.end().outcome();
                if (o == Outcome.TRIPLE_FAULT || o == Outcome.UNSUPPORTED || o == Outcome.INTERNAL_ERROR) {
                    return "X06";
                }
                return String.format("W%02x", stop.end().exitStatus() & 0xFF);
            }
            default:
                return "T05thread:1;";
        }
    }

    /** POSIX signal numbers as gdb knows them: SIGFPE for #DE, SIGILL for #UD, SIGSEGV for memory and protection faults. */
    static int signalFor(int vector) {
        switch (vector) {
            case Vectors.DE: return 8;
            case Vectors.UD: return 4;
            case Vectors.NP: case Vectors.SS: case Vectors.GP: case Vectors.PF: return 11;
            case Vectors.BR: case Vectors.OF: return 11;
            default: return 5;
        }
    }

    private String verbose(String p) {
        if (p.equals("vCont?")) {
            return "vCont;c;C;s;S";
        }
        if (p.startsWith("vCont;")) {
            String action = p.substring(6).split("[;:]")[0];
            switch (action.isEmpty() ? ' ' : action.charAt(0)) {
                case 'c': case 'C': return resume("", false);
                case 's': case 'S': return resume("", true);
                default: return "E01";
            }
        }
        return "";
    }

    // ---- breakpoints and watchpoints ----

    private String insert(String args) {
        String[] f = args.split("[,;]");
        int type = Integer.parseInt(f[0]);
        long address = parseHex(f[1]);
        int kind = (int) parseHex(f[2]);
        String key = type + "," + Long.toHexString(address) + "," + kind;
        if (inserted.containsKey(key)) {
            return "OK";
        }
        int id;
        switch (type) {
            case 0: case 1:
                id = debugger.addBreakpoint(address, false, String.format("*0x%x (gdb)", address), false, null).id;
                break;
            case 2: case 3: case 4: {
                if (kind != 1 && kind != 2 && kind != 4) {
                    return ""; // gdb falls back to single-stepping for other sizes
                }
                Watchpoint.Kind k = type == 2 ? Watchpoint.Kind.WRITE : type == 3 ? Watchpoint.Kind.READ : Watchpoint.Kind.ACCESS;
                id = debugger.addWatchpoint(address, kind, false, k, String.format("0x%x (gdb)", address)).id;
                break;
            }
            default:
                return "";
        }
        inserted.put(key, id);
        return "OK";
    }

    private String remove(String args) {
        String[] f = args.split("[,;]");
        String key = Integer.parseInt(f[0]) + "," + Long.toHexString(parseHex(f[1])) + "," + (int) parseHex(f[2]);
        Integer id = inserted.remove(key);
        if (id != null) {
            debugger.delete(id);
        }
        return "OK";
    }

    private void removeInserted() {
        for (int id : inserted.values()) {
            debugger.delete(id);
        }
        inserted.clear();
    }

    // ---- queries ----

    private String query(String p) {
        if (p.startsWith("qSupported")) {
            return "PacketSize=" + Integer.toHexString(GdbPackets.MAX_PACKET) + ";qXfer:features:read+;QStartNoAckMode+;vContSupported+"
                    + (debugger.canGoBack() ? ";ReverseStep+;ReverseContinue+" : "");
        }
        if (p.startsWith("qXfer:features:read:")) {
            String[] f = p.substring("qXfer:features:read:".length()).split(":");
            if (!f[0].equals("target.xml")) {
                return "E00";
            }
            String[] range = f[1].split(",");
            String xml = targetXml();
            int offset = (int) parseHex(range[0]);
            int length = (int) parseHex(range[1]);
            if (offset >= xml.length()) {
                return "l";
            }
            int end = (int) Math.min((long) offset + length, xml.length());
            String chunk = GdbPackets.escape(xml.substring(offset, end));
            return (end == xml.length() ? "l" : "m") + chunk;
        }
        if (p.startsWith("qRcmd,")) {
            byte[] command = GdbPackets.unhex(p.substring(6));
            if (command == null) {
                return "E01";
            }
            consoleText.reset();
            console.execute(new String(command, StandardCharsets.ISO_8859_1));
            console.out().flush();
            String text = consoleText.text();
            if (consoleText.dropped() > 0) {
                int whole = text.lastIndexOf('\n') + 1; // cut at a line's end
                long dropped = consoleText.dropped() + text.length() - whole;
                text = text.substring(0, whole) + "[monitor output cut at " + MONITOR_OUTPUT_LIMIT / 1024 + " KiB: "
                        + dropped + " more characters not sent; j386 attach shows it all]\n";
            }
            if (!text.isEmpty() && io != null) {
                try {
                    sendConsoleOutput(text.getBytes(StandardCharsets.ISO_8859_1));
                } catch (IOException e) {
                    return "E01";
                }
            }
            return "OK";
        }
        switch (p) {
            case "qC": return "QC1";
            case "qfThreadInfo": return "m1";
            case "qsThreadInfo": return "l";
            case "qAttached": return "1";
            default: return p.startsWith("qSymbol") ? "OK" : "";
        }
    }

    /**
     * Console output as O packets, each within the PacketSize announced in qSupported (one
     * character for the O, two hex digits per byte).
     */
    private void sendConsoleOutput(byte[] bytes) throws IOException {
        int perPacket = (GdbPackets.MAX_PACKET - 1) / 2;
        for (int at = 0; at < bytes.length; at += perPacket) {
            int n = Math.min(perPacket, bytes.length - at);
            io.reply("O" + GdbPackets.hex(Arrays.copyOfRange(bytes, at, at + n), n));
        }
    }

    private static long parseHex(String text) {
        if (text.isEmpty() || text.length() > 8 || GdbPackets.hexDigit(text.charAt(0)) < 0) {
            throw new NumberFormatException("bad hex number '" + text + "'");
        }
        return Long.parseLong(text, 16);
    }
}
