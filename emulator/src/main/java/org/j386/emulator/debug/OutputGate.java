package org.j386.emulator.debug;

import java.io.IOException;
import java.io.OutputStream;
import java.util.function.LongSupplier;

/**
 * Keeps a guest's output from being written twice when the debugger goes back in time: what the
 * guest writes at an instruction count already reached once was written then, so it is dropped
 * until the run passes the furthest count reached before.
 */
public final class OutputGate {
    private LongSupplier instructions = () -> Long.MAX_VALUE;
    private long reached;

    /** {@code out} behind this gate (null, for a discarded output, stays null). */
    public OutputStream wrap(OutputStream out) {
        if (out == null) {
            return null;
        }
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                if (instructions.getAsLong() > reached) {
                    out.write(b);
                }
            }

            @Override
            public void flush() throws IOException {
                out.flush();
            }

            @Override
            public void close() throws IOException {
                out.close();
            }
        };
    }

    /** The instruction count of the machine whose output passes here. */
    public void follow(LongSupplier instructions) {
        this.instructions = instructions;
    }

    /** The run has been as far as {@code instructions}: its output up to there is written. */
    void reached(long instructions) {
        reached = Math.max(reached, instructions);
    }
}
