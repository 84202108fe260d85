package org.j386.emulator.memory;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * The RAM writes of one stretch of execution, with the bytes they overwrote, so that the stretch
 * can be undone and run again by another CPU tier ({@code --jit-check}). Installed in {@link
 * PhysicalMemory} only while such a stretch runs.
 */
public final class WriteJournal {
    private int[] addresses = new int[64];
    /** The overwritten bytes of each write, little-endian, as many as {@link #lengths} says. */
    private int[] oldValues = new int[64];
    private byte[] lengths = new byte[64];
    private int count;

    /** Forgets every write recorded so far; returns this journal. */
    public WriteJournal clear() {
        count = 0;
        return this;
    }

    /** Called by {@link PhysicalMemory} before it writes {@code length} bytes (1, 2 or 4) within RAM. */
    void record(byte[] ram, int address, int length) {
        if (count == addresses.length) {
            addresses = Arrays.copyOf(addresses, count * 2);
            oldValues = Arrays.copyOf(oldValues, count * 2);
            lengths = Arrays.copyOf(lengths, count * 2);
        }
        int old = 0;
        for (int i = length - 1; i >= 0; i--) {
            old = (old << 8) | (ram[address + i] & 0xFF);
        }
        addresses[count] = address;
        oldValues[count] = old;
        lengths[count] = (byte) length;
        count++;
    }

    /**
     * Each byte address written, with the value it had before the first write to it: what the
     * memory held when the journal was installed.
     */
    public Map<Integer, Integer> originalBytes() {
        Map<Integer, Integer> original = new TreeMap<>();
        for (int n = 0; n < count; n++) {
            for (int i = 0; i < lengths[n]; i++) {
                original.putIfAbsent(addresses[n] + i, (oldValues[n] >>> (8 * i)) & 0xFF);
            }
        }
        return original;
    }

    /**
     * Writes back every overwritten byte, newest first, through the ordinary write path so that
     * cached code of a rewritten frame is dropped as for any other write. The journal must no
     * longer be installed.
     */
    public void undo(PhysicalMemory memory) {
        for (int n = count - 1; n >= 0; n--) {
            for (int i = 0; i < lengths[n]; i++) {
                memory.write8(addresses[n] + i, oldValues[n] >>> (8 * i));
            }
        }
        count = 0;
    }
}
