package org.j386.emulator.cpu;

import org.j386.emulator.memory.Mmu;

/**
 * Turns instruction bytes into an {@link Insn}. Bytes are fetched through the MMU by linear
 * address, so a fetch that crosses into an unmapped page raises the page fault for that page.
 * Anything this processor does not implement decodes to {@link Op#UD}, which the executor turns
 * into #UD: the decoder itself never fails on any byte sequence except by a fetch fault or the
 * 15-byte length limit (#GP(0)).
 */
final class Decoder {
    private static final int MAX_LENGTH = 15;

    private final Mmu mmu;
    private final CpuState s;

    private int start;
    private int pos;
    /**
     * While decoding ahead for the translator: the physical address of the first byte, read
     * straight from RAM (no TLB, no accessed bits) and never past the end of its frame; else -1.
     */
    private int physicalStart = -1;
    /** Bytes left in the frame from {@link #physicalStart}. */
    private int frameBytesLeft;
    private boolean lock;
    /** Set by forms that accept LOCK (when their destination turns out to be memory). */
    private boolean lockable;

    Decoder(Mmu mmu, CpuState s) {
        this.mmu = mmu;
        this.s = s;
    }

    private int fetch8() {
        if (pos >= MAX_LENGTH) {
            throw s.fault.generalProtection(0);
        }
        if (physicalStart >= 0) {
            if (pos >= frameBytesLeft) {
                throw s.fault.generalProtection(0);
            }
            return mmu.physical().read8(physicalStart + pos++);
        }
        return mmu.fetch8(start + pos++);
    }

    /**
     * Decodes ahead of execution from physical memory, without touching the MMU: false when the
     * instruction does not end inside the frame, or would raise #GP for its length. Nothing of the
     * processor's state changes either way.
     */
    boolean decodeWithinFrame(Insn d, int physical, int linear, boolean code32) {
        physicalStart = physical;
        frameBytesLeft = 4096 - (physical & 0xFFF);
        try {
            decode(d, linear, code32);
            return true;
        } catch (CpuFault tooLongOrCrossing) {
            return false;
        } finally {
            physicalStart = -1;
        }
    }

    private int fetch16() {
        int lo = fetch8();
        return lo | (fetch8() << 8);
    }

    private int fetch32() {
        int lo = fetch16();
        return lo | (fetch16() << 16);
    }

    /** Immediate of the current operand size (Iz): 16 or 32 bits. */
    private int fetchImmZ(Insn d) {
        return d.operand32 ? fetch32() : fetch16();
    }

    private int fetchImm(int size) {
        return size == 0 ? fetch8() : size == 1 ? fetch16() : fetch32();
    }

    /** Decodes the instruction at {@code linear} into {@code d}. */
    void decode(Insn d, int linear, boolean code32) {
        start = linear;
        pos = 0;
        lock = false;
        lockable = false;
        d.reset(code32);
        int b;
        for (;;) {
            b = fetch8();
            switch (b) {
                case 0x26: d.segOverride = CpuState.ES; continue;
                case 0x2E: d.segOverride = CpuState.CS; continue;
                case 0x36: d.segOverride = CpuState.SS; continue;
                case 0x3E: d.segOverride = CpuState.DS; continue;
                case 0x64: d.segOverride = CpuState.FS; continue;
                case 0x65: d.segOverride = CpuState.GS; continue;
                case 0x66: d.operand32 = !code32; d.size = d.operand32 ? 2 : 1; continue;
                case 0x67: d.address32 = !code32; continue;
                case 0xF0: lock = true; continue;
                case 0xF2: case 0xF3: d.rep = b; continue;
                default: break;
            }
            break;
        }
        if (d.segOverride >= 0) {
            d.seg = d.segOverride;
        }
        if (b == 0x0F) {
            decodeTwoByte(d, fetch8());
        } else {
            decodeOneByte(d, b);
        }
        if (lock && !(lockable && d.rm < 0)) {
            d.op = Op.UD;
        } else if (d.size == 2) {
            specialise(d);
        }
        d.length = pos;
    }

    /** Picks the dedicated operation for the commonest dword forms (same semantics, fewer tests). */
    private static void specialise(Insn d) {
        boolean register = d.rm >= 0;
        switch (d.op) {
            case Op.ALU_RM_R: if (register) { d.op = Op.ALU32_RR + d.sub; } break;
            case Op.ALU_RM_I: if (register) { d.op = Op.ALU32_RI + d.sub; } break;
            case Op.TEST_RM_R: if (register) { d.op = Op.TEST32_RR; } break;
            case Op.MOV_RM_R: d.op = register ? Op.MOV32_RR : Op.MOV32_STORE; break;
            case Op.MOV_R_RM: if (!register) { d.op = Op.MOV32_LOAD; } else { d.op = Op.MOV32_RR; swapRegisters(d); } break;
            case Op.MOV_RM_I: if (register) { d.op = Op.MOV32_RI; } break;
            case Op.INC: if (register) { d.op = Op.INC32; } break;
            case Op.DEC: if (register) { d.op = Op.DEC32; } break;
            case Op.SHIFT_I: if (register && (d.imm & 0x1F) != 0) { d.op = Op.SHIFT32_RI; d.imm &= 0x1F; } break;
            default: break;
        }
    }

    /** MOV r, r/m with a register source is MOV r/m, r with the fields exchanged. */
    private static void swapRegisters(Insn d) {
        int t = d.reg;
        d.reg = d.rm;
        d.rm = t;
    }

    /** Reads ModRM (and SIB, displacement) into d.reg / d.rm / the memory operand fields. */
    private void modrm(Insn d) {
        int m = fetch8();
        int mod = m >>> 6;
        d.reg = (m >>> 3) & 7;
        int rm = m & 7;
        if (mod == 3) {
            d.rm = rm;
            return;
        }
        d.rm = -1;
        int seg = CpuState.DS;
        if (d.address32) {
            if (rm == 4) {
                int sib = fetch8();
                d.scale = sib >>> 6;
                int index = (sib >>> 3) & 7;
                d.index = index == 4 ? -1 : index;
                int base = sib & 7;
                if (base == 5 && mod == 0) {
                    d.base = -1;
                    d.disp = fetch32();
                } else {
                    d.base = base;
                }
            } else if (rm == 5 && mod == 0) {
                d.base = -1;
                d.disp = fetch32();
            } else {
                d.base = rm;
            }
            if (d.base == CpuState.ESP || d.base == CpuState.EBP) {
                seg = CpuState.SS;
            }
            if (mod == 1) {
                d.disp = (byte) fetch8();
            } else if (mod == 2) {
                d.disp = fetch32();
            }
        } else {
            switch (rm) {
                case 0: d.base = CpuState.EBX; d.index = CpuState.ESI; break;
                case 1: d.base = CpuState.EBX; d.index = CpuState.EDI; break;
                case 2: d.base = CpuState.EBP; d.index = CpuState.ESI; seg = CpuState.SS; break;
                case 3: d.base = CpuState.EBP; d.index = CpuState.EDI; seg = CpuState.SS; break;
                case 4: d.base = CpuState.ESI; break;
                case 5: d.base = CpuState.EDI; break;
                case 6:
                    if (mod == 0) {
                        d.disp = fetch16();
                    } else {
                        d.base = CpuState.EBP;
                        seg = CpuState.SS;
                    }
                    break;
                default: d.base = CpuState.EBX; break;
            }
            if (mod == 1) {
                d.disp = (byte) fetch8();
            } else if (mod == 2) {
                d.disp = (short) fetch16();
            }
        }
        d.seg = d.segOverride >= 0 ? d.segOverride : seg;
    }

    /** A ModRM form that requires a memory operand (LEA, LGDT, far pointers...). */
    private void memoryModrm(Insn d, int op) {
        modrm(d);
        d.op = d.rm < 0 ? op : Op.UD;
    }

    private void decodeOneByte(Insn d, int b) {
        if (b < 0x40 && (b & 7) < 6) {
            // The eight ALU operations, six forms each.
            d.sub = b >>> 3;
            decodeAlu(d, b & 7);
            return;
        }
        switch (b) {
            case 0x06: case 0x0E: case 0x16: case 0x1E:
                d.op = Op.PUSH_SREG; d.sub = b >>> 3; break;
            case 0x07: case 0x17: case 0x1F:
                d.op = Op.POP_SREG; d.sub = b >>> 3; break;
            case 0x27: d.op = Op.DAA; break;
            case 0x2F: d.op = Op.DAS; break;
            case 0x37: d.op = Op.AAA; break;
            case 0x3F: d.op = Op.AAS; break;
            case 0x40: case 0x41: case 0x42: case 0x43: case 0x44: case 0x45: case 0x46: case 0x47:
                d.op = Op.INC; d.rm = b & 7; break;
            case 0x48: case 0x49: case 0x4A: case 0x4B: case 0x4C: case 0x4D: case 0x4E: case 0x4F:
                d.op = Op.DEC; d.rm = b & 7; break;
            case 0x50: case 0x51: case 0x52: case 0x53: case 0x54: case 0x55: case 0x56: case 0x57:
                d.op = Op.PUSH_R; d.reg = b & 7; break;
            case 0x58: case 0x59: case 0x5A: case 0x5B: case 0x5C: case 0x5D: case 0x5E: case 0x5F:
                d.op = Op.POP_R; d.reg = b & 7; break;
            case 0x60: d.op = Op.PUSHA; break;
            case 0x61: d.op = Op.POPA; break;
            case 0x62: memoryModrm(d, Op.BOUND); break;
            case 0x63: modrm(d); d.op = Op.ARPL; break;
            case 0x68: d.op = Op.PUSH_I; d.imm = d.operand32 ? fetch32() : (short) fetch16(); break;
            case 0x69: modrm(d); d.op = Op.IMUL_R_RM_I; d.imm = d.operand32 ? fetch32() : (short) fetch16(); break;
            case 0x6A: d.op = Op.PUSH_I; d.imm = (byte) fetch8(); break;
            case 0x6B: modrm(d); d.op = Op.IMUL_R_RM_I; d.imm = (byte) fetch8(); break;
            case 0x6C: case 0x6D: d.op = Op.INS; byteForm(d, b); break;
            case 0x6E: case 0x6F: d.op = Op.OUTS; byteForm(d, b); break;
            case 0x70: case 0x71: case 0x72: case 0x73: case 0x74: case 0x75: case 0x76: case 0x77:
            case 0x78: case 0x79: case 0x7A: case 0x7B: case 0x7C: case 0x7D: case 0x7E: case 0x7F:
                d.op = Op.JCC; d.sub = b & 0xF; d.imm = (byte) fetch8(); break;
            case 0x80: case 0x81: case 0x82: case 0x83:
                byteForm(d, b);
                modrm(d);
                d.op = Op.ALU_RM_I;
                d.sub = d.reg;
                d.imm = b == 0x83 ? (byte) fetch8() & sizeMask(d.size) : fetchImm(d.size);
                lockable = d.sub != Op.CMP;
                break;
            case 0x84: case 0x85: byteForm(d, b); modrm(d); d.op = Op.TEST_RM_R; break;
            case 0x86: case 0x87: byteForm(d, b); modrm(d); d.op = Op.XCHG; lockable = true; break;
            case 0x88: case 0x89: byteForm(d, b); modrm(d); d.op = Op.MOV_RM_R; break;
            case 0x8A: case 0x8B: byteForm(d, b); modrm(d); d.op = Op.MOV_R_RM; break;
            case 0x8C:
                modrm(d);
                // A store to memory is always 16 bits; into a register it follows the operand size.
                if (d.rm < 0) {
                    d.size = 1;
                }
                d.op = d.reg < 6 ? Op.MOV_RM_SREG : Op.UD;
                break;
            case 0x8D: memoryModrm(d, Op.LEA); break;
            case 0x8E:
                modrm(d);
                d.size = 1;
                d.op = d.reg < 6 && d.reg != CpuState.CS ? Op.MOV_SREG_RM : Op.UD;
                break;
            case 0x8F: modrm(d); d.op = d.reg == 0 ? Op.POP_RM : Op.UD; break;
            case 0x90: d.op = Op.NOP; break; // also PAUSE (F3 90)
            case 0x91: case 0x92: case 0x93: case 0x94: case 0x95: case 0x96: case 0x97:
                d.op = Op.XCHG; d.reg = CpuState.EAX; d.rm = b & 7; break;
            case 0x98: d.op = Op.CBW; break;
            case 0x99: d.op = Op.CWD; break;
            case 0x9A: d.op = Op.CALL_FAR; d.imm = fetchImmZ(d); d.imm2 = fetch16(); break;
            case 0x9B: d.op = Op.FPU; d.sub = 1; break; // WAIT
            case 0x9C: d.op = Op.PUSHF; break;
            case 0x9D: d.op = Op.POPF; break;
            case 0x9E: d.op = Op.SAHF; break;
            case 0x9F: d.op = Op.LAHF; break;
            case 0xA0: case 0xA1: case 0xA2: case 0xA3:
                // MOV between the accumulator and a displacement-only memory operand.
                byteForm(d, b);
                d.op = b < 0xA2 ? Op.MOV_R_RM : Op.MOV_RM_R;
                d.reg = CpuState.EAX;
                d.rm = -1;
                d.disp = d.address32 ? fetch32() : fetch16();
                break;
            case 0xA4: case 0xA5: d.op = Op.MOVS; byteForm(d, b); break;
            case 0xA6: case 0xA7: d.op = Op.CMPS; byteForm(d, b); break;
            case 0xA8: case 0xA9:
                byteForm(d, b); d.op = Op.TEST_RM_I; d.rm = CpuState.EAX; d.imm = fetchImm(d.size); break;
            case 0xAA: case 0xAB: d.op = Op.STOS; byteForm(d, b); break;
            case 0xAC: case 0xAD: d.op = Op.LODS; byteForm(d, b); break;
            case 0xAE: case 0xAF: d.op = Op.SCAS; byteForm(d, b); break;
            case 0xB0: case 0xB1: case 0xB2: case 0xB3: case 0xB4: case 0xB5: case 0xB6: case 0xB7:
                d.op = Op.MOV_RM_I; d.size = 0; d.rm = b & 7; d.imm = fetch8(); break;
            case 0xB8: case 0xB9: case 0xBA: case 0xBB: case 0xBC: case 0xBD: case 0xBE: case 0xBF:
                d.op = Op.MOV_RM_I; d.rm = b & 7; d.imm = fetchImm(d.size); break;
            case 0xC0: case 0xC1:
                byteForm(d, b); modrm(d); d.op = Op.SHIFT_I; d.sub = d.reg; d.imm = fetch8(); break;
            case 0xC2: d.op = Op.RET; d.imm = fetch16(); break;
            case 0xC3: d.op = Op.RET; break;
            case 0xC4: memoryModrm(d, Op.LOAD_FAR_POINTER); d.sub = CpuState.ES; break;
            case 0xC5: memoryModrm(d, Op.LOAD_FAR_POINTER); d.sub = CpuState.DS; break;
            case 0xC6: case 0xC7:
                byteForm(d, b); modrm(d); d.op = d.reg == 0 ? Op.MOV_RM_I : Op.UD; d.imm = fetchImm(d.size); break;
            case 0xC8: d.op = Op.ENTER; d.imm = fetch16(); d.imm2 = fetch8(); break;
            case 0xC9: d.op = Op.LEAVE; break;
            case 0xCA: d.op = Op.RETF; d.imm = fetch16(); break;
            case 0xCB: d.op = Op.RETF; break;
            case 0xCC: d.op = Op.INT3; break;
            case 0xCD: d.op = Op.INT; d.imm = fetch8(); break;
            case 0xCE: d.op = Op.INTO; break;
            case 0xCF: d.op = Op.IRET; break;
            case 0xD0: case 0xD1:
                byteForm(d, b); modrm(d); d.op = Op.SHIFT_I; d.sub = d.reg; d.imm = 1; break;
            case 0xD2: case 0xD3:
                byteForm(d, b); modrm(d); d.op = Op.SHIFT_CL; d.sub = d.reg; break;
            case 0xD4: d.op = Op.AAM; d.imm = fetch8(); break;
            case 0xD5: d.op = Op.AAD; d.imm = fetch8(); break;
            case 0xD6: d.op = Op.SALC; break;
            case 0xD7: d.op = Op.XLAT; break;
            case 0xD8: case 0xD9: case 0xDA: case 0xDB: case 0xDC: case 0xDD: case 0xDE: case 0xDF:
                modrm(d); d.op = Op.FPU; break;
            case 0xE0: case 0xE1: case 0xE2: case 0xE3:
                d.op = Op.LOOP; d.sub = b & 3; d.imm = (byte) fetch8(); break;
            case 0xE4: case 0xE5: byteForm(d, b); d.op = Op.IN_I; d.imm = fetch8(); break;
            case 0xE6: case 0xE7: byteForm(d, b); d.op = Op.OUT_I; d.imm = fetch8(); break;
            case 0xE8: d.op = Op.CALL_REL; d.imm = d.operand32 ? fetch32() : (short) fetch16(); break;
            case 0xE9: d.op = Op.JMP_REL; d.imm = d.operand32 ? fetch32() : (short) fetch16(); break;
            case 0xEA: d.op = Op.JMP_FAR; d.imm = fetchImmZ(d); d.imm2 = fetch16(); break;
            case 0xEB: d.op = Op.JMP_REL; d.imm = (byte) fetch8(); break;
            case 0xEC: case 0xED: byteForm(d, b); d.op = Op.IN_DX; break;
            case 0xEE: case 0xEF: byteForm(d, b); d.op = Op.OUT_DX; break;
            case 0xF4: d.op = Op.HLT; break;
            case 0xF5: d.op = Op.CMC; break;
            case 0xF6: case 0xF7: decodeGroup3(d, b); break;
            case 0xF8: d.op = Op.CLC; break;
            case 0xF9: d.op = Op.STC; break;
            case 0xFA: d.op = Op.CLI; break;
            case 0xFB: d.op = Op.STI; break;
            case 0xFC: d.op = Op.CLD; break;
            case 0xFD: d.op = Op.STD; break;
            case 0xFE: decodeGroup45(d, b); break;
            case 0xFF: decodeGroup45(d, b); break;
            default: d.op = Op.UD; break;
        }
    }

    /** Opcodes whose low bit selects byte (0) or full-size (1) operands. */
    private static void byteForm(Insn d, int b) {
        if ((b & 1) == 0) {
            d.size = 0;
        }
    }

    static int sizeMask(int size) {
        return size == 0 ? 0xFF : size == 1 ? 0xFFFF : -1;
    }

    private void decodeAlu(Insn d, int form) {
        byteForm(d, form);
        switch (form) {
            case 0: case 1:
                modrm(d);
                d.op = Op.ALU_RM_R;
                lockable = d.sub != Op.CMP;
                break;
            case 2: case 3:
                modrm(d);
                d.op = Op.ALU_R_RM;
                break;
            default:
                d.op = Op.ALU_RM_I;
                d.rm = CpuState.EAX;
                d.imm = fetchImm(d.size);
                break;
        }
    }

    private void decodeGroup3(Insn d, int b) {
        byteForm(d, b);
        modrm(d);
        switch (d.reg) {
            case 0: case 1: d.op = Op.TEST_RM_I; d.imm = fetchImm(d.size); break;
            case 2: d.op = Op.NOT; lockable = true; break;
            case 3: d.op = Op.NEG; lockable = true; break;
            case 4: d.op = Op.MUL; break;
            case 5: d.op = Op.IMUL1; break;
            case 6: d.op = Op.DIV; break;
            default: d.op = Op.IDIV; break;
        }
    }

    private void decodeGroup45(Insn d, int b) {
        byteForm(d, b);
        modrm(d);
        switch (d.reg) {
            case 0: d.op = Op.INC; lockable = true; break;
            case 1: d.op = Op.DEC; lockable = true; break;
            case 2: d.op = Op.CALL_RM; break;
            case 3: d.op = Op.CALL_FAR_M; break;
            case 4: d.op = Op.JMP_RM; break;
            case 5: d.op = Op.JMP_FAR_M; break;
            case 6: d.op = Op.PUSH_RM; break;
            default: d.op = Op.UD; break;
        }
        // Only INC and DEC exist in the byte group; far forms need a memory operand.
        if ((b == 0xFE && d.reg > 1) || ((d.reg == 3 || d.reg == 5) && d.rm >= 0)) {
            d.op = Op.UD;
        }
    }

    private void decodeTwoByte(Insn d, int b) {
        switch (b) {
            case 0x00:
                modrm(d);
                switch (d.reg) {
                    case 0: d.op = Op.SLDT; break;
                    case 1: d.op = Op.STR; break;
                    case 2: d.op = Op.LLDT; break;
                    case 3: d.op = Op.LTR; break;
                    case 4: d.op = Op.VERR; break;
                    case 5: d.op = Op.VERW; break;
                    default: d.op = Op.UD; break;
                }
                break;
            case 0x01:
                modrm(d);
                switch (d.reg) {
                    case 0: d.op = Op.SGDT; break;
                    case 1: d.op = Op.SIDT; break;
                    case 2: d.op = Op.LGDT; break;
                    case 3: d.op = Op.LIDT; break;
                    case 4: d.op = Op.SMSW; break;
                    case 6: d.op = Op.LMSW; break;
                    case 7: d.op = Op.INVLPG; break;
                    default: d.op = Op.UD; break;
                }
                if (d.rm >= 0 && d.reg != 4 && d.reg != 6) {
                    d.op = Op.UD;
                }
                break;
            case 0x02: modrm(d); d.op = Op.LAR; break;
            case 0x03: modrm(d); d.op = Op.LSL; break;
            case 0x06: d.op = Op.CLTS; break;
            case 0x08: case 0x09: d.op = Op.WBINVD; break; // INVD too: there are no caches to lose
            case 0x0B: d.op = Op.UD; break;                 // UD2
            case 0x18: case 0x19: case 0x1A: case 0x1B: case 0x1C: case 0x1D: case 0x1E: case 0x1F:
                modrm(d); d.op = Op.NOP; break;              // hint NOPs, 0F 1F /0 among them
            case 0x20: case 0x21: case 0x22: case 0x23:
            {
                // MOV to/from CRn/DRn: r/m always names a register whatever mod says, and no
                // SIB or displacement follows.
                int m = fetch8();
                d.reg = (m >>> 3) & 7;
                d.rm = m & 7;
                d.op = b == 0x20 ? Op.MOV_R_CR : b == 0x21 ? Op.MOV_R_DR : b == 0x22 ? Op.MOV_CR_R : Op.MOV_DR_R;
                break;
            }
            case 0x31: d.op = Op.RDTSC; break;
            case 0xA0: d.op = Op.PUSH_SREG; d.sub = CpuState.FS; break;
            case 0xA1: d.op = Op.POP_SREG; d.sub = CpuState.FS; break;
            case 0xA2: d.op = Op.CPUID; break;
            case 0xA3: modrm(d); d.op = Op.BT_R; d.sub = Op.BT; break;
            case 0xA4: modrm(d); d.op = Op.DSHIFT_I; d.sub = 0; d.imm = fetch8(); break;
            case 0xA5: modrm(d); d.op = Op.DSHIFT_CL; d.sub = 0; break;
            case 0xA8: d.op = Op.PUSH_SREG; d.sub = CpuState.GS; break;
            case 0xA9: d.op = Op.POP_SREG; d.sub = CpuState.GS; break;
            case 0xAB: modrm(d); d.op = Op.BT_R; d.sub = Op.BTS; lockable = true; break;
            case 0xAC: modrm(d); d.op = Op.DSHIFT_I; d.sub = 1; d.imm = fetch8(); break;
            case 0xAD: modrm(d); d.op = Op.DSHIFT_CL; d.sub = 1; break;
            case 0xAF: modrm(d); d.op = Op.IMUL_R_RM; break;
            case 0xB0: case 0xB1: byteForm(d, b); modrm(d); d.op = Op.CMPXCHG; lockable = true; break;
            case 0xB2: memoryModrm(d, Op.LOAD_FAR_POINTER); d.sub = CpuState.SS; break;
            case 0xB3: modrm(d); d.op = Op.BT_R; d.sub = Op.BTR; lockable = true; break;
            case 0xB4: memoryModrm(d, Op.LOAD_FAR_POINTER); d.sub = CpuState.FS; break;
            case 0xB5: memoryModrm(d, Op.LOAD_FAR_POINTER); d.sub = CpuState.GS; break;
            case 0xB6: case 0xB7:
                modrm(d); d.op = Op.MOVZX; d.sub = b == 0xB6 ? 0 : 1; break;
            case 0xBA:
                modrm(d);
                d.op = d.reg >= 4 ? Op.BT_I : Op.UD;
                d.sub = d.reg - 4;
                d.imm = fetch8();
                lockable = d.sub != Op.BT;
                break;
            case 0xBB: modrm(d); d.op = Op.BT_R; d.sub = Op.BTC; lockable = true; break;
            case 0xBC: modrm(d); d.op = Op.BSF; break;
            case 0xBD: modrm(d); d.op = Op.BSR; break;
            case 0xBE: case 0xBF:
                modrm(d); d.op = Op.MOVSX; d.sub = b == 0xBE ? 0 : 1; break;
            case 0xC0: case 0xC1: byteForm(d, b); modrm(d); d.op = Op.XADD; lockable = true; break;
            case 0xC7:
                modrm(d);
                d.op = d.reg == 1 && d.rm < 0 ? Op.CMPXCHG8B : Op.UD;
                lockable = true;
                break;
            case 0xC8: case 0xC9: case 0xCA: case 0xCB: case 0xCC: case 0xCD: case 0xCE: case 0xCF:
                d.op = Op.BSWAP; d.reg = b & 7; break;
            default:
                if (b >= 0x40 && b <= 0x4F) {
                    modrm(d); d.op = Op.CMOVCC; d.sub = b & 0xF;
                } else if (b >= 0x80 && b <= 0x8F) {
                    d.op = Op.JCC; d.sub = b & 0xF; d.imm = d.operand32 ? fetch32() : (short) fetch16();
                } else if (b >= 0x90 && b <= 0x9F) {
                    modrm(d); d.op = Op.SETCC; d.sub = b & 0xF; d.size = 0;
                } else {
                    d.op = Op.UD;
                }
                break;
        }
    }
}
