package org.j386.emulator.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

class WriteJournalTest {
    @Test
    void undoPutsBackEveryByteAsItWasWhenTheJournalWasInstalled() {
        PhysicalMemory ram = new PhysicalMemory(2 * 4096);
        ram.write32(0x100, 0x11223344);
        ram.write32(0xFFE, 0xAABBCCDD); // across the frame boundary: split into smaller writes
        WriteJournal journal = new WriteJournal();
        ram.setWriteJournal(journal);
        ram.write32(0x100, 1);
        ram.write16(0x102, 0xFFFF); // the same bytes again: the first old value is what counts
        ram.write8(0x104, 7);
        ram.write32(0xFFE, 0);
        ram.write32(2 * 4096, 5); // beyond RAM: ignored, nothing to record
        ram.setWriteJournal(null);

        Map<Integer, Integer> expected = new TreeMap<>(Map.of(0x100, 0x44, 0x101, 0x33, 0x102, 0x22, 0x103, 0x11,
                0x104, 0, 0xFFE, 0xDD, 0xFFF, 0xCC, 0x1000, 0xBB, 0x1001, 0xAA));
        assertEquals(expected, journal.originalBytes());

        journal.undo(ram);
        assertEquals(0x11223344, ram.read32(0x100));
        assertEquals(0, ram.read8(0x104));
        assertEquals(0xAABBCCDD, ram.read32(0xFFE));
        assertTrue(journal.originalBytes().isEmpty(), "an undone journal is empty");
    }

    @Test
    void undoingAWriteToCachedCodeTellsTheCodeCacheAsAnyWriteDoes() {
        PhysicalMemory ram = new PhysicalMemory(4096);
        int[] told = new int[1];
        ram.addCodeWriteListener(frame -> told[0]++);
        WriteJournal journal = new WriteJournal();
        ram.setWriteJournal(journal);
        ram.write8(0x10, 0x90);
        ram.setWriteJournal(null);
        ram.markCodeFrame(0);
        journal.undo(ram);
        assertEquals(1, told[0]);
        assertEquals(0, ram.read8(0x10));
    }
}
