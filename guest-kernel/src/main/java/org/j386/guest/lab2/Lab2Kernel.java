package org.j386.guest.lab2;

import java.util.function.Consumer;
import org.j386.guest.reference.Event;
import org.j386.guest.reference.MemoryManagerError;
import org.j386.guest.reference.Op;
import org.j386.guest.reference.PhysicalView;
import org.j386.guest.reference.Reference;
import org.j386.guest.reference.SimulatedMemory;
import org.j386.guest.reference.StateComparison;

/**
 * The reference of the Lab2 kernel (lab2.asm): a free-list page allocator ({@link Kmem}) and
 * two-level page tables ({@link KernelVm}) over a simulated physical memory, writing the same
 * records as the guest. Addresses the kernel hands around are kernel virtual (physical plus
 * {@link #KERNBASE}), as in the guest; the page-table entries hold physical addresses.
 */
public final class Lab2Kernel implements Reference {
    public static final int KERNBASE = 0x80000000;
    public static final int PGSIZE = 4096;
    public static final int EXTMEM = 0x100000;
    public static final int KERNLINK = KERNBASE + EXTMEM;
    /** The top of what the boot directory maps, and the end of kinit1's range (physical). */
    public static final int BOOT_MAPPED = 4 << 20;
    /** The most memory the kernel uses, whatever the RAM (lab2.asm's PHYSTOP_MAX). */
    public static final int PHYSTOP_MAX = 256 << 20;

    final SimulatedMemory memory = new SimulatedMemory();
    private final Consumer<Event> sink;
    private final Kmem kmem = new Kmem(this);
    private final KernelVm vm = new KernelVm(this, kmem);
    int kernelEnd, dataStart, phystop;
    private boolean laidOut;
    /** The free list as the last comparison found it in the guest's memory too. */
    private final FreeListImage compared = new FreeListImage();
    /** The operation under way, so that only operations on page tables compare the directories. */
    private Op operation;

    public Lab2Kernel(Consumer<Event> sink) {
        this.sink = sink;
    }

    void emit(Event e) {
        sink.accept(e);
    }

    static int v2p(int va) {
        return va - KERNBASE;
    }

    static int p2v(int pa) {
        return pa + KERNBASE;
    }

    /** Where the kernel ends and its data starts (kernel virtual) and PHYSTOP (physical). */
    public void layout(int kernelEnd, int dataStart, int phystop) {
        emit(Event.begin(Op.KERNEL_LAYOUT, kernelEnd, dataStart, phystop));
        this.kernelEnd = kernelEnd;
        this.dataStart = dataStart;
        this.phystop = phystop;
        laidOut = true;
        emit(Event.end(Op.KERNEL_LAYOUT));
    }

    public Kmem kmem() {
        return kmem;
    }

    public KernelVm vm() {
        return vm;
    }

    public SimulatedMemory memory() {
        return memory;
    }

    /** A kernel bug the guest panics on: it stops, and so does the reference. */
    static MemoryManagerError panic(String what) {
        return new MemoryManagerError("panic: " + what);
    }

    /**
     * The free list and every live directory with its page tables. The list is LIFO and a free
     * page's link and junk change only when it is pushed, so the pages pushed since the last
     * comparison are all that is read (a comparison costs the list's change, not its length); the
     * directories are read after the operations that build or free them.
     */
    @Override
    public StateComparison compareState(PhysicalView guest) {
        StateComparison c = new StateComparison(guest, memory);
        if (!laidOut) {
            return c;
        }
        c.loadedDirectory(vm.current() == 0 ? -1 : v2p(vm.current()) & 0xFFFFFFFFL);
        int position = 0;
        for (int page : compared.update(kmem.head(), p -> memory.read32(v2p(p)), phystop >>> 12)) {
            String name = String.format("free page %d (0x%08x)", position++, page);
            c.dword(name + ": link", v2p(page));
            c.bytes(name + ": junk at offset", v2p(page) + 4, PGSIZE - 4, 4);
        }
        if (operation == null || operation.code >= Op.PGDIR_WALK.code) {
            for (int pgdir : vm.directories()) {
                c.directory(String.format("directory 0x%08x", pgdir), v2p(pgdir), -1);
            }
        }
        return c;
    }

    @Override
    public void perform(Event begin) {
        int[] a = begin.values();
        if (begin.op() != Op.KERNEL_LAYOUT && !laidOut) {
            throw new IllegalStateException(begin.op() + " before the kernel's layout record");
        }
        operation = begin.op();
        switch (begin.op()) {
            case KERNEL_LAYOUT -> layout(a[0], a[1], a[2]);
            case FREE_RANGE -> kmem.freeRange(a[0], a[1]);
            case KFREE -> kmem.kfree(a[0]);
            case KALLOC -> kmem.kalloc();
            case CHECK_FREE_LIST -> kmem.checkFreeList();
            case PGDIR_WALK -> vm.pgdirWalk(a[0], a[1], a[2]);
            case MAP_REGION -> vm.mapRegion(a[0], a[1], a[2], a[3], a[4]);
            case PGDIR_ALLOC -> vm.pgdirAlloc();
            case SETUP_KVM -> vm.setupKvm();
            case SWITCH_VM -> vm.switchVm(a[0]);
            case VM_FREE -> vm.vmFree(a[0]);
            default -> throw new IllegalArgumentException(begin.op() + " is not an operation of the Lab2 kernel");
        }
    }
}
