package org.j386.emulator.machine;

/**
 * The end of a run: the outcome, the process exit status, and a one-line explanation
 * (plus, for crashes, a multi-line diagnostic of the machine state).
 */
public record RunResult(Outcome outcome, int exitStatus, String message, String diagnostic,
        long instructions, long wallNanos) {
}
