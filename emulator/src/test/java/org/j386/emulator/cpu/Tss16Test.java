package org.j386.emulator.cpu;

import static org.j386.emulator.cpu.CpuState.*;
import static org.j386.emulator.cpu.ProtectedModeFixture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Task switches to and from a 16-bit (286) TSS, whose layout holds words: IP at 0x0E, FLAGS at
 * 0x10, AX..DI from 0x12, ES, CS, SS, DS from 0x22 and the LDT selector at 0x2A; no CR3, FS or GS.
 */
class Tss16Test {
    private static final int TSS16 = 0x4000, TSS16_SEL = 7 * 8, AVAILABLE_TSS16 = 0x81;
    private static final int[] WORDS = {0x1111, 0x2222, 0x3333, 0x4444, 0x7F00, 0x5555, 0x6666, 0x7777};

    private final ProtectedModeFixture m = new ProtectedModeFixture();
    private final CpuState s = m.s;

    /** A 16-bit task at KERNEL_CODE:0x2468 on the kernel stack, with distinct words in every register. */
    private void prepare16BitTask(int limit) {
        m.descriptor(7, TSS16, limit, AVAILABLE_TSS16, 0x0);
        m.ram.write16(TSS16 + 0x0E, 0x2468);
        m.ram.write16(TSS16 + 0x10, 0x0002 | Flags.CF);
        for (int r = 0; r < 8; r++) {
            m.ram.write16(TSS16 + 0x12 + 2 * r, WORDS[r]);
        }
        int[] selectors = {KERNEL_DATA, KERNEL_CODE, KERNEL_DATA, KERNEL_DATA}; // ES, CS, SS, DS
        for (int i = 0; i < selectors.length; i++) {
            m.ram.write16(TSS16 + 0x22 + 2 * i, selectors[i]);
        }
        m.ram.write16(TSS16 + 0x2C, 0xBEEF); // just past the TSS: never read nor written
    }

    @Test
    void aJumpToA16BitTssLoadsItsWordsKeepsTheUpperHalvesOfTheRegistersAndNullsFsAndGs() {
        prepare16BitTask(0x2B);
        for (int r = 0; r < 8; r++) {
            s.regs[r] = 0xABCD0000 | r;
        }
        m.cpu.segmentation.farJump(TSS16_SEL, 0);
        assertEquals(TSS16_SEL, s.tr.selector);
        assertEquals(0x2468, s.eip);
        assertEquals(0x0002 | Flags.CF, s.flags.get());
        for (int r = 0; r < 8; r++) {
            assertEquals(0xABCD0000 | WORDS[r], s.regs[r], CpuState.REGISTER_NAMES[r]);
        }
        assertEquals(KERNEL_CODE, s.segs[CS].selector);
        assertEquals(KERNEL_DATA, s.segs[SS].selector);
        assertFalse(s.segs[FS].usable);
        assertFalse(s.segs[GS].usable);
        assertEquals(0xBEEF, m.ram.read16(TSS16 + 0x2C));
    }

    @Test
    void leavingA16BitTaskSavesTheLowHalvesOfItsStateInThe16BitLayout() {
        prepare16BitTask(0x2B);
        m.cpu.segmentation.farJump(TSS16_SEL, 0);
        s.regs[EAX] = 0x12345678;
        s.flags.set(0x0002 | Flags.ZF);
        m.cpu.segmentation.farJump(TSS_SEL, 0); // TSS_SEL was left available by the first jump
        assertEquals(TSS_SEL, s.tr.selector);
        assertEquals(0x5678, m.ram.read16(TSS16 + 0x12), "AX");
        assertEquals(0x0002 | Flags.ZF, m.ram.read16(TSS16 + 0x10), "FLAGS");
        assertEquals(0x2468, m.ram.read16(TSS16 + 0x0E), "IP of the jump, which this test made at the task's entry");
        assertEquals(KERNEL_CODE, m.ram.read16(TSS16 + 0x24), "CS");
        assertEquals(0xBEEF, m.ram.read16(TSS16 + 0x2C));
        assertEquals(0x81, m.ram.read8(GDT + TSS16_SEL + 5), "the jump away leaves the 16-bit TSS available");
    }

    @Test
    void aSwitchTo16BitTssLoadsTheLdtItNamesButNeverCr3WhichItHasNot() {
        prepare16BitTask(0x2B);
        int ldt = 0x5000;
        m.descriptor(6, ldt, 0x0F, 0x82, 0x0); // slot 6 (data, not present) becomes an LDT
        m.ram.write16(TSS16 + 0x2A, 6 * 8);
        int directory = 0x10000, table = 0x11000;
        m.ram.write32(directory, table | 3);
        for (int i = 0; i < 1024; i++) {
            m.ram.write32(table + 4 * i, (i << 12) | 3);
        }
        m.cpu.system.writeControl(3, directory);
        m.cpu.system.writeControl(0, s.cr0 | CR0_PG);
        // At 0x1C, where a 32-bit TSS holds CR3, this one holds BP and SI: 0x66665555 read as one.
        m.cpu.segmentation.farJump(TSS16_SEL, 0);
        assertEquals(6 * 8, s.ldtr.selector);
        assertEquals(ldt, s.ldtr.base);
        assertEquals(directory, s.cr3);
    }

    @Test
    void a16BitTssNeedsALimitOf0x2b() {
        prepare16BitTask(0x2A);
        CpuFault tooSmall = assertThrows(CpuFault.class, () -> m.cpu.segmentation.farJump(TSS16_SEL, 0));
        assertEquals(Vectors.TS, tooSmall.vector());
        assertEquals(TSS16_SEL, tooSmall.errorCode());
        assertEquals(TSS_SEL, s.tr.selector);
    }

    @Test
    void anExceptionThroughATaskGateTo16BitTssPushesAWordErrorCodeAndLinksBack() {
        prepare16BitTask(0x2B);
        m.ram.write16(0x7F00, 0xBEEF);
        s.regs[ESP] = 0x8000; // the upper half, which the 16-bit task keeps, is zero
        m.ram.write32(IDT + Vectors.GP * 8, TSS16_SEL << 16);
        m.ram.write32(IDT + Vectors.GP * 8 + 4, 0x8500);
        m.cpu.interrupts.exception(Vectors.GP, 0x1234, true);
        assertEquals(TSS16_SEL, s.tr.selector);
        assertEquals(0x7F00 - 2, s.regs[ESP]);
        assertEquals(0x1234, m.ram.read16(0x7F00 - 2));
        assertEquals(0xBEEF, m.ram.read16(0x7F00), "a word, not a dword");
        assertEquals(TSS_SEL, m.ram.read16(TSS16));
        assertTrue((s.flags.get() & Flags.NT) != 0);
    }
}
