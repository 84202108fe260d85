package org.j386.emulator.cpu;

import org.j386.emulator.memory.PortBus;

/**
 * String instructions (MOVS CMPS STOS LODS SCAS INS OUTS) with REP/REPE/REPNE, and port I/O.
 *
 * <p>Each iteration of a repeated instruction retires as one instruction. One dispatch runs
 * iterations until the count is exhausted, the REPE/REPNE condition ends it, the run loop's budget
 * is used up or something wants the CPU's attention (an interrupt request); an unfinished
 * instruction leaves EIP on itself so it resumes at the next dispatch, with ECX, ESI and EDI
 * describing the progress exactly as on hardware, and interrupts can be taken in between. A fault
 * in an iteration leaves the completed iterations done.
 */
final class StringOps {
    private final Cpu cpu;
    private final CpuState s;
    private final Operands x;
    private final Arithmetic alu;
    private final PortBus ports;
    /** Value of {@link CpuState#instructions} at which the run loop's budget ends. */
    long instructionLimit = Long.MAX_VALUE;

    StringOps(Cpu cpu, Operands x, Arithmetic alu) {
        this.cpu = cpu;
        this.s = cpu.state;
        this.x = x;
        this.alu = alu;
        this.ports = cpu.ports;
    }

    private int counter(Insn d) {
        return d.address32 ? x.regs[CpuState.ECX] : x.regs[CpuState.ECX] & 0xFFFF;
    }

    /** ESI or EDI as an offset of the address size. */
    private int index(Insn d, int reg) {
        return d.address32 ? x.regs[reg] : x.regs[reg] & 0xFFFF;
    }

    /** Steps ESI or EDI by one element in the direction of DF. */
    private void advance(Insn d, int reg) {
        int step = s.flags.df() ? -Operands.BYTES[d.size] : Operands.BYTES[d.size];
        if (d.address32) {
            x.regs[reg] += step;
        } else {
            x.regs[reg] = (x.regs[reg] & 0xFFFF0000) | ((x.regs[reg] + step) & 0xFFFF);
        }
    }

    /** Counts ECX (or CX) down by one iteration and returns what is left. */
    private int countDown(Insn d) {
        int c = counter(d) - 1;
        if (d.address32) {
            x.regs[CpuState.ECX] = c;
            return c;
        }
        x.regs[CpuState.ECX] = (x.regs[CpuState.ECX] & 0xFFFF0000) | (c & 0xFFFF);
        return c & 0xFFFF;
    }

    /** The source segment of MOVS/CMPS/LODS/OUTS: DS unless overridden. */
    private static int source(Insn d) {
        return d.segOverride >= 0 ? d.segOverride : CpuState.DS;
    }

    void execute(Insn d) {
        if (d.rep == 0) {
            iterate(d);
            return;
        }
        if (counter(d) == 0) {
            return;
        }
        for (;;) {
            boolean more = iterate(d);
            if (countDown(d) == 0 || !more) {
                return;
            }
            if (s.attention || s.instructions >= instructionLimit) {
                s.eip -= d.length; // resume here at the next dispatch
                return;
            }
            // The next iteration retires as an instruction of its own.
            s.instructions++;
        }
    }

    /** One iteration; returns the REPE/REPNE condition (true for the instructions without one). */
    private boolean iterate(Insn d) {
        int size = d.size;
        boolean more = true;
        switch (d.op) {
            case Op.MOVS: {
                int v = x.readMem(source(d), index(d, CpuState.ESI), size);
                x.writeMem(CpuState.ES, index(d, CpuState.EDI), size, v);
                advance(d, CpuState.ESI);
                advance(d, CpuState.EDI);
                break;
            }
            case Op.STOS:
                x.writeMem(CpuState.ES, index(d, CpuState.EDI), size, x.reg(CpuState.EAX, size));
                advance(d, CpuState.EDI);
                break;
            case Op.LODS:
                x.setReg(CpuState.EAX, size, x.readMem(source(d), index(d, CpuState.ESI), size));
                advance(d, CpuState.ESI);
                break;
            case Op.CMPS: {
                int a = x.readMem(source(d), index(d, CpuState.ESI), size);
                int b = x.readMem(CpuState.ES, index(d, CpuState.EDI), size);
                alu.record(Op.CMP, size, a, b, a - b);
                advance(d, CpuState.ESI);
                advance(d, CpuState.EDI);
                more = s.flags.condition(d.rep == 0xF3 ? 0x4 : 0x5);
                break;
            }
            case Op.SCAS: {
                int a = x.reg(CpuState.EAX, size);
                int b = x.readMem(CpuState.ES, index(d, CpuState.EDI), size);
                alu.record(Op.CMP, size, a, b, a - b);
                advance(d, CpuState.EDI);
                more = s.flags.condition(d.rep == 0xF3 ? 0x4 : 0x5);
                break;
            }
            case Op.INS: {
                int port = x.regs[CpuState.EDX] & 0xFFFF;
                int bytes = Operands.BYTES[size];
                cpu.system.checkIo(port, bytes);
                // The destination must be writable before the port is read: reads have side effects.
                int lin = x.linearWrite(CpuState.ES, index(d, CpuState.EDI), bytes);
                x.mmu.probeWrite(lin, bytes);
                x.write(lin, size, ports.in(port, bytes));
                advance(d, CpuState.EDI);
                break;
            }
            default: { // OUTS
                int port = x.regs[CpuState.EDX] & 0xFFFF;
                int bytes = Operands.BYTES[size];
                cpu.system.checkIo(port, bytes);
                ports.out(port, bytes, x.readMem(source(d), index(d, CpuState.ESI), size));
                advance(d, CpuState.ESI);
                break;
            }
        }
        return more;
    }

    void in(Insn d, int port) {
        int bytes = Operands.BYTES[d.size];
        cpu.system.checkIo(port, bytes);
        x.setReg(CpuState.EAX, d.size, ports.in(port, bytes));
    }

    void out(Insn d, int port) {
        int bytes = Operands.BYTES[d.size];
        cpu.system.checkIo(port, bytes);
        ports.out(port, bytes, x.reg(CpuState.EAX, d.size));
    }
}
