package org.j386.guest.lab2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.j386.guest.reference.Event;
import org.j386.guest.reference.MemoryManagerError;
import org.j386.guest.reference.Op;
import org.junit.jupiter.api.Test;

class KmemTest {
    static final int END = 0x80110000, DATA = 0x80102000, PHYSTOP = 0x00180000;
    private final List<Event> events = new ArrayList<>();
    private final Lab2Kernel kernel = new Lab2Kernel(events::add);
    private final Kmem kmem = kernel.kmem();

    KmemTest() {
        kernel.layout(END, DATA, PHYSTOP);
    }

    @Test
    void freeRangeFreesEveryWholePageFromTheStartRoundedUp() {
        assertEquals(2, kmem.freeRange(END - 1, END + 2 * 4096 + 100));
        assertEquals(2, kmem.freePages());
        assertEquals(Event.begin(Op.FREE_RANGE, END - 1, END + 2 * 4096 + 100), events.get(2));
        assertEquals(Event.end(Op.FREE_RANGE, 2), events.get(events.size() - 1));
    }

    @Test
    void kallocHandsOutTheLastPageFreedFirstAndZeroWhenNoneIsLeft() {
        kmem.kfree(END);
        kmem.kfree(END + 4096);
        assertEquals(END + 4096, kmem.kalloc());
        assertEquals(END, kmem.kalloc());
        assertEquals(0, kmem.kalloc());
    }

    @Test
    void kfreeFillsThePageWithJunkAfterItsLink() {
        kmem.kfree(END);
        assertTrue(kernel.memory().filledToFrameEnd(Lab2Kernel.v2p(END) + 4, 1));
        assertEquals(0, kernel.memory().read32(Lab2Kernel.v2p(END)), "the last page links to nothing");
    }

    @Test
    void kfreePanicsOnAMisalignedPageOneBelowTheKernelsEndOrOneAtPhystop() {
        assertThrows(MemoryManagerError.class, () -> kmem.kfree(END + 1));
        assertThrows(MemoryManagerError.class, () -> kmem.kfree(END - 4096));
        assertThrows(MemoryManagerError.class, () -> kmem.kfree(Lab2Kernel.p2v(PHYSTOP)));
        assertThrows(MemoryManagerError.class, () -> kmem.kfree(0x1000), "a low address is far above PHYSTOP");
    }

    @Test
    void checkFreeListCountsTheListAndRejectsAPageThatIsNoLongerJunk() {
        kmem.freeRange(END, END + 3 * 4096);
        assertEquals(3, kmem.checkFreeList());
        kernel.memory().write8(Lab2Kernel.v2p(END + 4096) + 100, 0);
        assertEquals(-1, kmem.checkFreeList());
    }

    @Test
    void checkFreeListRejectsAPageListedTwice() {
        kmem.freeRange(END, END + 2 * 4096);
        kernel.memory().write32(Lab2Kernel.v2p(END), END + 4096);
        assertEquals(-1, kmem.checkFreeList(), "the list now runs in a circle");
    }
}
