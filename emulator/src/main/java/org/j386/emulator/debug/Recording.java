package org.j386.emulator.debug;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.function.LongSupplier;

import org.j386.emulator.machine.Machine;
import org.j386.emulator.machine.MachineState;
import org.j386.emulator.memory.PhysicalMemory;

/**
 * Snapshots of the debugged machine while it runs, so that going back restores the newest one
 * before the instruction wanted and replays only from there.
 *
 * <p>A snapshot holds the processor, MMU and device state ({@link MachineState}) and the 4 KiB
 * RAM frames written since the snapshot before it (the oldest: every frame that is not all zero).
 * The frames written are known from {@link PhysicalMemory}'s change tracking, which costs a
 * write nothing but the test it already makes for frames holding code: only the first write to a
 * frame after a snapshot takes the slow path. The RAM at a snapshot is then, frame by frame, the
 * copy in the newest snapshot up to it that holds the frame, or zero.
 *
 * <p>Snapshots are taken every {@link #interval()} instructions, an interval that doubles while
 * taking them costs more than {@link Spacing#SHARE} of the run time between them and halves while
 * they cost far less. Their memory stays within a limit: the oldest is folded into the next one
 * (which takes the frames only it had) until they fit.
 *
 * <p>While the run passes a count that already has a snapshot (after going back), none is taken
 * again; the tracking just starts over there, since the run is the recorded one.
 */
final class Recording implements Machine.Checkpoints {
    static final long DEFAULT_LIMIT = 256L << 20;
    static final long FIRST_INTERVAL = Spacing.MIN;
    private static final int FRAME = 4096;

    private final Machine live;
    private final PhysicalMemory ram;
    private final long limitBytes;
    private final LongSupplier clock;
    private final List<Snapshot> snapshots = new ArrayList<>();
    /** Every frame any snapshot ever held: a full snapshot must hold them all again, zero or not. */
    private final BitSet framesKept = new BitSet();
    private final Spacing spacing;
    private long bytes;
    /** The instruction count of the last checkpoint taken, passed or gone back to. */
    private long settledAt = -1;
    /**
     * Whether the live RAM differs from the recorded run's at {@link #settledAt} only in the frames
     * its change tracking names; false after a replay from boot, which tracked nothing.
     */
    private boolean tracked;
    private long due;
    /** Nanoseconds spent running since the last snapshot, and when the current run began (or -1). */
    private long runNanos, runningSince = -1;
    private long snapshotsTaken, snapshotNanos, bytesTaken;
    /** How many times a replay started from a snapshot. */
    private int restores;
    /** The instruction count recording began at, and the furthest any run has been. */
    private final long began;
    private long furthest;
    /** Why recording stopped for good, or null while it records. */
    private String stopped;

    /** One snapshot: the state at {@link #instructions} and the frames written since the one before. */
    static final class Snapshot {
        final long instructions;
        final MachineState state;
        /** Frame numbers in increasing order, with their contents (null: all zero). */
        int[] frames;
        byte[][] pages;
        long bytes;

        Snapshot(MachineState state, int[] frames, byte[][] pages) {
            this.instructions = state.instructions();
            this.state = state;
            this.frames = frames;
            this.pages = pages;
            measure();
        }

        private void measure() {
            long b = state.bytes() + 12L * frames.length;
            for (byte[] page : pages) {
                b += page == null ? 0 : FRAME;
            }
            bytes = b;
        }
    }

    private final LongSupplier collector;
    /** The collector's time at the last snapshot. */
    private long collectedBefore;

    private static long collectorNanos() {
        long millis = 0;
        for (java.lang.management.GarbageCollectorMXBean gc : java.lang.management.ManagementFactory
                .getGarbageCollectorMXBeans()) {
            millis += Math.max(0, gc.getCollectionTime());
        }
        return millis * 1_000_000;
    }

    Recording(Machine live, long limitBytes) {
        this(live, limitBytes, FIRST_INTERVAL, System::nanoTime, Recording::collectorNanos);
    }

    /** With the first interval and the clock that measures costs given, and no collector time (tests). */
    Recording(Machine live, long limitBytes, long firstInterval, LongSupplier clock) {
        this(live, limitBytes, firstInterval, clock, () -> 0);
    }

    /**
     * {@code collector} gives the JVM's garbage-collection time so far, in nanoseconds: the
     * snapshots' pages outlive every young collection and must be copied, a cost of recording
     * that taking the snapshot itself does not show.
     */
    private Recording(Machine live, long limitBytes, long firstInterval, LongSupplier clock, LongSupplier collector) {
        this.live = live;
        this.collector = collector;
        this.collectedBefore = collector.getAsLong();
        this.ram = live.ram();
        this.limitBytes = limitBytes;
        this.spacing = new Spacing(firstInterval);
        this.clock = clock;
        due = live.cpu().state.instructions;
        began = due;
        live.setCheckpoints(this);
    }

    @Override
    public long nextCheckpoint() {
        return due;
    }

    @Override
    public void running(boolean running) {
        long now = clock.getAsLong();
        if (running) {
            runningSince = now;
        } else if (runningSince >= 0) {
            runNanos += now - runningSince;
            runningSince = -1;
        }
        furthest = Math.max(furthest, live.cpu().state.instructions);
    }

    @Override
    public void reached(Machine machine) {
        if (machine.cpu().interrupts.hasHeldException()) {
            return; // a debugger's stop before delivery is no state of the run: the next boundary is
        }
        long now = machine.cpu().state.instructions;
        Snapshot here = at(now);
        if (here != null) {
            passed();
        } else if (snapshots.isEmpty() || now > newest().instructions) {
            take(machine);
        }
        settledAt = now;
        planNext();
    }

    /** The run passes a snapshot already taken: what it tracks starts over from there. */
    private void passed() {
        if (tracked) {
            ram.takeChangedFrames();
        } else {
            ram.trackChanges();
            tracked = true;
        }
    }

    private void take(Machine machine) {
        long start = clock.getAsLong();
        long ranFor = runNanos + (runningSince >= 0 ? start - runningSince : 0);
        int[] frames;
        boolean incremental = tracked && !snapshots.isEmpty();
        if (incremental) {
            frames = ram.takeChangedFrames();
        } else {
            frames = everyFrameThatMatters();
            ram.trackChanges();
            tracked = true;
        }
        byte[][] pages = new byte[frames.length][];
        for (int i = 0; i < frames.length; i++) {
            pages[i] = ram.frameCopy(frames[i]);
            framesKept.set(frames[i]);
        }
        Snapshot s = new Snapshot(machine.saveState(), frames, pages);
        snapshots.add(s);
        bytes += s.bytes;
        bytesTaken += s.bytes;
        keepWithinLimit();
        long ended = clock.getAsLong();
        snapshotsTaken++;
        snapshotNanos += ended - start;
        long collected = collector.getAsLong();
        if (incremental) { // a full snapshot (the first, mostly) is rare and costs what it costs
            spacing.taken(ended - start + collected - collectedBefore, ranFor);
        }
        collectedBefore = collected;
        runNanos = 0;
        if (runningSince >= 0) {
            runningSince = ended;
        }
    }

    /** For a snapshot that cannot build on the one before: every frame not all zero, and every one ever kept. */
    private int[] everyFrameThatMatters() {
        BitSet frames = (BitSet) framesKept.clone();
        for (int frame = 0; frame < ram.frameCount(); frame++) {
            if (!frames.get(frame) && !ram.frameIsZero(frame)) {
                frames.set(frame);
            }
        }
        return frames.stream().toArray();
    }

    /** Drops the oldest snapshots until the rest fit; when not even one fits, recording stops. */
    private void keepWithinLimit() {
        while (bytes > limitBytes && snapshots.size() > 1) {
            Snapshot oldest = snapshots.remove(0);
            Snapshot next = snapshots.get(0);
            bytes -= oldest.bytes + next.bytes;
            foldInto(oldest, next);
            bytes += next.bytes;
        }
        if (bytes > limitBytes) {
            stopped = "one snapshot of this machine needs " + mib(bytes) + ", more than the limit of " + mib(limitBytes);
            snapshots.clear();
            bytes = 0;
            live.setCheckpoints(null);
        }
    }

    /** {@code next} becomes the oldest snapshot: it takes the frames that only {@code oldest} held. */
    private static void foldInto(Snapshot oldest, Snapshot next) {
        int[] frames = new int[oldest.frames.length + next.frames.length];
        byte[][] pages = new byte[frames.length][];
        int i = 0, j = 0, n = 0;
        while (i < oldest.frames.length || j < next.frames.length) {
            boolean fromNext = i == oldest.frames.length
                    || j < next.frames.length && next.frames[j] <= oldest.frames[i];
            if (fromNext) {
                if (i < oldest.frames.length && next.frames[j] == oldest.frames[i]) {
                    i++; // the newer copy wins
                }
                frames[n] = next.frames[j];
                pages[n++] = next.pages[j++];
            } else {
                frames[n] = oldest.frames[i];
                pages[n++] = oldest.pages[i++];
            }
        }
        next.frames = Arrays.copyOf(frames, n);
        next.pages = Arrays.copyOf(pages, n);
        next.measure();
    }

    /** Sets {@link #due}: the next snapshot to pass, or the next one to take. */
    private void planNext() {
        if (stopped != null) {
            due = Long.MAX_VALUE;
            return;
        }
        if (snapshots.isEmpty()) {
            due = settledAt;
        } else if (newest().instructions <= settledAt) {
            due = newest().instructions + spacing.interval();
        } else {
            due = firstAfter(settledAt).instructions;
        }
    }

    private Snapshot newest() {
        return snapshots.get(snapshots.size() - 1);
    }

    /** The snapshot taken at {@code instructions}, or null. */
    private Snapshot at(long instructions) {
        int i = indexAfter(instructions - 1);
        return i < snapshots.size() && snapshots.get(i).instructions == instructions ? snapshots.get(i) : null;
    }

    private Snapshot firstAfter(long instructions) {
        int i = indexAfter(instructions);
        return i < snapshots.size() ? snapshots.get(i) : null;
    }

    /** Where the oldest snapshot taken after {@code instructions} is (a binary search: there may be thousands). */
    private int indexAfter(long instructions) {
        int low = 0, high = snapshots.size();
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (snapshots.get(mid).instructions > instructions) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        return low;
    }

    // ---- going back ----

    /**
     * The newest snapshot before instruction {@code target}, or null (none that early). One at the
     * target itself is not taken: a debugger stops there before an exception is delivered, which
     * only a replay of the instruction before recreates.
     */
    Snapshot latestBefore(long target) {
        int i = indexAfter(target - 1);
        return i == 0 ? null : snapshots.get(i - 1);
    }

    /** Makes {@code m}, a silent machine booted as the live one, what the live one was at {@code s}. */
    void restoreInto(Machine m, Snapshot s) {
        PhysicalMemory target = m.ram();
        byte[][] contents = new byte[target.frameCount()][];
        BitSet found = new BitSet();
        for (int k = snapshots.indexOf(s); k >= 0; k--) {
            Snapshot older = snapshots.get(k);
            for (int i = 0; i < older.frames.length; i++) {
                if (!found.get(older.frames[i])) {
                    found.set(older.frames[i]);
                    contents[older.frames[i]] = older.pages[i];
                }
            }
        }
        for (int frame = 0; frame < contents.length; frame++) {
            target.restoreFrame(frame, contents[frame]);
        }
        m.restoreState(s.state);
        target.trackChanges();
        restores++;
    }

    /**
     * The live machine went back to {@code instructions}, taking the state of a replay that
     * started from a snapshot (its RAM tracks the frames written since) or from boot (it does not).
     */
    void wentBack(long instructions, boolean fromSnapshot) {
        settledAt = instructions;
        tracked = fromSnapshot;
        planNext();
    }

    /**
     * The debugger changed the machine (a register or memory from gdb): the snapshots from here on
     * describe a run that will no longer happen, so they go.
     */
    void forgetFrom(long instructions) {
        while (!snapshots.isEmpty() && newest().instructions >= instructions) {
            bytes -= snapshots.remove(snapshots.size() - 1).bytes;
        }
        settledAt = Math.min(settledAt, instructions);
        planNext();
    }

    // ---- what it holds, for "info record" and tests ----

    int snapshotCount() {
        return snapshots.size();
    }

    long bytes() {
        return bytes;
    }

    long interval() {
        return spacing.interval();
    }

    int restores() {
        return restores;
    }

    List<Long> snapshotCounts() {
        return snapshots.stream().map(s -> s.instructions).toList();
    }

    /** A few lines: the window the snapshots cover, their memory, their spacing and cost. */
    String describe() {
        if (stopped != null) {
            return "recording stopped: " + stopped + "; going back replays from boot";
        }
        if (snapshots.isEmpty()) {
            return "recording, no snapshot yet; going back replays from boot";
        }
        long ran = furthest - began;
        return String.format("%d snapshots from instruction %d to %d, %s of %s; every %d instructions now%n"
                + "%d taken in %.1f ms, %s in all (%.1f KiB per million instructions)%n"
                + "going back before instruction %d replays from boot",
                snapshots.size(), snapshots.get(0).instructions, newest().instructions, mib(bytes), mib(limitBytes),
                spacing.interval(), snapshotsTaken, snapshotNanos / 1e6, mib(bytesTaken),
                ran > 0 ? bytesTaken / 1024.0 / (ran / 1e6) : 0.0, snapshots.get(0).instructions);
    }

    private static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / (double) (1 << 20));
    }

    /**
     * How far apart snapshots are: far enough that taking them costs a small share of the run. The
     * share is smoothed over the last few snapshots, so that one slowed by a garbage collection,
     * or one that happened to be quick, does not move the interval alone.
     */
    static final class Spacing {
        /**
         * Taking snapshots may cost this share of the run time between them. The taking and the
         * garbage collector's time since the last one (copying the pages kept) are measured;
         * stopping the run and the first write to each page after it cost too, so the share is
         * kept well below the 0.3 that recording may add in all.
         */
        static final double SHARE = 0.05;
        /**
         * Closer than this, stopping the run (leaving a compiled block, the loop's bookkeeping) would
         * cost more than the snapshot, which is all that is measured.
         */
        static final long MIN = 1 << 18, MAX = 1L << 34;
        /** How much the newest snapshot counts in the smoothed share. */
        private static final double WEIGHT = 0.25;

        private long interval;
        /** The share of the run time snapshots cost lately, or -1 before the first. */
        private double share = -1;

        Spacing(long first) {
            interval = first;
        }

        long interval() {
            return interval;
        }

        /** A snapshot cost {@code costNanos} after {@code runNanos} of running: the interval may change. */
        void taken(long costNanos, long runNanos) {
            double now = costNanos / (double) Math.max(1, runNanos);
            share = share < 0 ? now : share + WEIGHT * (now - share);
            if (share > SHARE && interval < MAX) {
                interval = Math.min(MAX, interval * 2);
                share = -1; // the new interval is judged by its own snapshots
            } else if (share < SHARE / 4 && interval > MIN) {
                interval = Math.max(MIN, interval / 2);
                share = -1;
            }
        }
    }
}
