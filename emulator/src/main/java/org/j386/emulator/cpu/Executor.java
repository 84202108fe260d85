package org.j386.emulator.cpu;

/**
 * Executes decoded instructions. {@link #execute} is one switch over {@link Op}; each case is a
 * line or a call into the unit for that group, so the method stays small enough for the JVM to
 * compile and the common cases stay inlinable.
 *
 * <p>On entry EIP already points past the instruction (the run loop moved it), which is the
 * return address for calls and the base of relative jumps; a fault moves it back.
 */
final class Executor {
    private final Cpu cpu;
    private final CpuState s;
    private final int[] regs;
    private final Flags flags;
    private final Operands x;
    private final Arithmetic alu;
    private final Shifts shifts;
    private final BitOps bits;
    private final StringOps strings;
    private final SystemOps system;

    Executor(Cpu cpu) {
        this.cpu = cpu;
        this.s = cpu.state;
        this.regs = s.regs;
        this.flags = s.flags;
        this.x = new Operands(s, cpu.mmu);
        this.alu = new Arithmetic(x, s);
        this.shifts = new Shifts(x, s);
        this.bits = new BitOps(x, s);
        this.strings = new StringOps(cpu, x, alu);
        this.system = new SystemOps(cpu, x);
    }

    /** The run loop's budget, as a value of {@link CpuState#instructions} not to pass. */
    void setInstructionLimit(long limit) {
        strings.instructionLimit = limit;
    }

    /**
     * Executes one instruction. The commonest dword forms are handled right here with bodies
     * small enough that the whole method stays under the JVM's inlining limit for hot methods,
     * so it compiles into the run loop; everything else takes one more call.
     */
    void execute(Insn d) {
        int[] regs = this.regs;
        switch (d.op) {
            case Op.MOV32_RR: regs[d.rm] = regs[d.reg]; return;
            case Op.MOV32_RI: regs[d.rm] = d.imm; return;
            case Op.MOV32_LOAD: regs[d.reg] = x.read32(d.seg, x.ea(d)); return;
            case Op.MOV32_STORE: x.write32(d.seg, x.ea(d), regs[d.reg]); return;
            case Op.ALU32_RR + Op.ADD: add32(d.rm, regs[d.reg]); return;
            case Op.ALU32_RI + Op.ADD: add32(d.rm, d.imm); return;
            case Op.ALU32_RR + Op.SUB: sub32(d.rm, regs[d.reg]); return;
            case Op.ALU32_RI + Op.SUB: sub32(d.rm, d.imm); return;
            case Op.ALU32_RR + Op.CMP: flags.sub(2, regs[d.rm], regs[d.reg], regs[d.rm] - regs[d.reg]); return;
            case Op.ALU32_RI + Op.CMP: flags.sub(2, regs[d.rm], d.imm, regs[d.rm] - d.imm); return;
            case Op.ALU32_RR + Op.XOR: logic32(d.rm, regs[d.rm] ^ regs[d.reg]); return;
            case Op.ALU32_RR + Op.AND: logic32(d.rm, regs[d.rm] & regs[d.reg]); return;
            case Op.ALU32_RI + Op.AND: logic32(d.rm, regs[d.rm] & d.imm); return;
            case Op.TEST32_RR: flags.logic(2, regs[d.rm] & regs[d.reg]); return;
            case Op.INC32: inc32(d.rm); return;
            case Op.DEC32: dec32(d.rm); return;
            case Op.JCC: if (flags.condition(d.sub)) { jump(d, s.eip + d.imm); } return;
            default: executeCommon(d); return;
        }
    }

    private void add32(int r, int b) {
        int a = regs[r];
        regs[r] = a + b;
        flags.add(2, a, b, a + b);
    }

    /** ADC: the flags recorder folds the carry-in into the carry vector it derives from a, b, result. */
    private void add32(int r, int b, int carry) {
        int a = regs[r];
        int result = a + b + carry;
        regs[r] = result;
        flags.add(2, a, b, result);
    }

    private void sub32(int r, int b) {
        int a = regs[r];
        regs[r] = a - b;
        flags.sub(2, a, b, a - b);
    }

    /** SBB: as {@link #add32(int, int, int)} for the borrow. */
    private void sub32(int r, int b, int borrow) {
        int a = regs[r];
        int result = a - b - borrow;
        regs[r] = result;
        flags.sub(2, a, b, result);
    }

    private void logic32(int r, int v) {
        regs[r] = v;
        flags.logic(2, v);
    }

    private void inc32(int r) {
        int a = regs[r];
        regs[r] = a + 1;
        flags.inc(2, a, a + 1);
    }

    private void dec32(int r) {
        int a = regs[r];
        regs[r] = a - 1;
        flags.dec(2, a, a - 1);
    }

    /** The remaining common operations: the specialised forms not above and the general forms. */
    private void executeCommon(Insn d) {
        switch (d.op) {
            case Op.ALU32_RR + Op.OR: logic32(d.rm, regs[d.rm] | regs[d.reg]); break;
            case Op.ALU32_RI + Op.OR: logic32(d.rm, regs[d.rm] | d.imm); break;
            case Op.ALU32_RI + Op.XOR: logic32(d.rm, regs[d.rm] ^ d.imm); break;
            case Op.ALU32_RR + Op.ADC: add32(d.rm, regs[d.reg], flags.cfBit()); break;
            case Op.ALU32_RI + Op.ADC: add32(d.rm, d.imm, flags.cfBit()); break;
            case Op.ALU32_RR + Op.SBB: sub32(d.rm, regs[d.reg], flags.cfBit()); break;
            case Op.ALU32_RI + Op.SBB: sub32(d.rm, d.imm, flags.cfBit()); break;
            case Op.JMP_REL: jump(d, s.eip + d.imm); break;
            case Op.CALL_REL: call(d, s.eip + d.imm); break;
            case Op.RET: ret(d); break;
            case Op.PUSH_R: x.push(x.reg(d.reg, d.size), d.operand32); break;
            case Op.POP_R: popRegister(d); break;
            case Op.LEA: x.setReg(d.reg, d.size, x.ea(d)); break;
            case Op.SHIFT32_RI: regs[d.rm] = shifts.shiftRegister32(d.sub, regs[d.rm], d.imm); break;
            default: executeGeneral(d); break;
        }
    }

    /** Everything but the commonest operations, kept apart so that {@link #execute} stays small. */
    private void executeGeneral(Insn d) {
        switch (d.op) {
            case Op.MOV_RM_R: x.writeRm(d, x.reg(d.reg, d.size)); break;
            case Op.MOV_R_RM: x.setReg(d.reg, d.size, x.readRm(d)); break;
            case Op.MOV_RM_I: x.writeRm(d, d.imm); break;
            case Op.ALU_RM_R: alu.aluRm(d, d.sub, x.reg(d.reg, d.size), d.sub != Op.CMP); break;
            case Op.ALU_R_RM: alu.aluRegFromRm(d); break;
            case Op.ALU_RM_I: alu.aluRm(d, d.sub, d.imm, d.sub != Op.CMP); break;
            case Op.TEST_RM_R: alu.aluRm(d, Op.AND, x.reg(d.reg, d.size), false); break;
            case Op.TEST_RM_I: alu.aluRm(d, Op.AND, d.imm & Operands.mask(d.size), false); break;
            case Op.INC: alu.incDec(d, true); break;
            case Op.DEC: alu.incDec(d, false); break;
            case Op.NOP: break;

            // ---- data movement ----
            case Op.MOVZX: x.setReg(d.reg, d.size, x.readRm(d, d.sub)); break;
            case Op.MOVSX: x.setReg(d.reg, d.size, d.sub == 0 ? (byte) x.readRm(d, 0) : (short) x.readRm(d, 1)); break;
            case Op.XCHG: exchange(d); break;
            case Op.XADD: exchangeAdd(d); break;
            case Op.CMPXCHG: compareExchange(d); break;
            case Op.CMPXCHG8B: compareExchange8(d); break;
            case Op.MOV_RM_SREG: x.writeRm(d, s.segs[d.reg].selector); break;
            case Op.MOV_SREG_RM: loadSegment(d.reg, x.readRm(d, 1)); break;
            case Op.LOAD_FAR_POINTER: loadFarPointer(d); break;
            case Op.BSWAP: bits.bswap(d); break;
            case Op.CMOVCC: cmov(d); break;
            case Op.SETCC: x.writeRm(d, 0, flags.condition(d.sub) ? 1 : 0); break;
            case Op.XLAT: xlat(d); break;
            case Op.CBW: x.setReg(CpuState.EAX, d.size, d.size == 2 ? (short) regs[CpuState.EAX] : (byte) regs[CpuState.EAX]); break;
            case Op.CWD: x.setReg(CpuState.EDX, d.size, (d.size == 2 ? regs[CpuState.EAX] : (short) regs[CpuState.EAX]) >> 31); break;
            case Op.LAHF: x.setReg(4, 0, flags.get()); break; // AH
            case Op.SAHF: flags.setArith((flags.arith() & Flags.OF) | (x.reg(4, 0) & (Flags.ARITH & ~Flags.OF))); break;

            // ---- arithmetic ----
            case Op.NOT: alu.not(d); break;
            case Op.NEG: alu.neg(d); break;
            case Op.MUL: alu.multiplyAccumulator(d, false); break;
            case Op.IMUL1: alu.multiplyAccumulator(d, true); break;
            case Op.DIV: alu.divide(d, false); break;
            case Op.IDIV: alu.divide(d, true); break;
            case Op.IMUL_R_RM: alu.multiplySigned(d, x.reg(d.reg, d.size), x.readRm(d)); break;
            case Op.IMUL_R_RM_I: alu.multiplySigned(d, x.readRm(d), d.imm); break;
            case Op.SHIFT_I: shifts.shift(d, d.imm); break;
            case Op.SHIFT_CL: shifts.shift(d, regs[CpuState.ECX]); break;
            case Op.DSHIFT_I: shifts.doubleShift(d, d.imm); break;
            case Op.DSHIFT_CL: shifts.doubleShift(d, regs[CpuState.ECX]); break;
            case Op.BT_R: bits.testRegister(d); break;
            case Op.BT_I: bits.testImmediate(d); break;
            case Op.BSF: bits.scan(d, true); break;
            case Op.BSR: bits.scan(d, false); break;
            case Op.DAA: alu.decimalAdjust(false); break;
            case Op.DAS: alu.decimalAdjust(true); break;
            case Op.AAA: alu.asciiAdjust(true); break;
            case Op.AAS: alu.asciiAdjust(false); break;
            case Op.AAM: alu.aam(d.imm); break;
            case Op.AAD: alu.aad(d.imm); break;
            case Op.SALC: x.setReg(CpuState.EAX, 0, flags.cfBit() != 0 ? 0xFF : 0); break;
            case Op.CLC: flags.setArith(flags.arith() & ~Flags.CF); break;
            case Op.STC: flags.setArith(flags.arith() | Flags.CF); break;
            case Op.CMC: flags.setArith(flags.arith() ^ Flags.CF); break;
            case Op.CLD: flags.setBit(Flags.DF, false); break;
            case Op.STD: flags.setBit(Flags.DF, true); break;
            case Op.CLI: system.cli(); break;
            case Op.STI: system.sti(); break;

            // ---- control transfer ----
            case Op.JMP_RM: jump(d, x.readRm(d)); break;
            case Op.CALL_RM: call(d, x.readRm(d)); break;
            case Op.LOOP: loop(d); break;
            case Op.JMP_FAR: cpu.segmentation.farJump(d.imm2, d.imm); break;
            case Op.CALL_FAR: cpu.segmentation.farCall(d.imm2, d.imm, d.operand32, s.eip); break;
            case Op.JMP_FAR_M: farThroughMemory(d, false); break;
            case Op.CALL_FAR_M: farThroughMemory(d, true); break;
            case Op.RETF: cpu.segmentation.farReturn(d.operand32, d.imm); break;
            case Op.ENTER: enter(d); break;
            case Op.LEAVE: leave(d); break;
            case Op.INT: system.requireV86Iopl3(); cpu.interrupts.softwareInterrupt(d.imm, s.eip); break;
            case Op.INT3: cpu.interrupts.softwareInterrupt(Vectors.BP, s.eip); break;
            case Op.INTO: if (flags.of()) { cpu.interrupts.softwareInterrupt(Vectors.OF, s.eip); } break;
            case Op.IRET: cpu.interrupts.iret(d.operand32); s.attention = true; break;
            case Op.HLT: cpu.system.hlt(); s.attention = true; break;
            case Op.BOUND: bound(d); break;

            // ---- stack ----
            case Op.PUSH_RM: x.push(x.readRm(d), d.operand32); break;
            case Op.POP_RM: popRm(d); break;
            case Op.PUSH_I: x.push(d.imm, d.operand32); break;
            case Op.PUSH_SREG: x.push(s.segs[d.sub].selector, d.operand32); break;
            case Op.POP_SREG: popSegment(d); break;
            case Op.PUSHA: pushAll(d); break;
            case Op.POPA: popAll(d); break;
            case Op.PUSHF: system.requireV86Iopl3(); x.push(flags.get() & ~(Flags.VM | Flags.RF), d.operand32); break;
            case Op.POPF: system.popf(d); break;

            // ---- strings and I/O ----
            case Op.MOVS: case Op.CMPS: case Op.STOS: case Op.LODS: case Op.SCAS: case Op.INS: case Op.OUTS:
            case Op.IN_I: case Op.IN_DX: case Op.OUT_I: case Op.OUT_DX:
                stringOrPort(d);
                break;

            default:
                system.execute(d);
                break;
        }
    }

    /**
     * A string instruction or port I/O ({@link Op#stringOrPort}), for callers that know the
     * operation is one (compiled blocks call it straight, without the dispatch above).
     */
    void stringOrPort(Insn d) {
        switch (d.op) {
            case Op.IN_I: strings.in(d, d.imm); break;
            case Op.IN_DX: strings.in(d, regs[CpuState.EDX] & 0xFFFF); break;
            case Op.OUT_I: strings.out(d, d.imm); break;
            case Op.OUT_DX: strings.out(d, regs[CpuState.EDX] & 0xFFFF); break;
            default: strings.execute(d); break;
        }
    }

    // ---- control transfer ----

    /** Near jump: the target is truncated to 16 bits by a 16-bit operand size and checked against CS. */
    private void jump(Insn d, int target) {
        if (!d.operand32) {
            target &= 0xFFFF;
        }
        checkCodeLimit(target);
        s.eip = target;
    }

    private void checkCodeLimit(int target) {
        Segment cs = s.segs[CpuState.CS];
        if (cs.limit != -1 && Integer.compareUnsigned(target, cs.limit) > 0) {
            throw s.fault.generalProtection(0);
        }
    }

    private void call(Insn d, int target) {
        if (!d.operand32) {
            target &= 0xFFFF;
        }
        checkCodeLimit(target);
        x.push(s.eip, d.operand32);
        s.eip = target;
    }

    private void ret(Insn d) {
        s.eip = returnTarget(d.operand32, d.imm);
    }

    /** RET's work but the jump: pops the return address and {@code imm} bytes, returns the address. */
    int returnTarget(boolean operand32, int imm) {
        int target = x.peek(0, operand32);
        if (!operand32) {
            target &= 0xFFFF;
        }
        checkCodeLimit(target);
        x.setSp(x.sp() + (operand32 ? 4 : 2) + imm);
        return target;
    }

    /** LOOPNE, LOOPE, LOOP, JECXZ (sub 0-3); the counter is CX with a 16-bit address size. */
    private void loop(Insn d) {
        int c = d.address32 ? regs[CpuState.ECX] : regs[CpuState.ECX] & 0xFFFF;
        boolean taken;
        if (d.sub == 3) {
            taken = c == 0;
        } else {
            c = d.address32 ? c - 1 : (c - 1) & 0xFFFF;
            taken = c != 0 && (d.sub == 2 || flags.condition(d.sub == 1 ? 0x4 : 0x5));
        }
        if (taken) {
            jump(d, s.eip + d.imm);
        }
        if (d.sub != 3) {
            // The counter is written last, so a jump outside CS leaves it untouched.
            x.setReg(CpuState.ECX, d.address32 ? 2 : 1, c);
        }
    }

    /** JMP m16:32 / CALL m16:32: the offset comes first, then the selector. */
    private void farThroughMemory(Insn d, boolean call) {
        int ea = x.ea(d);
        int offset = x.readMem(d.seg, ea, d.operand32 ? 2 : 1);
        int selector = x.readMem(d.seg, ea + (d.operand32 ? 4 : 2), 1);
        if (call) {
            cpu.segmentation.farCall(selector, offset, d.operand32, s.eip);
        } else {
            cpu.segmentation.farJump(selector, offset);
        }
    }

    private void enter(Insn d) {
        boolean o32 = d.operand32;
        int n = o32 ? 4 : 2;
        int level = d.imm2 & 31;
        boolean stack32 = s.stack32();
        int ebp = regs[CpuState.EBP];
        x.push(o32 ? ebp : ebp & 0xFFFF, o32);
        // FrameTemp is all of ESP even on a 16-bit stack: a 32-bit ENTER copies its upper half
        // into EBP too (SDM ENTER; only SP moves).
        int frame = regs[CpuState.ESP];
        for (int i = 1; i < level; i++) {
            ebp = stack32 ? ebp - n : (ebp & 0xFFFF0000) | ((ebp - n) & 0xFFFF);
            int from = stack32 ? ebp : ebp & 0xFFFF;
            x.push(x.readMem(CpuState.SS, from, o32 ? 2 : 1), o32);
        }
        if (level > 0) {
            x.push(frame, o32);
        }
        int sp = x.sp() - d.imm;
        // Touch the lowest byte of the new frame so a frame beyond the stack limit faults here.
        x.linearWrite(CpuState.SS, stack32 ? sp : sp & 0xFFFF, 1);
        x.setReg(CpuState.EBP, o32 ? 2 : 1, frame);
        x.setSp(sp);
    }

    private void leave(Insn d) {
        int bp = s.stack32() ? regs[CpuState.EBP] : regs[CpuState.EBP] & 0xFFFF;
        int v = x.readMem(CpuState.SS, bp, d.operand32 ? 2 : 1);
        x.setSp(bp + (d.operand32 ? 4 : 2));
        x.setReg(CpuState.EBP, d.operand32 ? 2 : 1, v);
    }

    private void bound(Insn d) {
        int size = d.size;
        int ea = x.ea(d);
        int lower = x.readMem(d.seg, ea, size);
        int upper = x.readMem(d.seg, ea + Operands.bytes(size), size);
        int index = x.reg(d.reg, size);
        if (size == 1) {
            lower = (short) lower;
            upper = (short) upper;
            index = (short) index;
        }
        if (index < lower || index > upper) {
            throw s.fault.of(Vectors.BR);
        }
    }

    // ---- stack ----

    private void popRegister(Insn d) {
        int v = x.pop(d.operand32);
        x.setReg(d.reg, d.size, v);
    }

    /** POP r/m: an ESP-based destination address uses ESP after the pop, as on hardware. */
    private void popRm(Insn d) {
        int v = x.pop(d.operand32);
        x.writeRm(d, v);
    }

    private void popSegment(Insn d) {
        int selector = x.peek(0, d.operand32) & 0xFFFF;
        x.setSp(x.sp() + (d.operand32 ? 4 : 2));
        loadSegment(d.sub, selector);
    }

    private void loadSegment(int sreg, int selector) {
        cpu.segmentation.loadSegment(sreg, selector);
        if (sreg == CpuState.SS) {
            // No interrupt and no single-step trap between loading SS and the ESP load that
            // normally follows.
            s.interruptShadow = true;
            s.trapShadow = true;
            s.attention = true;
        }
    }

    private void loadFarPointer(Insn d) {
        int ea = x.ea(d);
        int offset = x.readMem(d.seg, ea, d.operand32 ? 2 : 1);
        int selector = x.readMem(d.seg, ea + (d.operand32 ? 4 : 2), 1);
        cpu.segmentation.loadSegment(d.sub, selector);
        x.setReg(d.reg, d.size, offset);
    }

    /** PUSHA: the ESP pushed is its value before the first push. */
    private void pushAll(Insn d) {
        int sp = regs[CpuState.ESP];
        for (int r = 0; r < 8; r++) {
            x.push(r == CpuState.ESP ? sp : regs[r], d.operand32);
        }
    }

    private void popAll(Insn d) {
        int size = d.operand32 ? 2 : 1;
        int n = d.operand32 ? 4 : 2;
        // Read all eight slots before writing any register, so a fault changes nothing.
        int[] v = popped;
        for (int i = 0; i < 8; i++) {
            v[i] = x.peek(i * n, d.operand32);
        }
        for (int i = 0; i < 8; i++) {
            int r = 7 - i;
            if (r != CpuState.ESP) {
                x.setReg(r, size, v[i]);
            }
        }
        x.setSp(x.sp() + 8 * n);
    }

    private final int[] popped = new int[8];

    // ---- data movement ----

    private void exchange(Insn d) {
        int size = d.size;
        int b = x.reg(d.reg, size);
        if (d.rm >= 0) {
            int a = x.reg(d.rm, size);
            x.setReg(d.rm, size, b);
            x.setReg(d.reg, size, a);
            return;
        }
        int lin = x.linearWrite(d.seg, x.ea(d), Operands.bytes(size));
        int a = x.read(lin, size);
        x.write(lin, size, b);
        x.setReg(d.reg, size, a);
    }

    private void exchangeAdd(Insn d) {
        int size = d.size;
        int b = x.reg(d.reg, size);
        int a;
        int r;
        if (d.rm >= 0) {
            a = x.reg(d.rm, size);
            r = a + b;
            x.setReg(d.reg, size, a);
            x.setReg(d.rm, size, r);
        } else {
            int lin = x.linearWrite(d.seg, x.ea(d), Operands.bytes(size));
            a = x.read(lin, size);
            r = a + b;
            x.write(lin, size, r);
            x.setReg(d.reg, size, a);
        }
        flags.add(size, a, b, r);
    }

    /** CMPXCHG: flags as CMP accumulator, destination; the destination is written either way. */
    private void compareExchange(Insn d) {
        int size = d.size;
        int acc = x.reg(CpuState.EAX, size);
        int a;
        boolean equal;
        if (d.rm >= 0) {
            a = x.reg(d.rm, size);
            equal = a == acc;
            if (equal) {
                x.setReg(d.rm, size, x.reg(d.reg, size));
            }
        } else {
            int lin = x.linearWrite(d.seg, x.ea(d), Operands.bytes(size));
            a = x.read(lin, size);
            equal = a == acc;
            x.write(lin, size, equal ? x.reg(d.reg, size) : a);
        }
        if (!equal) {
            x.setReg(CpuState.EAX, size, a);
        }
        flags.sub(size, acc, a, acc - a);
    }

    private void compareExchange8(Insn d) {
        int ea = x.ea(d);
        int lin = x.linearWrite(d.seg, ea, 8);
        int lo = x.mmu.read32(lin);
        int hi = x.mmu.read32(lin + 4);
        boolean equal = lo == regs[CpuState.EAX] && hi == regs[CpuState.EDX];
        if (equal) {
            x.mmu.probeWrite(lin, 8);
            x.mmu.write32(lin, regs[CpuState.EBX]);
            x.mmu.write32(lin + 4, regs[CpuState.ECX]);
        } else {
            x.mmu.probeWrite(lin, 8);
            x.mmu.write32(lin, lo);
            x.mmu.write32(lin + 4, hi);
            regs[CpuState.EAX] = lo;
            regs[CpuState.EDX] = hi;
        }
        int f = flags.arith();
        flags.setArith(equal ? f | Flags.ZF : f & ~Flags.ZF);
    }

    /** CMOVcc reads its source even when the condition is false (it can fault either way). */
    private void cmov(Insn d) {
        int v = x.readRm(d);
        if (flags.condition(d.sub)) {
            x.setReg(d.reg, d.size, v);
        }
    }

    private void xlat(Insn d) {
        int offset = regs[CpuState.EBX] + (regs[CpuState.EAX] & 0xFF);
        if (!d.address32) {
            offset &= 0xFFFF;
        }
        x.setReg(CpuState.EAX, 0, x.readMem(d.seg, offset, 0));
    }
}
