package org.j386.emulator.report;

import java.util.ArrayList;
import java.util.List;

/**
 * The page faults of a run, for the timeline: every fault while there are few, an even sample of
 * them (with the last always kept) once there are more than the capacity.
 */
final class FaultLog {
    /** One delivered page fault; {@code endedRun} when the run ended at it. */
    record Fault(long instructions, int cr2, int errorCode, int eip, boolean endedRun) {
        boolean protection() {
            return (errorCode & 1) != 0;
        }

        boolean write() {
            return (errorCode & 2) != 0;
        }

        boolean user() {
            return (errorCode & 4) != 0;
        }

        Fault ending() {
            return new Fault(instructions, cr2, errorCode, eip, true);
        }
    }

    private final Sampled<Fault> sample;
    private Fault last;
    private final List<Fault> fatal = new ArrayList<>();

    FaultLog(int capacity) {
        sample = new Sampled<>(capacity);
    }

    void add(long instructions, int cr2, int errorCode, int eip) {
        last = new Fault(instructions, cr2, errorCode, eip, false);
        if (sample.offer()) {
            sample.add(last);
        }
    }

    /**
     * The run ended at instruction {@code instructions} because of a fault: the faults raised there
     * are marked, and {@code unseen} (a fault that was never delivered, such as the one that made a
     * triple fault; may be null) is added.
     */
    void endedAt(long instructions, Fault unseen) {
        fatal.clear();
        if (last != null && last.instructions() == instructions) {
            fatal.add(last.ending());
        }
        if (unseen != null) {
            fatal.add(unseen.ending());
        }
    }

    /** The faults to draw, in order: the sample, the last fault, and the faults that ended the run marked. */
    List<Fault> faults() {
        List<Fault> all = new ArrayList<>(sample.kept());
        if (last != null && (all.isEmpty() || all.get(all.size() - 1) != last)) {
            all.add(last);
        }
        for (Fault f : fatal) {
            if (!all.isEmpty() && sameFault(all.get(all.size() - 1), f)) {
                all.set(all.size() - 1, f);
            } else {
                all.add(f);
            }
        }
        return all;
    }

    private static boolean sameFault(Fault a, Fault b) {
        return a.instructions() == b.instructions() && a.cr2() == b.cr2() && a.errorCode() == b.errorCode();
    }

    long total() {
        return sample.offered();
    }

    long stride() {
        return sample.stride();
    }
}
