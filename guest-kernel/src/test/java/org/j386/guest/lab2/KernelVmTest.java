package org.j386.guest.lab2;

import static org.j386.guest.lab2.KernelVm.PTE_P;
import static org.j386.guest.lab2.KernelVm.PTE_U;
import static org.j386.guest.lab2.KernelVm.PTE_W;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.j386.guest.reference.MemoryManagerError;
import org.junit.jupiter.api.Test;

class KernelVmTest {
    static final int END = 0x80110000, DATA = 0x80102000;
    private final Lab2Kernel kernel = new Lab2Kernel(e -> { });
    private final Kmem kmem = kernel.kmem();
    private final KernelVm vm = kernel.vm();

    /** A kernel with {@code phystop} bytes of memory, all of it on the free list. */
    private void boot(int phystop) {
        kernel.layout(END, DATA, phystop);
        kmem.freeRange(END, Lab2Kernel.p2v(phystop));
    }

    private int read(int va) {
        return kernel.memory().read32(Lab2Kernel.v2p(va));
    }

    @Test
    void pgdirWalkWithoutAllocFindsNoTableWhereNoneIsInstalled() {
        boot(0x200000);
        int pgdir = vm.pgdirAlloc();
        assertEquals(0, vm.pgdirWalk(pgdir, 0x400000, 0));
    }

    @Test
    void pgdirWalkInstallsAZeroedTableWithPresentWritableUser() {
        boot(0x200000);
        int pgdir = vm.pgdirAlloc();
        int pte = vm.pgdirWalk(pgdir, 0x00403000, 1);
        int pde = read(pgdir + 4);
        assertEquals(PTE_P | PTE_W | PTE_U, pde & 0xFFF);
        assertEquals(Lab2Kernel.p2v(pde & ~0xFFF) + 3 * 4, pte);
        for (int i = 0; i < 1024; i++) {
            assertEquals(0, read(Lab2Kernel.p2v(pde & ~0xFFF) + 4 * i), "entry " + i + " of a new table");
        }
        assertEquals(pte, vm.pgdirWalk(pgdir, 0x00403FFF, 0), "the same page, the same PTE");
    }

    @Test
    void mapRegionMapsEveryPageTheRangeTouchesInStepWithPa() {
        boot(0x200000);
        int pgdir = vm.pgdirAlloc();
        assertEquals(0, vm.mapRegion(pgdir, 0x00400FFF, 2, 0x00123456, PTE_W));
        assertEquals(0x00123000 | PTE_W | PTE_P, vm.lookup(pgdir, 0x00400000));
        assertEquals(0x00124000 | PTE_W | PTE_P, vm.lookup(pgdir, 0x00401000));
        assertEquals(0, vm.lookup(pgdir, 0x00402000));
    }

    @Test
    void mapRegionOfNothingMapsNothing() {
        boot(0x200000);
        int pgdir = vm.pgdirAlloc();
        int free = kmem.freePages();
        assertEquals(0, vm.mapRegion(pgdir, 0x00400000, 0, 0, PTE_W));
        assertEquals(free, kmem.freePages());
    }

    @Test
    void mapRegionOverAPresentPagePanicsWithRemap() {
        boot(0x200000);
        int pgdir = vm.pgdirAlloc();
        vm.mapRegion(pgdir, 0x00400000, 4096, 0, PTE_W);
        MemoryManagerError e = assertThrows(MemoryManagerError.class, () -> vm.mapRegion(pgdir, 0x00400000, 1, 0, 0));
        assertEquals("panic: remap", e.getMessage());
    }

    @Test
    void mapRegionFailsWithMinusOneWhenATableCannotBeAllocatedAndVmFreeGivesEverythingBack() {
        boot(0x200000);
        int free = kmem.freePages();
        int pgdir = vm.pgdirAlloc();
        while (kmem.freePages() > 2) {
            kmem.kalloc();
        }
        int held = free - 1 - 2;
        assertEquals(-1, vm.mapRegion(pgdir, 0x00400000, 16 << 20, 0, PTE_W));
        assertEquals(0, kmem.freePages(), "the two pages left became tables");
        assertNotEquals(0, vm.lookup(pgdir, 0x00400000), "what was mapped stays mapped until the caller frees it");
        vm.vmFree(pgdir);
        assertEquals(free - held, kmem.freePages());
    }

    @Test
    void setupKvmMapsKmapWithItsPermissionsAndNothingElse() {
        int phystop = 0x00180000;
        boot(phystop);
        int pgdir = vm.setupKvm();
        assertNotEquals(0, pgdir);
        assertEquals(0x000B8000 | PTE_W | PTE_P, vm.lookup(pgdir, Lab2Kernel.KERNBASE + 0xB8000), "I/O space");
        assertEquals(0x00100000 | PTE_P, vm.lookup(pgdir, Lab2Kernel.KERNLINK), "text is read-only");
        assertEquals(Lab2Kernel.v2p(DATA) | PTE_W | PTE_P, vm.lookup(pgdir, DATA), "data is writable");
        assertEquals((phystop - 4096) | PTE_W | PTE_P, vm.lookup(pgdir, Lab2Kernel.p2v(phystop - 4096)));
        assertEquals(0, vm.lookup(pgdir, Lab2Kernel.p2v(phystop)), "nothing at or above PHYSTOP");
        assertEquals(0xB8000 | PTE_W | PTE_P, vm.lookup(pgdir, 0xB8000), "the screen where the console writes");
        assertEquals(0, vm.lookup(pgdir, 0xB7000));
    }

    @Test
    void setupKvmWithoutMemoryForItsTablesReturnsZeroAndGivesBackWhatItTook() {
        boot(0x00180000);
        while (kmem.freePages() > 2) {
            kmem.kalloc();
        }
        assertEquals(0, vm.setupKvm(), "a directory and one table fit, the second table does not");
        assertEquals(2, kmem.freePages());
    }

    @Test
    void vmFreeFreesEveryTableAndTheDirectoryButNotTheMappedPages() {
        boot(0x200000);
        int free = kmem.freePages();
        int pgdir = vm.pgdirAlloc();
        vm.mapRegion(pgdir, 0x00400000, 8 << 20, 0x00100000, PTE_W | PTE_U);
        assertEquals(free - 3, kmem.freePages(), "a directory and two tables");
        vm.vmFree(pgdir);
        assertEquals(free, kmem.freePages());
        assertEquals(free, kmem.checkFreeList());
    }
}
