package org.j386.emulator.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** Buffers guest output but passes each completed line on at once, so a console shows it live. */
final class LineFlushingStream extends OutputStream {
    private final BufferedOutputStream out;

    LineFlushingStream(OutputStream target) {
        this.out = new BufferedOutputStream(target, 8192);
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
        if (b == '\n') {
            out.flush();
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        out.flush();
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
