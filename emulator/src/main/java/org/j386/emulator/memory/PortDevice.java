package org.j386.emulator.memory;

/** A device behind one or more I/O ports. {@code size} is 1, 2 or 4 bytes. */
public interface PortDevice {
    int in(int port, int size);

    void out(int port, int size, int value);
}
