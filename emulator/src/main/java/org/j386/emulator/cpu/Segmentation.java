package org.j386.emulator.cpu;

/**
 * Protected-mode segmentation: loading segment registers from the GDT/LDT with the type,
 * privilege and presence checks, and the far transfers that reload CS.
 */
public final class Segmentation {
    private final Cpu cpu;
    private final CpuState s;

    Segmentation(Cpu cpu) {
        this.cpu = cpu;
        this.s = cpu.state;
    }

    /** MOV Sreg, POP Sreg, LDS/LES/LFS/LGS/LSS: loads ES, SS, DS, FS or GS (never CS). */
    public void loadSegment(int sreg, int selector) {
        throw new IllegalStateException("segmentation: pending");
    }

    /** JMP ptr16:32 / JMP m16:32. */
    public void farJump(int selector, int offset) {
        throw new IllegalStateException("segmentation: pending");
    }

    /** CALL ptr16:32 / CALL m16:32: pushes CS and {@code returnOffset}, then jumps. */
    public void farCall(int selector, int offset, boolean operand32, int returnOffset) {
        throw new IllegalStateException("segmentation: pending");
    }

    /** RETF / RETF imm16: pops EIP and CS, then releases {@code immediate} bytes of parameters. */
    public void farReturn(boolean operand32, int immediate) {
        throw new IllegalStateException("segmentation: pending");
    }

    /** LLDT. */
    public void loadLdt(int selector) {
        throw new IllegalStateException("segmentation: pending");
    }

    /** LTR. */
    public void loadTaskRegister(int selector) {
        throw new IllegalStateException("segmentation: pending");
    }
}
