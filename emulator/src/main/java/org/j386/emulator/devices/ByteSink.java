package org.j386.emulator.devices;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.function.IntConsumer;

/**
 * Where a character device's output bytes go. Each byte is flushed at once: the guest may stop,
 * triple-fault or be killed at any instruction, and what it printed must already be visible.
 */
final class ByteSink {
    private final OutputStream out;
    /** Sees every byte, whether or not it goes anywhere (--until watches silenced channels too). */
    private IntConsumer watcher;

    /** {@code out} may be null to discard the output. */
    ByteSink(OutputStream out) {
        this.out = out;
    }

    void watch(IntConsumer watcher) {
        this.watcher = watcher;
    }

    void write(int b) {
        if (watcher != null) {
            watcher.accept(b);
        }
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
