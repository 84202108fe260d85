package org.j386.emulator.cpu;

import static org.j386.emulator.cpu.CpuState.*;
import static org.j386.emulator.cpu.ProtectedModeFixture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class InterruptDeliveryTest {
    private final ProtectedModeFixture m = new ProtectedModeFixture();
    private final CpuState s = m.s;

    @Test
    void exceptionThroughInterruptGatePushesFlagsCsEipAndErrorCodeAndClearsIf() {
        m.gate(13, KERNEL_CODE, 0x200000, 0xE, 0);
        s.flags.set(Flags.IF | Flags.CF);
        s.eip = 0x101234;
        m.cpu.interrupts.exception(13, 0x28, true);
        assertEquals(0x200000, s.eip);
        assertEquals(KERNEL_STACK_TOP - 16, s.regs[ESP]);
        assertEquals(0x28, m.stack(0));
        assertEquals(0x101234, m.stack(1));
        assertEquals(KERNEL_CODE, m.stack(2));
        assertEquals(Flags.IF | Flags.CF | 2, m.stack(3));
        assertFalse(s.flags.interruptsEnabled());
    }

    @Test
    void trapGateLeavesInterruptsEnabledAndPushesNoErrorCodeForBreakpoint() {
        m.gate(3, KERNEL_CODE, 0x200000, 0xF, 3);
        s.flags.set(Flags.IF);
        m.cpu.interrupts.softwareInterrupt(3, 0x100001);
        assertTrue(s.flags.interruptsEnabled());
        assertEquals(KERNEL_STACK_TOP - 12, s.regs[ESP]);
        assertEquals(0x100001, m.stack(0));
    }

    @Test
    void softwareInterruptThroughAGateBelowCplIsGeneralProtectionNamingTheGate() {
        m.gate(0x80, KERNEL_CODE, 0x200000, 0xE, 0);
        m.enterRing3(0x70000);
        CpuFault f = assertThrows(CpuFault.class, () -> m.cpu.interrupts.softwareInterrupt(0x80, 0x100002));
        assertEquals(Vectors.GP, f.vector());
        assertEquals(0x80 * 8 + 2, f.errorCode());
        assertEquals(3, s.cpl);
    }

    @Test
    void interruptFromRing3SwitchesToTheRing0StackFromTheTss() {
        m.gate(0x80, KERNEL_CODE, 0x200000, 0xE, 3);
        m.enterRing3(0x70000);
        s.flags.set(Flags.IF);
        m.cpu.interrupts.softwareInterrupt(0x80, 0x100002);
        assertEquals(0, s.cpl);
        assertEquals(KERNEL_DATA, s.segs[SS].selector);
        assertEquals(TSS_STACK_TOP - 20, s.regs[ESP]);
        assertEquals(0x100002, m.stack(0));
        assertEquals(USER_CODE, m.stack(1));
        assertEquals(0x70000, m.stack(3));
        assertEquals(USER_DATA, m.stack(4));
        assertFalse(m.mmu.userMode());
    }

    @Test
    void iretBackToRing3RestoresTheUserStackAndNullsKernelDataSegments() {
        m.gate(0x80, KERNEL_CODE, 0x200000, 0xE, 3);
        m.enterRing3(0x70000);
        s.flags.set(Flags.IF);
        m.cpu.interrupts.softwareInterrupt(0x80, 0x100002);
        s.segs[DS].setFlat(KERNEL_DATA, false); // the handler loads kernel data segments
        m.cpu.interrupts.iret(true);
        assertEquals(3, s.cpl);
        assertEquals(0x100002, s.eip);
        assertEquals(0x70000, s.regs[ESP]);
        assertEquals(USER_DATA, s.segs[SS].selector);
        assertFalse(s.segs[DS].usable);
        assertTrue(s.flags.interruptsEnabled());
        assertTrue(m.mmu.userMode());
    }

    @Test
    void iretFromRing3CannotChangeIoplOrIf() {
        m.enterRing3(0x70000);
        s.flags.set(0);
        m.ram.write32(0x70000, 0x100010);
        m.ram.write32(0x70004, USER_CODE);
        m.ram.write32(0x70008, Flags.IOPL | Flags.IF | Flags.ZF);
        m.cpu.interrupts.iret(true);
        assertEquals(Flags.ZF | 2, s.flags.get());
        assertEquals(0x7000C, s.regs[ESP]);
    }

    @Test
    void faultWhileDeliveringAContributoryFaultBecomesDoubleFault() {
        m.gate(8, KERNEL_CODE, 0x300000, 0xE, 0);
        // no gate for #GP: the IDT entry is empty, so delivering #GP raises #GP again
        m.cpu.interrupts.exception(13, 0, true);
        assertEquals(0x300000, s.eip);
        assertEquals(0, m.stack(0)); // #DF pushes a zero error code
    }

    @Test
    void faultWhileDeliveringABenignExceptionIsDeliveredOnItsOwn() {
        m.gate(11, KERNEL_CODE, 0x300000, 0xE, 0);
        m.gate(6, KERNEL_CODE, 0x200000, 0xE, 0);
        m.ram.write8(IDT + 6 * 8 + 5, 0x0E); // #UD's gate is not present: delivering #UD raises #NP
        m.cpu.interrupts.exception(6, 0, false);
        assertEquals(0x300000, s.eip);
        assertEquals(6 * 8 + 2 + 1, m.stack(0));
    }

    @Test
    void faultWhileDeliveringDoubleFaultStopsTheMachineWithATripleFault() {
        m.cpu.interrupts.exception(13, 0, true); // no gates at all: #GP → #NP → #DF → #NP
        assertEquals(Cpu.Stop.TRIPLE_FAULT, m.cpu.stop());
        assertTrue(m.cpu.stopDetail().contains("while delivering #DF"), m.cpu.stopDetail());
        assertTrue(s.stopRequested);
    }

    private void pageWithKernelStackPageMissing() {
        int dir = 0x10000, table = 0x11000;
        m.ram.write32(dir, table | 3);
        for (int i = 0; i < 1024; i++) {
            m.ram.write32(table + 4 * i, (i << 12) | 3);
        }
        m.ram.write32(table + 4 * 0x8F, 0); // page 0x8F000, just below the kernel stack top, missing
        m.cpu.system.writeControl(3, dir);
        m.cpu.system.writeControl(0, s.cr0 | CR0_PG);
    }

    @Test
    void notPresentGateDuringPageFaultDeliveryIsDoubleFault() {
        m.gate(14, KERNEL_CODE, 0x300000, 0xE, 0);
        m.ram.write8(IDT + 14 * 8 + 5, 0x0E);
        m.gate(8, KERNEL_CODE, 0x310000, 0xE, 0);
        s.cr2 = 0x1234;
        m.cpu.interrupts.exception(14, 2, true);
        assertEquals(0x310000, s.eip);
        assertEquals(0x1234, s.cr2);
    }

    @Test
    void pageFaultOnTheKernelStackDuringDeliveryEndsInATripleFault() {
        m.gate(14, KERNEL_CODE, 0x300000, 0xE, 0);
        m.gate(8, KERNEL_CODE, 0x310000, 0xE, 0);
        pageWithKernelStackPageMissing();
        m.cpu.interrupts.exception(14, 2, true); // #PF, then #PF pushing its frame, then #DF pushing too
        assertEquals(Cpu.Stop.TRIPLE_FAULT, m.cpu.stop());
        assertEquals(0x8FFFC, s.cr2);
        assertEquals(0x100000, s.eip);
        assertEquals(KERNEL_STACK_TOP, s.regs[ESP]);
    }

    @Test
    void notPresentGateForAHardwareInterruptSetsTheExternalBitInTheErrorCode() {
        m.gate(13, KERNEL_CODE, 0x300000, 0xE, 0);
        m.cpu.interrupts.externalInterrupt(0x20);
        assertEquals(0x300000, s.eip);
        assertEquals(0x20 * 8 + 2 + 1, m.stack(0));
    }

    @Test
    void deliveryWakesAHaltedCpu() {
        m.gate(0x20, KERNEL_CODE, 0x300000, 0xE, 0);
        s.halted = true;
        m.cpu.interrupts.externalInterrupt(0x20);
        assertFalse(s.halted);
    }
}
