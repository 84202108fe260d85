package org.j386.emulator.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.j386.emulator.memory.PortBus;
import org.junit.jupiter.api.Test;

/** The PIT and the PIC wired as on a PC and driven the way the machine's run loop drives them. */
class TimerThroughPicTest {
    private long cycles;
    private boolean attention;

    @Test
    void hundredHertzTimerDeliversVector0x20NinetyNineTimesInTheFirstVirtualSecond() {
        PicPair pic = new PicPair(() -> attention = true);
        Pit pit = new Pit(() -> cycles, () -> pic.pulseIrq(0), () -> { });
        PortBus bus = new PortBus();
        bus.register(0x20, 2, pic);
        bus.register(0xA0, 2, pic);
        bus.register(0x40, 4, pit);

        int[][] standardInit = {
            {0x20, 0x11}, {0xA0, 0x11}, {0x21, 0x20}, {0xA1, 0x28},
            {0x21, 0x04}, {0xA1, 0x02}, {0x21, 0x01}, {0xA1, 0x01},
            {0x43, 0x36}, {0x40, 11932 & 0xFF}, {0x40, 11932 >>> 8},
        };
        for (int[] write : standardInit) {
            bus.out(write[0], 1, write[1]);
        }

        int delivered = 0;
        while (pit.nextEvent() <= VirtualTime.SLOTS_PER_SECOND) {
            cycles = pit.nextEvent();
            pit.advanceTo(cycles);
            if (attention && pic.pending()) {
                attention = false;
                assertEquals(0x20, pic.acknowledge());
                bus.out(0x20, 1, 0x20);
                delivered++;
            }
        }
        assertEquals(99, delivered);
    }
}
