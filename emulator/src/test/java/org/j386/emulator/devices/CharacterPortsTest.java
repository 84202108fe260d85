package org.j386.emulator.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.j386.emulator.memory.PortBus;
import org.junit.jupiter.api.Test;

/** The one-port devices: debug console, debug exit, POST code. */
class CharacterPortsTest {
    private final List<Integer> exits = new ArrayList<>();
    private final MachineControl machine = exits::add;

    @Test
    void debugConsoleWritesEachByteToItsOutput() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DebugConsole console = new DebugConsole(out);
        console.out(0xE9, 1, 'o');
        console.out(0xE9, 1, 'k');
        assertEquals("ok", out.toString(StandardCharsets.US_ASCII));
    }

    @Test
    void debugConsoleReadsAsE9SoGuestsCanDetectIt() {
        assertEquals(0xE9, new DebugConsole(null).in(0xE9, 1));
    }

    @Test
    void debugExitWritesStatusShiftedLeftWithLowBitSet() {
        DebugExit exit = new DebugExit(machine);
        exit.out(0xF4, 1, 0x10);
        exit.out(0xF4, 1, 0x00);
        assertEquals(List.of(0x21, 0x01), exits);
    }

    @Test
    void wordWriteToDebugExitActsOnItsLowByte() {
        PortBus bus = new PortBus();
        bus.register(0xF4, 1, new DebugExit(machine));
        bus.out(0xF4, 2, 0x0102);
        assertEquals(List.of(0x05), exits);
    }

    @Test
    void postCodePortKeepsTheLastValue() {
        PostCode post = new PostCode();
        post.out(0x80, 1, 0x42);
        assertEquals(0x42, post.lastCode());
        assertEquals(0x42, post.in(0x80, 1));
    }

    @Test
    void postCodesOnPort190AreKeptAndHeardWithTheirPort() {
        PostCode post = new PostCode();
        List<String> heard = new ArrayList<>();
        post.setListener((port, value) -> heard.add(Integer.toHexString(port) + "=" + Integer.toHexString(value)));
        post.out(0x190, 1, 0x17);
        post.out(0x80, 1, 0x18);
        assertEquals(List.of("190=17", "80=18"), heard);
        assertEquals(0x18, post.lastCode());
        assertEquals(0x80, post.lastPort());
    }
}
