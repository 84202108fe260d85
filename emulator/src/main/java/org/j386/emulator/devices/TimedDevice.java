package org.j386.emulator.devices;

/**
 * A device that acts at points of virtual time (instruction slots, {@code CpuState.cycles}; see
 * {@link VirtualTime}). The machine runs the CPU up to the earliest {@link #nextEvent()} and then
 * lets the device act; while the CPU is halted it jumps the clock straight to that event.
 *
 * <p>A port write can move the next event earlier (the guest reprograms a timer). Such devices
 * take a callback at construction and run it when that happens, so the machine can stop the CPU
 * and recompute its deadline instead of sleeping past the new event.
 */
public interface TimedDevice {
    /** The virtual time of this device's next action, or {@link Long#MAX_VALUE} if none is due. */
    long nextEvent();

    /**
     * Virtual time has reached {@code now}: perform every action due by then. Calling it early or
     * twice for the same time is harmless.
     */
    void advanceTo(long now);
}
