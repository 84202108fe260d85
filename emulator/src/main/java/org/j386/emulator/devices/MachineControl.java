package org.j386.emulator.devices;

/** What a device may ask of the machine it is plugged into. */
public interface MachineControl {
    /**
     * The guest asked to power off with this exit status (QEMU's isa-debug-exit convention:
     * {@code (value << 1) | 1}). Called from inside an OUT instruction; the machine should stop
     * at the next instruction boundary rather than unwind the CPU from here.
     */
    void exit(int status);

    /**
     * The guest pulsed the CPU reset line (keyboard controller command 0xFE). A machine that
     * cannot reboot may ignore it, which is the default; the guest then usually halts.
     */
    default void reset() {
    }

    /**
     * The guest opened or closed the A20 gate (port 0x92 or the keyboard controller's output
     * port): while it is closed, physical addresses wrap at 1 MiB.
     */
    default void setA20(boolean enabled) {
    }
}
