package org.j386.emulator.devices;

/**
 * QEMU's isa-debug-exit device at port 0xF4 with a one-byte register: writing v ends the
 * machine with exit status {@code (v << 1) | 1}. The status is always odd so a test harness can
 * tell a guest-requested exit from the emulator's own 0. A wider write acts on its low byte, the
 * first byte the bus delivers. Reads return 0.
 */
public final class DebugExit extends BytePorts {
    public static final int PORT = 0xF4;

    private final MachineControl machine;

    public DebugExit(MachineControl machine) {
        this.machine = machine;
    }

    @Override
    protected int inByte(int port) {
        return port == PORT ? 0 : 0xFF;
    }

    @Override
    protected void outByte(int port, int value) {
        if (port == PORT) {
            machine.exit(value << 1 | 1);
        }
    }
}
