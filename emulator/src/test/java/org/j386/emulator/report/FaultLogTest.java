package org.j386.emulator.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class FaultLogTest {
    @Test
    void everyFaultIsKeptWhileThereAreFewerThanTheCapacity() {
        FaultLog log = new FaultLog(8);
        for (int i = 0; i < 8; i++) {
            log.add(i * 10, 0x1000 * i, i & 7, 0x100000 + i);
        }
        List<FaultLog.Fault> faults = log.faults();
        assertEquals(8, faults.size());
        assertEquals(0x3000, faults.get(3).cr2());
        assertEquals(3, faults.get(3).errorCode());
        assertTrue(faults.get(3).protection() && faults.get(3).write() && !faults.get(3).user());
        assertEquals(1, log.stride());
    }

    @Test
    void longRunsAreThinnedEvenlyKeepingTheLastAndCountingAll() {
        FaultLog log = new FaultLog(8);
        for (int i = 0; i < 1001; i++) {
            log.add(i, i, 0, 0);
        }
        List<FaultLog.Fault> faults = log.faults();
        assertEquals(1001, log.total());
        assertEquals(128, log.stride());
        assertTrue(faults.size() <= 9, faults.toString());
        for (int i = 0; i < faults.size() - 1; i++) {
            assertEquals(i * 128, faults.get(i).instructions());
        }
        assertEquals(1000, faults.get(faults.size() - 1).instructions());
    }

    @Test
    void faultsThatEndedTheRunAreMarkedAndTheUndeliveredOneAdded() {
        FaultLog log = new FaultLog(8);
        log.add(5, 0x1000, 0, 0);
        log.add(9, 0x2000, 2, 0);
        log.endedAt(9, new FaultLog.Fault(9, 0x3000, 0, 0, false));
        List<FaultLog.Fault> faults = log.faults();
        assertEquals(3, faults.size());
        assertFalse(faults.get(0).endedRun());
        assertTrue(faults.get(1).endedRun());
        assertEquals(0x2000, faults.get(1).cr2());
        assertTrue(faults.get(2).endedRun());
        assertEquals(0x3000, faults.get(2).cr2());
    }

    @Test
    void aFaultLongBeforeTheEndIsNotMarked() {
        FaultLog log = new FaultLog(8);
        log.add(5, 0x1000, 0, 0);
        log.endedAt(9, null);
        assertFalse(log.faults().get(0).endedRun());
    }

    @Test
    void timelineBucketsFoldWithoutLosingCounts() {
        Timeline t = new Timeline(2);
        t.add(0, 0, 3);
        t.add(0, 5_000_000, 4);
        t.add(1, 1_000_000_000L, 1);
        assertEquals(7, t.total(0));
        assertEquals(1, t.total(1));
        assertTrue(1_000_000_000L < t.width() * Timeline.BUCKETS);
    }

    @Test
    void aCountReadNowAndThenIsSpreadEvenlyOverTheStretch() {
        Timeline t = new Timeline(1);
        t.spread(0, 0, 4 * t.width(), 400);
        long[] c = t.counts(0);
        assertEquals(100, c[0]);
        assertEquals(100, c[3]);
        assertEquals(0, c[4]);
        t.spread(0, 10, 10, 7);
        assertEquals(407, t.total(0));
    }
}
