package org.j386.emulator.cpu;

import static org.j386.emulator.cpu.CpuState.EAX;
import static org.j386.emulator.cpu.CpuState.ECX;
import static org.j386.emulator.cpu.Flags.CF;
import static org.j386.emulator.cpu.Flags.OF;
import static org.j386.emulator.cpu.Flags.PF;
import static org.j386.emulator.cpu.Flags.SF;
import static org.j386.emulator.cpu.Flags.ZF;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ShiftsAndBitsTest {
    private static TestMachine run(String hex, int n) {
        return new TestMachine().code(hex).run(n);
    }

    @Test
    void shiftLeftByOneCarriesTheSignBitOutAndFlagsTheSignChange() {
        TestMachine m = run("b8 00 00 00 80  d1 e0", 2);
        assertEquals(0, m.r[EAX]);
        assertTrue(m.flag(CF) && m.flag(OF) && m.flag(ZF));
    }

    @Test
    void aShiftCountOfZeroChangesNoFlags() {
        TestMachine m = run("f9  b8 00 00 00 80  b1 00  d3 e0", 4); // stc; ...; shl eax,cl (cl=0)
        assertEquals(0x80000000, m.r[EAX]);
        assertTrue(m.flag(CF));
        assertFalse(m.flag(ZF));
    }

    @Test
    void shiftCountsAreMaskedToFiveBits() {
        TestMachine m = run("b8 01 00 00 00  c1 e0 21", 2); // shl eax,33 = shl eax,1
        assertEquals(2, m.r[EAX]);
    }

    @Test
    void byteShiftsBeyondTheWidthClearTheOperand() {
        TestMachine m = run("b0 ff  c0 e0 09", 2); // shl al,9
        assertEquals(0, m.r[EAX] & 0xFF);
        assertTrue(m.flag(ZF));
    }

    @Test
    void arithmeticRightShiftReplicatesTheSign() {
        TestMachine m = run("b8 10 00 00 80  c1 f8 04", 2);
        assertEquals(0xF8000001, m.r[EAX]);
        assertFalse(m.flag(CF));
        assertFalse(m.flag(OF));
        assertTrue(m.flag(SF));
    }

    @Test
    void logicalRightShiftByOneSetsOverflowToTheOriginalSign() {
        TestMachine m = run("b8 01 00 00 80  d1 e8", 2);
        assertEquals(0x40000000, m.r[EAX]);
        assertTrue(m.flag(CF) && m.flag(OF));
    }

    @Test
    void rotatesChangeOnlyCarryAndOverflow() {
        TestMachine m = run("31 c0  b0 81  d0 c0", 3); // xor eax,eax (ZF=1,PF=1); mov al,0x81; rol al,1
        assertEquals(0x03, m.r[EAX] & 0xFF);
        assertTrue(m.flag(CF));
        assertTrue(m.flag(OF)); // MSB(result) xor CF = 0 xor 1
        assertTrue(m.flag(ZF) && m.flag(PF));
        m = run("b0 01  d0 c8", 2); // ror al,1
        assertEquals(0x80, m.r[EAX] & 0xFF);
        assertTrue(m.flag(CF) && m.flag(OF));
    }

    @Test
    void rotatingAByteByEightLeavesItUnchangedButSetsCarryFromBitZero() {
        TestMachine m = run("f8  b0 81  c0 c0 08", 3);
        assertEquals(0x81, m.r[EAX] & 0xFF);
        assertTrue(m.flag(CF));
    }

    @Test
    void rotateThroughCarryTreatsCarryAsANinthBit() {
        TestMachine m = run("f9  b0 80  d0 d0", 3); // stc; rcl al,1
        assertEquals(0x01, m.r[EAX] & 0xFF);
        assertTrue(m.flag(CF));
        m = run("f9  b0 01  d0 d8", 3); // stc; rcr al,1
        assertEquals(0x80, m.r[EAX] & 0xFF);
        assertTrue(m.flag(CF));
        m = run("f8  b0 5a  c0 d0 09", 3); // rcl al,9 is a full turn through carry
        assertEquals(0x5A, m.r[EAX] & 0xFF);
        assertFalse(m.flag(CF));
    }

    @Test
    void doubleShiftsMoveBitsInFromTheSourceRegister() {
        TestMachine m = run("b8 78 56 34 12  ba f0 de bc 9a  0f a4 d0 08", 3); // shld eax,edx,8
        assertEquals(0x3456789A, m.r[EAX]);
        assertFalse(m.flag(CF));
        m = run("b8 78 56 34 12  ba f0 de bc 9a  0f ac d0 04", 3); // shrd eax,edx,4
        assertEquals(0x01234567, m.r[EAX]);
        assertTrue(m.flag(CF));
        m = run("b8 78 56 34 12  ba f0 de bc 9a  b1 04  0f a5 d0", 4); // shld eax,edx,cl
        assertEquals(0x23456789, m.r[EAX]);
    }

    @Test
    void bitTestCopiesTheSelectedBitIntoCarry() {
        TestMachine m = run("b8 10 00 00 00  0f ba e0 04", 2);
        assertTrue(m.flag(CF));
        m = run("b8 10 00 00 00  0f ba e0 24", 2); // bit 36 mod 32 = 4
        assertTrue(m.flag(CF));
    }

    @Test
    void bitTestAndSetWithARegisterOffsetAddressesBeyondTheMemoryOperand() {
        TestMachine m = new TestMachine();
        m.code("bb 00 00 02 00  b9 23 00 00 00  0f ab 0b").run(3); // bts [ebx],ecx with ecx=35
        assertEquals(1 << 3, m.read32(TestMachine.DATA + 4));
        assertFalse(m.flag(CF));
        m = new TestMachine();
        m.code("bb 00 00 02 00  b9 ff ff ff ff  0f ab 0b").run(3); // offset -1: bit 31 of the dword below
        assertEquals(0x80000000, m.read32(TestMachine.DATA - 4));
    }

    @Test
    void bitTestResetAndComplementReportTheOldBit() {
        TestMachine m = run("b8 ff 00 00 00  0f ba f0 03  0f ba f8 1f", 3); // btr eax,3; btc eax,31
        assertEquals(0x800000F7, m.r[EAX]);
        assertFalse(m.flag(CF));
    }

    @Test
    void bitScanOfZeroSetsZeroFlagAndLeavesTheDestination() {
        TestMachine m = run("b8 34 12 00 00  31 c9  0f bc c1", 3); // bsf eax,ecx with ecx=0
        assertEquals(0x1234, m.r[EAX]);
        assertTrue(m.flag(ZF));
    }

    @Test
    void bitScansFindTheLowestAndHighestSetBits() {
        TestMachine m = run("b9 00 01 01 00  0f bc c1", 2);
        assertEquals(8, m.r[EAX]);
        assertFalse(m.flag(ZF));
        m = run("b9 00 01 01 00  0f bd c1", 2);
        assertEquals(16, m.r[EAX]);
    }

    @Test
    void byteSwapReversesTheRegister() {
        TestMachine m = run("b9 78 56 34 12  0f c9", 2);
        assertEquals(0x78563412, m.r[ECX]);
    }

    @Test
    void rotateRightThroughCarryByOneSetsOverflowFromTheTopTwoResultBits() {
        TestMachine m = run("f8  b8 00 00 00 80  d1 d8", 3); // clc; rcr eax,1
        assertEquals(0x40000000, m.r[EAX]);
        assertFalse(m.flag(CF));
        assertTrue(m.flag(OF));
    }

    @Test
    void shiftsOfMemoryOperandsWriteBackAndSetFlags() {
        TestMachine m = new TestMachine();
        m.ram.write32(TestMachine.DATA, 0x81);
        m.code("c0 25 00 00 02 00 01").run(1); // shl byte [DATA],1
        assertEquals(0x02, m.ram.read8(TestMachine.DATA));
        assertTrue(m.flag(CF));
    }

    @Test
    void wordDoubleShiftsBeyondSixteenTakeBitsFromTheDestinationAgain() {
        // shld ax,dx,20 over the pattern ax:dx:ax = 1234:abcd:1234 leaves bcd1.
        TestMachine m = run("66 b8 34 12  66 ba cd ab  66 0f a4 d0 14", 3);
        assertEquals(0xBCD1, m.r[EAX] & 0xFFFF);
    }
}
