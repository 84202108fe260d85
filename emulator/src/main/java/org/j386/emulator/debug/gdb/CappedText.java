package org.j386.emulator.debug.gdb;

import java.io.Writer;

/**
 * The text of one monitor command: keeps the first {@code limit} characters and counts the rest,
 * so a command that prints hundreds of megabytes costs the stub no more memory than the cap.
 */
final class CappedText extends Writer {
    private final StringBuilder text = new StringBuilder();
    private final int limit;
    private long dropped;

    CappedText(int limit) {
        this.limit = limit;
    }

    @Override
    public void write(char[] chars, int offset, int length) {
        int kept = Math.max(0, Math.min(length, limit - text.length()));
        text.append(chars, offset, kept);
        dropped += length - kept;
    }

    /** Forgets everything, for the next command. */
    void reset() {
        text.setLength(0);
        dropped = 0;
    }

    /** What was kept. */
    String text() {
        return text.toString();
    }

    /** Characters written beyond the cap. */
    long dropped() {
        return dropped;
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
