package org.j386.emulator.devices;

import java.io.OutputStream;
import java.util.function.IntConsumer;

/**
 * The Bochs/QEMU debug console at port 0xE9: every byte written appears on the output stream.
 * Reading the port returns 0xE9, which guests use to detect that the console is there.
 */
public final class DebugConsole extends BytePorts {
    public static final int PORT = 0xE9;

    private final ByteSink sink;

    /** {@code out} may be null to discard the output. */
    public DebugConsole(OutputStream out) {
        this.sink = new ByteSink(out);
    }

    /** Shows {@code watcher} every byte written to the channel, before it goes to the output (if any). */
    public void watchOutput(IntConsumer watcher) {
        sink.watch(watcher);
    }

    @Override
    protected int inByte(int port) {
        return port == PORT ? PORT : 0xFF;
    }

    @Override
    protected void outByte(int port, int value) {
        if (port == PORT) {
            sink.write(value);
        }
    }
}
