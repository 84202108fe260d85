package org.j386.emulator.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PhysicalMemoryTest {
    @Test
    void wordsAreLittleEndian() {
        PhysicalMemory m = new PhysicalMemory(8192);
        m.write32(0x10, 0x11223344);
        assertEquals(0x44, m.read8(0x10));
        assertEquals(0x3344, m.read16(0x10));
        assertEquals(0x1122, m.read16(0x12));
    }

    @Test
    void addressesBeyondRamReadAllOnesAndIgnoreWrites() {
        PhysicalMemory m = new PhysicalMemory(4096);
        m.write32(4096, 0x12345678);
        assertEquals(0xFFFFFFFF, m.read32(4096));
        assertEquals(0xFF, m.read8(-1));
        assertEquals(0xFFFF0000 | 0, m.read32(4094) & 0xFFFF0000);
    }

    @Test
    void writingACodeFrameNotifiesTheDecodeCacheOnce() {
        PhysicalMemory m = new PhysicalMemory(8192);
        int[] calls = new int[2];
        m.addCodeWriteListener(frame -> calls[frame]++);
        m.markCodeFrame(1);
        m.write8(0x1000, 1);
        m.write8(0x1001, 1);
        m.write8(0x0000, 1);
        assertEquals(0, calls[0]);
        assertEquals(1, calls[1]);
    }
}
