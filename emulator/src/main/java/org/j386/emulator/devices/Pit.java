package org.j386.emulator.devices;

import java.util.function.LongSupplier;

/**
 * The 8254 programmable interval timer at ports 0x40–0x43, plus the PIT-related bits of system
 * control port B (0x61). Its 1,193,182 Hz input clock runs on {@link VirtualTime}: the counters
 * are evaluated from the instruction-slot clock when read, and counter 0's rising OUT edges pulse
 * IRQ0 when the machine advances this device to them.
 *
 * <p>All six modes count; modes 2 (rate generator) and 3 (square wave) repeat, modes 0 and 4
 * fire once per written count, and modes 1 and 5 wait for a gate trigger, which only counter 2
 * can receive. Counter 0 drives IRQ0; counter 1 (DRAM refresh on old PCs) counts but drives nothing;
 * counter 2's gate is port 0x61 bit 0 and its OUT is readable as port 0x61 bit 5, which is how
 * kernels calibrate delay loops. Bit 4 of port 0x61, the refresh toggle, flips every 18 PIT
 * clocks (about 15 µs) of virtual time.
 *
 * <p>Until the guest programs counter 0 nothing runs: no IRQ0 is raised. (A BIOS would have left
 * it in mode 3 with count 65536; a Multiboot kernel that wants a timer programs it itself.)
 */
public final class Pit extends BytePorts implements TimedDevice {
    public static final long INPUT_HZ = 1_193_182L;
    public static final int FIRST_PORT = 0x40;
    public static final int PORT_COUNT = 4;
    public static final int CONTROL = 0x43;
    public static final int SYSTEM_CONTROL_B = 0x61;
    private static final int REFRESH_TOGGLE_TICKS = 18;

    private final LongSupplier clock;
    private final Runnable irq0;
    private final Runnable rescheduled;
    private final PitCounter[] counters = {
        new PitCounter(true), new PitCounter(true), new PitCounter(false)
    };
    /** Port 0x61 bits 0 (counter 2 gate) and 1 (speaker data), as last written. */
    private int portB;
    /** The tick of counter 0's next rising OUT edge, or {@link PitCounter#NEVER}. */
    private long irqTick = PitCounter.NEVER;

    /**
     * @param clock the current virtual time in instruction slots ({@code CpuState.cycles}),
     *     read when the guest accesses a port
     * @param irq0 pulses IRQ0 (wire to {@code PicPair.pulseIrq(0)})
     * @param rescheduled runs when a port write moved {@link #nextEvent()}, so the machine can
     *     recompute how far the CPU may run before advancing this device
     */
    public Pit(LongSupplier clock, Runnable irq0, Runnable rescheduled) {
        this.clock = clock;
        this.irq0 = irq0;
        this.rescheduled = rescheduled;
    }

    @Override
    public long nextEvent() {
        return irqTick == PitCounter.NEVER ? Long.MAX_VALUE : VirtualTime.slotOfTick(irqTick, INPUT_HZ);
    }

    /**
     * Raises IRQ0 if counter 0's OUT rose since the last call. Edges the machine skipped over
     * (by advancing late) are delivered as one pulse, as the PIC would coalesce them anyway.
     */
    @Override
    public void advanceTo(long now) {
        catchUp(VirtualTime.ticksAt(now, INPUT_HZ));
    }

    private void catchUp(long tick) {
        if (irqTick <= tick) {
            irq0.run();
            irqTick = counters[0].nextRisingEdge(tick);
        }
    }

    /** Brings IRQ0 up to the present before a port access, so events keep their order. */
    private long now() {
        long tick = VirtualTime.ticksAt(clock.getAsLong(), INPUT_HZ);
        catchUp(tick);
        return tick;
    }

    @Override
    protected int inByte(int port) {
        if (port == SYSTEM_CONTROL_B) {
            long tick = now();
            int refresh = (int) (tick / REFRESH_TOGGLE_TICKS & 1);
            return portB | refresh << 4 | (counters[2].out(tick) ? 0x20 : 0);
        }
        if (port >= FIRST_PORT && port < CONTROL) {
            return counters[port - FIRST_PORT].readByte(now());
        }
        // The control register is write-only; the 8254 leaves the bus floating.
        return 0xFF;
    }

    @Override
    protected void outByte(int port, int value) {
        long tick;
        if (port == SYSTEM_CONTROL_B) {
            tick = now();
            portB = value & 0x03;
            counters[2].setGate((value & 1) != 0, tick);
        } else if (port == CONTROL) {
            tick = now();
            control(value, tick);
        } else if (port >= FIRST_PORT && port < CONTROL) {
            tick = now();
            counters[port - FIRST_PORT].writeByte(value, tick);
        } else {
            return;
        }
        long next = counters[0].nextRisingEdge(tick);
        if (next != irqTick) {
            irqTick = next;
            rescheduled.run();
        }
    }

    private void control(int value, long tick) {
        int select = value >>> 6;
        if (select == 3) {
            readBack(value, tick);
        } else if (PitCounter.isLatchCommand(value)) {
            counters[select].latchCount(tick);
        } else {
            counters[select].program(value);
        }
    }

    /** 8254 read-back: bits 1–3 select counters; bit 5 clear latches counts, bit 4 clear status. */
    private void readBack(int value, long tick) {
        for (int i = 0; i < 3; i++) {
            if ((value & 2 << i) == 0) {
                continue;
            }
            // Status goes first so that a combined read-back returns status, then count.
            if ((value & 0x10) == 0) {
                counters[i].latchStatus(tick);
            }
            if ((value & 0x20) == 0) {
                counters[i].latchCount(tick);
            }
        }
    }

    /** Takes {@code other}'s state: one machine's copied into another of the same configuration. */
    void copyStateFrom(Pit other) {
        for (int i = 0; i < counters.length; i++) {
            counters[i].copyStateFrom(other.counters[i]);
        }
        portB = other.portB;
        irqTick = other.irqTick;
    }
}
