package org.j386.emulator.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MmuTest {
    private static final int P = 1, RW = 2, US = 4, A = 0x20, D = 0x40, PS = 0x80, G = 0x100;
    private static final int DIR = 0x10000, TABLE = 0x11000;

    private PhysicalMemory ram;
    private Mmu mmu;

    @BeforeEach
    void pagingOnWithOneTable() {
        ram = new PhysicalMemory(16 << 20);
        mmu = new Mmu(ram);
        ram.write32(DIR, TABLE | P | RW | US); // PDE 0 covers 0..4 MiB
        mmu.setCr3(DIR);
        mmu.configure(true, false, false, false);
    }

    private void mapPage(int linear, int frame, int flags) {
        ram.write32(TABLE + ((linear >>> 12) & 0x3FF) * 4, frame | flags);
    }

    private int pte(int linear) {
        return ram.read32(TABLE + ((linear >>> 12) & 0x3FF) * 4);
    }

    private PageFault faultOf(Runnable access) {
        return assertThrows(PageFault.class, access::run);
    }

    @Test
    void withPagingOffLinearAddressesArePhysical() {
        mmu.configure(false, false, false, false);
        ram.write32(0x123456, 0xCAFEBABE);
        assertEquals(0xCAFEBABE, mmu.read32(0x123456));
    }

    @Test
    void readSetsAccessedOnBothLevelsButNotDirty() {
        mapPage(0x5000, 0x200000, P | RW);
        ram.write32(0x200010, 42);
        assertEquals(42, mmu.read32(0x5010));
        assertEquals(A, ram.read32(DIR) & (A | D));
        assertEquals(A, pte(0x5000) & (A | D));
    }

    @Test
    void firstWriteAfterACachedReadStillSetsDirty() {
        mapPage(0x5000, 0x200000, P | RW);
        mmu.read32(0x5000);
        mmu.write32(0x5000, 7);
        assertEquals(A | D, pte(0x5000) & (A | D));
        assertEquals(7, ram.read32(0x200000));
    }

    @Test
    void notPresentPageFaultsWithAddressAndErrorCodeAndLeavesThePteUntouched() {
        mapPage(0x7000, 0x300000, 0);
        PageFault f = faultOf(() -> mmu.write8(0x7123, 1));
        assertEquals(0x7123, f.linearAddress());
        assertEquals(PageFault.WRITE, f.errorCode());
        assertEquals(0x300000, pte(0x7000));
        // The directory entry was used to find the table, so it is marked accessed (as QEMU does).
        assertEquals(A, ram.read32(DIR) & A);
    }

    @Test
    void notPresentDirectoryEntrySetsNoBits() {
        ram.write32(DIR + 4, TABLE); // PDE 1 not present
        PageFault f = faultOf(() -> mmu.read8(0x400000));
        assertEquals(0, f.errorCode());
        assertEquals(TABLE, ram.read32(DIR + 4));
    }

    @Test
    void userAccessToSupervisorPageIsAProtectionFault() {
        mapPage(0x5000, 0x200000, P | RW);
        mmu.setUserMode(true);
        assertEquals(PageFault.PRESENT | PageFault.USER, faultOf(() -> mmu.read8(0x5000)).errorCode());
        assertEquals(PageFault.PRESENT | PageFault.USER | PageFault.WRITE, faultOf(() -> mmu.write8(0x5000, 1)).errorCode());
        assertEquals(0, pte(0x5000) & A);
    }

    @Test
    void userNeedsWriteRightsAtBothLevels() {
        ram.write32(DIR, TABLE | P | US); // directory entry read-only
        mapPage(0x5000, 0x200000, P | RW | US);
        mmu.setUserMode(true);
        mmu.read8(0x5000);
        assertEquals(PageFault.PRESENT | PageFault.USER | PageFault.WRITE, faultOf(() -> mmu.write8(0x5000, 1)).errorCode());
    }

    @Test
    void supervisorMayWriteReadOnlyPagesOnlyWhileWriteProtectIsOff() {
        mapPage(0x5000, 0x200000, P);
        mmu.write8(0x5000, 1);
        assertEquals(A | D, pte(0x5000) & (A | D));
        mmu.configure(true, true, false, false);
        assertEquals(PageFault.PRESENT | PageFault.WRITE, faultOf(() -> mmu.write8(0x5000, 2)).errorCode());
        assertEquals(1, ram.read8(0x200000));
    }

    @Test
    void staleTranslationSurvivesUntilInvlpg() {
        mapPage(0x5000, 0x200000, P | RW);
        ram.write32(0x200000, 111);
        ram.write32(0x201000, 222);
        assertEquals(111, mmu.read32(0x5000));
        mapPage(0x5000, 0x201000, P | RW);
        assertEquals(111, mmu.read32(0x5000));
        mmu.invalidatePage(0x5abc);
        assertEquals(222, mmu.read32(0x5000));
    }

    @Test
    void cr3ReloadFlushesAllButGlobalEntries() {
        mmu.configure(true, false, false, true);
        mapPage(0x5000, 0x200000, P | RW);
        mapPage(0x6000, 0x202000, P | RW | G);
        ram.write32(0x200000, 1);
        ram.write32(0x202000, 2);
        mmu.read32(0x5000);
        mmu.read32(0x6000);
        mapPage(0x5000, 0x201000, P | RW);
        mapPage(0x6000, 0x201000, P | RW);
        mmu.setCr3(DIR);
        assertEquals(0, mmu.read32(0x5000));
        assertEquals(2, mmu.read32(0x6000));
    }

    @Test
    void fourMegabytePagesNeedPse() {
        ram.write32(DIR + 8, 0x400000 | P | RW | PS); // PDE 2 maps 8 MiB..12 MiB onto 4 MiB..8 MiB
        ram.write32(0x400000 + 0x1234, 0x55);
        mmu.configure(true, false, true, false);
        assertEquals(0x55, mmu.read8(0x801234));
        assertEquals(A, ram.read32(DIR + 8) & (A | D));
        mmu.write8(0x801235, 1);
        assertEquals(A | D, ram.read32(DIR + 8) & (A | D));
    }

    @Test
    void invlpgAnywhereInALargePageDropsTheWholeLargePage() {
        ram.write32(DIR + 8, 0x400000 | P | RW | PS);
        mmu.configure(true, false, true, false);
        ram.write8(0x400000, 1);
        assertEquals(1, mmu.read8(0x800000));
        ram.write32(DIR + 8, 0x000000 | P | RW | PS);
        mmu.invalidatePage(0xBFF000);
        assertEquals(ram.read8(0), mmu.read8(0x800000));
    }

    @Test
    void recursiveDirectoryEntryExposesDirectoryAndTables() {
        ram.write32(DIR + 1023 * 4, DIR | P | RW);
        assertEquals(TABLE | P | RW | US, mmu.read32(0xFFFFF000));
        // Page table 0 appears at 0xFFC00000; writing an entry there maps a page.
        mmu.write32(0xFFC00000 + 9 * 4, 0x240000 | P | RW);
        ram.write32(0x240000, 0x99);
        assertEquals(0x99, mmu.read32(0x9000));
    }

    @Test
    void aWriteStraddlingIntoAMissingPageWritesNothing() {
        mapPage(0x5000, 0x200000, P | RW);
        mapPage(0x6000, 0x300000, 0);
        PageFault f = faultOf(() -> mmu.write32(0x5FFE, 0x11223344));
        assertEquals(0x6000, f.linearAddress());
        assertEquals(0, ram.read16(0x200FFE));
    }

    @Test
    void straddlingAccessesJoinBothPages() {
        mapPage(0x5000, 0x200000, P | RW);
        mapPage(0x6000, 0x300000, P | RW);
        mmu.write32(0x5FFF, 0xAABBCCDD);
        assertEquals(0xDD, ram.read8(0x200FFF));
        assertEquals(0xAABBCC, ram.read32(0x300000) & 0xFFFFFF);
        assertEquals(0xAABBCCDD, mmu.read32(0x5FFF));
    }

    @Test
    void peekTranslatesWithoutSettingAccessedBits() {
        mapPage(0x5000, 0x200000, P | RW);
        assertEquals(0x200123L, mmu.peek(0x5123));
        assertEquals(0, pte(0x5000) & A);
        assertEquals(0, ram.read32(DIR) & A);
        assertEquals(-1L, mmu.peek(0x9000));
    }

    @Test
    void withTheA20GateClosedBit20OfEveryPhysicalAddressIsZero() {
        mmu.configure(false, false, false, false);
        mmu.setA20(false);
        mmu.write32(0x100010, 0xA20A20);
        assertEquals(0xA20A20, ram.read32(0x000010));
        assertEquals(0xA20A20, mmu.read32(0x100010));
        ram.write32(0x200010, 0x21);
        assertEquals(0x21, mmu.read32(0x300010), "only bit 20 is forced to zero");
        mmu.setA20(true);
        assertEquals(0, mmu.read32(0x100010));
    }

    @Test
    void withTheA20GateClosedPagingFramesAndTablesWrapToo() {
        mmu.setA20(false);
        mapPage(0x5000, 0x107000, P | RW);
        ram.write32(0x007000, 0x77);
        assertEquals(0x77, mmu.read32(0x5000));
    }

    /** Whether compiled code's inline store to {@code linear} may write RAM directly, as its entry now stands. */
    private boolean storeGoesInline(int linear) {
        int need = mmu.inlineWriteNeed();
        return (mmu.inlineEntries()[linear >>> 12] & need) == need;
    }

    @Test
    void aStoreGoesInlineOnlyWhileWritesToItsFrameNeedNoNotice() {
        mapPage(0x5000, 0x200000, P | RW);
        mmu.write32(0x5000, 1);
        assertTrue(storeGoesInline(0x5004));
        ram.markCodeFrame(0x200); // code from the frame is cached after its entry was filled
        assertFalse(storeGoesInline(0x5004), "a store there must be heard");
        mmu.write32(0x5004, 2); // heard: the cached code goes, and with it the frame's flag
        assertTrue(storeGoesInline(0x5004), "given back once the frame needs no notice");
        ram.watchFrameWrites(0x200);
        mmu.write32(0x5004, 3);
        assertFalse(storeGoesInline(0x5004), "not while someone watches the frame");
    }

    @Test
    void trackingChangesForSnapshotsTakesTheRightFromEveryEntry() {
        mapPage(0x5000, 0x200000, P | RW);
        mapPage(0x6000, 0x201000, P | RW);
        mmu.write32(0x5000, 1);
        mmu.write32(0x6000, 1);
        ram.trackChanges();
        assertFalse(storeGoesInline(0x5000));
        assertFalse(storeGoesInline(0x6000));
        mmu.write32(0x5000, 2); // the frame's first change is noted
        assertTrue(storeGoesInline(0x5000));
        assertFalse(storeGoesInline(0x6000));
        ram.takeChangedFrames(); // tracked again from here
        assertFalse(storeGoesInline(0x5000));
    }

    @Test
    void aWriteThroughAnotherPageOfTheFrameGivesThatPageTheRightBackToo() {
        mapPage(0x5000, 0x200000, P | RW);
        mapPage(0x6000, 0x200000, P | RW); // the same frame, filled last: the one given back on a write
        mmu.write32(0x5000, 1);
        mmu.write32(0x6000, 1);
        ram.trackChanges();
        mmu.write32(0x6000, 2);
        assertTrue(storeGoesInline(0x6000));
        assertFalse(storeGoesInline(0x5000), "the other page learns it on its next write");
        mmu.write32(0x5000, 3);
        assertTrue(storeGoesInline(0x5000));
    }

    @Test
    void restoredEntriesKeepNoRightTheirFramesNoLongerGive() {
        mapPage(0x5000, 0x200000, P | RW);
        mmu.write32(0x5000, 1);
        Mmu.Saved saved = mmu.save();
        ram.markCodeFrame(0x200);
        mmu.restore(saved);
        assertFalse(storeGoesInline(0x5000));
    }
}
