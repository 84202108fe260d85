package org.j386.emulator.devices;

/**
 * The POST diagnostic ports: 0x80, where BIOSes and test ROMs write their progress codes (and
 * kernels write as a short I/O delay), and 0x190, which some test ROMs use instead. The last value
 * is kept so that {@code --stats} and a debugger can show how far a ROM got, and reads return it
 * as some chipsets do.
 */
public final class PostCode extends BytePorts {
    public static final int PORT = 0x80;
    public static final int ALTERNATE_PORT = 0x190;

    /** Hears every code written, with the port it was written to ({@code --trace post}). */
    public interface Listener {
        void written(int port, int value);
    }

    private int last;
    private int lastPort = -1;
    private Listener listener;

    @Override
    protected int inByte(int port) {
        return port == PORT || port == ALTERNATE_PORT ? last : 0xFF;
    }

    @Override
    protected void outByte(int port, int value) {
        if (port == PORT || port == ALTERNATE_PORT) {
            last = value;
            lastPort = port;
            if (listener != null) {
                listener.written(port, value);
            }
        }
    }

    public void setListener(Listener listener) {
        this.listener = listener;
    }

    public int lastCode() {
        return last;
    }

    /** Whether any code was written since power-on. */
    public boolean written() {
        return lastPort >= 0;
    }

    /** The port the last code went to; -1 before the first. */
    public int lastPort() {
        return lastPort;
    }

    /** Takes {@code other}'s state: one machine's copied into another of the same configuration. */
    void copyStateFrom(PostCode other) {
        last = other.last;
        lastPort = other.lastPort;
    }
}
