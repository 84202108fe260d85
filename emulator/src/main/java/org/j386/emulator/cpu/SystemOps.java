package org.j386.emulator.cpu;

/**
 * The interpreter's side of system instructions: operand fetching and privilege checks that
 * belong to the instruction, with the architectural work delegated to {@link SystemInstructions}
 * and {@link Segmentation}. Also CLI/STI/POPF, whose IOPL rules decide what IF may do.
 */
final class SystemOps {
    private final Cpu cpu;
    private final CpuState s;
    private final Flags flags;
    private final Operands x;
    private final SelectorChecks selectorChecks;

    SystemOps(Cpu cpu, Operands x) {
        this.cpu = cpu;
        this.s = cpu.state;
        this.flags = s.flags;
        this.x = x;
        this.selectorChecks = new SelectorChecks(cpu, x);
    }

    private boolean ioplAllows() {
        return !s.protectedMode() || s.cpl <= flags.iopl();
    }

    void cli() {
        if (!ioplAllows()) {
            throw s.fault.generalProtection(0);
        }
        flags.setBit(Flags.IF, false);
    }

    void sti() {
        if (!ioplAllows()) {
            throw s.fault.generalProtection(0);
        }
        if (!flags.interruptsEnabled()) {
            // Interrupts stay blocked until after the next instruction (the STI; HLT idiom).
            s.interruptShadow = true;
            flags.setBit(Flags.IF, true);
        }
        s.attention = true;
    }

    /** POPF: IOPL only changes at CPL 0, IF only when CPL &lt;= IOPL, VM and RF never. */
    void popf(Insn d) {
        requireV86Iopl3();
        int v = x.peek(0, d.operand32);
        int mask = Flags.CF | Flags.PF | Flags.AF | Flags.ZF | Flags.SF | Flags.TF | Flags.DF | Flags.OF
                | Flags.NT | Flags.AC | Flags.ID;
        if (!s.protectedMode() || s.cpl == 0) {
            mask |= Flags.IOPL | Flags.IF;
        } else if (s.cpl <= flags.iopl()) {
            mask |= Flags.IF;
        }
        if (!d.operand32) {
            mask &= 0xFFFF;
        }
        x.setSp(x.sp() + (d.operand32 ? 4 : 2));
        boolean wasEnabled = flags.interruptsEnabled();
        flags.set((flags.get() & ~mask) | (v & mask));
        if ((!wasEnabled && flags.interruptsEnabled()) || flags.trap()) {
            // An interrupt may now be taken, or single-stepping starts after the next instruction.
            s.attention = true;
        }
    }

    /** The rarer operations, dispatched here to keep the main switch small. */
    void execute(Insn d) {
        SystemInstructions sys = cpu.system;
        switch (d.op) {
            case Op.FPU:
                fpu(d);
                break;
            case Op.CPUID:
                sys.cpuid();
                break;
            case Op.RDTSC: {
                if ((s.cr4 & CpuState.CR4_TSD) != 0 && s.cpl != 0) {
                    throw s.fault.generalProtection(0);
                }
                long t = sys.timestamp();
                s.regs[CpuState.EAX] = (int) t;
                s.regs[CpuState.EDX] = (int) (t >>> 32);
                break;
            }
            case Op.INVLPG:
                sys.requireRing0();
                sys.invlpg(s.segs[d.seg].base + x.ea(d));
                break;
            case Op.WBINVD:
                sys.requireRing0();
                break;
            case Op.CLTS:
                sys.requireRing0();
                sys.writeControl(0, s.cr0 & ~CpuState.CR0_TS);
                break;
            case Op.MOV_R_CR:
                sys.requireRing0();
                s.regs[d.rm] = sys.readControl(d.reg);
                break;
            case Op.MOV_CR_R:
                sys.requireRing0();
                sys.writeControl(d.reg, s.regs[d.rm]);
                break;
            case Op.MOV_R_DR:
                sys.requireRing0();
                s.regs[d.rm] = sys.readDebug(d.reg);
                break;
            case Op.MOV_DR_R:
                sys.requireRing0();
                sys.writeDebug(d.reg, s.regs[d.rm]);
                break;
            case Op.LGDT:
            case Op.LIDT: {
                sys.requireRing0();
                int ea = x.ea(d);
                int limit = x.readMem(d.seg, ea, 1);
                int base = x.readMem(d.seg, ea + 2, 2);
                if (!d.operand32) {
                    base &= 0xFFFFFF;
                }
                if (d.op == Op.LGDT) {
                    sys.lgdt(base, limit);
                } else {
                    sys.lidt(base, limit);
                }
                break;
            }
            case Op.SGDT:
            case Op.SIDT: {
                int ea = x.ea(d);
                boolean gdt = d.op == Op.SGDT;
                // Check both parts before storing either.
                x.linearWrite(d.seg, ea, 6);
                x.writeMem(d.seg, ea, 1, gdt ? s.gdtLimit : s.idtLimit);
                x.writeMem(d.seg, ea + 2, 2, gdt ? s.gdtBase : s.idtBase);
                break;
            }
            case Op.LLDT:
                requireProtectedMode();
                sys.requireRing0();
                cpu.segmentation.loadLdt(x.readRm(d, 1));
                break;
            case Op.LTR:
                requireProtectedMode();
                sys.requireRing0();
                cpu.segmentation.loadTaskRegister(x.readRm(d, 1));
                break;
            case Op.SLDT:
                requireProtectedMode();
                storeSystemWord(d, s.ldtr.selector);
                break;
            case Op.STR:
                requireProtectedMode();
                storeSystemWord(d, s.tr.selector);
                break;
            case Op.SMSW:
                storeSystemWord(d, s.cr0);
                break;
            case Op.LMSW: {
                sys.requireRing0();
                int v = x.readRm(d, 1);
                // LMSW sets MP, EM, TS and PE but can never clear PE.
                int cr0 = (s.cr0 & ~0xE) | (v & 0xF) | (s.cr0 & CpuState.CR0_PE);
                sys.writeControl(0, cr0);
                break;
            }
            case Op.LAR:
            case Op.LSL:
            case Op.VERR:
            case Op.VERW:
            case Op.ARPL:
                selectorChecks.execute(d);
                break;
            default:
                throw s.fault.invalidOpcode();
        }
    }

    /**
     * The selector instructions have no meaning without descriptor tables: #UD in real-address and
     * virtual-8086 mode (as {@link SelectorChecks} does for LAR, LSL, VERR, VERW and ARPL).
     */
    private void requireProtectedMode() {
        if (!s.protectedMode() || s.flags.vm()) {
            throw s.fault.invalidOpcode();
        }
    }

    /** PUSHF, POPF and INT n in virtual-8086 mode: #GP(0) unless IOPL is 3, so a monitor can emulate them. */
    void requireV86Iopl3() {
        if (s.flags.vm() && flags.iopl() < 3) {
            throw s.fault.generalProtection(0);
        }
    }

    /** SLDT/STR/SMSW: 16 bits to memory; to a register at the operand size (zero-extended). */
    private void storeSystemWord(Insn d, int v) {
        if (d.rm < 0) {
            x.writeMem(d.seg, x.ea(d), 1, v);
        } else if (d.operand32) {
            s.regs[d.rm] = d.op == Op.SMSW ? v : v & 0xFFFF;
        } else {
            x.setReg(d.rm, 1, v);
        }
    }

    /**
     * No FPU is present: escapes raise #NM when CR0.EM or CR0.TS asks the OS to emulate or
     * restore FPU state, and #UD otherwise. WAIT (sub 1) faults only when TS and MP are both set.
     */
    private void fpu(Insn d) {
        int cr0 = s.cr0;
        if (d.sub == 1) {
            if ((cr0 & (CpuState.CR0_TS | CpuState.CR0_MP)) == (CpuState.CR0_TS | CpuState.CR0_MP)) {
                throw s.fault.of(Vectors.NM);
            }
            return;
        }
        if ((cr0 & (CpuState.CR0_EM | CpuState.CR0_TS)) != 0) {
            throw s.fault.of(Vectors.NM);
        }
        throw s.fault.invalidOpcode();
    }
}
