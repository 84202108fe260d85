package org.j386.emulator.devices;

/**
 * The POST diagnostic port 0x80. Kernels write to it as a short I/O delay; the last value is
 * kept so a debugger can show it, and reads return it as some chipsets do.
 */
public final class PostCode extends BytePorts {
    public static final int PORT = 0x80;

    private int last;

    @Override
    protected int inByte(int port) {
        return port == PORT ? last : 0xFF;
    }

    @Override
    protected void outByte(int port, int value) {
        if (port == PORT) {
            last = value;
        }
    }

    public int lastCode() {
        return last;
    }

    /** Takes {@code other}'s state: one machine's copied into another of the same configuration. */
    void copyStateFrom(PostCode other) {
        last = other.last;
    }
}
