package org.j386.emulator.cpu;

import static org.j386.emulator.cpu.CpuState.*;

/**
 * Hardware task switches through a 32-bit TSS: far JMP or CALL to a TSS or a task gate, an
 * interrupt or exception through a task gate, and IRET with NT set. The old task's registers go
 * to its TSS, the new task's come from its TSS together with LDTR (and CR3 while paging is on, as
 * QEMU loads it); the busy bits, the back link and NT follow the source of the switch, and CR0.TS
 * is set.
 *
 * <p>The checks that decide whether the switch happens at all fault in the old task. Once the new
 * task's registers are in place, a bad segment selector among them is delivered here as a fault
 * of the new task (#TS, #NP or #SS naming it) rather than thrown, since the run loop would
 * otherwise put back the old task's EIP and ESP.
 *
 * <p>16-bit TSSs (types 1 and 3) are not emulated: a switch to one stops the machine.
 */
final class TaskSwitch {
    enum Source { JMP, CALL, INTERRUPT, IRET }

    private static final int TYPE_TSS16 = 1, TYPE_TSS16_BUSY = 3, TYPE_TASK_GATE = 5, TYPE_TSS32 = 9,
            TYPE_TSS32_BUSY = 11, BUSY = 0x200;
    /** Offsets in a 32-bit TSS. */
    private static final int LINK = 0, CR3_SLOT = 0x1C, EIP_SLOT = 0x20, EFLAGS_SLOT = 0x24, REGS = 0x28,
            SEGS = 0x48, LDT_SLOT = 0x60, MIN_LIMIT = 0x67;

    private final Cpu cpu;
    private final CpuState s;

    TaskSwitch(Cpu cpu) {
        this.cpu = cpu;
        this.s = cpu.state;
    }

    /**
     * A far JMP or CALL to {@code selector}: switches tasks and returns true when it names a TSS or
     * a task gate; returns false for anything else, which the caller handles as a segment.
     */
    boolean farTransfer(int selector, boolean call) {
        int code = selector & 0xFFFC;
        if (code == 0) {
            return false;
        }
        long d = cpu.segmentation.readDescriptor(selector, 0);
        int high = (int) (d >>> 32);
        int type = (high >>> 8) & 0x1F; // with S: segments are never task descriptors
        if (type != TYPE_TSS16 && type != TYPE_TSS16_BUSY && type != TYPE_TASK_GATE && type != TYPE_TSS32
                && type != TYPE_TSS32_BUSY) {
            return false;
        }
        int dpl = (high >>> 13) & 3;
        if (dpl < s.cpl || dpl < (selector & 3)) {
            throw s.fault.generalProtection(code);
        }
        if ((high & Segmentation.D_PRESENT) == 0) {
            throw s.fault.notPresent(code);
        }
        int tssSelector = selector;
        if (type == TYPE_TASK_GATE) {
            tssSelector = (int) d >>> 16;
            d = availableTss(tssSelector, 0);
        } else if (type == TYPE_TSS16_BUSY || type == TYPE_TSS32_BUSY || (selector & 4) != 0) {
            throw s.fault.generalProtection(code);
        }
        switchTo(tssSelector, d, call ? Source.CALL : Source.JMP, s.eip, 0, false);
        return true;
    }

    /** An interrupt or exception through a task gate whose TSS selector is {@code tssSelector}. */
    void throughGate(int tssSelector, int ext, int returnEip, int errorCode, boolean hasErrorCode) {
        long d = availableTss(tssSelector, ext);
        switchTo(tssSelector, d, Source.INTERRUPT, returnEip, errorCode, hasErrorCode);
    }

    /** IRET with NT set: back to the task named by the current TSS's back link. */
    void nestedReturn() {
        int link = cpu.mmu.readAs(s.tr.base + LINK, 2, false) & 0xFFFF;
        int code = link & 0xFFFC;
        if ((link & 4) != 0) {
            throw s.fault.invalidTss(code);
        }
        long d;
        try {
            d = cpu.segmentation.readDescriptor(link, 0);
        } catch (CpuFault outsideGdt) {
            throw s.fault.invalidTss(code);
        }
        int high = (int) (d >>> 32);
        int type = (high >>> 8) & 0x1F;
        if (type != TYPE_TSS32_BUSY && type != TYPE_TSS16_BUSY) {
            throw s.fault.invalidTss(code);
        }
        if ((high & Segmentation.D_PRESENT) == 0) {
            throw s.fault.notPresent(code);
        }
        switchTo(link, d, Source.IRET, s.eip, 0, false);
    }

    /** The descriptor of an available TSS in the GDT named by a task gate (#GP or #NP naming it otherwise). */
    private long availableTss(int selector, int ext) {
        int code = selector & 0xFFFC;
        if ((selector & 4) != 0) {
            throw s.fault.generalProtection(code | ext);
        }
        long d = cpu.segmentation.readDescriptor(selector, ext);
        int high = (int) (d >>> 32);
        int type = (high >>> 8) & 0x1F;
        if (type != TYPE_TSS32 && type != TYPE_TSS16) {
            throw s.fault.generalProtection(code | ext);
        }
        if ((high & Segmentation.D_PRESENT) == 0) {
            throw s.fault.notPresent(code | ext);
        }
        return d;
    }

    private void switchTo(int selector, long descriptor, Source source, int returnEip, int errorCode,
            boolean hasErrorCode) {
        int low = (int) descriptor;
        int high = (int) (descriptor >>> 32);
        int type = (high >>> 8) & 0xF;
        if ((type & 8) == 0) {
            cpu.stopFor(Cpu.Stop.UNSUPPORTED, String.format(
                    "task switch to selector 0x%04x, a 16-bit TSS: 16-bit task switches are not emulated", selector));
            return;
        }
        int base = (low >>> 16) | ((high & 0xFF) << 16) | (high & 0xFF000000);
        if (Integer.compareUnsigned(Segment.byteLimit(low, high), MIN_LIMIT) < 0) {
            throw s.fault.invalidTss(selector & 0xFFFC);
        }
        Segment old = s.tr;
        if (old.usable && Integer.compareUnsigned(old.limit, MIN_LIMIT) < 0) {
            throw s.fault.invalidTss(old.selector & 0xFFFC);
        }
        // Read the whole new state before writing anything, so a page fault leaves both tasks as they were.
        int[] image = new int[(LDT_SLOT - CR3_SLOT) / 4 + 1];
        for (int i = 0; i < image.length; i++) {
            image[i] = read32(base + CR3_SLOT + 4 * i);
        }
        int eflags = s.flags.get();
        if (source == Source.IRET) {
            eflags &= ~Flags.NT;
        }
        saveState(old.base, returnEip, eflags);
        if (source == Source.JMP || source == Source.IRET) {
            setBusy(old.selector, false);
        }
        if (source == Source.CALL || source == Source.INTERRUPT) {
            cpu.mmu.writeAs(base + LINK, 2, old.selector, false);
        }
        if (source != Source.IRET) {
            setBusy(selector, true);
        }
        s.tr.load(selector, low, high | BUSY);
        s.cr0 |= CR0_TS;
        loadState(image, source == Source.CALL || source == Source.INTERRUPT);
        try {
            loadSegments(image);
            if (hasErrorCode) {
                SystemStack stack = new SystemStack(cpu);
                stack.current();
                stack.push(4, errorCode);
                s.regs[ESP] = stack.espFor(s.regs[ESP]);
            }
        } catch (CpuFault inNewTask) {
            cpu.interrupts.exception(inNewTask.vector(), inNewTask.errorCode(), inNewTask.hasErrorCode());
        }
    }

    private int read32(int linear) {
        return cpu.mmu.readAs(linear, 4, false);
    }

    private void saveState(int base, int eip, int eflags) {
        cpu.mmu.writeAs(base + EIP_SLOT, 4, eip, false);
        cpu.mmu.writeAs(base + EFLAGS_SLOT, 4, eflags, false);
        for (int r = 0; r < 8; r++) {
            cpu.mmu.writeAs(base + REGS + 4 * r, 4, s.regs[r], false);
        }
        for (int sreg = 0; sreg < 6; sreg++) {
            cpu.mmu.writeAs(base + SEGS + 4 * sreg, 2, s.segs[sreg].selector, false);
        }
    }

    /** Sets or clears the busy bit of the TSS descriptor {@code selector} names in the GDT. */
    private void setBusy(int selector, boolean busy) {
        if ((selector & 0xFFFC) == 0) {
            return; // TR was never loaded: there is no descriptor to update
        }
        int address = s.gdtBase + (selector & 0xFFF8) + 4;
        int high = read32(address);
        cpu.mmu.writeAs(address, 4, busy ? high | BUSY : high & ~BUSY, false);
    }

    /** EIP, EFLAGS, the general registers and CR3 from the new TSS image (which starts at CR3). */
    private void loadState(int[] image, boolean nested) {
        if ((s.cr0 & CR0_PG) != 0) {
            s.cr3 = image[0];
            cpu.mmu.setCr3(s.cr3);
        }
        s.eip = image[(EIP_SLOT - CR3_SLOT) / 4];
        int eflags = image[(EFLAGS_SLOT - CR3_SLOT) / 4] | (nested ? Flags.NT : 0);
        s.flags.set(eflags);
        s.flags.setVm((eflags & Flags.VM) != 0);
        for (int r = 0; r < 8; r++) {
            s.regs[r] = image[(REGS - CR3_SLOT) / 4 + r];
        }
        // The selectors first, so that a fault while checking them shows the new task's.
        for (int sreg = 0; sreg < 6; sreg++) {
            s.segs[sreg].selector = image[(SEGS - CR3_SLOT) / 4 + sreg] & 0xFFFF;
        }
        cpu.codeSegmentLoaded();
        s.attention = true;
    }

    /** LDTR, then the segment registers, each checked as a task switch checks them. */
    private void loadSegments(int[] image) {
        int ldt = image[(LDT_SLOT - CR3_SLOT) / 4] & 0xFFFF;
        loadLdt(ldt);
        int[] selectors = new int[6];
        for (int sreg = 0; sreg < 6; sreg++) {
            selectors[sreg] = image[(SEGS - CR3_SLOT) / 4 + sreg] & 0xFFFF;
        }
        if (s.flags.vm()) {
            for (int sreg = 0; sreg < 6; sreg++) {
                cpu.segmentation.loadV86(sreg, selectors[sreg]);
            }
            cpu.setCpl(3);
            return;
        }
        int cpl = selectors[CS] & 3;
        cpu.setCpl(cpl);
        loadCode(selectors[CS]);
        loadStack(selectors[SS], cpl);
        for (int sreg : new int[] {ES, DS, FS, GS}) {
            loadData(sreg, selectors[sreg], cpl);
        }
    }

    private void loadLdt(int selector) {
        int code = selector & 0xFFFC;
        if (code == 0) {
            s.ldtr.setNull(selector);
            return;
        }
        if ((selector & 4) != 0) {
            throw s.fault.invalidTss(code);
        }
        long d = descriptorOrTs(selector);
        int high = (int) (d >>> 32);
        if (((high >>> 8) & 0x1F) != 2) {
            throw s.fault.invalidTss(code);
        }
        if ((high & Segmentation.D_PRESENT) == 0) {
            throw s.fault.invalidTss(code);
        }
        s.ldtr.load(selector, (int) d, high);
    }

    private long descriptorOrTs(int selector) {
        try {
            return cpu.segmentation.readDescriptor(selector, 0);
        } catch (CpuFault outsideTable) {
            throw s.fault.invalidTss(selector & 0xFFFC);
        }
    }

    private void loadCode(int selector) {
        int code = selector & 0xFFFC;
        if (code == 0) {
            throw s.fault.invalidTss(0);
        }
        long d = descriptorOrTs(selector);
        int high = (int) (d >>> 32);
        int dpl = (high >>> 13) & 3;
        int rpl = selector & 3;
        boolean isCode = (high & (Segmentation.D_S | Segmentation.D_CODE)) == (Segmentation.D_S | Segmentation.D_CODE);
        boolean conforming = (high & Segmentation.D_CONFORMING) != 0;
        if (!isCode || (conforming ? dpl > rpl : dpl != rpl)) {
            throw s.fault.invalidTss(code);
        }
        if ((high & Segmentation.D_PRESENT) == 0) {
            throw s.fault.notPresent(code);
        }
        s.segs[CS].load(selector, (int) d, high);
        cpu.codeSegmentLoaded();
    }

    private void loadStack(int selector, int cpl) {
        int code = selector & 0xFFFC;
        if (code == 0) {
            throw s.fault.invalidTss(0);
        }
        long d = descriptorOrTs(selector);
        int high = (int) (d >>> 32);
        boolean writableData = (high & (Segmentation.D_S | Segmentation.D_CODE | Segmentation.D_RW))
                == (Segmentation.D_S | Segmentation.D_RW);
        if (!writableData || ((high >>> 13) & 3) != cpl || (selector & 3) != cpl) {
            throw s.fault.invalidTss(code);
        }
        if ((high & Segmentation.D_PRESENT) == 0) {
            throw s.fault.stackFault(code);
        }
        s.segs[SS].load(selector, (int) d, high);
    }

    private void loadData(int sreg, int selector, int cpl) {
        int code = selector & 0xFFFC;
        if (code == 0) {
            s.segs[sreg].setNull(selector);
            return;
        }
        long d = descriptorOrTs(selector);
        int high = (int) (d >>> 32);
        boolean segment = (high & Segmentation.D_S) != 0;
        boolean isCode = (high & Segmentation.D_CODE) != 0;
        boolean readable = !isCode || (high & Segmentation.D_RW) != 0;
        boolean conformingCode = isCode && (high & Segmentation.D_CONFORMING) != 0;
        int dpl = (high >>> 13) & 3;
        if (!segment || !readable || (!conformingCode && (dpl < cpl || dpl < (selector & 3)))) {
            throw s.fault.invalidTss(code);
        }
        if ((high & Segmentation.D_PRESENT) == 0) {
            throw s.fault.notPresent(code);
        }
        s.segs[sreg].load(selector, (int) d, high);
    }
}
