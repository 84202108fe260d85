package org.j386.guest.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class VmPoolTest {
    private static final int MIB = 1 << 20, PAGE = 4096, BASE = 1 << 30;
    private MemoryManager mm;
    private PageTable pt;
    private VmPool pool;

    @BeforeEach
    void boot() {
        mm = MemoryManager.boot(32 * MIB, e -> { });
        pt = mm.createPageTable();
        pt.load();
        mm.enablePaging();
        pool = mm.createVmPool(BASE, 4 * MIB, mm.processPool(), pt);
    }

    @Test
    void aNewPoolIsOneFreeRegionAfterItsMetadataPage() {
        assertEquals(1, pool.regionCount());
        assertEquals(0, pool.allocatedCount());
        assertEquals(BASE + PAGE, pool.allocate(1));
    }

    @Test
    void theMetadataPageIsMappedLazilyAndIsLegitimate() {
        assertTrue(pt.translate(BASE) >= 0, "constructing the pool touched its metadata page");
        assertTrue(pool.isLegitimate(BASE));
        assertTrue(pool.isLegitimate(BASE + PAGE - 1));
        assertFalse(pool.isLegitimate(BASE + PAGE));
    }

    @Test
    void allocationRoundsUpToWholePagesAndSplitsTheFirstFreeRegion() {
        int a = pool.allocate(1);
        int b = pool.allocate(PAGE + 1);
        int c = pool.allocate(PAGE);
        assertEquals(a + PAGE, b);
        assertEquals(b + 2 * PAGE, c);
        assertEquals(4, pool.regionCount());
        assertEquals(3, pool.allocatedCount());
    }

    @Test
    void firstFitTakesTheLowestFreeRegionLargeEnough() {
        int a = pool.allocate(PAGE);
        int b = pool.allocate(3 * PAGE);
        pool.allocate(PAGE);
        int d = pool.allocate(2 * PAGE);
        pool.allocate(PAGE);
        pool.release(b);
        pool.release(d);
        assertEquals(b, pool.allocate(2 * PAGE), "the 3-page hole comes first and is split");
        assertEquals(b + 2 * PAGE, pool.allocate(PAGE), "its 1-page rest is next");
        assertEquals(d, pool.allocate(2 * PAGE));
        assertEquals(a, BASE + PAGE);
    }

    @Test
    void releaseCoalescesWithBothFreeNeighbours() {
        int a = pool.allocate(PAGE);
        int b = pool.allocate(PAGE);
        int c = pool.allocate(PAGE);
        pool.allocate(PAGE);
        pool.release(a);
        pool.release(c);
        assertEquals(5, pool.regionCount(), "a, b, c, d and the rest");
        pool.release(b);
        assertEquals(3, pool.regionCount(), "a+b+c merged; d; the rest");
        assertEquals(1, pool.allocatedCount());
        assertEquals(a, pool.allocate(3 * PAGE));
    }

    @Test
    void releasingTheLastRegionLeavesTheStartingState() {
        int a = pool.allocate(5 * PAGE);
        assertEquals(5, pool.release(a));
        assertEquals(1, pool.regionCount());
        assertEquals(0, pool.allocatedCount());
    }

    @Test
    void releaseFreesEveryTouchedPageOfTheRegion() {
        int a = pool.allocate(3 * PAGE);
        mm.write32(a, 1);
        mm.write32(a + 2 * PAGE, 3);
        int free = countFree();
        assertEquals(3, pool.release(a));
        assertEquals(free + 2, countFree(), "the untouched middle page had no frame");
        assertEquals(0, pt.pte(a));
        assertEquals(0, pt.pte(a + 2 * PAGE));
        assertFalse(pool.isLegitimate(a));
    }

    @Test
    void releasingAnAddressThatWasNeverAllocatedFreesNothing() {
        int a = pool.allocate(2 * PAGE);
        assertEquals(0, pool.release(a + PAGE));
        assertEquals(0, pool.release(BASE + 100 * PAGE));
        assertTrue(pool.isLegitimate(a + PAGE));
    }

    @Test
    void runningOutOfVirtualMemoryAnswersZero() {
        assertEquals(0, pool.allocate(4 * MIB));
        assertEquals(BASE + PAGE, pool.allocate(4 * MIB - PAGE));
        assertEquals(0, pool.allocate(1));
    }

    @Test
    void allocatingAndReleasingManyTimesThePoolSizeEndsWithTheStartingCounts() {
        Random random = new Random(611);
        List<Integer> live = new ArrayList<>();
        long total = 0;
        while (total < 40L * pool.size()) {
            int bytes = 1 + random.nextInt(64 * PAGE);
            int a = pool.allocate(bytes);
            if (a == 0 || live.size() > 40) {
                for (int x : live) {
                    pool.release(x);
                }
                live.clear();
                continue;
            }
            mm.write32(a, a);
            live.add(a);
            total += bytes;
        }
        for (int x : live) {
            pool.release(x);
        }
        assertEquals(1, pool.regionCount());
        assertEquals(0, pool.allocatedCount());
    }

    @Test
    void noTwoFreeRegionsAreEverAdjacent() {
        Random random = new Random(5);
        List<Integer> live = new ArrayList<>();
        for (int round = 0; round < 2000; round++) {
            if (live.isEmpty() || random.nextBoolean()) {
                int a = pool.allocate(1 + random.nextInt(8 * PAGE));
                if (a != 0) {
                    live.add(a);
                }
            } else {
                pool.release(live.remove(random.nextInt(live.size())));
            }
            assertTrue(pool.freeCount() <= pool.allocatedCount() + 1,
                    "free regions are separated by allocated ones, round " + round);
        }
    }

    private int countFree() {
        ContFramePool p = mm.processPool();
        int n = 0;
        for (int f = p.baseFrame(); f < p.baseFrame() + p.frameCount(); f++) {
            n += p.state(f) == ContFramePool.FREE ? 1 : 0;
        }
        return n;
    }
}
