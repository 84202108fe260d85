package org.j386.guest.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContFramePoolTest {
    private final List<Event> events = new ArrayList<>();
    private final MemoryManager mm = MemoryManager.recording(events);

    @Test
    void oneInfoFrameHoldsTheStateOf4096Frames() {
        assertEquals(1, ContFramePool.neededInfoFrames(1));
        assertEquals(1, ContFramePool.neededInfoFrames(4096));
        assertEquals(2, ContFramePool.neededInfoFrames(4097));
        assertEquals(7, ContFramePool.neededInfoFrames(7168 * 4));
    }

    @Test
    void aPoolWithoutAnInfoFrameKeepsItsStateInItsOwnFirstFrames() {
        ContFramePool pool = mm.createFramePool(512, 512, 0);
        assertEquals(ContFramePool.HEAD, pool.state(512));
        assertEquals(ContFramePool.FREE, pool.state(513));
        assertEquals(513, pool.getFrames(1));
    }

    @Test
    void aPoolGivenInfoFramesLeavesAllItsFramesFree() {
        ContFramePool kernel = mm.createFramePool(512, 512, 0);
        int info = kernel.getFrames(2);
        ContFramePool process = mm.createFramePool(1024, 7168, info);
        assertEquals(1024, process.getFrames(1));
    }

    @Test
    void getFramesReturnsTheFirstRunLongEnoughAndMarksOnlyItsHead() {
        ContFramePool pool = mm.createFramePool(512, 512, 0);
        int a = pool.getFrames(2);
        int b = pool.getFrames(3);
        int c = pool.getFrames(1);
        assertEquals(513, a);
        assertEquals(515, b);
        assertEquals(518, c);
        mm.releaseFrames(b);
        assertEquals(513 + 2, pool.getFrames(2), "first fit reuses the lowest free run that fits");
        assertEquals(519, pool.getFrames(2), "a run of 1 left in the hole is too short for 2");
        assertEquals(ContFramePool.HEAD, pool.state(519));
        assertEquals(ContFramePool.USED, pool.state(520));
    }

    @Test
    void releaseFreesTheWholeSequenceAndStopsAtTheNextHead() {
        ContFramePool pool = mm.createFramePool(512, 512, 0);
        int a = pool.getFrames(3);
        int b = pool.getFrames(2);
        assertEquals(3, mm.releaseFrames(a));
        assertEquals(ContFramePool.HEAD, pool.state(b));
        assertEquals(a, pool.getFrames(3));
    }

    @Test
    void releaseFindsTheOwningPoolAmongAllPools() {
        ContFramePool kernel = mm.createFramePool(512, 512, 0);
        ContFramePool process = mm.createFramePool(1024, 1024, kernel.getFrames(1));
        int p = process.getFrames(4);
        events.clear();
        mm.releaseFrames(p);
        assertEquals(Event.end(Op.RELEASE_FRAMES, 1024, 4), events.get(1));
    }

    @Test
    void releasingAFrameInsideASequenceOrOutsideEveryPoolIsAnError() {
        ContFramePool pool = mm.createFramePool(512, 512, 0);
        int a = pool.getFrames(3);
        assertThrows(MemoryManagerError.class, () -> mm.releaseFrames(a + 1));
        assertThrows(MemoryManagerError.class, () -> mm.releaseFrames(5000));
    }

    @Test
    void inaccessibleFramesAreNeverHandedOutNorFreedByAnAdjacentRelease() {
        ContFramePool pool = mm.createFramePool(1024, 16, 600);
        pool.markInaccessible(1028, 4);
        int a = pool.getFrames(4);
        assertEquals(1024, a);
        assertEquals(1032, pool.getFrames(1), "the run 1028..1031 is skipped");
        mm.releaseFrames(a);
        assertEquals(ContFramePool.INACCESSIBLE, pool.state(1028));
        assertThrows(MemoryManagerError.class, () -> mm.releaseFrames(1028));
    }

    @Test
    void getFramesAnswersZeroWhenNoRunIsLongEnough() {
        ContFramePool pool = mm.createFramePool(512, 8, 0);
        assertEquals(0, pool.getFrames(8));
        assertEquals(513, pool.getFrames(7));
        assertEquals(0, pool.getFrames(1));
    }

    @Test
    void everyOperationWritesABeginAndAnEndRecord() {
        ContFramePool pool = mm.createFramePool(512, 512, 0);
        int a = pool.getFrames(2);
        mm.releaseFrames(a);
        assertEquals(List.of(
                Event.begin(Op.POOL_INIT, 512, 512, 0), Event.end(Op.POOL_INIT, 512),
                Event.begin(Op.GET_FRAMES, 512, 2), Event.end(Op.GET_FRAMES, 513),
                Event.begin(Op.RELEASE_FRAMES, 513), Event.end(Op.RELEASE_FRAMES, 512, 2)), events);
    }
}
