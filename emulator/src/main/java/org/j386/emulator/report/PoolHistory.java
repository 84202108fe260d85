package org.j386.emulator.report;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import org.j386.emulator.check.ReferenceChecker;
import org.j386.guest.lab2.Kmem;
import org.j386.guest.lab2.Lab2Kernel;
import org.j386.guest.reference.ContFramePool;
import org.j386.guest.reference.Event;
import org.j386.guest.reference.MemoryManager;
import org.j386.guest.reference.Op;
import org.j386.guest.reference.PoolSnapshot;

/**
 * The bundled guest kernels' pools over time, from their event records: the reference memory
 * manager follows the guest record by record (as {@code --check-reference} does), and after an
 * operation ends the pools are summed up (MP4's frame and VM pools, Lab2's free list). Long runs
 * are sampled evenly ({@link Sampled}).
 */
final class PoolHistory implements Consumer<Event> {
    /** One pool after one operation, in pages (VM pools) or frames (frame pools) of 4 KiB. */
    record PoolState(String name, boolean framePool, long used, long free, long unavailable, long freeRegions,
            long largestFree) {
        long total() {
            return used + free + unavailable;
        }
    }

    /** The pools after the operation-th operation, which ended at {@code instructions}. */
    record Sample(long operation, long instructions, String op, List<PoolState> pools) {
    }

    private final ReferenceChecker reference;
    private final LongSupplier instructions;
    private final Sampled<Sample> samples;
    private long records;

    PoolHistory(LongSupplier instructions, int capacity) {
        this.instructions = instructions;
        this.reference = new ReferenceChecker(instructions, () -> { });
        this.samples = new Sampled<>(capacity);
    }

    /**
     * What the reference is allowed to build from the guest's records: the guest is not trusted,
     * and a pool of four billion frames would cost the report its time and memory.
     */
    static final int MAX_POOLS = 64;
    static final long MAX_FRAMES = 1 << 20;

    private int framePools, vmPools;
    private long frames;
    private String stopped;

    @Override
    public void accept(Event e) {
        records++;
        if (reference.divergence() != null || stopped != null) {
            return;
        }
        if (!e.end() && reference.betweenOperations() && (stopped = tooLarge(e)) != null) {
            return;
        }
        reference.accept(e);
        // The reference performs a whole operation at its begin record and queues its records: the
        // queue is empty again exactly when the guest ends the outermost operation.
        if (e.end() && reference.betweenOperations() && samples.offer()) {
            samples.add(new Sample(samples.offered(), instructions.getAsLong(), e.op().toString(), states()));
        }
    }

    /** Why the reference must not perform this operation, or null. */
    private String tooLarge(Event begin) {
        if (begin.op() == Op.POOL_INIT) {
            frames += Integer.toUnsignedLong(begin.values()[1]);
            if (++framePools > MAX_POOLS || frames > MAX_FRAMES) {
                return "more than " + MAX_POOLS + " frame pools or " + MAX_FRAMES + " frames in them (" + begin + ")";
            }
        } else if (begin.op() == Op.VM_INIT && ++vmPools > MAX_POOLS) {
            return "more than " + MAX_POOLS + " VM pools (" + begin + ")";
        }
        return null;
    }

    /** The pools of whichever kernel's reference the records chose, in the terms the page draws them. */
    private List<PoolState> states() {
        if (reference.reference() instanceof Lab2Kernel lab2) {
            return List.of(freeList(lab2.kmem()));
        }
        PoolSnapshot snapshot = reference.pools();
        return snapshot == null ? List.of() : states(snapshot);
    }

    /**
     * The Lab2 kernel's free list as one pool of the frames from the kernel's end to PHYSTOP:
     * those on the list are free, the rest handed out; its regions are runs of adjacent free frames.
     */
    static PoolState freeList(Kmem kmem) {
        BitSet free = kmem.freeFrames();
        long regions = 0, largest = 0;
        for (int at = free.nextSetBit(0); at >= 0; ) {
            int end = free.nextClearBit(at);
            regions++;
            largest = Math.max(largest, end - at);
            at = free.nextSetBit(end);
        }
        long total = Math.max(kmem.managedFrames(), free.cardinality());
        return new PoolState("kalloc free list", true, total - free.cardinality(), free.cardinality(), 0, regions, largest);
    }

    /** The pools in the terms the page draws them. */
    static List<PoolState> states(PoolSnapshot snapshot) {
        List<PoolState> states = new ArrayList<>();
        for (PoolSnapshot.FramePool p : snapshot.framePools()) {
            long[] count = new long[4];
            long regions = 0, largest = 0, run = 0;
            for (byte b : p.states()) {
                count[b & 3]++;
                if (b == ContFramePool.FREE) {
                    regions += run == 0 ? 1 : 0;
                    largest = Math.max(largest, ++run);
                } else {
                    run = 0;
                }
            }
            states.add(new PoolState(name(p), true,
                    count[ContFramePool.USED] + count[ContFramePool.HEAD], count[ContFramePool.FREE],
                    count[ContFramePool.INACCESSIBLE], regions, largest));
        }
        for (PoolSnapshot.VmPool v : snapshot.vmPools()) {
            long used = 0, free = 0, regions = 0, largest = 0;
            for (PoolSnapshot.Region r : v.regions()) {
                if (r.allocated()) {
                    used += r.pages();
                } else if (r.pages() > 0) {
                    free += r.pages();
                    regions++;
                    largest = Math.max(largest, r.pages());
                }
            }
            long total = Integer.toUnsignedLong(v.size()) >>> 12;
            states.add(new PoolState(name(v), false, used, free,
                    Math.max(0, total - used - free), regions, largest));
        }
        return states;
    }

    static String name(PoolSnapshot.FramePool p) {
        return String.format("frame pool 0x%05x", p.baseFrame());
    }

    static String name(PoolSnapshot.VmPool v) {
        return String.format("VM pool 0x%08x", v.base());
    }

    List<Sample> samples() {
        return samples.kept();
    }

    /** Operations that ended, sampled or not. */
    long operations() {
        return samples.offered();
    }

    long stride() {
        return samples.stride();
    }

    long records() {
        return records;
    }

    /** The pools now, as the reference holds them; empty for the Lab2 kernel, whose list is one of its states. */
    PoolSnapshot now() {
        PoolSnapshot pools = reference.pools();
        return pools == null ? new MemoryManager(e -> { }).poolSnapshot() : pools;
    }

    /** Why the history stops early (the guest left the reference, or built more than it follows), or null. */
    String problem() {
        if (stopped != null) {
            return "the guest built " + stopped;
        }
        return reference.divergence() == null ? null : reference.divergence().describe();
    }
}
