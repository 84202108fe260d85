package org.j386.emulator.cpu;

import org.j386.emulator.memory.PhysicalMemory;
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
        int step = s.flags.df() ? -Operands.bytes(d.size) : Operands.bytes(d.size);
        if (d.address32) {
            x.regs[reg] += step;
        } else {
            x.regs[reg] = (x.regs[reg] & 0xFFFF0000) | ((x.regs[reg] + step) & 0xFFFF);
        }
    }

    /** Counts ECX (or CX) down by {@code iterations} and returns what is left. */
    private int countDown(Insn d, int iterations) {
        int c = counter(d) - iterations;
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
            int done = run(d);
            boolean more = done > 0 ? d.op != Op.SCAS || s.flags.condition(d.rep == 0xF3 ? 0x4 : 0x5) : iterate(d);
            done = Math.max(done, 1);
            // Each iteration after the first retires as an instruction of its own.
            s.instructions += done - 1;
            if (countDown(d, done) == 0 || !more) {
                return;
            }
            if (s.attention || s.instructions >= instructionLimit) {
                s.eip -= d.length; // resume here at the next dispatch
                return;
            }
            s.instructions++;
        }
    }

    /**
     * REP STOS, REP MOVS and REPE/REPNE SCAS over flat segments, as many iterations at once as
     * stay within one page on each side: what one iteration at a time would do, at the cost of
     * one. The page is translated as the first iteration's access would translate it (faults,
     * accessed and dirty bits alike); the others would hit the TLB and are counted as hits.
     * Returns how many iterations ran, or 0 when the next must run alone: a short run, an element
     * across a page, or something that must see each iteration or access.
     */
    private int run(Insn d) {
        // Attention (a debugger stepping, a trap flag, a request) wants iterations one at a time.
        int op = d.op;
        if (s.attention || (op != Op.STOS && op != Op.MOVS && op != Op.SCAS) || !d.address32
                || !x.flat(CpuState.ES, op != Op.SCAS) || (op == Op.MOVS && !x.flat(source(d), false))) {
            return 0;
        }
        int bytes = Operands.bytes(d.size);
        boolean down = s.flags.df();
        int dst = x.regs[CpuState.EDI];
        int src = x.regs[CpuState.ESI];
        long n = Math.min(inPage(dst, bytes, down), Integer.toUnsignedLong(counter(d)));
        n = Math.min(n, instructionLimit - s.instructions + 1);
        if (op == Op.MOVS) {
            n = Math.min(n, inPage(src, bytes, down));
        }
        if (n < 2) {
            return 0;
        }
        int count = (int) n;
        int step = down ? -bytes : bytes;
        PhysicalMemory ram = x.mmu.physical();
        if (op == Op.STOS) {
            int to = x.mmu.translateRun(dst, true);
            if (to < 0) {
                return 0;
            }
            x.mmu.countRunHits(count - 1);
            ram.fill(down ? to + (count - 1) * step : to, count, bytes, x.reg(CpuState.EAX, d.size));
        } else if (op == Op.MOVS) {
            int from = x.mmu.translateRun(src, false);
            if (from < 0) {
                return 0;
            }
            int to = x.mmu.translateRun(dst, true);
            x.mmu.countRunHits(2 * (count - 1));
            ram.copy(from, to, count, bytes, down);
            x.regs[CpuState.ESI] += count * step;
        } else {
            int at = x.mmu.translateRun(dst, false);
            if (at < 0) {
                return 0;
            }
            // REPE goes on while equal, REPNE while not: the scan stops at the first element
            // that ends it, and only that last compare's flags remain.
            boolean whileEqual = d.rep == 0xF3;
            int a = x.reg(CpuState.EAX, d.size);
            count = ram.scan(at, count, bytes, down, a, whileEqual);
            int b = ram.read(at + (count - 1) * step, bytes);
            x.mmu.countRunHits(count - 1);
            alu.record(Op.CMP, d.size, a, b, a - b);
        }
        x.regs[CpuState.EDI] += count * step;
        return count;
    }

    /** Elements of {@code bytes} from {@code at} on (downwards when {@code down}) within its page; 0 when misaligned. */
    private static int inPage(int at, int bytes, boolean down) {
        if ((at & (bytes - 1)) != 0) {
            return 0;
        }
        int offset = at & 0xFFF;
        return down ? offset / bytes + 1 : (0x1000 - offset) / bytes;
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
                int bytes = Operands.bytes(size);
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
                int bytes = Operands.bytes(size);
                cpu.system.checkIo(port, bytes);
                ports.out(port, bytes, x.readMem(source(d), index(d, CpuState.ESI), size));
                advance(d, CpuState.ESI);
                break;
            }
        }
        return more;
    }

    void in(Insn d, int port) {
        int bytes = Operands.bytes(d.size);
        cpu.system.checkIo(port, bytes);
        x.setReg(CpuState.EAX, d.size, ports.in(port, bytes));
    }

    void out(Insn d, int port) {
        int bytes = Operands.bytes(d.size);
        cpu.system.checkIo(port, bytes);
        ports.out(port, bytes, x.reg(CpuState.EAX, d.size));
    }
}
