package org.j386.emulator.devices;

/**
 * A device that acts at points of virtual time (instruction slots, {@code CpuState.cycles}).
 * The machine runs the CPU up to the earliest {@link #nextEvent()} and then lets the device act.
 */
public interface TimedDevice {
    /** The virtual time of this device's next action, or {@link Long#MAX_VALUE} if none is due. */
    long nextEvent();

    /** Virtual time has reached {@code now}: perform every action due by then. */
    void advanceTo(long now);
}
