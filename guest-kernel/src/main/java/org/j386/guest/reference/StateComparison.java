package org.j386.guest.reference;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Sets a guest's memory-manager structures beside a reference's, field by field: both views are
 * physical memory, and the reference says where its structures lie. Keeps the first
 * {@value #LIMIT} differences; a structure that differs wholesale (a table never zeroed) would
 * otherwise bury the one line that explains it.
 */
public final class StateComparison {
    public static final int LIMIT = 12;
    /** What a paging entry must agree on: the frame, page size, U/S, R/W and P; never A or D. */
    static final int PDE_MASK = 0xFFFFF087, PTE_MASK = 0xFFFFF007;

    private final PhysicalView guest;
    private final PhysicalView reference;
    private final List<StateDifference> differences = new ArrayList<>();
    private final BitSet tablesSeen = new BitSet();
    private int found;

    public StateComparison(PhysicalView guest, PhysicalView reference) {
        this.guest = guest;
        this.reference = reference;
    }

    public PhysicalView guest() {
        return guest;
    }

    public PhysicalView reference() {
        return reference;
    }

    /** Records a difference (if still under the limit) when the two values differ. */
    public void field(String where, long guestValue, long referenceValue) {
        if (guestValue != referenceValue) {
            differ(where, guestValue, referenceValue);
        }
    }

    public void differ(String where, long guestValue, long referenceValue) {
        if (found++ < LIMIT) {
            differences.add(new StateDifference(where, guestValue, referenceValue));
        }
    }

    /** The guest's CR3 against the directory the reference loaded last (physical), when the guest has one. */
    public void loadedDirectory(long referenceDirectory) {
        if (guest.cr3() >= 0 && referenceDirectory >= 0) {
            field("CR3 (the directory loaded)", guest.cr3() & 0xFFFFF000L, referenceDirectory);
        }
    }

    /** The dword at {@code physical} on both sides. */
    public void dword(String where, int physical) {
        field(where, guest.read32(physical) & 0xFFFFFFFFL, reference.read32(physical) & 0xFFFFFFFFL);
    }

    /** {@code count} state bytes from {@code physical}, the i-th named {@code name} and {@code firstLabel + i} in hex. */
    public void bytes(String name, int physical, int count, int firstLabel) {
        for (int i = 0; i < count; i++) {
            int g = guest.read8(physical + i), r = reference.read8(physical + i);
            if (g != r) {
                differ(name + " 0x" + Integer.toHexString(firstLabel + i), g, r);
            }
        }
    }

    /**
     * A page directory and the page table each present entry points to (once per comparison:
     * directories share tables); entry {@code recursiveSlot} (-1: none) points back at the
     * directory, which is not walked again as a table.
     */
    public void directory(String name, int directoryPhysical, int recursiveSlot) {
        for (int i = 0; i < 1024; i++) {
            int g = guest.read32(directoryPhysical + i * 4), r = reference.read32(directoryPhysical + i * 4);
            if (!sameEntry(g, r, PDE_MASK)) {
                differ(name + ", PDE " + i, g & 0xFFFFFFFFL, r & 0xFFFFFFFFL);
                continue;
            }
            if ((r & 1) == 0 || (r & 0x80) != 0 || i == recursiveSlot || tablesSeen.get(r >>> 12)) {
                continue;
            }
            tablesSeen.set(r >>> 12);
            table(String.format("page table 0x%x (PDE %d of %s)", r >>> 12, i, name), r & 0xFFFFF000);
        }
    }

    private void table(String name, int tablePhysical) {
        for (int i = 0; i < 1024; i++) {
            int g = guest.read32(tablePhysical + i * 4), r = reference.read32(tablePhysical + i * 4);
            if (!sameEntry(g, r, PTE_MASK)) {
                differ(name + ", PTE " + i, g & 0xFFFFFFFFL, r & 0xFFFFFFFFL);
            }
        }
    }

    /** Two entries agree when neither is present, or both are and agree on the masked bits. */
    private static boolean sameEntry(int guest, int reference, int mask) {
        return (guest & 1) == 0 && (reference & 1) == 0 || ((guest ^ reference) & mask) == 0;
    }

    /** The walk of {@code linear} through the directory at {@code directoryPhysical} in {@code memory}: physical address or -1. */
    public static long translate(PhysicalView memory, int directoryPhysical, int linear) {
        int pde = memory.read32(directoryPhysical + (linear >>> 22) * 4);
        if ((pde & 1) == 0) {
            return -1;
        }
        int pte = memory.read32((pde & 0xFFFFF000) + (linear >>> 12 & 0x3FF) * 4);
        return (pte & 1) == 0 ? -1 : (pte & 0xFFFFF000 | linear & 0xFFF) & 0xFFFFFFFFL;
    }

    /** The differences found, the first {@value #LIMIT} of them. */
    public List<StateDifference> differences() {
        return List.copyOf(differences);
    }

    /** How many differences were found in all. */
    public int count() {
        return found;
    }
}
