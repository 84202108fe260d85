package org.j386.emulator.devices;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * Where a character device's output bytes go. Each byte is flushed at once: the guest may stop,
 * triple-fault or be killed at any instruction, and what it printed must already be visible.
 */
final class ByteSink {
    private final OutputStream out;

    /** {@code out} may be null to discard the output. */
    ByteSink(OutputStream out) {
        this.out = out;
    }

    void write(int b) {
        if (out == null) {
            return;
        }
        try {
            // No flush per byte: the stream's owner flushes at line ends and at exit.
            out.write(b);
        } catch (IOException e) {
            throw new UncheckedIOException("device output failed", e);
        }
    }
}
