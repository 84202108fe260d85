package org.j386.emulator.debug.gdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.j386.emulator.cpu.CpuState;
import org.j386.emulator.debug.Debugger;
import org.j386.emulator.machine.Machine;
import org.j386.emulator.machine.MachineConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The stub driven through its packet layer, with the test side framing packets as gdb does. */
@Timeout(60)
class GdbStubTest {
    private final ExecutorService thread = Executors.newSingleThreadExecutor();
    private Debugger debugger;
    private CpuState s;
    private GdbPackets gdb;
    private Future<GdbStub.End> served;
    /** The test's ends of the two pipes: what gdb sends, and what it reads. */
    private PipedOutputStream gdbSends;
    private PipedInputStream gdbReads;

    private void connect(String kernel) throws Exception {
        connect(Path.of("src/test/kernels").resolve(kernel).resolve(kernel + ".elf"));
    }

    private void connect(Path image) throws Exception {
        connect(image, null);
    }

    /** With {@code symbols}, the machine is named by that ELF's symbols, as {@code --symbols} does. */
    private void connect(Path image, Path symbols) throws Exception {
        Machine machine = new Machine(new MachineConfig());
        machine.boot(image);
        if (symbols != null) {
            machine.useSymbols(symbols);
        }
        serve(machine);
    }

    /** A test ROM at its reset vector, as {@code j386 boot --bios ROM --gdb} starts it. */
    private void connectRom(String rom) throws Exception {
        Machine machine = new Machine(new MachineConfig());
        machine.bootRom(Path.of("src/test/roms").resolve(rom).resolve(rom + ".bin"));
        serve(machine);
    }

    private void serve(Machine machine) throws IOException {
        debugger = new Debugger(machine);
        s = machine.cpu().state;
        PipedInputStream toStub = new PipedInputStream(1 << 16);
        PipedInputStream toGdb = new PipedInputStream(1 << 16);
        GdbPackets stubSide = new GdbPackets(toStub, new PipedOutputStream(toGdb));
        gdbSends = new PipedOutputStream(toStub);
        gdbReads = toGdb;
        gdb = new GdbPackets(toGdb, gdbSends);
        GdbStub stub = new GdbStub(debugger);
        served = thread.submit(() -> stub.serve(stubSide));
    }

    @AfterEach
    void stop() {
        thread.shutdownNow();
    }

    /** Sends a packet and returns the stub's reply (console output packets included, joined by '|'). */
    private String ask(String packet) throws IOException {
        gdb.reply(packet);
        StringBuilder replies = new StringBuilder();
        while (true) {
            GdbPackets.Event e = gdb.read();
            assertEquals(GdbPackets.Kind.PACKET, e.kind(), "reply to " + packet);
            if (e.payload().startsWith("O") && !e.payload().equals("OK") && packet.startsWith("qRcmd")) {
                replies.append(e.payload()).append('|');
                continue;
            }
            return replies + e.payload();
        }
    }

    private static String le32(int v) {
        return String.format("%02x%02x%02x%02x", v & 0xFF, (v >>> 8) & 0xFF, (v >>> 16) & 0xFF, v >>> 24);
    }

    private long symbol(String name) throws Exception {
        return debugger.evaluate(name);
    }

    @Test
    void qSupportedAnnouncesThePacketSizeAndTheTargetDescription() throws Exception {
        connect("paging_lazy");
        String reply = ask("qSupported:multiprocess+;swbreak+;xmlRegisters=i386");
        assertTrue(reply.contains("PacketSize=4000"), reply);
        assertTrue(reply.contains("qXfer:features:read+"), reply);
    }

    /** The target description, read in chunks of 200 characters as gdb reads it. */
    private String targetDescription() throws IOException {
        StringBuilder xml = new StringBuilder();
        while (true) {
            String chunk = ask(String.format("qXfer:features:read:target.xml:%x,%x", xml.length(), 200));
            xml.append(chunk.substring(1));
            if (chunk.startsWith("l")) {
                return xml.toString();
            }
            assertTrue(chunk.startsWith("m"), chunk);
        }
    }

    @Test
    void theTargetDescriptionIsServedInChunksAndNamesTheI386CoreRegisters() throws Exception {
        connect("paging_lazy");
        String xml = targetDescription();
        assertEquals(String.format(GdbStub.TARGET_XML, "i386"), xml);
        assertTrue(xml.contains("org.gnu.gdb.i386.core"));
        assertTrue(xml.toString().contains("org.gnu.gdb.i386.core"));
        assertEquals("E00", ask("qXfer:features:read:other.xml:0,100"));
    }

    @Test
    void gReturnsSixteenDwordsThenTheZeroedX87Registers() throws Exception {
        connect("paging_lazy");
        String g = ask("g");
        assertEquals((16 * 4 + 8 * 10 + 8 * 4) * 2, g.length());
        assertEquals(le32(0x2BADB002), g.substring(0, 8), "EAX holds the Multiboot magic");
        assertEquals(le32(s.eip), g.substring(64, 72));
        assertEquals(le32(8), g.substring(80, 88), "CS");
        assertEquals(le32(s.eip), ask("p8"));
        assertEquals("00000000000000000000", ask("p10"), "st0");
        assertEquals("E00", ask("p99"));
    }

    @Test
    void atTheResetVectorTheDescriptionNamesI8086AndThePcIsTheLinearAddressOfCsIp() throws Exception {
        connectRom("reset_state");
        assertTrue(targetDescription().contains("<architecture>i8086</architecture>"));
        assertEquals(0xFFF0, s.eip);
        assertEquals(le32(0xFFFFFFF0), ask("p8"), "CS base FFFF0000 + IP FFF0");
        assertEquals(le32(0xF000), ask("pa"), "CS");
        assertEquals("OK", ask("P8=" + le32(0xFFFFFFF5)));
        assertEquals(0xFFF5, s.eip, "a PC written is taken back to an offset in CS");
    }

    @Test
    void inProtectedModeTheDescriptionNamesI386AndInVirtual8086ModeI8086() throws Exception {
        connect("paging_lazy");
        assertTrue(targetDescription().contains("<architecture>i386</architecture>"));
        s.flags.setVm(true); // as a V86 task would find it: the stub answers from the state alone
        assertTrue(targetDescription().contains("<architecture>i8086</architecture>"));
    }

    @Test
    void registerWritesChangeTheMachine() throws Exception {
        connect("paging_lazy");
        assertEquals("OK", ask("P0=" + le32(0x12345678)));
        assertEquals(0x12345678, s.regs[CpuState.EAX]);
        String g = ask("g");
        String changed = le32(0xCAFE) + g.substring(8);
        assertEquals("OK", ask("G" + changed));
        assertEquals(0xCAFE, s.regs[CpuState.EAX]);
        assertEquals("E01", ask("P0=123"), "a value of the wrong width");
        assertEquals("E01", ask("Pa=" + le32(0x10)), "CS cannot be changed by a register write");
    }

    @Test
    void memoryIsReadAndWrittenInHexAndBinary() throws Exception {
        connect("paging_lazy");
        long start = symbol("_start");
        assertEquals("fa", ask(String.format("m%x,1", start)), "CLI");
        assertEquals("OK", ask("M200000,4:deadbeef"));
        assertEquals("deadbeef", ask("m200000,4"));
        assertEquals("OK", ask("X200000,3:}\u0003}\u0004A"));
        assertEquals("232441ef", ask("m200000,4"));
        assertEquals("OK", ask("X200000,0:"), "gdb probes X with an empty write");
        assertEquals("E01", ask("M200000,4:dead"), "fewer bytes than announced");
        assertEquals("E14", ask("mfffff000,4"), "beyond RAM with paging off");
    }

    @Test
    void aBreakpointOnASymbolStopsContinueWithSigtrap() throws Exception {
        connect("paging_lazy");
        long handler = symbol("pf_handler");
        assertEquals("OK", ask(String.format("Z0,%x,1", handler)));
        assertEquals("T05thread:1;", ask("c"));
        assertEquals(handler, s.eip & 0xFFFFFFFFL);
        assertEquals("T05thread:1;", ask("s"));
        assertEquals(handler + 1, s.eip & 0xFFFFFFFFL, "PUSH EDI is one byte");
        assertEquals("OK", ask(String.format("z0,%x,1", handler)));
        assertEquals("W01", ask("vCont;c"), "without the breakpoint the kernel runs to its debug exit");
    }

    @Test
    void aWriteWatchpointStopsWithItsAddressInTheReply() throws Exception {
        connect("paging_lazy");
        long faults = symbol("faults");
        assertEquals("OK", ask(String.format("Z2,%x,4", faults)));
        assertEquals(String.format("T05watch:%x;thread:1;", faults), ask("c"));
        assertEquals("", ask(String.format("Z2,%x,8", faults)), "unsupported sizes fall back to gdb's software watchpoints");
    }

    @Test
    void monitorCommandsRunInTheConsoleAndTheirOutputComesBackAsOPackets() throws Exception {
        connect("paging_lazy");
        String reply = ask("qRcmd," + GdbPackets.hex("print 6*7".getBytes(), 9));
        assertEquals("O" + GdbPackets.hex("0x0000002a (42)\n".getBytes(), 16) + "|OK", reply);
    }

    @Test
    void monitorCommandsKnowTheSymbolsOfTheElfThatNamesAFlatImage() throws Exception {
        Path course = Path.of("../examples/course-kernel");
        connect(course.resolve("kernel.bin"), course.resolve("kernel.elf"));
        String command = "break PageTable::handle_fault";
        String reply = ask("qRcmd," + GdbPackets.hex(command.getBytes(), command.length()));
        String expected = "Breakpoint 1 at 0x00100a2e <PageTable::handle_fault(REGS*)>\n";
        assertEquals("O" + GdbPackets.hex(expected.getBytes(), expected.length()) + "|OK", reply);
        assertEquals("T05thread:1;", ask("c").replaceAll("swbreak:;", ""));
        assertEquals(0x00100a2e, s.eip);
    }

    @Test
    void malformedPacketsGetErrorsOrEmptyRepliesAndTheStubCarriesOn() throws Exception {
        connect("paging_lazy");
        assertEquals("E01", ask("mzz,4"));
        assertEquals("E01", ask("m100000"));
        assertEquals("E01", ask("M100000,4"));
        assertEquals("E01", ask("Z0,,"));
        assertEquals("E01", ask("P=1"));
        assertEquals("E01", ask("m-1,4"));
        assertEquals("", ask("Qbogus"));
        assertEquals("", ask("vFlashWrite:0:00"));
        assertEquals("S05", ask("?"), "still serving");
    }

    @Test
    void detachEndsTheSessionAndRemovesGdbsBreakpoints() throws Exception {
        connect("paging_lazy");
        ask(String.format("Z0,%x,1", symbol("kmain")));
        assertEquals("OK", ask("D;1"));
        assertEquals(GdbStub.End.DETACHED, served.get(5, TimeUnit.SECONDS));
        assertTrue(debugger.breakpoints().isEmpty());
    }

    @Test
    void killEndsTheSession() throws Exception {
        connect("paging_lazy");
        gdb.reply("k");
        assertEquals(GdbStub.End.KILLED, served.get(5, TimeUnit.SECONDS));
    }

    @Test
    void theInterruptByteStopsARunningMachineWithSigint() throws Exception {
        connect(Path.of("src/test/kernels/bench/bench_alu.elf")); // runs for seconds
        gdb.reply("c");
        Thread.sleep(50);
        gdb.interrupt();
        assertEquals("T02thread:1;", gdb.read().payload());
        assertTrue(s.instructions > 0);
        assertEquals("OK", ask("D"));
    }

    @Test
    void aClientThatDisconnectsWhileTheTargetRunsEndsOnlyItsSession() throws Exception {
        connect(Path.of("src/test/kernels/bench/bench_alu.elf")); // runs for seconds
        assertEquals("OK", ask(String.format("Z0,%x,1", 0xFFFFF000L)));
        gdb.reply("c");
        Thread.sleep(50);
        gdbSends.close();
        assertEquals(GdbStub.End.DISCONNECTED, served.get(10, TimeUnit.SECONDS));
        assertTrue(debugger.breakpoints().isEmpty(), "gdb's breakpoints are removed");
        assertTrue(!debugger.ended(), "the machine can run on");
    }

    @Test
    void aClientGoneWithRepliesStillQueuedEndsTheSessionWithoutAnError() throws Exception {
        connect("paging_lazy");
        gdbReads.close(); // every reply the stub writes now fails, as on a closed socket
        try {
            for (int i = 0; i < 10; i++) {
                gdb.reply("g");
            }
            gdb.reply("D");
        } catch (java.io.IOException stubGone) {
            // The stub may end the session at its first failed reply, before the client has sent
            // everything: the pipe then refuses the rest ("Read end dead"), as a closed socket would.
        }
        assertEquals(GdbStub.End.DISCONNECTED, served.get(10, TimeUnit.SECONDS));
    }

    @Test
    void monitorOutputComesInPacketsNoLargerThanTheAdvertisedPacketSize() throws Exception {
        connect("paging_lazy");
        String[] packets = ask("qRcmd," + GdbPackets.hex("x/3000xw 0".getBytes(), 10)).split("\\|");
        assertTrue(packets.length > 2, "split into several O packets");
        StringBuilder text = new StringBuilder();
        for (String p : packets) {
            assertTrue(p.length() <= GdbPackets.MAX_PACKET, "packet of " + p.length() + " characters");
            if (p.startsWith("O") && !p.equals("OK")) {
                text.append(new String(GdbPackets.unhex(p.substring(1))));
            }
        }
        assertEquals(750, text.toString().split("\n").length, "3000 words, four per line, none lost");
        assertEquals("OK", packets[packets.length - 1]);
    }

    @Test
    void monitorOutputBeyondItsCapIsCutWithANoteSayingHowMuch() throws Exception {
        connect("paging_lazy");
        String[] packets = ask("qRcmd," + GdbPackets.hex("x/20000xw 0".getBytes(), 11)).split("\\|");
        StringBuilder text = new StringBuilder();
        for (String p : packets) {
            if (p.startsWith("O") && !p.equals("OK")) {
                text.append(new String(GdbPackets.unhex(p.substring(1))));
            }
        }
        assertTrue(text.length() < GdbStub.MONITOR_OUTPUT_LIMIT + 200, "length " + text.length());
        String last = text.toString().strip().lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.matches("\\[monitor output cut at 256 KiB: \\d+ more characters not sent; j386 attach shows it all\\]"),
                last);
    }

    @Test
    void aClientFloodingPacketsWhileTheTargetRunsIsAnsweredInTurnWithABoundedBacklog() throws Exception {
        Machine machine = new Machine(new MachineConfig());
        machine.config().maxTimeSlots = 5_000_000; // the run ends by itself after 0.05 virtual seconds
        machine.boot(Path.of("src/test/kernels/bench/bench_alu.elf"));
        debugger = new Debugger(machine);
        PipedInputStream toStub = new PipedInputStream(1 << 12);
        PipedInputStream toGdb = new PipedInputStream(1 << 16);
        GdbPackets stubSide = new GdbPackets(toStub, new PipedOutputStream(toGdb));
        gdbSends = new PipedOutputStream(toStub);
        gdb = new GdbPackets(toGdb, gdbSends);
        GdbStub stub = new GdbStub(debugger);
        served = thread.submit(() -> stub.serve(stubSide));
        ExecutorService flooder = Executors.newSingleThreadExecutor();
        try {
            int packets = 20 * GdbStub.MAX_QUEUED;
            Future<?> flood = flooder.submit(() -> {
                gdb.reply("c");
                for (int i = 0; i < packets; i++) {
                    gdb.reply("qC");
                }
                return null;
            });
            String stop = gdb.read().payload();
            assertTrue(stop.startsWith("W"), "the run ended by itself: " + stop);
            for (int i = 0; i < packets; i++) {
                assertEquals("QC1", gdb.read().payload(), "reply " + i);
            }
            flood.get(10, TimeUnit.SECONDS);
            gdbSends.close();
            assertEquals(GdbStub.End.DISCONNECTED, served.get(10, TimeUnit.SECONDS));
        } finally {
            flooder.shutdownNow();
        }
    }
}
