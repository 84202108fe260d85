package org.j386.emulator.debug;

import java.util.function.Supplier;

import org.j386.emulator.cpu.Cpu;
import org.j386.emulator.cpu.CpuState;
import org.j386.emulator.machine.Machine;

/**
 * Replays of the run, for going back and for the questions about the past ({@link WriteHistory},
 * {@link CallHistory}). Going back: the run is replayed from boot in a silent replica up to the
 * instruction wanted, and the debugged machine takes the replica's state (memory, processor,
 * cached translations, devices). Virtual time makes the replay exact; no snapshots are kept yet,
 * so going back costs a replay of the run up to there.
 */
final class TimeTravel {
    private final Supplier<Machine> replica;

    TimeTravel(Supplier<Machine> replica) {
        this.replica = replica;
    }

    /** A silent machine booted as the debugged one was, not yet run. */
    Machine fresh() {
        return replica.get();
    }

    /** Makes {@code live} what it was at instruction {@code target}; false when the replay could not get there. */
    boolean rewind(Machine live, long target) {
        Machine m = replica.get();
        runTo(m, target);
        if (m.cpu().state.instructions != target) {
            return false;
        }
        live.copyStateFrom(m);
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
