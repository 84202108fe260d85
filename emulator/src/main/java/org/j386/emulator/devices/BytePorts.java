package org.j386.emulator.devices;

import org.j386.emulator.memory.PortDevice;

/**
 * Base of the 8-bit ISA devices. A 16- or 32-bit access is split into byte accesses to
 * consecutive ports, lowest first, as the bus does for an 8-bit device; this is what makes
 * {@code out dx, ax} to a CRT controller's index port write index and data in one go.
 * Ports the device does not decode read as all-ones.
 */
abstract class BytePorts implements PortDevice {
    /** Reads one byte from {@code port}; returns 0xFF for ports the device does not answer. */
    protected abstract int inByte(int port);

    /** Writes {@code value} (0–255) to {@code port}; ignores ports the device does not answer. */
    protected abstract void outByte(int port, int value);

    @Override
    public final int in(int port, int size) {
        int value = 0;
        for (int i = 0; i < size; i++) {
            value |= (inByte((port + i) & 0xFFFF) & 0xFF) << (8 * i);
        }
        return value;
    }

    @Override
    public final void out(int port, int size, int value) {
        for (int i = 0; i < size; i++) {
            outByte((port + i) & 0xFFFF, (value >>> (8 * i)) & 0xFF);
        }
    }
}
