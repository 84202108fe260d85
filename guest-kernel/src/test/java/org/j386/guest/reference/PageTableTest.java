package org.j386.guest.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PageTableTest {
    private static final int MIB = 1 << 20;
    private final List<Event> events = new ArrayList<>();
    private MemoryManager mm;
    private PageTable pt;

    @BeforeEach
    void boot() {
        mm = MemoryManager.boot(32 * MIB, events::add);
        pt = mm.createPageTable();
        pt.load();
        mm.enablePaging();
    }

    @Test
    void theDirectoryAndTheFirstPageTableComeFromTheProcessPool() {
        assertEquals(1024, pt.directoryFrame());
        assertEquals(1025 << 12 | 3, pt.pde(0));
    }

    @Test
    void theFirstFourMibAreMappedOneToOne() {
        assertEquals(0, pt.translate(0));
        assertEquals(0x123456, pt.translate(0x123456));
        assertEquals(0x3FFFFC, pt.translate(0x3FFFFC));
        assertEquals(-1, pt.translate(4 * MIB));
    }

    @Test
    void pde1023MakesTheDirectoryVisibleAt0xFFFFF000AndTableIAt0xFFC00000() {
        assertEquals((long) pt.directoryFrame() << 12, pt.translate(0xFFFFF000));
        assertEquals(pt.pde(0) & ~0xFFF, pt.translate(0xFFC00000));
        assertEquals(pt.pde(0), mm.read32(0xFFFFF000), "the directory read through its own window");
    }

    @Test
    void aFaultInsideAPoolMapsAFreshFrameAndCreatesTheMissingPageTable() {
        VmPool pool = mm.createVmPool(512 * MIB, 256 * MIB, mm.processPool(), pt);
        int region = pool.allocate(8192);
        events.clear();
        mm.write32(region + 4100, 42);
        assertEquals(42, mm.read32(region + 4100));
        assertEquals(Event.begin(Op.PAGE_FAULT, region + 4100, 2), events.get(0));
        Event end = events.get(events.size() - 1);
        assertEquals(Op.PAGE_FAULT, end.op());
        assertEquals(pt.pte(region + 4096), end.values()[0]);
        assertTrue((pt.pde(region >>> 22) & 1) != 0);
    }

    @Test
    void aFaultOutsideEveryPoolIsASegmentationFault() {
        mm.createVmPool(512 * MIB, 256 * MIB, mm.processPool(), pt);
        MemoryManagerError e = assertThrows(MemoryManagerError.class, () -> mm.write32(0x40000000, 1));
        assertTrue(e.getMessage().contains("segmentation fault at 0x40000000"));
    }

    @Test
    void anAddressInAPoolButInNoAllocatedRegionIsASegmentationFault() {
        VmPool pool = mm.createVmPool(512 * MIB, 256 * MIB, mm.processPool(), pt);
        pool.allocate(4096);
        assertThrows(MemoryManagerError.class, () -> mm.read32(512 * MIB + 64 * 4096));
    }

    @Test
    void freePageClearsThePteAndReturnsTheFrameToItsPool() {
        VmPool pool = mm.createVmPool(512 * MIB, 256 * MIB, mm.processPool(), pt);
        int r = pool.allocate(4096);
        mm.write32(r, 7);
        int frame = pt.pte(r) >>> 12;
        assertEquals(frame, pt.freePage(r));
        assertEquals(0, pt.pte(r));
        assertEquals(ContFramePool.FREE, mm.processPool().state(frame));
        assertEquals(0, pt.freePage(r), "an unmapped page has no frame to give back");
    }

    @Test
    void theWholeProcessPoolCanBeFilledByLazyFaults() {
        VmPool pool = mm.createVmPool(4 * MIB, 28 * MIB, mm.processPool(), pt);
        int r = pool.allocate(27 * MIB);
        int frames = 0;
        MemoryManagerError end = null;
        for (int a = r; end == null; a += 4096) {
            try {
                mm.write32(a, a);
                frames++;
            } catch (MemoryManagerError e) {
                end = e;
            }
        }
        assertTrue(end.getMessage().startsWith("out of frames"), end.getMessage());
        // 7168 frames, minus the hole (256), the directory, the first table, the pool's metadata
        // page and the page tables of 4..32 MiB (7)
        assertEquals(7168 - 256 - 1 - 1 - 1 - 7, frames);
    }

    @Test
    void aSecondPageTableSharesTheLowMappingButNotThePools() {
        PageTable second = mm.createPageTable();
        assertEquals(pt.pde(0), second.pde(0));
        assertEquals(second.directoryFrame() << 12 | 3, second.pde(1023));
        mm.createVmPool(512 * MIB, 16 * MIB, mm.processPool(), pt);
        second.load();
        assertThrows(MemoryManagerError.class, () -> mm.read32(512 * MIB));
    }
}
