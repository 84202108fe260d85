package org.j386.emulator.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.j386.emulator.memory.PhysicalMemory;
import org.j386.emulator.report.PhysicalMap.Use;
import org.junit.jupiter.api.Test;

class PhysicalMapTest {
    @Test
    void framesAreClassifiedByWhatTheTablesMakeOfThem() {
        PhysicalMemory ram = AddressSpaceTest.tables();
        PhysicalMap map = PhysicalMap.classify(ram, true, AddressSpaceTest.DIR, true);
        assertEquals(Use.DIRECTORY, map.use(AddressSpaceTest.DIR >>> 12));
        assertEquals(Use.PAGE_TABLE, map.use(AddressSpaceTest.TABLE1 >>> 12));
        assertEquals(Use.PAGE_TABLE, map.use(AddressSpaceTest.TABLE2 >>> 12));
        assertEquals(Use.MAPPED_MORE, map.use(5), "page 5 and 0x00C00000 share frame 5");
        assertEquals(Use.MAPPED_ONCE, map.use(6));
        assertEquals(Use.MAPPED_ONCE, map.use(0x900), "inside the 4 MiB page");
        assertEquals(Use.MAPPED_MORE, map.use(0x800), "the 4 MiB page's first frame, also seen through the recursive window");
        assertEquals(Use.NEVER_MAPPED, map.use(0xC00));
    }

    @Test
    void holesRomAndReservedRamComeFromTheMemoryMap() {
        PhysicalMap map = PhysicalMap.classify(AddressSpaceTest.tables(), true, AddressSpaceTest.DIR, true);
        assertEquals(Use.HOLE, map.use(0xA0));
        assertEquals(Use.HOLE, map.use(0xB8));
        assertEquals(Use.ROM, map.use(0xC0));
        assertEquals(Use.ROM, map.use(0xFF));
        assertEquals(Use.RESERVED, map.use(0x9F), "the EBDA's frame");
        assertEquals(Use.RESERVED, map.use((32 << 8) - 1), "the firmware tables at the top of RAM");
        assertEquals(Use.MAPPED_ONCE, map.use(0x9E));
    }

    @Test
    void framesAddUpToRamAndMappingsBeyondItAreCounted() {
        PhysicalMemory ram = AddressSpaceTest.tables();
        ram.write32(AddressSpaceTest.TABLE2 + 4, 0xFEE00000 | 1);
        PhysicalMap map = PhysicalMap.classify(ram, true, AddressSpaceTest.DIR, true);
        long sum = 0;
        for (long n : map.framesByUse) {
            sum += n;
        }
        assertEquals(32 << 8, sum);
        assertEquals(1, map.pagesOutsideRam);
        assertEquals(1, map.framesByUse[Use.DIRECTORY.ordinal()]);
        assertEquals(3, map.framesByUse[Use.PAGE_TABLE.ordinal()]);
    }

    @Test
    void withPagingOffEveryRamFrameIsSeenAtItsOwnAddress() {
        PhysicalMap map = PhysicalMap.classify(AddressSpaceTest.tables(), false, AddressSpaceTest.DIR, true);
        assertEquals(Use.UNTRANSLATED, map.use(AddressSpaceTest.DIR >>> 12));
        assertEquals(Use.HOLE, map.use(0xB8));
    }

    @Test
    void aCellOfManyFramesShowsItsMostTellingUse() {
        PhysicalMap map = PhysicalMap.classify(AddressSpaceTest.tables(), true, AddressSpaceTest.DIR, true);
        Use[] cells = MemoryFigures.cells(map, 16);
        assertEquals(Use.DIRECTORY, cells[AddressSpaceTest.DIR >>> 16]);
        assertEquals(Use.MAPPED_MORE, cells[0]);
    }
}
