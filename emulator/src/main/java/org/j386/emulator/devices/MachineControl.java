package org.j386.emulator.devices;

/** What a device may ask of the machine it is plugged into. */
public interface MachineControl {
    /** The guest asked to power off with this exit status (QEMU's isa-debug-exit convention). */
    void exit(int status);
}
