package org.j386.emulator.debug;

/** A command the debugger cannot carry out: bad syntax, unknown symbol, unreadable memory. */
public final class DebugException extends Exception {
    public DebugException(String message) {
        super(message, null, false, false);
    }
}
