package org.j386.emulator.cpu;

import static org.j386.emulator.cpu.CpuState.EAX;
import static org.j386.emulator.cpu.CpuState.ECX;
import static org.j386.emulator.cpu.CpuState.EDX;
import static org.j386.emulator.cpu.Flags.AF;
import static org.j386.emulator.cpu.Flags.CF;
import static org.j386.emulator.cpu.Flags.OF;
import static org.j386.emulator.cpu.Flags.PF;
import static org.j386.emulator.cpu.Flags.SF;
import static org.j386.emulator.cpu.Flags.ZF;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ArithmeticTest {
    private static final int ARITH = CF | PF | AF | ZF | SF | OF;

    private static TestMachine run(String hex, int n) {
        return new TestMachine().code(hex).run(n);
    }

    private static void assertFlags(int expected, TestMachine m) {
        assertEquals(Integer.toHexString(expected), Integer.toHexString(m.flags() & ARITH));
    }

    @Test
    void addingOneToAllOnesWrapsToZeroWithCarryZeroParityAndAuxiliaryCarry() {
        TestMachine m = run("b8 ff ff ff ff  83 c0 01", 2); // mov eax,-1; add eax,1
        assertEquals(0, m.r[EAX]);
        assertFlags(CF | ZF | PF | AF, m);
    }

    @Test
    void addingOneToTheLargestPositiveDwordOverflowsIntoTheSign() {
        TestMachine m = run("b8 ff ff ff 7f  83 c0 01", 2);
        assertEquals(0x80000000, m.r[EAX]);
        assertFlags(OF | SF | AF | PF, m);
    }

    @Test
    void byteSubtractionBelowMinus128OverflowsAndBorrowsFromTheLowNibble() {
        TestMachine m = run("b0 80  2c 01", 2); // mov al,0x80; sub al,1
        assertEquals(0x7F, m.r[EAX] & 0xFF);
        assertFlags(OF | AF, m);
    }

    @Test
    void addWithCarryIncludesTheIncomingCarry() {
        TestMachine m = run("f9  b8 ff ff ff ff  83 d0 00", 3); // stc; mov eax,-1; adc eax,0
        assertEquals(0, m.r[EAX]);
        assertFlags(CF | ZF | PF | AF, m);
    }

    @Test
    void subtractWithBorrowFromZeroBorrowsAndSetsSign() {
        TestMachine m = run("b0 00  f9  1c 00", 3); // mov al,0; stc; sbb al,0
        assertEquals(0xFF, m.r[EAX] & 0xFF);
        assertFlags(CF | SF | PF | AF, m);
    }

    @Test
    void subtractWithBorrowDrivesConditionalJumpsFromTheFlagsNotTheOperands() {
        // 5 - 5 - 1 = -1: JB must see the borrow although 5 is not below 5.
        TestMachine m = run("b8 05 00 00 00  f9  1d 05 00 00 00  0f 92 c1", 4); // ...; sbb eax,5; setb cl
        assertEquals(1, m.r[ECX] & 0xFF);
    }

    @Test
    void incrementLeavesTheCarryFlagAlone() {
        TestMachine m = run("f9  b8 ff ff ff ff  40", 3); // stc; mov eax,-1; inc eax
        assertEquals(0, m.r[EAX]);
        assertFlags(CF | ZF | PF | AF, m);
    }

    @Test
    void decrementOfTheSmallestNegativeDwordOverflows() {
        TestMachine m = run("b8 00 00 00 80  48", 2);
        assertEquals(0x7FFFFFFF, m.r[EAX]);
        assertTrue(m.flag(OF));
        assertFalse(m.flag(CF));
    }

    @Test
    void negatingZeroClearsCarryAndNegatingTheMinimumOverflows() {
        TestMachine m = run("b8 00 00 00 00  f7 d8", 2);
        assertFlags(ZF | PF, m);
        m = run("b8 00 00 00 80  f7 d8", 2);
        assertEquals(0x80000000, m.r[EAX]);
        assertFlags(CF | OF | SF | PF, m);
    }

    @Test
    void logicOperationsClearCarryOverflowAndAuxiliaryCarry() {
        TestMachine m = run("f9  b8 f0 00 00 00  83 e0 0f", 3); // stc; mov eax,0xf0; and eax,15
        assertEquals(0, m.r[EAX]);
        assertFlags(ZF | PF, m);
        m = run("b8 00 00 00 80  83 c8 01", 2); // or eax,1
        assertFlags(SF, m);
    }

    @Test
    void wordOperationsKeepTheUpperHalfOfTheRegister() {
        TestMachine m = run("b8 ff ff 34 12  66 83 c0 01", 2); // mov eax,0x1234ffff; add ax,1
        assertEquals(0x12340000, m.r[EAX]);
        assertFlags(CF | ZF | PF | AF, m);
    }

    @Test
    void highByteRegistersAddressTheSecondByteOfTheFirstFourRegisters() {
        TestMachine m = run("b8 11 11 11 11  b4 22  b5 33  88 e2", 4); // mov ah,22; mov ch,33; mov dl,ah
        assertEquals(0x11112211, m.r[EAX]);
        assertEquals(0x3300, m.r[ECX] & 0xFF00);
        assertEquals(0x22, m.r[EDX] & 0xFF);
    }

    @Test
    void compareDoesNotWriteItsDestination() {
        TestMachine m = run("b8 05 00 00 00  83 f8 07", 2); // cmp eax,7
        assertEquals(5, m.r[EAX]);
        assertFlags(CF | SF | AF, m); // 0xFFFFFFFE: seven bits set in the low byte, odd parity
    }

    @Test
    void unsignedMultiplyWritesTheHighHalfToEdxAndFlagsItsUse() {
        TestMachine m = run("b8 00 00 00 80  b9 04 00 00 00  f7 e1", 3); // mul ecx
        assertEquals(0, m.r[EAX]);
        assertEquals(2, m.r[EDX]);
        assertTrue(m.flag(CF) && m.flag(OF));
        m = run("b8 03 00 00 00  b9 04 00 00 00  f7 e1", 3);
        assertEquals(12, m.r[EAX]);
        assertEquals(0, m.r[EDX]);
        assertFalse(m.flag(CF) || m.flag(OF));
    }

    @Test
    void byteMultiplyProducesAx() {
        TestMachine m = run("b0 ff  b1 ff  f6 e1", 3); // mul cl
        assertEquals(0xFE01, m.r[EAX] & 0xFFFF);
        assertTrue(m.flag(CF));
        m = run("b0 ff  b1 ff  f6 e9", 3); // imul cl: -1 * -1
        assertEquals(1, m.r[EAX] & 0xFFFF);
        assertFalse(m.flag(CF));
    }

    @Test
    void twoAndThreeOperandImulTruncateAndFlagOverflow() {
        TestMachine m = run("b8 00 00 01 00  b9 00 00 01 00  0f af c1", 3); // imul eax,ecx
        assertEquals(0, m.r[EAX]);
        assertTrue(m.flag(CF) && m.flag(OF));
        m = run("b9 07 00 00 00  6b c1 fd", 2); // imul eax,ecx,-3
        assertEquals(-21, m.r[EAX]);
        assertFalse(m.flag(CF) || m.flag(OF));
    }

    @Test
    void signedDivideTruncatesTowardZero() {
        TestMachine m = run("b8 f9 ff ff ff  ba ff ff ff ff  b9 02 00 00 00  f7 f9", 4); // -7 / 2
        assertEquals(-3, m.r[EAX]);
        assertEquals(-1, m.r[EDX]);
        assertNull(m.fault);
    }

    @Test
    void divideByZeroRaisesDivideErrorWithEipAtTheDivide() {
        TestMachine m = run("b9 00 00 00 00  b8 07 00 00 00  f7 f1", 3);
        assertEquals(Vectors.DE, m.fault.vector());
        assertEquals(TestMachine.CODE + 10, m.fault.eip());
        assertEquals(7, m.r[EAX]);
    }

    @Test
    void quotientTooLargeForTheDestinationRaisesDivideError() {
        TestMachine m = run("ba 01 00 00 00  b8 00 00 00 00  b9 01 00 00 00  f7 f1", 4);
        assertEquals(Vectors.DE, m.fault.vector());
        m = run("66 b8 00 01  b1 01  f6 f1", 3); // ax=256 / cl=1 does not fit AL
        assertEquals(Vectors.DE, m.fault.vector());
        m = run("ba ff ff ff ff  b8 00 00 00 80  b9 ff ff ff ff  f7 f9", 4); // INT_MIN / -1
        assertEquals(Vectors.DE, m.fault.vector());
    }

    @Test
    void byteDivideLeavesRemainderInAh() {
        TestMachine m = run("66 b8 64 00  b1 07  f6 f1", 3); // 100 / 7
        assertEquals(0x020E, m.r[EAX] & 0xFFFF);
    }

    @Test
    void decimalAdjustAfterAdditionCarriesIntoTheNextDigitPair() {
        TestMachine m = run("b0 79  04 35  27", 3); // 79 + 35 = 114
        assertEquals(0x14, m.r[EAX] & 0xFF);
        assertTrue(m.flag(CF));
        assertTrue(m.flag(AF));
    }

    @Test
    void decimalAdjustAfterSubtractionBorrows() {
        TestMachine m = run("b0 35  2c 47  2f", 3); // 35 - 47 = -12 -> 88 borrow
        assertEquals(0x88, m.r[EAX] & 0xFF);
        assertTrue(m.flag(CF));
    }

    @Test
    void asciiAdjustAfterAdditionCarriesIntoAh() {
        TestMachine m = run("66 b8 09 00  04 08  37", 3);
        assertEquals(0x0107, m.r[EAX] & 0xFFFF);
        assertTrue(m.flag(CF) && m.flag(AF));
    }

    @Test
    void asciiAdjustAfterSubtractionBorrowsFromAh() {
        TestMachine m = run("66 b8 02 05  2c 05  3f", 3); // 5:2 - 5 -> 4:7
        assertEquals(0x0407, m.r[EAX] & 0xFFFF);
        assertTrue(m.flag(CF));
    }

    @Test
    void asciiAdjustMultiplyAndDivideConvertBetweenBinaryAndDigits() {
        TestMachine m = run("b0 3f  d4 0a", 2); // 63
        assertEquals(0x0603, m.r[EAX] & 0xFFFF);
        m = run("66 b8 07 06  d5 0a", 2);
        assertEquals(0x0043, m.r[EAX] & 0xFFFF);
    }

    @Test
    void asciiAdjustMultiplyByZeroRaisesDivideError() {
        TestMachine m = run("d4 00", 1);
        assertEquals(Vectors.DE, m.fault.vector());
    }

    @Test
    void exchangeAndAddLeavesTheOldDestinationInTheSource() {
        TestMachine m = run("b8 05 00 00 00  b9 03 00 00 00  0f c1 c8", 3); // xadd eax,ecx
        assertEquals(8, m.r[EAX]);
        assertEquals(5, m.r[ECX]);
    }

    @Test
    void compareExchangeStoresOnlyWhenTheAccumulatorMatches() {
        TestMachine m = run("b8 05 00 00 00  bb 05 00 00 00  b9 09 00 00 00  0f b1 cb", 4); // cmpxchg ebx,ecx
        assertEquals(9, m.r[CpuState.EBX]);
        assertTrue(m.flag(ZF));
        m = run("b8 04 00 00 00  bb 05 00 00 00  b9 09 00 00 00  0f b1 cb", 4);
        assertEquals(5, m.r[CpuState.EBX]);
        assertEquals(5, m.r[EAX]);
        assertFalse(m.flag(ZF));
    }

    @Test
    void compareExchange8BytesSwapsEdxEaxAndMemory() {
        TestMachine m = new TestMachine();
        m.ram.write32(TestMachine.DATA, 1);
        m.ram.write32(TestMachine.DATA + 4, 2);
        m.code("b8 01 00 00 00  ba 02 00 00 00  bb 0a 00 00 00  b9 0b 00 00 00  be 00 00 02 00  0f c7 0e").run(6);
        assertEquals(10, m.read32(TestMachine.DATA));
        assertEquals(11, m.read32(TestMachine.DATA + 4));
        assertTrue(m.flag(ZF));
    }

    @Test
    void compareExchange8BytesLoadsEdxEaxWhenMemoryDiffers() {
        TestMachine m = new TestMachine();
        m.ram.write32(TestMachine.DATA, 5);
        m.ram.write32(TestMachine.DATA + 4, 6);
        m.code("be 00 00 02 00  0f c7 0e").run(2);
        assertEquals(5, m.r[EAX]);
        assertEquals(6, m.r[EDX]);
        assertFalse(m.flag(ZF));
    }

    @Test
    void byteAddWithCarryIntoMemoryCarriesOut() {
        TestMachine m = new TestMachine();
        m.ram.write8(TestMachine.DATA, 0xFF);
        m.code("f9  b0 00  10 05 00 00 02 00").run(3); // stc; mov al,0; adc [DATA],al
        assertEquals(0, m.ram.read8(TestMachine.DATA));
        assertFlags(CF | ZF | PF | AF, m);
    }
}
