package org.j386.emulator.cpu;

/**
 * Delivery of exceptions and interrupts through the IDT, IRET, and the escalation of a fault
 * during delivery into #DF and then a triple fault.
 */
public final class InterruptDelivery {
    private final Cpu cpu;
    private final CpuState s;

    InterruptDelivery(Cpu cpu) {
        this.cpu = cpu;
        this.s = cpu.state;
    }

    /**
     * Delivers a processor exception. For a fault {@link CpuState#eip} (and every register the
     * instruction changed) must already be back at the faulting instruction; for a trap it is
     * the next instruction.
     */
    public void exception(int vector, int errorCode, boolean hasErrorCode) {
        throw new IllegalStateException("interrupt delivery: pending");
    }

    /** INT n, INT3, INTO: checks the gate's DPL against CPL. {@code nextEip} is the return address. */
    public void softwareInterrupt(int vector, int nextEip) {
        throw new IllegalStateException("interrupt delivery: pending");
    }

    /** A hardware interrupt acknowledged from the PIC, taken at an instruction boundary. */
    public void externalInterrupt(int vector) {
        throw new IllegalStateException("interrupt delivery: pending");
    }

    /** IRET / IRETD. */
    public void iret(boolean operand32) {
        throw new IllegalStateException("interrupt delivery: pending");
    }
}
