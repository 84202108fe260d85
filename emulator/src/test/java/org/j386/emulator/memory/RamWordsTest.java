package org.j386.emulator.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The direct RAM words compiled code uses: little-endian as the guest sees them, never outside the array. */
class RamWordsTest {
    @BeforeEach
    void onAHostThatHasThem() {
        assumeTrue(RamWords.AVAILABLE, "this host is not little-endian: compiled code takes the interpreter's path");
    }

    @Test
    void dwordsAndWordsAreLittleEndianAtAnyAlignment() {
        byte[] ram = new byte[16];
        RamWords.setDword(ram, 3, 0x11223344);
        RamWords.setWord(ram, 9, 0xA1B2C3);
        assertArrayEquals(new byte[] {0, 0, 0, 0x44, 0x33, 0x22, 0x11, 0, 0, (byte) 0xC3, (byte) 0xB2, 0, 0, 0, 0, 0}, ram);
        assertEquals(0x11223344, RamWords.dword(ram, 3));
        assertEquals(0x1122, RamWords.word(ram, 5));
        assertEquals(0xB2C3, RamWords.word(ram, 9), "a word reads zero-extended");
        assertEquals(0x00B2C300, RamWords.dword(ram, 8));
    }

    @Test
    void anIndexReachingPastTheArrayIsRefusedBeforeAnyAccess() {
        byte[] ram = new byte[4096];
        assertEquals(0, RamWords.dword(ram, 4092));
        assertThrows(ArrayIndexOutOfBoundsException.class, () -> RamWords.dword(ram, 4093));
        assertThrows(ArrayIndexOutOfBoundsException.class, () -> RamWords.word(ram, 4095));
        assertThrows(ArrayIndexOutOfBoundsException.class, () -> RamWords.setDword(ram, -1, 5));
        assertThrows(ArrayIndexOutOfBoundsException.class, () -> RamWords.setWord(ram, 0x7FFFFFFF, 5));
        assertThrows(ArrayIndexOutOfBoundsException.class, () -> RamWords.dword(new byte[2], 0));
    }

    @Test
    void aBlocksAccessIsGivenOnlyForAMaskThatKeepsADwordInsideTheArray() {
        byte[] ram = new byte[4096 + RamWords.PAST_END];
        assertNotNull(RamWords.blockAccess(ram, 4095), "RAM of 4 KiB and the bytes past it");
        assertThrows(IllegalArgumentException.class, () -> RamWords.blockAccess(new byte[4096], 4095),
                "no room for a dword at the last index the mask allows");
        assertThrows(IllegalArgumentException.class, () -> RamWords.blockAccess(ram, -1));
    }

    @Test
    void ramOfAPowerOfTwoSizeHasAMaskItsArrayHoldsAndOtherSizesNone() {
        PhysicalMemory pow2 = new PhysicalMemory(1 << 20);
        assertEquals((1 << 20) - 1, pow2.indexMask());
        assertNotNull(RamWords.blockAccess(pow2.array(), pow2.indexMask()));
        assertEquals(-1, new PhysicalMemory(3 << 20).indexMask());
    }
}
