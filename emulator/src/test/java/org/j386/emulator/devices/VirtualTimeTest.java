package org.j386.emulator.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class VirtualTimeTest {
    private static final long PIT_HZ = 1_193_182L;

    @Test
    void aVirtualSecondIsOneHundredMillionSlots() {
        assertEquals(PIT_HZ, VirtualTime.ticksAt(VirtualTime.SLOTS_PER_SECOND, PIT_HZ));
    }

    @Test
    void aPitTickHappensEveryEightyFourSlotsOrSo() {
        assertEquals(0, VirtualTime.ticksAt(83, PIT_HZ));
        assertEquals(1, VirtualTime.ticksAt(84, PIT_HZ));
        assertEquals(84, VirtualTime.slotOfTick(1, PIT_HZ));
    }

    @Test
    void slotOfTickIsTheFirstSlotAtWhichTheTickHasHappened() {
        for (long tick = 0; tick < 5000; tick += 7) {
            long slot = VirtualTime.slotOfTick(tick, PIT_HZ);
            assertEquals(tick, VirtualTime.ticksAt(slot, PIT_HZ), "tick " + tick);
            if (tick > 0) {
                assertEquals(tick - 1, VirtualTime.ticksAt(slot - 1, PIT_HZ), "tick " + tick);
            }
        }
    }

    @Test
    void conversionsStayExactNearTheEndOfTheLongRange() {
        long slots = Long.MAX_VALUE;
        long ticks = VirtualTime.ticksAt(slots, PIT_HZ);
        assertEquals(ticks, VirtualTime.ticksAt(VirtualTime.slotOfTick(ticks, PIT_HZ), PIT_HZ));
    }
}
