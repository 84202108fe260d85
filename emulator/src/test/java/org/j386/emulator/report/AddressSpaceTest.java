package org.j386.emulator.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.j386.emulator.memory.PhysicalMemory;
import org.junit.jupiter.api.Test;

class AddressSpaceTest {
    static final int DIR = 0x10000, TABLE0 = 0x11000, TABLE1 = 0x12000, TABLE2 = 0x13000;
    static final int P = 1, RW = 2, US = 4, PS = 0x80;

    /**
     * Linear 0-8 MiB identity-mapped supervisor read/write through two tables (page 0x5 read-only),
     * 8 MiB-12 MiB a 4 MiB user page, 0x00C00000 one user page at frame 0x5000 (mapped twice with
     * page 5), and directory entry 1023 pointing at the directory.
     */
    static PhysicalMemory tables() {
        PhysicalMemory ram = new PhysicalMemory(32 << 20);
        ram.write32(DIR, TABLE0 | P | RW);
        ram.write32(DIR + 4, TABLE1 | P | RW);
        ram.write32(DIR + 8, 0x00800000 | PS | P | RW | US);
        ram.write32(DIR + 12, TABLE2 | P | RW | US);
        ram.write32(DIR + 1023 * 4, DIR | P | RW);
        for (int i = 0; i < 1024; i++) {
            ram.write32(TABLE0 + i * 4, (i << 12) | P | (i == 5 ? 0 : RW));
            ram.write32(TABLE1 + i * 4, ((1024 + i) << 12) | P | RW);
        }
        ram.write32(TABLE2, 0x5000 | P | US);
        return ram;
    }

    @Test
    void contiguousPagesWithTheSameRightsMergeAcrossPageTables() {
        List<AddressSpace.Range> ranges = AddressSpace.read(tables(), DIR, true).ranges;
        AddressSpace.Range first = ranges.get(0), readOnly = ranges.get(1), rest = ranges.get(2);
        assertEquals(0, first.linear());
        assertEquals(5 * 4096, first.size());
        assertEquals(0x5000, readOnly.linear());
        assertFalse(readOnly.writable());
        assertEquals(0x6000, rest.linear());
        assertEquals((8 << 20) - 0x6000, rest.size(), "pages 6 to 2047 are one range, though two tables map them");
        assertEquals(0x6000, rest.physical());
        assertFalse(rest.user());
        assertFalse(rest.large());
    }

    @Test
    void largePagesUserPagesAndTheRecursiveWindowAreTold() {
        AddressSpace space = AddressSpace.read(tables(), DIR, true);
        AddressSpace.Range large = space.ranges.get(3);
        assertEquals(8 << 20, large.linear());
        assertTrue(large.large() && large.user() && large.writable());
        assertEquals(4 << 20, large.size());
        AddressSpace.Range user = space.ranges.get(4);
        assertEquals(0x00C00000, user.linear());
        assertEquals(0x5000, user.physical());
        assertTrue(user.user() && !user.writable() && !user.recursive());
        assertEquals(List.of(1023), space.windows);
        List<AddressSpace.Range> window = space.ranges.subList(5, space.ranges.size());
        assertTrue(window.stream().allMatch(AddressSpace.Range::recursive));
        assertEquals(0xFFC00000L, window.get(0).linear());
        assertEquals(TABLE0, window.get(0).physical());
        assertEquals(0xFFFFF000L, window.get(window.size() - 1).linear());
        assertEquals(DIR, window.get(window.size() - 1).physical());
    }

    @Test
    void withoutPageSizeExtensionsALargeEntryIsReadAsATable() {
        AddressSpace space = AddressSpace.read(tables(), DIR, false);
        assertTrue(space.ranges.stream().noneMatch(AddressSpace.Range::large));
    }
}
