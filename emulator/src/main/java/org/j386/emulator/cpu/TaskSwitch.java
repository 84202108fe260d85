package org.j386.emulator.cpu;

import static org.j386.emulator.cpu.CpuState.*;

/**
 * Hardware task switches: far JMP or CALL to a TSS or a task gate, an interrupt or exception
 * through a task gate, and IRET with NT set. The old task's registers go to its TSS, the new
 * task's come from its TSS together with LDTR (and CR3 while paging is on, as QEMU loads it); the
 * busy bits, the back link and NT follow the source of the switch, and CR0.TS is set.
 *
 * <p>The checks that decide whether the switch happens at all fault in the old task. Once the new
 * task's registers are in place, a bad segment selector among them is delivered here as a fault
 * of the new task (#TS, #NP or #SS naming it) rather than thrown, since the run loop would
 * otherwise put back the old task's EIP and ESP.
 *
 * <p>Either kind of TSS may be on either side of a switch: the 386's 32-bit one (types 9 and 11)
 * or the 286's 16-bit one (types 1 and 3, {@link Layout#TSS16}).
 */
final class TaskSwitch {
    enum Source { JMP, CALL, INTERRUPT, IRET }

    private static final int TYPE_TSS16 = 1, TYPE_TSS16_BUSY = 3, TYPE_TASK_GATE = 5, TYPE_TSS32 = 9,
            TYPE_TSS32_BUSY = 11, BUSY = 0x200;
    /** The back link: the first word of either kind of TSS. */
    private static final int LINK = 0;

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
        Layout to = Layout.of((high >>> 8) & 0xF);
        int base = (low >>> 16) | ((high & 0xFF) << 16) | (high & 0xFF000000);
        if (Integer.compareUnsigned(Segment.byteLimit(low, high), to.minLimit) < 0) {
            throw s.fault.invalidTss(selector & 0xFFFC);
        }
        Segment old = s.tr;
        Layout from = Layout.of(old.systemType());
        if (old.usable && Integer.compareUnsigned(old.limit, from.minLimit) < 0) {
            throw s.fault.invalidTss(old.selector & 0xFFFC);
        }
        // Read the whole new state before writing anything, so a page fault leaves both tasks as they were.
        TaskImage image = readImage(to, base);
        int eflags = s.flags.get();
        if (source == Source.IRET) {
            eflags &= ~Flags.NT;
        }
        saveState(from, old.base, returnEip, eflags);
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
        loadState(to, image, source == Source.CALL || source == Source.INTERRUPT);
        try {
            loadSegments(image);
            if (hasErrorCode) {
                SystemStack stack = new SystemStack(cpu);
                stack.current();
                stack.push(to.width, errorCode);
                s.regs[ESP] = stack.espFor(s.regs[ESP]);
            }
        } catch (CpuFault inNewTask) {
            cpu.interrupts.exception(inNewTask.vector(), inNewTask.errorCode(), inNewTask.hasErrorCode());
        }
    }

    /**
     * Where a TSS keeps each field: the 386's 32-bit layout, or the 286's 16-bit one, which has no
     * CR3, FS or GS and holds the low halves of EIP, EFLAGS and the general registers. Fields are
     * {@code width} bytes apart; the segment selectors are ES, CS, SS, DS (then FS, GS) in the
     * order of {@link CpuState#ES}.
     */
    private record Layout(int width, int minLimit, int cr3, int eip, int eflags, int regs, int segs, int segCount,
            int ldt) {
        static final Layout TSS32 = new Layout(4, 0x67, 0x1C, 0x20, 0x24, 0x28, 0x48, 6, 0x60);
        static final Layout TSS16 = new Layout(2, 0x2B, -1, 0x0E, 0x10, 0x12, 0x22, 4, 0x2A);

        /** The layout of a TSS of descriptor type {@code type}; a TR never loaded (type 0) saves as 32-bit. */
        static Layout of(int type) {
            return type == TYPE_TSS16 || type == TYPE_TSS16_BUSY ? TSS16 : TSS32;
        }

        boolean wide() {
            return width == 4;
        }
    }

    /** The new task's fields, read from its TSS before the switch writes anything. */
    private static final class TaskImage {
        int cr3, eip, eflags, ldt;
        final int[] regs = new int[8];
        /** Null selectors for the segment registers a 16-bit TSS does not hold. */
        final int[] selectors = new int[6];
    }

    private TaskImage readImage(Layout layout, int base) {
        TaskImage image = new TaskImage();
        image.cr3 = layout.cr3 < 0 ? 0 : read(layout, base + layout.cr3);
        image.eip = read(layout, base + layout.eip);
        image.eflags = read(layout, base + layout.eflags);
        for (int r = 0; r < 8; r++) {
            image.regs[r] = read(layout, base + layout.regs + layout.width * r);
        }
        for (int sreg = 0; sreg < layout.segCount; sreg++) {
            image.selectors[sreg] = read(layout, base + layout.segs + layout.width * sreg) & 0xFFFF;
        }
        image.ldt = read(layout, base + layout.ldt) & 0xFFFF;
        return image;
    }

    /** One field of {@code layout}'s width, zero-extended. */
    private int read(Layout layout, int linear) {
        int value = cpu.mmu.readAs(linear, layout.width, false);
        return layout.wide() ? value : value & 0xFFFF;
    }

    private int read32(int linear) {
        return cpu.mmu.readAs(linear, 4, false);
    }

    /** The old task's dynamic fields; a 16-bit TSS keeps only their low halves, and no FS or GS. */
    private void saveState(Layout layout, int base, int eip, int eflags) {
        cpu.mmu.writeAs(base + layout.eip, layout.width, eip, false);
        cpu.mmu.writeAs(base + layout.eflags, layout.width, eflags, false);
        for (int r = 0; r < 8; r++) {
            cpu.mmu.writeAs(base + layout.regs + layout.width * r, layout.width, s.regs[r], false);
        }
        for (int sreg = 0; sreg < layout.segCount; sreg++) {
            cpu.mmu.writeAs(base + layout.segs + layout.width * sreg, 2, s.segs[sreg].selector, false);
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

    /**
     * EIP, EFLAGS, the general registers and (from a 32-bit TSS, while paging is on) CR3. From a
     * 16-bit TSS the upper halves of the general registers stay as they were (the manual leaves
     * them undefined; QEMU keeps them too) and those of EIP and EFLAGS are zero, so a 16-bit task
     * never runs in virtual-8086 mode.
     */
    private void loadState(Layout layout, TaskImage image, boolean nested) {
        if (layout.cr3 >= 0 && (s.cr0 & CR0_PG) != 0) {
            s.cr3 = image.cr3;
            cpu.mmu.setCr3(s.cr3);
        }
        s.eip = image.eip;
        int eflags = image.eflags | (nested ? Flags.NT : 0);
        s.flags.set(eflags);
        s.flags.setVm((eflags & Flags.VM) != 0);
        for (int r = 0; r < 8; r++) {
            s.regs[r] = layout.wide() ? image.regs[r] : (s.regs[r] & 0xFFFF0000) | image.regs[r];
        }
        // The selectors first, so that a fault while checking them shows the new task's.
        for (int sreg = 0; sreg < 6; sreg++) {
            s.segs[sreg].selector = image.selectors[sreg];
        }
        cpu.codeSegmentLoaded();
        s.attention = true;
    }

    /** LDTR, then the segment registers, each checked as a task switch checks them. */
    private void loadSegments(TaskImage image) {
        loadLdt(image.ldt);
        int[] selectors = image.selectors;
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
