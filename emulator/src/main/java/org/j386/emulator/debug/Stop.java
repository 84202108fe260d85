package org.j386.emulator.debug;

import org.j386.emulator.machine.RunResult;

/**
 * Why the machine stopped.
 *
 * @param headline  one line for the console ("Breakpoint 1, 0x00100234 <kmain+0x14>")
 * @param details   further lines (watchpoint values, exception error code), possibly empty
 * @param vector    the exception vector for {@link Kind#EXCEPTION}, else -1
 * @param watchpoint the watchpoint that fired, for {@link Kind#WATCHPOINT}
 * @param end       the machine's end, for {@link Kind#ENDED}
 */
public record Stop(Kind kind, String headline, String details, int vector, Watchpoint watchpoint,
                   long watchedAddress, RunResult end) {
    public enum Kind {
        /** A step, next, until or finish completed. */
        STEP,
        BREAKPOINT,
        WATCHPOINT,
        /** A caught exception, held before delivery. */
        EXCEPTION,
        /** Stopped on request: Ctrl-C, gdb's interrupt, an attaching console. */
        INTERRUPTED,
        /** The machine ended (guest exit, halt, triple fault); it cannot run any more. */
        ENDED
    }

    static Stop simple(Kind kind, String headline) {
        return new Stop(kind, headline, "", -1, null, 0, null);
    }
}
