package org.j386.guest.lab2;

import static org.j386.guest.lab2.Lab2Kernel.PGSIZE;

import java.util.BitSet;
import org.j386.guest.reference.Event;
import org.j386.guest.reference.Op;

/**
 * The page allocator of kalloc.asm: a LIFO free list threaded through the free pages (the first
 * dword of a free page holds the next one's address), every freed page filled with junk (1).
 */
public final class Kmem {
    static final int JUNK = 1;
    private final Lab2Kernel kernel;
    private int freelist;

    Kmem(Lab2Kernel kernel) {
        this.kernel = kernel;
    }

    /** kinit1 and kinit2: frees every whole page of [vstart rounded up, vend); returns how many. */
    public int freeRange(int vstart, int vend) {
        kernel.emit(Event.begin(Op.FREE_RANGE, vstart, vend));
        long page = Integer.toUnsignedLong(vstart + PGSIZE - 1) & -PGSIZE;
        int freed = 0;
        for (; page + PGSIZE <= Integer.toUnsignedLong(vend); page += PGSIZE) {
            kfree((int) page);
            freed++;
        }
        kernel.emit(Event.end(Op.FREE_RANGE, freed));
        return freed;
    }

    public void kfree(int page) {
        kernel.emit(Event.begin(Op.KFREE, page));
        if ((page & PGSIZE - 1) != 0 || Integer.compareUnsigned(page, kernel.kernelEnd) < 0
                || Integer.compareUnsigned(Lab2Kernel.v2p(page), kernel.phystop) >= 0) {
            throw Lab2Kernel.panic("kfree");
        }
        kernel.memory.fillFrame(Lab2Kernel.v2p(page) >>> 12, JUNK);
        kernel.memory.write32(Lab2Kernel.v2p(page), freelist);
        freelist = page;
        kernel.emit(Event.end(Op.KFREE));
    }

    /** A free page, or 0 when there is none. */
    public int kalloc() {
        kernel.emit(Event.begin(Op.KALLOC));
        int page = freelist;
        if (page != 0) {
            freelist = kernel.memory.read32(Lab2Kernel.v2p(page));
        }
        kernel.emit(Event.end(Op.KALLOC, page));
        return page;
    }

    /** The free pages, or -1 when one is out of place, listed twice, or not junk after its link. */
    public int checkFreeList() {
        kernel.emit(Event.begin(Op.CHECK_FREE_LIST));
        int count = verifiedLength();
        kernel.emit(Event.end(Op.CHECK_FREE_LIST, count));
        return count;
    }

    private int verifiedLength() {
        BitSet seen = new BitSet();
        int count = 0;
        for (int page = freelist; page != 0; page = kernel.memory.read32(Lab2Kernel.v2p(page))) {
            int pa = Lab2Kernel.v2p(page);
            if ((page & PGSIZE - 1) != 0 || Integer.compareUnsigned(page, kernel.kernelEnd) < 0
                    || Integer.compareUnsigned(pa, kernel.phystop) >= 0 || seen.get(pa >>> 12)
                    || !kernel.memory.filledToFrameEnd(pa + 4, JUNK)) {
                return -1;
            }
            seen.set(pa >>> 12);
            count++;
        }
        return count;
    }

    /** The length of the free list (no record). */
    public int freePages() {
        int count = 0;
        for (int page = freelist; page != 0; page = kernel.memory.read32(Lab2Kernel.v2p(page))) {
            count++;
        }
        return count;
    }

    /** The first free page (0: none). */
    public int head() {
        return freelist;
    }
}
