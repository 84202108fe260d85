package org.j386.emulator.devices;

import org.j386.emulator.cpu.InterruptController;

/**
 * The AT's two 8259A interrupt controllers: the master at ports 0x20/0x21 drives the CPU's INTR
 * line, the slave at 0xA0/0xA1 is cascaded on the master's IR2. IRQ 0–7 are the master's inputs
 * and IRQ 8–15 the slave's.
 *
 * <p><b>State before the guest initialises the chips</b> is what a PC BIOS leaves behind:
 * vector bases 0x08 (master) and 0x70 (slave), edge-triggered, cascaded through IR2, 8086 mode,
 * no auto-EOI, and nothing masked. A kernel that enables interrupts without remapping therefore
 * sees IRQ0 on vector 8, as on real hardware.
 *
 * <p><b>Inputs are edge-triggered.</b> {@link #raiseIrq} is a rising edge that latches a request
 * while the line stays high; {@link #lowerIrq} withdraws a request that was not yet acknowledged
 * (if the CPU acknowledges anyway, it gets the spurious vector of IR7 or, through the cascade,
 * IR15, and no in-service bit is set on the chip that found nothing). {@link #pulseIrq} models a
 * device whose pulse is long enough to be latched: the request stays until acknowledged and the
 * line is left low, so the next pulse is a new edge. The PIT drives IRQ0 that way.
 *
 * <p>Left out: MCS-80/85 mode (ICW4 bit 0 is assumed set), special fully nested mode, buffered
 * mode, and the ELCR; a level-triggered ICW1 is honoured.
 */
public final class PicPair extends BytePorts implements InterruptController {
    /** Observes interrupt requests and acknowledges, for {@code --trace int}. */
    public interface Tracer {
        /** A request for {@code irq} (0–15) was latched. */
        default void requested(int irq) {
        }

        /** The CPU acknowledged {@code irq} and got {@code vector}; spurious if the request vanished. */
        default void acknowledged(int irq, int vector, boolean spurious) {
        }
    }

    public static final int MASTER_COMMAND = 0x20;
    public static final int MASTER_DATA = 0x21;
    public static final int SLAVE_COMMAND = 0xA0;
    public static final int SLAVE_DATA = 0xA1;
    private static final int CASCADE_IRQ = 2;

    private final Pic8259 master = new Pic8259(0x08, 1 << CASCADE_IRQ);
    private final Pic8259 slave = new Pic8259(0x70, CASCADE_IRQ);
    private final Runnable intrAsserted;
    private Tracer tracer = new Tracer() { };

    /** {@code intrAsserted} runs whenever INTR goes from low to high (wire it to CPU attention). */
    public PicPair(Runnable intrAsserted) {
        this.intrAsserted = intrAsserted;
    }

    public void setTracer(Tracer tracer) {
        this.tracer = tracer == null ? new Tracer() { } : tracer;
    }

    public void raiseIrq(int irq) {
        setLine(irq, true);
    }

    public void lowerIrq(int irq) {
        setLine(irq, false);
    }

    /** A latched edge on {@code irq}: the request waits for the acknowledge; the line ends low. */
    public void pulseIrq(int irq) {
        int line = input(irq);
        chipOf(line).pulse(line & 7);
        tracer.requested(line);
        update(false);
    }

    private void setLine(int irq, boolean high) {
        int line = input(irq);
        Pic8259 chip = chipOf(line);
        int before = chip.irr;
        chip.setLine(line & 7, high);
        if (high && chip.irr != before) {
            tracer.requested(line);
        }
        update(false);
    }

    /** The AT wires the ISA bus's IRQ2 to the slave's IR1, since the master's IR2 is the cascade. */
    private static int input(int irq) {
        if (irq < 0 || irq > 15) {
            throw new IllegalArgumentException("no such IRQ: " + irq);
        }
        return irq == CASCADE_IRQ ? 9 : irq;
    }

    private Pic8259 chipOf(int line) {
        return line < 8 ? master : slave;
    }

    private boolean cascaded() {
        return !master.singleMode && (master.icw3 & (1 << CASCADE_IRQ)) != 0;
    }

    /** The slave's INT output as seen on the master's IR2 input. */
    private int cascadeInput() {
        return cascaded() && slave.intOut ? 1 << CASCADE_IRQ : 0;
    }

    /**
     * Re-runs both resolvers. INT is raised when a request wins; it only drops when
     * {@code mayDrop} (acknowledge, or any programming write), keeping a vanished request's
     * INT latched as the chip does.
     */
    private void update(boolean mayDrop) {
        boolean slaveWins = slave.resolve(0) >= 0;
        slave.intOut = slaveWins || (slave.intOut && !mayDrop);
        boolean wasAsserted = master.intOut;
        boolean masterWins = master.resolve(cascadeInput()) >= 0;
        master.intOut = masterWins || (master.intOut && !mayDrop);
        if (master.intOut && !wasAsserted) {
            intrAsserted.run();
        }
    }

    @Override
    public boolean pending() {
        return master.intOut;
    }

    /**
     * Whether a new request on {@code irq} would reach the CPU as things stand: the line is not
     * masked on its chip (nor, for IRQ 8–15, the cascade on the master), and no in-service level of
     * equal or higher priority blocks it. Changes nothing. The machine asks this while the CPU is
     * halted, when the guest cannot reprogram the PICs, to know whether a device can still wake it.
     */
    public boolean wouldInterrupt(int irq) {
        int line = input(irq);
        if (line < 8) {
            return master.resolve(cascadeInput() | (1 << line)) >= 0;
        }
        return cascaded() && slave.resolve(1 << (line & 7)) >= 0 && master.resolve(1 << CASCADE_IRQ) >= 0;
    }

    /**
     * The two INTA cycles: the master resolves, and if its winner is the cascade input the slave
     * supplies the vector. With no request left the vector is the spurious IR7 of whichever chip
     * found nothing; the master's IR2 stays in service in the slave's spurious case, so the
     * handler must still send the master an EOI.
     */
    @Override
    public int acknowledge() {
        int irq = master.resolve(cascadeInput());
        int vector;
        if (irq < 0) {
            vector = master.vectorBase + 7;
            tracer.acknowledged(7, vector, true);
        } else if (irq == CASCADE_IRQ && cascaded()) {
            master.accept(irq);
            int slaveIrq = slave.resolve(0);
            if (slaveIrq < 0) {
                vector = slave.vectorBase + 7;
                tracer.acknowledged(15, vector, true);
            } else {
                slave.accept(slaveIrq);
                vector = slave.vectorBase + slaveIrq;
                tracer.acknowledged(8 + slaveIrq, vector, false);
            }
            slave.intOut = false;
        } else {
            master.accept(irq);
            vector = master.vectorBase + irq;
            tracer.acknowledged(irq, vector, false);
        }
        master.intOut = false;
        update(true);
        return vector;
    }

    @Override
    protected int inByte(int port) {
        return switch (port) {
            case MASTER_COMMAND, MASTER_DATA -> {
                int value = master.read(port == MASTER_DATA, cascadeInput());
                update(false);
                yield value;
            }
            case SLAVE_COMMAND, SLAVE_DATA -> {
                int value = slave.read(port == SLAVE_DATA, 0);
                update(false);
                yield value;
            }
            default -> 0xFF;
        };
    }

    @Override
    protected void outByte(int port, int value) {
        switch (port) {
            case MASTER_COMMAND -> master.writeCommand(value);
            case MASTER_DATA -> master.writeData(value);
            case SLAVE_COMMAND -> slave.writeCommand(value);
            case SLAVE_DATA -> slave.writeData(value);
            default -> {
                return;
            }
        }
        update(true);
    }

    /** Takes {@code other}'s state: one machine's copied into another of the same configuration. */
    void copyStateFrom(PicPair other) {
        master.copyStateFrom(other.master);
        slave.copyStateFrom(other.slave);
    }
}
