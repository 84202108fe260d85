package org.j386.emulator.cpu;

import org.j386.emulator.memory.Mmu;

/**
 * A cursor over a stack segment for the frames that far transfers and interrupt delivery build
 * or consume. Every push and read is checked against the segment limit and the page tables before
 * the caller commits any register, so a fault leaves the architectural state untouched.
 */
final class SystemStack {
    private final Mmu mmu;
    private final CpuState s;
    private Segment segment;
    private int esp;
    private boolean user;
    private int faultCode;

    SystemStack(Cpu cpu) {
        this.mmu = cpu.mmu;
        this.s = cpu.state;
    }

    /** Starts at {@code esp} in {@code segment}; accesses use {@code user} privilege; faults are #SS(faultCode). */
    SystemStack begin(Segment segment, int esp, boolean user, int faultCode) {
        this.segment = segment;
        this.esp = segment.big() ? esp : esp & 0xFFFF;
        this.user = user;
        this.faultCode = faultCode;
        return this;
    }

    /** The current stack: SS:ESP with the current privilege. */
    SystemStack current() {
        return begin(s.segs[CpuState.SS], s.regs[CpuState.ESP], s.cpl == 3, 0);
    }

    void push(int size, int value) {
        int next = wrap(esp - size);
        mmu.writeAs(linear(next, size), size, value, user);
        esp = next;
    }

    /** Reads {@code size} bytes at ESP + {@code offset} without moving ESP. */
    int read(int offset, int size) {
        int value = mmu.readAs(linear(wrap(esp + offset), size), size, user);
        return size == 2 ? value & 0xFFFF : value;
    }

    void release(int bytes) {
        esp = wrap(esp + bytes);
    }

    int esp() {
        return esp;
    }

    /** The ESP value to commit: the upper half of ESP is preserved with a 16-bit stack. */
    int espFor(int oldEsp) {
        return segment.big() ? esp : (oldEsp & 0xFFFF0000) | esp;
    }

    private int wrap(int offset) {
        return segment.big() ? offset : offset & 0xFFFF;
    }

    private int linear(int offset, int size) {
        if (!Segmentation.withinLimit(segment, offset, size)) {
            throw s.fault.stackFault(faultCode);
        }
        return segment.base + offset;
    }
}
