package org.j386.emulator.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.j386.emulator.memory.PhysicalMemory;
import org.j386.emulator.memory.PortBus;
import org.junit.jupiter.api.Test;

class PcDevicesTest {
    private final PortBus bus = new PortBus();
    private final ByteArrayOutputStream serial = new ByteArrayOutputStream();
    private final ByteArrayOutputStream debugcon = new ByteArrayOutputStream();
    private final List<Integer> exits = new ArrayList<>();
    private long cycles;
    private int attentions;
    private final PcDevices devices = new PcDevices(bus, new PhysicalMemory(1 << 20), () -> cycles,
            () -> attentions++, exits::add, serial, debugcon);

    @Test
    void eachDeviceAnswersAtItsPcAddress() {
        bus.out(0x3F8, 1, 'S');
        bus.out(0xE9, 1, 'D');
        bus.out(0x21, 1, 0xFA);
        bus.out(0xF4, 1, 0x03);
        assertEquals("S", serial.toString(StandardCharsets.US_ASCII));
        assertEquals("D", debugcon.toString(StandardCharsets.US_ASCII));
        assertEquals(0xFA, bus.in(0x21, 1));
        assertEquals(0x60, bus.in(0x3FD, 1));
        assertEquals(0x00, bus.in(0x64, 1) & 0x01);
        assertEquals(List.of(7), exits);
    }

    @Test
    void programmingTheTimerAsksForAttentionAndItsInterruptReachesThePic() {
        bus.out(0x43, 1, 0x34);
        bus.out(0x40, 1, 100);
        bus.out(0x40, 1, 0);
        assertTrue(attentions > 0, "the run loop must learn about the new deadline");
        cycles = devices.nextEvent();
        devices.advanceTo(cycles);
        assertTrue(devices.pic.pending());
        assertEquals(0x08, devices.pic.acknowledge());
    }

    @Test
    void serialThreInterruptArrivesOnIrq4() {
        bus.out(0x20, 1, 0x11);
        bus.out(0x21, 1, 0x20);
        bus.out(0x21, 1, 0x04);
        bus.out(0x21, 1, 0x01);
        bus.out(0x3FC, 1, 0x08);
        bus.out(0x3F9, 1, 0x02);
        assertEquals(0x24, devices.pic.acknowledge());
    }
}
