package org.j386.guest.reference;

/**
 * A virtual-memory pool. Its metadata lives in its own first page, which is mapped lazily like any
 * other page of the pool: a dword count of regions, a dword count of allocated regions, then up to
 * {@link #MAX_REGIONS} region entries (start address, page count with bit 31 set when allocated),
 * sorted by address and covering the pool after the metadata page without gaps. Allocation is
 * first fit and splits the region it takes; release frees every page of the region and merges the
 * region with free neighbours, so no two free regions are ever adjacent.
 */
public final class VmPool {
    public static final int PAGE = 4096;
    public static final int METADATA_PAGES = 1;
    public static final int MAX_REGIONS = (PAGE * METADATA_PAGES - 8) / 8;
    static final int ALLOCATED = 0x8000_0000;

    private final MemoryManager mm;
    final int base;
    final int size;
    final ContFramePool framePool;
    final PageTable pageTable;

    VmPool(MemoryManager mm, int base, int size, ContFramePool framePool, PageTable pageTable) {
        this.mm = mm;
        mm.emit(Event.begin(Op.VM_INIT, base, size, framePool.baseFrame, pageTable.directoryFrame));
        this.base = base;
        this.size = size;
        this.framePool = framePool;
        this.pageTable = pageTable;
        pageTable.registerPool(this);
        write(0, 1);
        write(4, 0);
        writeEntry(0, base + METADATA_PAGES * PAGE, size / PAGE - METADATA_PAGES);
        mm.emit(Event.end(Op.VM_INIT));
    }

    public int base() {
        return base;
    }

    public int size() {
        return size;
    }

    private int read(int offset) {
        return mm.read32(base + offset);
    }

    private void write(int offset, int value) {
        mm.write32(base + offset, value);
    }

    private int start(int i) {
        return read(8 + i * 8);
    }

    private int word(int i) {
        return read(12 + i * 8);
    }

    private void writeEntry(int i, int start, int word) {
        write(8 + i * 8, start);
        write(12 + i * 8, word);
    }

    public int regionCount() {
        return read(0);
    }

    public int allocatedCount() {
        return read(4);
    }

    public int freeCount() {
        return regionCount() - allocatedCount();
    }

    /** First fit over whole pages; returns the region's address, or 0 when nothing fits. */
    public int allocate(int bytes) {
        mm.emit(Event.begin(Op.VM_ALLOCATE, base, bytes));
        int pages = (int) ((Integer.toUnsignedLong(bytes) + PAGE - 1) / PAGE);
        int result = 0;
        int count = regionCount();
        for (int i = 0; i < count && pages > 0; i++) {
            int w = word(i);
            if ((w & ALLOCATED) != 0 || w < pages) {
                continue;
            }
            if (w > pages) {
                if (count == MAX_REGIONS) {
                    break;
                }
                for (int j = count; j > i + 1; j--) {
                    writeEntry(j, start(j - 1), word(j - 1));
                }
                writeEntry(i + 1, start(i) + pages * PAGE, w - pages);
                write(0, count + 1);
            }
            result = start(i);
            writeEntry(i, result, pages | ALLOCATED);
            write(4, allocatedCount() + 1);
            break;
        }
        mm.emit(Event.end(Op.VM_ALLOCATE, result));
        return result;
    }

    /**
     * Frees every page of the region starting at {@code address} and merges it with free
     * neighbours; returns the pages the region held, or 0 if no region starts there.
     */
    public int release(int address) {
        mm.emit(Event.begin(Op.VM_RELEASE, base, address));
        int count = regionCount();
        int i = 0;
        while (i < count && !(start(i) == address && (word(i) & ALLOCATED) != 0)) {
            i++;
        }
        int pages = 0;
        if (i < count) {
            pages = word(i) & ~ALLOCATED;
            for (int p = 0; p < pages; p++) {
                pageTable.freePage(address + p * PAGE);
            }
            writeEntry(i, address, pages);
            write(4, allocatedCount() - 1);
            if (i + 1 < count && (word(i + 1) & ALLOCATED) == 0) {
                merge(i, count--);
            }
            if (i > 0 && (word(i - 1) & ALLOCATED) == 0) {
                merge(i - 1, count--);
            }
        }
        mm.emit(Event.end(Op.VM_RELEASE, pages));
        return pages;
    }

    /** Folds free region i + 1 into free region i. */
    private void merge(int i, int count) {
        writeEntry(i, start(i), word(i) + word(i + 1));
        for (int j = i + 1; j < count - 1; j++) {
            writeEntry(j, start(j + 1), word(j + 1));
        }
        write(0, count - 1);
    }

    /** True for the metadata pages and for every address of an allocated region. */
    public boolean isLegitimate(int address) {
        mm.emit(Event.begin(Op.VM_LEGITIMATE, base, address));
        boolean legitimate = false;
        if (Integer.compareUnsigned(address - base, METADATA_PAGES * PAGE) < 0) {
            legitimate = true;
        } else if (Integer.compareUnsigned(address - base, size) < 0) {
            int count = regionCount();
            for (int i = 0; i < count; i++) {
                int w = word(i);
                if (Integer.compareUnsigned(address - start(i), (w & ~ALLOCATED) * PAGE) < 0) {
                    legitimate = (w & ALLOCATED) != 0;
                    break;
                }
            }
        }
        mm.emit(Event.end(Op.VM_LEGITIMATE, legitimate ? 1 : 0));
        return legitimate;
    }
}
