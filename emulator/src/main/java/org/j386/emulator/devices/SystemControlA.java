package org.j386.emulator.devices;

/**
 * System control port A (0x92, the "fast A20" port of PS/2 and later chipsets): bit 1 opens or
 * closes the A20 gate, bit 0 asks for a fast reset. Reads return the last value written, which is
 * 0 at power-on although the gate is open then (as on QEMU's PC).
 */
public final class SystemControlA extends BytePorts {
    public static final int PORT = 0x92;
    private static final int A20 = 0x02, FAST_RESET = 0x01;

    private final MachineControl machine;
    private int value;

    public SystemControlA(MachineControl machine) {
        this.machine = machine;
    }

    @Override
    protected int inByte(int port) {
        return port == PORT ? value : 0xFF;
    }

    @Override
    protected void outByte(int port, int v) {
        if (port != PORT) {
            return;
        }
        machine.setA20((v & A20) != 0);
        if ((v & FAST_RESET) != 0 && (value & FAST_RESET) == 0) {
            machine.reset();
        }
        value = v;
    }

    /** Takes {@code other}'s state: one machine's copied into another of the same configuration. */
    void copyStateFrom(SystemControlA other) {
        value = other.value;
    }
}
