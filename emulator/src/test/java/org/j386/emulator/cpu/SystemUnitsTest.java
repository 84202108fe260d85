package org.j386.emulator.cpu;

import static org.j386.emulator.cpu.CpuState.*;
import static org.j386.emulator.cpu.ProtectedModeFixture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SystemUnitsTest {
    private final ProtectedModeFixture m = new ProtectedModeFixture();
    private final CpuState s = m.s;

    private CpuFault fault(Runnable r) {
        return assertThrows(CpuFault.class, r::run);
    }

    @Test
    void loadingStackSegmentWithWrongRplIsGeneralProtectionNamingTheSelector() {
        CpuFault f = fault(() -> m.cpu.segmentation.loadSegment(SS, KERNEL_DATA | 3));
        assertEquals(Vectors.GP, f.vector());
        assertEquals(KERNEL_DATA, f.errorCode());
    }

    @Test
    void loadingANotPresentDataSegmentIsNotPresentFault() {
        CpuFault f = fault(() -> m.cpu.segmentation.loadSegment(DS, DATA_NOT_PRESENT));
        assertEquals(Vectors.NP, f.vector());
        assertEquals(DATA_NOT_PRESENT, f.errorCode());
    }

    @Test
    void loadingANotPresentStackSegmentIsStackFault() {
        m.descriptor(6, 0, 0xFFFFF, 0x12, 0xC);
        assertEquals(Vectors.SS, fault(() -> m.cpu.segmentation.loadSegment(SS, DATA_NOT_PRESENT)).vector());
    }

    @Test
    void nullSelectorInDataSegmentRegisterIsAllowedButUnusable() {
        m.cpu.segmentation.loadSegment(ES, 0);
        assertFalse(s.segs[ES].usable);
        assertEquals(Vectors.GP, fault(() -> m.cpu.segmentation.loadSegment(SS, 0)).vector());
    }

    @Test
    void selectorBeyondTheGdtLimitIsGeneralProtection() {
        assertEquals(0x100, fault(() -> m.cpu.segmentation.loadSegment(DS, 0x100)).errorCode());
    }

    @Test
    void segmentLoadCachesBaseLimitAndSetsTheAccessedBit() {
        m.descriptor(7, 0x12345000, 0xFF, 0x92, 0x4);
        m.cpu.segmentation.loadSegment(FS, 0x38);
        assertEquals(0x12345000, s.segs[FS].base);
        assertEquals(0xFF, s.segs[FS].limit);
        assertTrue((m.ram.read32(GDT + 7 * 8 + 4) & 0x100) != 0);
    }

    @Test
    void ring3CannotLoadARing0DataSegment() {
        m.enterRing3(0x70000);
        assertEquals(KERNEL_DATA, fault(() -> m.cpu.segmentation.loadSegment(DS, KERNEL_DATA | 3)).errorCode());
    }

    @Test
    void farJumpToADataSegmentIsGeneralProtection() {
        assertEquals(KERNEL_DATA, fault(() -> m.cpu.segmentation.farJump(KERNEL_DATA, 0)).errorCode());
    }

    @Test
    void aTaskSwitchToATssBelowTheMinimumLimitIsInvalidTssNamingItInTheOldTask() {
        m.descriptor(7, TSS, 0x40, 0x89, 0x0);
        int eip = s.eip;
        assertEquals(7 * 8, assertThrows(CpuFault.class, () -> m.cpu.segmentation.farJump(7 * 8, 0)).errorCode());
        assertEquals(Vectors.TS, m.cpu.state.fault.vector());
        assertEquals(KERNEL_CODE, s.segs[CS].selector);
        assertEquals(eip, s.eip);
    }

    /** IRETD from ring 0 to a V86 frame: IP 0x1234 at 2000, SP 0x0800 at 3000, ES/DS/FS/GS 4000-7000. */
    private void iretIntoV86(int eflags) {
        int sp = s.regs[ESP] - 36;
        int[] frame = {0xABCD1234, 0x2000, Flags.VM | eflags | 2, 0x0800, 0x3000, 0x4000, 0x5000, 0x6000, 0x7000};
        for (int i = 0; i < frame.length; i++) {
            m.ram.write32(sp + 4 * i, frame[i]);
        }
        s.regs[ESP] = sp;
        m.cpu.interrupts.iret(true);
    }

    @Test
    void iretdWithVmFromRing0EntersVirtual8086ModeLoadingEverySegmentTheRealModeWay() {
        iretIntoV86(Flags.IF);
        assertTrue(s.v86());
        assertEquals(3, s.cpl);
        assertEquals(0x1234, s.eip, "EIP keeps only its low 16 bits");
        assertEquals(0x0800, s.regs[ESP]);
        int[] expected = {0x4000, 0x2000, 0x3000, 0x5000, 0x6000, 0x7000}; // ES, CS, SS, DS, FS, GS
        for (int sreg = 0; sreg < 6; sreg++) {
            Segment seg = s.segs[sreg];
            assertEquals(expected[sreg], seg.selector);
            assertEquals(expected[sreg] << 4, seg.base);
            assertEquals(0xFFFF, seg.limit);
            assertEquals(3, seg.dpl());
        }
    }

    @Test
    void anInterruptFromV86ModeToAHandlerOutsideRing0IsGeneralProtectionNamingItsCodeSegment() {
        m.gate(0x40, USER_CODE, 0x1000, 0xE, 3);
        iretIntoV86(Flags.IOPL);
        assertEquals(USER_CODE & 0xFFFC, fault(() -> m.cpu.interrupts.softwareInterrupt(0x40, s.eip)).errorCode());
    }

    @Test
    void noFlagLoadSetsOrClearsVm() {
        s.flags.set(-1);
        assertFalse(s.flags.vm());
        s.flags.set(0);
        iretIntoV86(0);
        s.flags.set(0);
        assertTrue(s.flags.vm());
    }

    @Test
    void farCallPushesCsAndReturnAddressAndFarReturnComesBack() {
        m.cpu.segmentation.farCall(KERNEL_CODE, 0x200000, true, 0x100007);
        assertEquals(0x200000, s.eip);
        assertEquals(0x100007, m.stack(0));
        assertEquals(KERNEL_CODE, m.stack(1));
        m.cpu.segmentation.farReturn(true, 8);
        assertEquals(0x100007, s.eip);
        assertEquals(KERNEL_STACK_TOP + 8, s.regs[ESP]);
    }

    @Test
    void aFarJumpToSixteenBitCodeDecodesAgainWhatTheSamePageRanAsThirtyTwoBitCode() {
        // 0x100000: call 0x100020 twice (the second time from the decoded page), then jmp far
        // 0x38:0x20, a 16-bit segment based at 0x100000, to the same bytes: B8 34 12 F4 90 C3 is
        // mov eax, 0x90F41234; ret as 32-bit code, and mov ax, 0x1234; hlt as 16-bit code.
        m.descriptor(7, 0x100000, 0xFFFFF, 0x9A, 0x8);
        byte[] code = {(byte) 0xE8, 0x1B, 0, 0, 0, (byte) 0xE8, 0x16, 0, 0, 0, (byte) 0xEA, 0x20, 0, 0, 0, 0x38, 0};
        byte[] function = {(byte) 0xB8, 0x34, 0x12, (byte) 0xF4, (byte) 0x90, (byte) 0xC3};
        for (int i = 0; i < code.length; i++) {
            m.ram.write8(0x100000 + i, code[i]);
        }
        for (int i = 0; i < function.length; i++) {
            m.ram.write8(0x100020 + i, function[i]);
        }
        m.cpu.run(100);
        assertTrue(s.halted, "the 16-bit HLT ran");
        assertEquals(0x38, s.segs[CS].selector);
        assertEquals(0x24, s.eip, "past the HLT, three bytes after the 16-bit MOV");
    }

    @Test
    void farReturnToRing3LoadsTheOuterStack() {
        int sp = s.regs[ESP] - 16;
        m.ram.write32(sp, 0x400000);
        m.ram.write32(sp + 4, USER_CODE);
        m.ram.write32(sp + 8, 0x7FF00);
        m.ram.write32(sp + 12, USER_DATA);
        s.regs[ESP] = sp;
        m.cpu.segmentation.farReturn(true, 0);
        assertEquals(3, s.cpl);
        assertEquals(0x7FF00, s.regs[ESP]);
        assertEquals(USER_DATA, s.segs[SS].selector);
        assertFalse(s.segs[DS].usable);
    }

    @Test
    void ltrMarksTheTssBusySoASecondLtrFails() {
        assertEquals(0xB, (m.ram.read32(GDT + 5 * 8 + 4) >>> 8) & 0xF);
        assertEquals(TSS_SEL, fault(() -> m.cpu.segmentation.loadTaskRegister(TSS_SEL)).errorCode());
    }

    @Test
    void privilegedInstructionsFaultOutsideRing0() {
        m.enterRing3(0x70000);
        assertEquals(Vectors.GP, fault(() -> m.cpu.system.writeControl(3, 0)).vector());
        assertEquals(Vectors.GP, fault(() -> m.cpu.system.hlt()).vector());
        assertEquals(Vectors.GP, fault(() -> m.cpu.system.lgdt(0, 0)).vector());
    }

    @Test
    void enablingPagingWithoutProtectedModeIsGeneralProtection() {
        assertEquals(Vectors.GP, fault(() -> m.cpu.system.writeControl(0, CR0_PG)).vector());
    }

    @Test
    void settingAnUnimplementedCr4BitIsGeneralProtection() {
        assertEquals(Vectors.GP, fault(() -> m.cpu.system.writeControl(4, 0x20)).vector()); // PAE
        m.cpu.system.writeControl(4, CR4_PSE | CR4_PGE);
        assertEquals(CR4_PSE | CR4_PGE, m.cpu.system.readControl(4));
    }

    @Test
    void cr0KeepsEtSetAndMovesTheMmuIntoPagedMode() {
        m.cpu.system.writeControl(3, 0x10000);
        m.cpu.system.writeControl(0, CR0_PE | CR0_PG | CR0_WP);
        assertEquals(CR0_PE | CR0_PG | CR0_WP | CR0_ET, s.cr0);
        assertTrue(m.mmu.pagingEnabled());
    }

    @Test
    void unimplementedControlRegistersAreInvalidOpcodes() {
        assertEquals(Vectors.UD, fault(() -> m.cpu.system.readControl(1)).vector());
        assertEquals(Vectors.UD, fault(() -> m.cpu.system.writeControl(5, 0)).vector());
    }

    @Test
    void cpuidNamesJ386AndItsFeatures() {
        s.regs[EAX] = 0;
        m.cpu.system.cpuid();
        String vendor = text(s.regs[EBX]) + text(s.regs[EDX]) + text(s.regs[ECX]);
        assertEquals("J386 Machine", vendor);
        s.regs[EAX] = 1;
        m.cpu.system.cpuid();
        assertEquals(1 << 3, s.regs[EDX] & (1 << 3)); // PSE
        assertEquals(0, s.regs[EDX] & 1); // no FPU
    }

    @Test
    void ioPermissionInRing3ComesFromTheTssBitmap() {
        m.enterRing3(0x70000);
        m.ram.write8(TSS + 0x68 + (0x3F8 >>> 3), 0x00); // 0x3F8-0x3FF allowed
        m.ram.write8(TSS + 0x68 + (0xE9 >>> 3), 0x02); // 0xE9 denied
        m.cpu.system.checkIo(0x3F8, 4);
        assertEquals(Vectors.GP, fault(() -> m.cpu.system.checkIo(0xE9, 1)).vector());
        s.flags.set(Flags.IOPL);
        m.cpu.system.checkIo(0xE9, 1);
    }

    private static String text(int word) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            b.append((char) ((word >>> (8 * i)) & 0xFF));
        }
        return b.toString();
    }
}
