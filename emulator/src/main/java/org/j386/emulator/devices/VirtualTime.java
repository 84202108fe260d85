package org.j386.emulator.devices;

/**
 * The machine's deterministic clock. Virtual time is counted in instruction slots
 * ({@code CpuState.cycles}) and a virtual second is {@value #SLOTS_PER_SECOND} slots, whatever
 * the host's speed, so a guest's timer interrupts land at the same instructions on every run.
 *
 * <p>A device clocked at {@code hz} has seen {@code floor(slots × hz / SLOTS_PER_SECOND)} edges
 * after {@code slots}. Both conversions split the product so that it is exact (no drift, no
 * floating point) and cannot overflow for any non-negative {@code long}.
 */
public final class VirtualTime {
    public static final long SLOTS_PER_SECOND = 100_000_000L;

    private VirtualTime() {
    }

    /** Clock edges of a {@code hz} clock that have happened by slot {@code slots}. */
    public static long ticksAt(long slots, long hz) {
        return slots / SLOTS_PER_SECOND * hz + slots % SLOTS_PER_SECOND * hz / SLOTS_PER_SECOND;
    }

    /** The first slot at which edge number {@code tick} of a {@code hz} clock has happened. */
    public static long slotOfTick(long tick, long hz) {
        long whole = tick / hz * SLOTS_PER_SECOND;
        long rest = tick % hz * SLOTS_PER_SECOND;
        return whole + (rest + hz - 1) / hz;
    }
}
