package org.j386.emulator.cpu;

import static org.j386.emulator.cpu.Segmentation.D_CODE;
import static org.j386.emulator.cpu.Segmentation.D_CONFORMING;
import static org.j386.emulator.cpu.Segmentation.D_RW;
import static org.j386.emulator.cpu.Segmentation.D_S;

/**
 * LAR, LSL, VERR, VERW and ARPL: the instructions that let software ask what a selector would be
 * allowed to do without faulting. The first four answer in ZF (and LAR/LSL in a register, written
 * only when ZF is set); a bad selector is an answer, never an exception. Only fetching the source
 * operand itself can fault. All five exist only in protected mode: real mode and virtual-8086 mode
 * raise #UD.
 */
final class SelectorChecks {
    /** System types LAR reports: TSSs (available and busy), the LDT, call gates and task gates. */
    private static final int LAR_SYSTEM_TYPES = typeSet(0x1, 0x2, 0x3, 0x4, 0x5, 0x9, 0xB, 0xC);
    /** System types LSL reports: those with a limit of their own, TSSs and the LDT (no gates). */
    private static final int LSL_SYSTEM_TYPES = typeSet(0x1, 0x2, 0x3, 0x9, 0xB);
    /** LAR's view of the descriptor's high dword: type, S, DPL, P, AVL, D/B, G; bits 19:16 read 0. */
    private static final int ACCESS_RIGHTS_32 = 0x00F0FF00, ACCESS_RIGHTS_16 = 0xFF00;

    private final Cpu cpu;
    private final CpuState s;
    private final Operands x;

    SelectorChecks(Cpu cpu, Operands x) {
        this.cpu = cpu;
        this.s = cpu.state;
        this.x = x;
    }

    private static int typeSet(int... types) {
        int set = 0;
        for (int t : types) {
            set |= 1 << t;
        }
        return set;
    }

    void execute(Insn d) {
        if (!s.protectedMode() || (s.flags.get() & Flags.VM) != 0) {
            throw s.fault.invalidOpcode();
        }
        if (d.op == Op.ARPL) {
            arpl(d);
            return;
        }
        int selector = x.readRm(d, 1);
        long descriptor = cpu.segmentation.probeDescriptor(selector);
        int high = (int) (descriptor >>> 32);
        boolean ok;
        switch (d.op) {
            case Op.LAR:
                ok = visible(selector, high, LAR_SYSTEM_TYPES);
                if (ok) {
                    x.setReg(d.reg, d.size, high & (d.operand32 ? ACCESS_RIGHTS_32 : ACCESS_RIGHTS_16));
                }
                break;
            case Op.LSL:
                ok = visible(selector, high, LSL_SYSTEM_TYPES);
                if (ok) {
                    x.setReg(d.reg, d.size, Segment.byteLimit((int) descriptor, high));
                }
                break;
            case Op.VERR:
                // Data is always readable; code only when R is set.
                ok = isSegment(high) && ((high & D_CODE) == 0 || (high & D_RW) != 0) && visible(selector, high, 0);
                break;
            default: // VERW: writable data only, code never
                ok = isSegment(high) && (high & (D_CODE | D_RW)) == D_RW && visible(selector, high, 0);
                break;
        }
        s.flags.setBit(Flags.ZF, ok);
    }

    private static boolean isSegment(int high) {
        return (high & D_S) != 0;
    }

    /**
     * Whether a descriptor of a code or data segment, or of one of {@code systemTypes}, may be seen
     * at the current privilege through this selector: a conforming code segment always, anything
     * else when its DPL is numerically at least both CPL and the selector's RPL. Presence is not
     * checked: these instructions describe absent segments too.
     */
    private boolean visible(int selector, int high, int systemTypes) {
        if (isSegment(high)) {
            if ((high & (D_CODE | D_CONFORMING)) == (D_CODE | D_CONFORMING)) {
                return true;
            }
        } else if ((systemTypes & (1 << ((high >>> 8) & 0xF))) == 0) {
            return false;
        }
        int dpl = (high >>> 13) & 3;
        return dpl >= s.cpl && dpl >= (selector & 3);
    }

    /**
     * ARPL r/m16, r16: raises the destination selector's RPL to the source's, ZF telling whether
     * it had to. A memory destination is written back either way, as the 80386 treats it as a
     * read-modify-write operand (#GP in a read-only segment even when nothing changes).
     */
    private void arpl(Insn d) {
        int destination = x.readRm(d, 1);
        int requested = x.reg(d.reg, 1) & 3;
        boolean raise = (destination & 3) < requested;
        if (raise) {
            // Written only when it changes (as the SDM's pseudo-code and the vectors recorded on a
            // real CPU show): an unchanged selector in a read-only segment does not fault.
            x.writeRm(d, 1, (destination & ~3) | requested);
        }
        s.flags.setBit(Flags.ZF, raise);
    }
}
