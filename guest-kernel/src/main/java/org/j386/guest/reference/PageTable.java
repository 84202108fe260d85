package org.j386.guest.reference;

import java.util.ArrayList;
import java.util.List;

/**
 * A two-level page table whose directory and page-table pages come from the process pool. PDE 0
 * points at the one page table that maps the first 4 MiB one to one (shared by every page table);
 * PDE 1023 points at the directory itself, so that with paging on the directory is at 0xFFFFF000
 * and page table i at 0xFFC00000 | i << 12. Everything else is mapped lazily by
 * {@link #handleFault}.
 */
public final class PageTable {
    public static final int PRESENT = 1, WRITABLE = 2;
    public static final int RECURSIVE_SLOT = 1023;

    private final MemoryManager mm;
    final int directoryFrame;
    private final List<VmPool> pools = new ArrayList<>();

    PageTable(MemoryManager mm) {
        this.mm = mm;
        mm.emit(Event.begin(Op.PT_INIT));
        directoryFrame = mm.needFrame(mm.processPool().getFrames(1), "page directory");
        if (mm.sharedKernelTable == 0) {
            int table = mm.needFrame(mm.processPool().getFrames(1), "page table of the first 4 MiB");
            for (int i = 0; i < 1024; i++) {
                mm.memory().write32(table * 4096 + i * 4, i << 12 | WRITABLE | PRESENT);
            }
            mm.sharedKernelTable = table;
        }
        mm.memory().zeroFrame(directoryFrame);
        writePde(0, mm.sharedKernelTable << 12 | WRITABLE | PRESENT);
        writePde(RECURSIVE_SLOT, directoryFrame << 12 | WRITABLE | PRESENT);
        mm.emit(Event.end(Op.PT_INIT, directoryFrame));
    }

    public int directoryFrame() {
        return directoryFrame;
    }

    public List<VmPool> pools() {
        return List.copyOf(pools);
    }

    int pde(int index) {
        return mm.memory().read32(directoryFrame * 4096 + index * 4);
    }

    private void writePde(int index, int value) {
        mm.memory().write32(directoryFrame * 4096 + index * 4, value);
    }

    /** The PTE for {@code linear}, or 0 when its page table is absent. */
    public int pte(int linear) {
        int pde = pde(linear >>> 22);
        if ((pde & PRESENT) == 0) {
            return 0;
        }
        return mm.memory().read32((pde & ~0xFFF) + (linear >>> 12 & 0x3FF) * 4);
    }

    private void writePte(int linear, int value) {
        mm.memory().write32((pde(linear >>> 22) & ~0xFFF) + (linear >>> 12 & 0x3FF) * 4, value);
    }

    /**
     * The physical address {@code linear} maps to, walking the directory as the MMU does
     * (through PDE 1023 for the recursive window), or -1 when it is not mapped.
     */
    public long translate(int linear) {
        int pte = pte(linear);
        return (pte & PRESENT) == 0 ? -1 : (pte & ~0xFFF | linear & 0xFFF) & 0xFFFFFFFFL;
    }

    public void load() {
        mm.emit(Event.begin(Op.PT_LOAD, directoryFrame));
        mm.current = this;
        mm.emit(Event.end(Op.PT_LOAD));
    }

    public void registerPool(VmPool pool) {
        mm.emit(Event.begin(Op.REGISTER_POOL, directoryFrame, pool.base));
        pools.add(pool);
        mm.emit(Event.end(Op.REGISTER_POOL));
    }

    /**
     * Maps a frame for {@code address} if a registered pool calls it legitimate (asking the pools
     * in registration order), creating its page table first when the PDE is absent; returns the
     * PTE written. Protection faults and addresses outside every pool are segmentation faults: the
     * end record says PTE 0 (nothing mapped) and a {@link MemoryManagerError} follows.
     */
    public int handleFault(int address, int errorCode) {
        mm.emit(Event.begin(Op.PAGE_FAULT, address, errorCode));
        VmPool owner = null;
        if ((errorCode & PRESENT) == 0) {
            for (VmPool p : pools) {
                if (p.isLegitimate(address)) {
                    owner = p;
                    break;
                }
            }
        }
        if (owner == null) {
            mm.emit(Event.end(Op.PAGE_FAULT, 0));
            throw new MemoryManagerError("segmentation fault at 0x" + Integer.toHexString(address));
        }
        int pdi = address >>> 22;
        if ((pde(pdi) & PRESENT) == 0) {
            int table = mm.needFrame(mm.processPool().getFrames(1), "page table");
            mm.memory().zeroFrame(table);
            writePde(pdi, table << 12 | WRITABLE | PRESENT);
        }
        int frame = mm.needFrame(owner.framePool.getFrames(1), "page");
        int pte = frame << 12 | WRITABLE | PRESENT;
        writePte(address, pte);
        mm.emit(Event.end(Op.PAGE_FAULT, pte));
        return pte;
    }

    /** Unmaps {@code page} and releases its frame; returns the frame, or 0 if it was not mapped. */
    public int freePage(int page) {
        mm.emit(Event.begin(Op.FREE_PAGE, page));
        int pte = pte(page);
        int frame = 0;
        if ((pte & PRESENT) != 0) {
            frame = pte >>> 12;
            mm.releaseFrames(frame);
            writePte(page, 0);
        }
        mm.emit(Event.end(Op.FREE_PAGE, frame));
        return frame;
    }
}
