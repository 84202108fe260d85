package org.j386.emulator.debug;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.j386.guest.reference.MemoryManager;
import org.j386.guest.reference.PageTable;
import org.j386.guest.reference.VmPool;
import org.junit.jupiter.api.Test;

class PoolComparisonTest {
    private static final int RAM = 32 << 20;

    /** A booted memory manager with a loaded page table, paging on and a 64 KiB VM pool at 4 MiB. */
    private static MemoryManager withVmPool() {
        MemoryManager mm = MemoryManager.boot(RAM, e -> { });
        PageTable pt = mm.createPageTable();
        pt.load();
        mm.enablePaging();
        mm.createVmPool(4 << 20, 64 << 10, mm.processPool(), pt);
        return mm;
    }

    private static VmPool onlyVmPool(MemoryManager mm) {
        return mm.current().pools().get(0);
    }

    @Test
    void poolsBuiltByTheSameOperationsAgree() {
        MemoryManager a = withVmPool(), b = withVmPool();
        onlyVmPool(a).allocate(8192);
        onlyVmPool(b).allocate(8192);
        assertEquals(List.of(), PoolComparison.differences(a.poolSnapshot(), b.poolSnapshot()));
    }

    @Test
    void aFrameTheReferenceAllocatedAndTheGuestDidNotIsNamedWithBothStates() {
        MemoryManager guest = MemoryManager.boot(RAM, e -> { });
        MemoryManager reference = MemoryManager.boot(RAM, e -> { });
        int frame = reference.processPool().getFrames(2);
        assertEquals(List.of(String.format("frame pool 0x00400: state of frame 0x%05x: guest free, reference head"
                + " (1 more frame differs)", frame)), PoolComparison.differences(guest.poolSnapshot(), reference.poolSnapshot()));
    }

    @Test
    void aDifferentRegionTableIsReportedFieldByField() {
        MemoryManager guest = withVmPool(), reference = withVmPool();
        onlyVmPool(reference).allocate(4096);
        List<String> differences = PoolComparison.differences(guest.poolSnapshot(), reference.poolSnapshot());
        assertEquals(List.of(
                "VM pool 0x00400000: regions: guest 1, reference 2",
                "VM pool 0x00400000: allocated regions: guest 0, reference 1",
                "VM pool 0x00400000: region 0: guest 0x00401000 free 15 pages, reference 0x00401000 allocated 1 page"
                        + " (1 more region differs)"), differences);
    }

    @Test
    void missingPoolsAndAnotherPageTableAreReported() {
        MemoryManager guest = MemoryManager.boot(RAM, e -> { });
        MemoryManager reference = withVmPool();
        List<String> differences = PoolComparison.differences(guest.poolSnapshot(), reference.poolSnapshot());
        assertEquals(3, differences.size(), differences.toString());
        assertTrue(differences.get(0).startsWith("frame pool 0x00400: state of frame 0x00400: guest free, reference head ("),
                differences.get(0));
        assertEquals(List.of(
                String.format("current page table: directory frame: guest 0x00000, reference 0x%05x",
                        reference.current().directoryFrame()),
                "VM pools: count: guest 0, reference 1"), differences.subList(1, 3));
    }
}
