package org.j386.emulator.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
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

    @Test
    void everyFrameWriteListenerHearsEveryWriteToAWatchedFrameAndNoneToOthers() {
        PhysicalMemory m = new PhysicalMemory(3 * 4096);
        List<String> first = new ArrayList<>();
        List<String> second = new ArrayList<>();
        m.addFrameWriteListener((at, length) -> first.add(Integer.toHexString(at) + "/" + length));
        m.addFrameWriteListener((at, length) -> second.add(Integer.toHexString(at) + "/" + length));
        m.watchFrameWrites(1);
        m.write32(0x1004, 7);
        m.write8(0x0004, 7); // frame 0: not watched
        m.write16(0x2000, 7);
        m.write16(0x1FFF, 7); // across into frame 2: its byte in the watched frame 1 is heard
        assertEquals(List.of("1004/4", "1fff/1"), first);
        assertEquals(first, second, "the second listener hears what the first does");
    }

    @Test
    void everyWritePathMarksTheFramesItChangesSinceTrackingStartedAndNoOthers() {
        PhysicalMemory m = new PhysicalMemory(8 * 4096);
        m.write8(0x0000, 1); // before tracking: not a change
        m.trackChanges();
        m.write8(0x1000, 1);
        m.write16(0x2FFF, 0xABCD); // across frames 2 and 3
        m.write32(0x4000, 5);
        m.fill(0x5000, 2, 4, 7);
        m.copy(0x1000, 0x6000, 4, 1, false);
        m.restoreFrame(7, new byte[4096]); // put back from a snapshot: not a change
        assertArrayEquals(new int[] {1, 2, 3, 4, 5, 6}, m.takeChangedFrames());
        m.write8(0x1001, 2);
        assertArrayEquals(new int[] {1}, m.takeChangedFrames(), "taking them starts over");
    }

    @Test
    void trackingAndCodeFramesAreHeardTogetherOnTheFirstWrite() {
        PhysicalMemory m = new PhysicalMemory(8192);
        int[] calls = new int[2];
        m.addCodeWriteListener(frame -> calls[frame]++);
        m.trackChanges();
        m.markCodeFrame(1);
        m.write8(0x1000, 1);
        assertEquals(1, calls[1]);
        assertArrayEquals(new int[] {1}, m.takeChangedFrames());
    }

    @Test
    void aFrameCopyOfZerosIsNothingAndOtherwiseItsBytes() {
        PhysicalMemory m = new PhysicalMemory(8192);
        m.write8(0x1FFF, 9);
        assertNull(m.frameCopy(0));
        assertEquals(9, m.frameCopy(1)[0xFFF]);
    }

    private static byte[] romImage(int size) {
        byte[] rom = new byte[size];
        for (int i = 0; i < size; i++) {
            rom[i] = (byte) (i * 7 + (i >>> 12));
        }
        return rom;
    }

    @Test
    void aRomAppearsAtTheTopOfTheAddressSpaceAndItsLast128KibBelow1Mib() {
        PhysicalMemory m = new PhysicalMemory(2 << 20);
        byte[] rom = romImage(256 << 10);
        m.mapRom(rom);
        assertEquals(rom[0] & 0xFF, m.read8(0xFFFC0000));
        assertEquals(rom[rom.length - 16] & 0xFF, m.read8(0xFFFFFFF0));
        assertEquals(rom[rom.length - 4] & 0xFF | (rom[rom.length - 3] & 0xFF) << 8, m.read16(0xFFFFFFFC));
        assertEquals(rom[128 << 10] & 0xFF, m.read8(0xE0000));
        assertEquals(rom[rom.length - 1] & 0xFF, m.read8(0xFFFFF));
        assertEquals(0xFF, m.read8(0xFFFB0000), "below the ROM the bus is empty");
        assertEquals(0, m.read8(0xDFFFF), "below the copy is RAM");
    }

    @Test
    void writesToEitherCopyOfTheRomAreIgnoredByEveryWritePath() {
        PhysicalMemory m = new PhysicalMemory(2 << 20);
        byte[] rom = romImage(64 << 10);
        m.mapRom(rom);
        int copy = 0xF0000;
        m.write8(copy, 0x11);
        m.write16(copy + 2, 0x2222);
        m.write32(copy + 0xFFE, 0x33333333);
        m.fill(copy + 0x100, 16, 4, 0x44444444);
        m.copy(0x1000, copy + 0x200, 8, 2, false);
        m.write32(0xFFFF0000, 0x55555555);
        m.write32(0xEFFFE, 0x66666666); // straddles RAM and the copy
        for (int i = 0; i < rom.length; i++) {
            assertEquals(rom[i] & 0xFF, m.read8(copy + i), "copy byte " + i);
            assertEquals(rom[i] & 0xFF, m.read8(0xFFFF0000 + i), "top byte " + i);
        }
        assertEquals(0x6666, m.read16(0xEFFFE), "the RAM half of a straddling write lands");
    }

    @Test
    void aFillWritesWhatOneWriteAtATimeWould() {
        java.util.Random random = new java.util.Random(11);
        PhysicalMemory filled = new PhysicalMemory(3 * 4096);
        PhysicalMemory written = new PhysicalMemory(3 * 4096);
        for (int round = 0; round < 2000; round++) {
            int bytes = 1 << random.nextInt(3);
            int count = random.nextInt(600);
            int address = random.nextInt(2 * 4096);
            int value = random.nextInt(3) == 0 ? random.nextInt(2) - 1 : random.nextInt();
            filled.fill(address, count, bytes, value);
            for (int i = 0; i < count; i++) {
                int at = address + i * bytes;
                switch (bytes) {
                    case 1 -> written.write8(at, value);
                    case 2 -> written.write16(at, value);
                    default -> written.write32(at, value);
                }
            }
            for (int i = 0; i < 3 * 4096; i += 4) {
                assertEquals(written.read32(i), filled.read32(i), "round " + round + ": " + count + " x " + bytes
                        + " of " + Integer.toHexString(value) + " at " + address + ", dword at " + i);
            }
        }
    }

    @Test
    void aScanStopsAtTheFirstElementThatEndsItAsOneCompareAtATimeWould() {
        java.util.Random random = new java.util.Random(7);
        PhysicalMemory m = new PhysicalMemory(8192);
        for (int round = 0; round < 4000; round++) {
            // Few distinct byte values, so that runs of equal and of differing elements both occur,
            // and in half the rounds few ones, so that runs of equal elements reach a scan's end.
            int density = random.nextBoolean() ? 8 : 400;
            for (int i = 0; i < 8192; i++) {
                m.write8(i, random.nextInt(density) == 0 ? 1 : 0);
            }
            int bytes = 1 << random.nextInt(3);
            boolean down = random.nextBoolean();
            boolean whileEqual = random.nextBoolean();
            int count = 1 + random.nextInt(300);
            // Some scans run past the end of RAM, where the bus reads as all ones.
            int address = random.nextInt(8192 + 64) & -bytes;
            int value = random.nextInt(4) == 0 ? -1 >>> (32 - 8 * bytes) : random.nextInt(2);
            int expected = 0;
            int v;
            do {
                v = m.read(address + (down ? -expected : expected) * bytes, bytes);
                expected++;
            } while (expected < count && (v == value) == whileEqual);
            assertEquals(expected, m.scan(address, count, bytes, down, value, whileEqual),
                    "scan of " + count + " x " + bytes + " at " + address + (down ? " down" : " up"));
        }
    }
}
