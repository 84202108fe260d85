package org.j386.emulator.cpu;

/**
 * Privileged and machine-model instructions: control and debug registers, descriptor-table
 * registers, INVLPG, HLT, I/O permission, CPUID, RDTSC.
 */
public final class SystemInstructions {
    private final Cpu cpu;
    private final CpuState s;

    SystemInstructions(Cpu cpu) {
        this.cpu = cpu;
        this.s = cpu.state;
    }

    /** #GP(0) unless CPL is 0. */
    public void requireRing0() {
        if (s.cpl != 0) {
            throw s.fault.generalProtection(0);
        }
    }

    /** MOV r32, CRn (#UD for CR1, CR5-CR7). */
    public int readControl(int n) {
        throw new IllegalStateException("system: pending");
    }

    /** MOV CRn, r32: keeps the MMU in step with CR0.PG/WP, CR3, CR4.PSE/PGE. */
    public void writeControl(int n, int value) {
        throw new IllegalStateException("system: pending");
    }

    public int readDebug(int n) {
        throw new IllegalStateException("system: pending");
    }

    public void writeDebug(int n, int value) {
        throw new IllegalStateException("system: pending");
    }

    public void lgdt(int base, int limit) {
        throw new IllegalStateException("system: pending");
    }

    public void lidt(int base, int limit) {
        throw new IllegalStateException("system: pending");
    }

    public void invlpg(int linear) {
        throw new IllegalStateException("system: pending");
    }

    /** HLT: the CPU sleeps until the next interrupt. */
    public void hlt() {
        throw new IllegalStateException("system: pending");
    }

    /** IN/OUT/INS/OUTS permission: CPL &lt;= IOPL, or the TSS I/O bitmap allows every byte. */
    public void checkIo(int port, int size) {
        throw new IllegalStateException("system: pending");
    }

    /** CPUID for the leaf in EAX: writes EAX, EBX, ECX, EDX. */
    public void cpuid() {
        throw new IllegalStateException("system: pending");
    }

    /** RDTSC: the virtual clock, one tick per instruction slot. */
    public long timestamp() {
        return s.cycles;
    }
}
