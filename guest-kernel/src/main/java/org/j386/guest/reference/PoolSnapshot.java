package org.j386.guest.reference;

import java.util.List;

/**
 * The memory manager's pools at one moment, in the terms the guest kernel keeps them: every frame
 * pool in creation order with one state byte per frame ({@link ContFramePool#FREE} and so on), the
 * current page table's directory frame (0: none yet) and its VM pools in registration order with
 * their region tables. Taken without side effects: nothing is mapped or recorded to read it.
 */
public record PoolSnapshot(List<FramePool> framePools, int currentDirectoryFrame, List<VmPool> vmPools) {
    /** {@code states[i]} is the state of frame {@code baseFrame + i}. */
    public record FramePool(int baseFrame, int frameCount, int infoFrame, byte[] states) {
    }

    /**
     * A VM pool; {@code tableMapped} is false while its region table page has no frame, and then the
     * counts are 0 and {@code regions} is empty.
     */
    public record VmPool(int base, int size, int framePoolBase, boolean tableMapped, int regionCount, int allocatedCount,
            List<Region> regions) {
    }

    /** A region table entry: {@code pages} pages from {@code start}, allocated or free. */
    public record Region(int start, int pages, boolean allocated) {
    }
}
