package org.j386.emulator.debug;

import java.util.function.Supplier;

import org.j386.emulator.cpu.Cpu;
import org.j386.emulator.cpu.CpuState;
import org.j386.emulator.machine.Machine;

/**
 * Replays of the run, for going back and for the questions about the past ({@link WriteHistory},
 * {@link CallHistory}). Going back: a silent replica starts from the newest snapshot before the
 * instruction wanted when a {@link Recording} has one, else from boot, and runs up to that
 * instruction; the debugged machine then takes the replica's state (memory, processor, cached
 * translations, devices). Virtual time makes the replay exact. The replay runs in the replica
 * rather than in the debugged machine so that the debugged machine's breakpoints, watchpoints and
 * caught exceptions cannot stop it and its output cannot be written again.
 */
final class TimeTravel {
    private final Supplier<Machine> replica;
    private Recording recording;
    /** The replica that snapshots are restored into, built once. */
    private Machine scratch;

    TimeTravel(Supplier<Machine> replica) {
        this.replica = replica;
    }

    /** Starts from {@code recording}'s snapshots when going back. */
    void useSnapshots(Recording recording) {
        this.recording = recording;
    }

    Recording recording() {
        return recording;
    }

    /** A silent machine booted as the debugged one was, not yet run. */
    Machine fresh() {
        return replica.get();
    }

    /** Makes {@code live} what it was at instruction {@code target}; false when the replay could not get there. */
    boolean rewind(Machine live, long target) {
        Recording.Snapshot from = recording == null ? null : recording.latestBefore(target);
        Machine m;
        if (from == null) {
            m = replica.get();
        } else {
            if (scratch == null) {
                scratch = replica.get();
            }
            m = scratch;
            recording.restoreInto(m, from);
        }
        runTo(m, target);
        if (m.cpu().state.instructions != target) {
            return false;
        }
        live.copyStateFrom(m);
        if (recording != null) {
            recording.wentBack(target, from != null);
        }
        return true;
    }

    /**
     * Runs {@code m}, a replica, to instruction {@code target}. A debugger may hold an exception at
     * its stop, before delivery: so does the replay when one is due there.
     */
    static void runTo(Machine m, long target) {
        CpuState s = m.cpu().state;
        Cpu.EventObserver previous = m.cpu().eventObserver();
        m.cpu().setEventObserver(new Cpu.EventObserver() {
            @Override
            public boolean holdException(int vector, int errorCode, boolean hasErrorCode) {
                if (s.instructions < target) {
                    return false;
                }
                m.requestPause();
                return true;
            }
        });
        try {
            if (s.instructions < target) {
                m.resume(target - s.instructions);
            }
        } finally {
            m.cpu().setEventObserver(previous);
        }
    }

}
