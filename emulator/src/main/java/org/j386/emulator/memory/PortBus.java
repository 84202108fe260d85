package org.j386.emulator.memory;

/**
 * The 64 KiB I/O port space. Unclaimed ports read as all-ones and ignore writes, like an ISA bus
 * with nothing answering. An optional observer sees every access (for {@code --trace io}).
 */
public final class PortBus {
    /** Sees each port access after it happened. */
    public interface Observer {
        void access(int port, int size, boolean write, int value, boolean claimed);
    }

    private final PortDevice[] devices = new PortDevice[65536];
    private Observer observer;

    public void register(int firstPort, int count, PortDevice device) {
        for (int p = firstPort; p < firstPort + count; p++) {
            devices[p & 0xFFFF] = device;
        }
    }

    public void setObserver(Observer observer) {
        this.observer = observer;
    }

    public int in(int port, int size) {
        port &= 0xFFFF;
        PortDevice d = devices[port];
        int mask = size == 1 ? 0xFF : size == 2 ? 0xFFFF : -1;
        int value = d == null ? mask : d.in(port, size) & mask;
        if (observer != null) {
            observer.access(port, size, false, value, d != null);
        }
        return value;
    }

    public void out(int port, int size, int value) {
        port &= 0xFFFF;
        PortDevice d = devices[port];
        int mask = size == 1 ? 0xFF : size == 2 ? 0xFFFF : -1;
        if (d != null) {
            d.out(port, size, value & mask);
        }
        if (observer != null) {
            observer.access(port, size, true, value & mask, d != null);
        }
    }
}
