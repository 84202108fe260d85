package org.j386.guest.reference;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The reference memory manager: frame pools, page tables and VM pools over a simulated physical
 * memory, writing the same event records as the guest kernel. Linear accesses ({@link #read32},
 * {@link #write32}) walk the current page table and take a page fault, exactly where the guest's
 * MMU would, when paging is on and the page is not present.
 */
public final class MemoryManager implements Reference {
    public static final int KERNEL_POOL_START = 2 << 20, KERNEL_POOL_END = 4 << 20;
    public static final int PROCESS_POOL_START = 4 << 20;
    public static final int HOLE_START = 15 << 20, HOLE_END = 16 << 20;

    private final SimulatedMemory memory = new SimulatedMemory();
    private final Consumer<Event> sink;
    private ContFramePool firstPool;
    private ContFramePool kernelPool;
    private ContFramePool processPool;
    private final Map<Integer, PageTable> pageTables = new LinkedHashMap<>();
    private final Map<Integer, VmPool> vmPools = new HashMap<>();
    PageTable current;
    boolean paging;
    int sharedKernelTable;

    public MemoryManager(Consumer<Event> sink) {
        this.sink = sink;
    }

    /** A manager whose events are collected in {@code events}. */
    public static MemoryManager recording(List<Event> events) {
        return new MemoryManager(events::add);
    }

    /**
     * The kernel's boot sequence for {@code ramTop} bytes of RAM: the kernel pool at 2–4 MiB with
     * its info frame inside, the process pool from 4 MiB to the top with its info frames taken from
     * the kernel pool, and the 15–16 MiB hole marked inaccessible when RAM reaches past it.
     */
    public static MemoryManager boot(int ramTop, Consumer<Event> sink) {
        return new MemoryManager(sink).bootPools(ramTop);
    }

    /** {@link #boot}'s pools, created in this manager (its memory is known before the first record). */
    public MemoryManager bootPools(int ramTop) {
        MemoryManager mm = this;
        mm.createFramePool(KERNEL_POOL_START >>> 12, (KERNEL_POOL_END - KERNEL_POOL_START) >>> 12, 0);
        int processFrames = (ramTop - PROCESS_POOL_START) >>> 12;
        int info = mm.kernelPool.getFrames(ContFramePool.neededInfoFrames(processFrames));
        mm.createFramePool(PROCESS_POOL_START >>> 12, processFrames, info);
        if (ramTop > HOLE_END) {
            mm.processPool.markInaccessible(HOLE_START >>> 12, (HOLE_END - HOLE_START) >>> 12);
        }
        return this;
    }

    public SimulatedMemory memory() {
        return memory;
    }

    void emit(Event e) {
        sink.accept(e);
    }

    /** The first pool created is the kernel pool, the second the process pool. */
    public ContFramePool createFramePool(int baseFrame, int frameCount, int infoFrameNo) {
        return new ContFramePool(this, baseFrame, frameCount, infoFrameNo);
    }

    void addPool(ContFramePool pool) {
        if (firstPool == null) {
            firstPool = pool;
            kernelPool = pool;
        } else {
            ContFramePool p = firstPool;
            while (p.next != null) {
                p = p.next;
            }
            p.next = pool;
            if (processPool == null) {
                processPool = pool;
            }
        }
    }

    public ContFramePool kernelPool() {
        return kernelPool;
    }

    public ContFramePool processPool() {
        return processPool;
    }

    int needFrame(int frame, String what) {
        if (frame == 0) {
            throw new MemoryManagerError("out of frames for a " + what);
        }
        return frame;
    }

    /** Releases the sequence headed by {@code firstFrame} in whichever pool owns it. */
    public int releaseFrames(int firstFrame) {
        emit(Event.begin(Op.RELEASE_FRAMES, firstFrame));
        ContFramePool p = firstPool;
        while (p != null && !p.owns(firstFrame)) {
            p = p.next;
        }
        if (p == null) {
            throw new MemoryManagerError("release_frames: frame 0x" + Integer.toHexString(firstFrame)
                    + " belongs to no pool");
        }
        int freed = p.releaseSequence(firstFrame);
        emit(Event.end(Op.RELEASE_FRAMES, p.baseFrame, freed));
        return freed;
    }

    public PageTable createPageTable() {
        PageTable pt = new PageTable(this);
        pageTables.put(pt.directoryFrame, pt);
        return pt;
    }

    public VmPool createVmPool(int base, int size, ContFramePool framePool, PageTable pageTable) {
        VmPool pool = new VmPool(this, base, size, framePool, pageTable);
        vmPools.put(base, pool);
        return pool;
    }

    public void enablePaging() {
        emit(Event.begin(Op.PT_ENABLE));
        paging = true;
        emit(Event.end(Op.PT_ENABLE));
    }

    public PageTable current() {
        return current;
    }

    public boolean pagingEnabled() {
        return paging;
    }

    /** The physical address of a linear access, taking a page fault first if it is not mapped. */
    public int access(int linear, boolean write) {
        if (!paging) {
            return linear;
        }
        long physical = current.translate(linear);
        if (physical < 0) {
            current.handleFault(linear, write ? 2 : 0);
            physical = current.translate(linear);
        }
        return (int) physical;
    }

    public int read32(int linear) {
        return memory.read32(access(linear, false));
    }

    public void write32(int linear, int value) {
        memory.write32(access(linear, true), value);
    }

    /**
     * Performs the operation a begin record names, with its arguments, as the guest did when it
     * wrote that record; the reference's own records go to the sink.
     */
    @Override
    public void perform(Event begin) {
        int[] a = begin.values();
        switch (begin.op()) {
            case POOL_INIT -> createFramePool(a[0], a[1], a[2]);
            case GET_FRAMES -> pool(a[0]).getFrames(a[1]);
            case RELEASE_FRAMES -> releaseFrames(a[0]);
            case MARK_INACCESSIBLE -> pool(a[0]).markInaccessible(a[1], a[2]);
            case PT_INIT -> createPageTable();
            case PT_LOAD -> pageTable(a[0]).load();
            case PT_ENABLE -> enablePaging();
            case PAGE_FAULT -> {
                if (current == null) {
                    throw new MemoryManagerError("page fault before a page table was loaded");
                }
                current.handleFault(a[0], a[1]);
            }
            case REGISTER_POOL -> throw new MemoryManagerError("register_pool outside a VM pool's construction");
            case FREE_PAGE -> current.freePage(a[0]);
            case VM_INIT -> createVmPool(a[0], a[1], pool(a[2]), pageTable(a[3]));
            case VM_ALLOCATE -> vmPool(a[0]).allocate(a[1]);
            case VM_RELEASE -> vmPool(a[0]).release(a[1]);
            case VM_LEGITIMATE -> vmPool(a[0]).isLegitimate(a[1]);
            default -> throw new IllegalArgumentException(begin.op() + " is not an operation of the MP4 kernel");
        }
    }

    private ContFramePool pool(int baseFrame) {
        for (ContFramePool p = firstPool; p != null; p = p.next) {
            if (p.baseFrame == baseFrame) {
                return p;
            }
        }
        throw new MemoryManagerError("no frame pool at frame 0x" + Integer.toHexString(baseFrame));
    }

    private PageTable pageTable(int directoryFrame) {
        PageTable pt = pageTables.get(directoryFrame);
        if (pt == null) {
            throw new MemoryManagerError("no page table with directory frame 0x" + Integer.toHexString(directoryFrame));
        }
        return pt;
    }

    /** The pool at {@code base} in the current page table, else the last pool created there. */
    private VmPool vmPool(int base) {
        if (current != null) {
            for (VmPool p : current.pools()) {
                if (p.base == base) {
                    return p;
                }
            }
        }
        VmPool pool = vmPools.get(base);
        if (pool == null) {
            throw new MemoryManagerError("no VM pool at 0x" + Integer.toHexString(base));
        }
        return pool;
    }

    /** The pools as they stand, read without faulting anything in (see {@link PoolSnapshot}). */
    public PoolSnapshot poolSnapshot() {
        List<PoolSnapshot.FramePool> frames = new ArrayList<>();
        for (ContFramePool p = firstPool; p != null; p = p.next) {
            byte[] states = new byte[p.frameCount];
            for (int i = 0; i < states.length; i++) {
                states[i] = (byte) memory.read8(p.infoFrame * 4096 + i);
            }
            frames.add(new PoolSnapshot.FramePool(p.baseFrame, p.frameCount, p.infoFrame, states));
        }
        List<PoolSnapshot.VmPool> vms = new ArrayList<>();
        for (VmPool v : current == null ? List.<VmPool>of() : current.pools()) {
            long table = paging ? current.translate(v.base) : Integer.toUnsignedLong(v.base);
            List<PoolSnapshot.Region> regions = new ArrayList<>();
            int count = 0, allocated = 0;
            if (table >= 0) {
                int at = (int) table;
                count = memory.read32(at);
                allocated = memory.read32(at + 4);
                for (int i = 0; i < Math.min(Integer.toUnsignedLong(count), VmPool.MAX_REGIONS); i++) {
                    int word = memory.read32(at + 12 + i * 8);
                    regions.add(new PoolSnapshot.Region(memory.read32(at + 8 + i * 8), word & ~VmPool.ALLOCATED,
                            (word & VmPool.ALLOCATED) != 0));
                }
            }
            vms.add(new PoolSnapshot.VmPool(v.base, v.size, v.framePool.baseFrame, table >= 0, count, allocated, regions));
        }
        return new PoolSnapshot(frames, current == null ? 0 : current.directoryFrame, vms);
    }

    /**
     * The frame pools' state bytes, every page directory with its page tables, and every VM
     * pool's region table (read where each side's own directory maps the pool's first page).
     */
    @Override
    public StateComparison compareState(PhysicalView guest) {
        StateComparison c = new StateComparison(guest, memory);
        c.loadedDirectory(current == null ? -1 : (long) current.directoryFrame << 12);
        for (ContFramePool p = firstPool; p != null; p = p.next) {
            c.bytes(String.format("frame pool 0x%x: state of frame", p.baseFrame), p.infoFrame << 12, p.frameCount,
                    p.baseFrame);
        }
        for (PageTable pt : pageTables.values()) {
            c.directory(String.format("directory 0x%x", pt.directoryFrame), pt.directoryFrame << 12,
                    PageTable.RECURSIVE_SLOT);
        }
        for (PageTable pt : pageTables.values()) {
            for (VmPool v : pt.pools()) {
                compareRegions(c, pt.directoryFrame << 12, v);
            }
        }
        return c;
    }

    private static void compareRegions(StateComparison c, int directory, VmPool v) {
        String name = String.format("VM pool 0x%x", v.base);
        long g = StateComparison.translate(c.guest(), directory, v.base);
        long r = StateComparison.translate(c.reference(), directory, v.base);
        if (g < 0 || r < 0) {
            c.field(name + ": region table mapped", g < 0 ? 0 : 1, r < 0 ? 0 : 1);
            return;
        }
        int count = c.reference().read32((int) r);
        c.field(name + ": region count", c.guest().read32((int) g) & 0xFFFFFFFFL, count & 0xFFFFFFFFL);
        c.field(name + ": allocated count", c.guest().read32((int) g + 4) & 0xFFFFFFFFL,
                c.reference().read32((int) r + 4) & 0xFFFFFFFFL);
        for (int i = 0; i < Math.min(Integer.toUnsignedLong(count), VmPool.MAX_REGIONS); i++) {
            for (int field = 0; field < 2; field++) {
                int offset = 8 + i * 8 + field * 4;
                c.field(name + ": region " + i + (field == 0 ? " start" : " pages|allocated"),
                        c.guest().read32((int) g + offset) & 0xFFFFFFFFL,
                        c.reference().read32((int) r + offset) & 0xFFFFFFFFL);
            }
        }
    }

    /** Every page table created so far, in creation order. */
    public List<PageTable> pageTables() {
        return new ArrayList<>(pageTables.values());
    }
}
