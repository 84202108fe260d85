package org.j386.emulator.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.j386.guest.reference.ContFramePool;
import org.j386.guest.reference.Event;
import org.j386.guest.reference.MemoryManager;
import org.j386.guest.reference.Op;
import org.junit.jupiter.api.Test;

class PoolHistoryTest {
    /** The records of the kernel's boot sequence for 32 MiB, then three frame allocations, the middle one released. */
    private static List<Event> records() {
        List<Event> events = new ArrayList<>();
        MemoryManager mm = MemoryManager.boot(32 << 20, events::add);
        int a = mm.kernelPool().getFrames(4);
        int b = mm.kernelPool().getFrames(8);
        mm.kernelPool().getFrames(2);
        mm.releaseFrames(b);
        assertTrue(a != 0);
        return events;
    }

    @Test
    void everyOperationLeavesOneSampleOfEveryPool() {
        PoolHistory h = new PoolHistory(() -> 0, 64);
        List<Event> events = records();
        events.forEach(h);
        long operations = events.stream().filter(Event::end).count() - nested(events);
        assertEquals(operations, h.operations());
        assertEquals(operations, h.samples().size());
        assertNull(h.problem());
        PoolHistory.PoolState kernel = h.samples().get(h.samples().size() - 1).pools().get(0);
        assertEquals("frame pool 0x00200", kernel.name());
        assertEquals(512, kernel.total());
        // The info frame, the process pool's info frames, 4 and 2 frames; 8 freed between them.
        assertEquals(2, kernel.freeRegions());
        assertEquals(kernel.free() - 8, kernel.largestFree());
    }

    /** End records of operations performed inside another (their outer operation is the sample). */
    private static long nested(List<Event> events) {
        long nested = 0;
        int depth = 0;
        for (Event e : events) {
            if (!e.end()) {
                depth++;
            } else if (--depth > 0) {
                nested++;
            }
        }
        return nested;
    }

    @Test
    void theHoleInTheProcessPoolIsInaccessibleNotFree() {
        PoolHistory h = new PoolHistory(() -> 0, 64);
        records().forEach(h);
        PoolHistory.PoolState process = h.samples().get(h.samples().size() - 1).pools().get(1);
        assertEquals(256, process.unavailable());
        assertEquals(2, process.freeRegions(), "below and above the 15-16 MiB hole");
    }

    @Test
    void aRecordTheReferenceCannotFollowStopsTheHistoryWithAReason() {
        PoolHistory h = new PoolHistory(() -> 0, 64);
        h.accept(Event.begin(Op.GET_FRAMES, 0x999, 1));
        assertNotNull(h.problem());
        h.accept(Event.begin(Op.PT_INIT));
        assertEquals(0, h.samples().size());
        assertEquals(2, h.records());
    }

    @Test
    void aGuestClaimingAHugePoolStopsTheHistoryInsteadOfTheRun() {
        PoolHistory h = new PoolHistory(() -> 0, 64);
        long start = System.nanoTime();
        h.accept(Event.begin(Op.POOL_INIT, 0x100, 0x7FFFFFFF, 0));
        h.accept(Event.end(Op.POOL_INIT, 0x100));
        assertTrue(System.nanoTime() - start < 1_000_000_000L);
        assertTrue(h.problem().startsWith("the guest built more than 64 frame pools or 1048576 frames"), h.problem());
        assertEquals(0, h.operations());
    }

    @Test
    void manyOperationsAreSampledWithinTheCapacity() {
        PoolHistory h = new PoolHistory(() -> 0, 4);
        records().forEach(h);
        assertTrue(h.samples().size() <= 4);
        assertTrue(h.stride() > 1);
        assertEquals(0, h.samples().get(0).operation() - 1);
    }
}
