package org.j386.emulator.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PitTest {
    private long now;
    private int irqs;
    private int reschedules;
    private Pit pit;

    @BeforeEach
    void setUp() {
        pit = new Pit(() -> now, () -> irqs++, () -> reschedules++);
    }

    private void program(int counter, int controlWord, int count) {
        pit.out(0x43, 1, controlWord);
        pit.out(0x40 + counter, 1, count & 0xFF);
        pit.out(0x40 + counter, 1, count >>> 8 & 0xFF);
    }

    /** Runs the machine's event loop: advance to each event due by {@code limit}. */
    private void runUntil(long limit) {
        for (long next = pit.nextEvent(); next <= limit; next = pit.nextEvent()) {
            now = next;
            pit.advanceTo(now);
        }
        now = limit;
        pit.advanceTo(now);
    }

    private long slotOfTick(long tick) {
        return VirtualTime.slotOfTick(tick, Pit.INPUT_HZ);
    }

    private int readCounter0() {
        return pit.in(0x40, 1) | pit.in(0x40, 1) << 8;
    }

    @Test
    void unprogrammedTimerRaisesNothing() {
        assertEquals(Long.MAX_VALUE, pit.nextEvent());
        runUntil(VirtualTime.SLOTS_PER_SECOND);
        assertEquals(0, irqs);
    }

    @Test
    void modeTwoRaisesIrq0EveryReloadPeriodOfVirtualTime() {
        program(0, 0x34, 1000);
        for (int k = 1; k <= 5; k++) {
            assertEquals(slotOfTick(1 + 1000L * k), pit.nextEvent(), "period " + k);
            now = pit.nextEvent() - 1;
            pit.advanceTo(now);
            assertEquals(k - 1, irqs, "not one slot early");
            now++;
            pit.advanceTo(now);
            assertEquals(k, irqs);
        }
    }

    @Test
    void hundredHertzSquareWaveGivesNinetyNineIrqsInTheFirstVirtualSecondAndTheHundredthJustAfter() {
        // 1193182 / 11932 = 99.998 Hz, and the first period ends one period after the load edge.
        program(0, 0x36, 11932);
        runUntil(VirtualTime.SLOTS_PER_SECOND);
        assertEquals(99, irqs);
        assertEquals(100_001_593L, pit.nextEvent());
    }

    @Test
    void hundredHertzTimerFiresOneHundredTimesInTheVirtualSecondThatStartsAtItsFirstIrq() {
        program(0, 0x36, 11932);
        long first = pit.nextEvent();
        runUntil(first + VirtualTime.SLOTS_PER_SECOND);
        assertEquals(100, irqs);
    }

    @Test
    void timerDoesNotDriftOverAVirtualHour() {
        program(0, 0x36, 11932);
        runUntil(3600 * VirtualTime.SLOTS_PER_SECOND);
        assertEquals((Pit.INPUT_HZ * 3600 - 1) / 11932, irqs);
    }

    @Test
    void reloadValueZeroMeans65536() {
        program(0, 0x34, 0);
        assertEquals(slotOfTick(65537), pit.nextEvent());
    }

    @Test
    void counterReadReflectsTheCurrentCycleCount() {
        program(0, 0x34, 1000);
        now = slotOfTick(501);
        assertEquals(500, readCounter0());
    }

    @Test
    void counterLatchFreezesTheReadValueUntilBothBytesAreRead() {
        program(0, 0x34, 1000);
        now = slotOfTick(101);
        pit.out(0x43, 1, 0x00);
        now = slotOfTick(301);
        assertEquals(900 & 0xFF, pit.in(0x40, 1));
        now = slotOfTick(601);
        assertEquals(900 >>> 8, pit.in(0x40, 1));
        assertEquals(400, readCounter0(), "after both bytes the counter reads live again");
    }

    @Test
    void secondLatchCommandBeforeReadingIsIgnored() {
        program(0, 0x34, 1000);
        now = slotOfTick(101);
        pit.out(0x43, 1, 0x00);
        now = slotOfTick(201);
        pit.out(0x43, 1, 0x00);
        assertEquals(900, readCounter0());
    }

    @Test
    void lowByteOnlyAccessLoadsAndReadsTheLowByte() {
        pit.out(0x43, 1, 0x14);
        pit.out(0x40, 1, 100);
        assertEquals(slotOfTick(101), pit.nextEvent());
        now = slotOfTick(31);
        assertEquals(70, pit.in(0x40, 1));
    }

    @Test
    void highByteOnlyAccessLoadsTheHighByte() {
        pit.out(0x43, 1, 0x24);
        pit.out(0x40, 1, 0x02);
        assertEquals(slotOfTick(1 + 512), pit.nextEvent());
        now = slotOfTick(1 + 256);
        assertEquals(0x01, pit.in(0x40, 1));
    }

    @Test
    void modeThreeCountsDownByTwoTwicePerPeriod() {
        program(0, 0x36, 10);
        int[] expected = {10, 8, 6, 4, 2, 10, 8, 6, 4, 2, 10};
        for (int i = 0; i < expected.length; i++) {
            now = slotOfTick(1 + i);
            assertEquals(expected[i], readCounter0(), "edge " + i);
        }
    }

    @Test
    void newCountInModeTwoTakesEffectAtTheEndOfTheCurrentPeriod() {
        program(0, 0x34, 1000);
        now = slotOfTick(400);
        pit.out(0x40, 1, 500 & 0xFF);
        pit.out(0x40, 1, 500 >>> 8);
        assertEquals(slotOfTick(1001), pit.nextEvent());
        runUntil(slotOfTick(1001));
        assertEquals(slotOfTick(1501), pit.nextEvent());
    }

    @Test
    void controlWordStopsTheCounterUntilANewCountIsWritten() {
        program(0, 0x34, 1000);
        pit.out(0x43, 1, 0x34);
        assertEquals(Long.MAX_VALUE, pit.nextEvent());
    }

    @Test
    void modeZeroInterruptsOnceAtTerminalCount() {
        program(0, 0x30, 100);
        assertEquals(slotOfTick(101), pit.nextEvent());
        runUntil(VirtualTime.SLOTS_PER_SECOND);
        assertEquals(1, irqs);
    }

    @Test
    void writingACountTellsTheMachineToReschedule() {
        program(0, 0x34, 1000);
        assertEquals(1, reschedules);
    }

    @Test
    void lateAdvanceDeliversOnePulseAndSchedulesTheNextPeriodInTheFuture() {
        program(0, 0x34, 100);
        now = slotOfTick(1000);
        pit.advanceTo(now);
        assertEquals(1, irqs);
        assertEquals(slotOfTick(1001), pit.nextEvent());
    }

    @Test
    void readBackReturnsStatusThenCount() {
        program(0, 0x34, 1000);
        now = slotOfTick(11);
        pit.out(0x43, 1, 0xC2);
        assertEquals(0x80 | 0x34, pit.in(0x40, 1), "OUT high, count loaded, lo/hi, mode 2");
        assertEquals(990, readCounter0());
    }

    @Test
    void counterTwoRunsOnlyWhileItsGateOnPort61IsSetAndShowsOutOnBit5() {
        pit.out(0x43, 1, 0xB0);
        pit.out(0x42, 1, 100);
        pit.out(0x42, 1, 0);
        now = slotOfTick(500);
        assertEquals(0, pit.in(0x61, 1) & 0x20, "gate closed: mode 0 OUT stays low");
        pit.out(0x61, 1, 0x01);
        now = slotOfTick(500 + 100);
        assertEquals(0, pit.in(0x61, 1) & 0x20);
        now = slotOfTick(500 + 101);
        assertEquals(0x20, pit.in(0x61, 1) & 0x20);
        assertEquals(0x01, pit.in(0x61, 1) & 0x03);
    }

    @Test
    void refreshToggleOnPort61FlipsWithVirtualTime() {
        now = slotOfTick(18);
        int first = pit.in(0x61, 1) & 0x10;
        now = slotOfTick(36);
        int second = pit.in(0x61, 1) & 0x10;
        assertTrue(first != second);
    }

    @Test
    void bcdCountIsDecimal() {
        program(0, 0x35, 0x1000);
        assertEquals(slotOfTick(1001), pit.nextEvent());
        now = slotOfTick(2);
        assertEquals(0x0999, readCounter0());
    }
}
