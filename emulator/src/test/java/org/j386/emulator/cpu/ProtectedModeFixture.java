package org.j386.emulator.cpu;

import static org.j386.emulator.cpu.CpuState.*;

import org.j386.emulator.memory.Mmu;
import org.j386.emulator.memory.PhysicalMemory;
import org.j386.emulator.memory.PortBus;

/**
 * A CPU in protected mode with a GDT (ring-0 and ring-3 flat code and data, a TSS), an IDT and
 * a ring-0 stack, built directly in RAM so system units can be tested without the interpreter.
 */
final class ProtectedModeFixture {
    static final int GDT = 0x1000, IDT = 0x2000, TSS = 0x3000;
    static final int KERNEL_CODE = 0x08, KERNEL_DATA = 0x10, USER_CODE = 0x1B, USER_DATA = 0x23, TSS_SEL = 0x28,
            DATA_NOT_PRESENT = 0x30, KERNEL_STACK_TOP = 0x90000, TSS_STACK_TOP = 0x80000;

    final PhysicalMemory ram = new PhysicalMemory(4 << 20);
    final Mmu mmu = new Mmu(ram);
    final Cpu cpu = new Cpu(mmu, new PortBus());
    final CpuState s = cpu.state;

    ProtectedModeFixture() {
        descriptor(1, 0, 0xFFFFF, 0x9A, 0xC); // ring-0 code
        descriptor(2, 0, 0xFFFFF, 0x92, 0xC); // ring-0 data
        descriptor(3, 0, 0xFFFFF, 0xFA, 0xC); // ring-3 code
        descriptor(4, 0, 0xFFFFF, 0xF2, 0xC); // ring-3 data
        descriptor(5, TSS, 0x68 + 0x2000, 0x89, 0x0); // available 32-bit TSS with a full I/O bitmap
        descriptor(6, 0, 0xFFFFF, 0x12, 0xC); // data, not present
        ram.write32(TSS + 4, TSS_STACK_TOP); // esp0
        ram.write32(TSS + 8, KERNEL_DATA); // ss0
        ram.write16(TSS + 0x66, 0x68); // I/O bitmap right after the TSS
        s.cr0 |= CR0_PE;
        s.gdtBase = GDT;
        s.gdtLimit = 8 * 8 - 1;
        s.idtBase = IDT;
        s.idtLimit = 256 * 8 - 1;
        s.segs[CS].setFlat(KERNEL_CODE, true);
        for (int sreg : new int[] {ES, SS, DS, FS, GS}) {
            s.segs[sreg].setFlat(KERNEL_DATA, false);
        }
        s.regs[ESP] = KERNEL_STACK_TOP;
        s.eip = 0x100000;
        cpu.segmentation.loadTaskRegister(TSS_SEL);
    }

    void descriptor(int index, int base, int limit, int access, int flags) {
        writeDescriptor(ram, GDT + index * 8, base, limit, access, flags);
    }

    /** Writes a segment descriptor at {@code address}: access is the P/DPL/S/type byte, flags G/D/L/AVL. */
    static void writeDescriptor(PhysicalMemory ram, int address, int base, int limit, int access, int flags) {
        int low = (limit & 0xFFFF) | (base << 16);
        int high = ((base >>> 16) & 0xFF) | (access << 8) | (limit & 0xF0000) | (flags << 20) | (base & 0xFF000000);
        ram.write32(address, low);
        ram.write32(address + 4, high);
    }

    /** type 0xE interrupt gate, 0xF trap gate. */
    void gate(int vector, int selector, int offset, int type, int dpl) {
        ram.write32(IDT + vector * 8, (selector << 16) | (offset & 0xFFFF));
        ram.write32(IDT + vector * 8 + 4, (offset & 0xFFFF0000) | 0x8000 | (dpl << 13) | (type << 8));
    }

    /** Puts the CPU in ring 3 on flat user segments with the given stack. */
    void enterRing3(int esp) {
        s.segs[CS].setFlat(USER_CODE, true);
        s.segs[CS].attributes |= 3 << 5;
        for (int sreg : new int[] {ES, SS, DS, FS, GS}) {
            s.segs[sreg].setFlat(USER_DATA, false);
            s.segs[sreg].attributes |= 3 << 5;
        }
        cpu.setCpl(3);
        s.regs[ESP] = esp;
    }

    int stack(int index) {
        return ram.read32(s.regs[ESP] + 4 * index);
    }
}
