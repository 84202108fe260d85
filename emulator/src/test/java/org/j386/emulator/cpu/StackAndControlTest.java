package org.j386.emulator.cpu;

import static org.j386.emulator.cpu.CpuState.EAX;
import static org.j386.emulator.cpu.CpuState.EBP;
import static org.j386.emulator.cpu.CpuState.ECX;
import static org.j386.emulator.cpu.CpuState.EDX;
import static org.j386.emulator.cpu.CpuState.ESP;
import static org.j386.emulator.cpu.TestMachine.CODE;
import static org.j386.emulator.cpu.TestMachine.DATA;
import static org.j386.emulator.cpu.TestMachine.STACK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StackAndControlTest {
    private static TestMachine run(String hex, int n) {
        return new TestMachine().code(hex).run(n);
    }

    @Test
    void callPushesTheReturnAddressAndRetPopsIt() {
        TestMachine m = run("e8 01 00 00 00  f4  c3", 1); // call +1; hlt; ret
        assertEquals(CODE + 6, m.s.eip);
        assertEquals(STACK - 4, m.r[ESP]);
        assertEquals(CODE + 5, m.read32(STACK - 4));
        m.run(1);
        assertEquals(CODE + 5, m.s.eip);
        assertEquals(STACK, m.r[ESP]);
    }

    @Test
    void retWithAnImmediateReleasesParameters() {
        TestMachine m = new TestMachine();
        m.ram.write32(STACK - 12, 0x2000);
        m.r[ESP] = STACK - 12;
        m.code("c2 08 00").run(1);
        assertEquals(0x2000, m.s.eip);
        assertEquals(STACK, m.r[ESP]);
    }

    @Test
    void indirectCallAndJumpTakeTheirTargetFromRegisterOrMemory() {
        TestMachine m = new TestMachine();
        m.r[EAX] = 0x3000;
        m.code("ff d0").run(1);
        assertEquals(0x3000, m.s.eip);
        assertEquals(CODE + 2, m.read32(STACK - 4));
        m = new TestMachine();
        m.ram.write32(DATA, 0x4000);
        m.code("ff 25 00 00 02 00").run(1);
        assertEquals(0x4000, m.s.eip);
    }

    @Test
    void pushOfAnImmediateByteSignExtendsToTheOperandSize() {
        TestMachine m = run("6a ff", 1);
        assertEquals(-1, m.read32(STACK - 4));
        m = run("66 6a ff", 1);
        assertEquals(STACK - 2, m.r[ESP]);
        assertEquals(0xFFFF, m.ram.read16(STACK - 2));
    }

    @Test
    void pushEspPushesTheValueBeforeThePush() {
        TestMachine m = run("54", 1);
        assertEquals(STACK, m.read32(STACK - 4));
    }

    @Test
    void popIntoAnEspRelativeOperandUsesEspAfterThePop() {
        TestMachine m = run("6a 11  6a 22  8f 04 24", 3);
        assertEquals(STACK - 4, m.r[ESP]);
        assertEquals(0x22, m.read32(STACK - 4));
    }

    @Test
    void pushaSavesTheOriginalEspAndPopaSkipsIt() {
        TestMachine m = new TestMachine();
        for (int i = 0; i < 8; i++) {
            if (i != ESP) {
                m.r[i] = 0x100 + i;
            }
        }
        m.code("60  31 c0  31 ed  61").run(2);
        assertEquals(STACK - 32, m.r[ESP]);
        assertEquals(STACK, m.read32(STACK - 20));
        assertEquals(0x100, m.read32(STACK - 4));
        m.r[ESP] = STACK - 32;
        m.run(2);
        assertEquals(0x100, m.r[EAX]);
        assertEquals(0x105, m.r[EBP]);
        assertEquals(STACK, m.r[ESP]);
    }

    @Test
    void enterBuildsAFrameAndLeaveTearsItDown() {
        TestMachine m = new TestMachine();
        m.r[EBP] = 0x7777;
        m.code("c8 10 00 00  c9").run(1); // enter 16,0
        assertEquals(STACK - 4, m.r[EBP]);
        assertEquals(STACK - 4 - 16, m.r[ESP]);
        assertEquals(0x7777, m.read32(STACK - 4));
        m.run(1);
        assertEquals(0x7777, m.r[EBP]);
        assertEquals(STACK, m.r[ESP]);
    }

    @Test
    void enterWithANestingLevelCopiesTheEnclosingFramePointers() {
        TestMachine m = new TestMachine();
        m.r[EBP] = STACK - 0x100;
        m.ram.write32(STACK - 0x104, 0xAAAA); // the enclosing frame's saved display entry
        m.code("c8 08 00 02").run(1); // enter 8,2
        int frame = STACK - 4;
        assertEquals(STACK - 0x100, m.read32(STACK - 4)); // old EBP
        assertEquals(0xAAAA, m.read32(STACK - 8));        // copied from [old EBP - 4]
        assertEquals(frame, m.read32(STACK - 12));         // this frame
        assertEquals(frame, m.r[EBP]);
        assertEquals(STACK - 12 - 8, m.r[ESP]);
    }

    @Test
    void enterOnASixteenBitStackPushesAtSpAndCopiesAllOfEspIntoEbp() {
        TestMachine m = new TestMachine();
        m.s.segs[CpuState.SS].attributes &= ~Segment.DEFAULT_BIG;
        m.s.segs[CpuState.SS].base = DATA;
        m.r[ESP] = 0x12340100;
        m.r[EBP] = 0x9999AAAA;
        m.code("c8 08 00 00").run(1); // enter 8,0
        assertEquals(0x9999AAAA, m.read32(DATA + 0xFC));
        assertEquals(0x123400FC, m.r[EBP]);
        assertEquals(0x123400F4, m.r[ESP]);
    }

    @Test
    void loopCountsEcxDownToZero() {
        TestMachine m = run("b9 03 00 00 00  40  e2 fd  90", 7);
        assertEquals(3, m.r[EAX]);
        assertEquals(0, m.r[ECX]);
        assertEquals(CODE + 8, m.s.eip);
    }

    @Test
    void loopWithSixteenBitAddressSizeCountsCx() {
        TestMachine m = new TestMachine();
        m.r[ECX] = 0x10000; // CX = 0: wraps to 0xFFFF and loops
        m.code("67 e2 fd").run(1);
        assertEquals(0x1FFFF, m.r[ECX]);
        assertEquals(CODE, m.s.eip);
    }

    @Test
    void jecxzJumpsOnlyWhenEcxIsZero() {
        TestMachine m = run("e3 10", 1);
        assertEquals(CODE + 0x12, m.s.eip);
        m = new TestMachine();
        m.r[ECX] = 1;
        m.code("e3 10").run(1);
        assertEquals(CODE + 2, m.s.eip);
    }

    @Test
    void loopeStopsWhenTheComparisonDiffers() {
        TestMachine m = new TestMachine();
        m.r[ECX] = 5;
        m.code("39 c0  e1 fc").run(2); // cmp eax,eax; loope
        assertEquals(CODE, m.s.eip);
        m = new TestMachine();
        m.r[ECX] = 5;
        m.r[EDX] = 1;
        m.code("39 d0  e1 fc").run(2); // cmp eax,edx (differ); loope falls through
        assertEquals(CODE + 4, m.s.eip);
        assertEquals(4, m.r[ECX]);
    }

    @Test
    void signedAndUnsignedConditionsDifferAfterACompare() {
        TestMachine m = run("b8 ff ff ff ff  83 f8 01  0f 9c c1  0f 92 c2  0f 97 c3  0f 9f c7", 6);
        assertEquals(1, m.r[ECX] & 0xFF);            // setl: -1 < 1
        assertEquals(0, m.r[EDX] & 0xFF);            // setb: 0xFFFFFFFF is not below 1
        assertEquals(1, m.r[CpuState.EBX] & 0xFF);   // seta
        assertEquals(0, m.r[CpuState.EBX] >>> 8 & 0xFF); // setg into BH
    }

    @Test
    void conditionalJumpsTakeRel8AndRel32() {
        TestMachine m = run("31 c0  74 10", 2);
        assertEquals(CODE + 4 + 0x10, m.s.eip);
        m = run("31 c0  0f 85 00 01 00 00", 2);
        assertEquals(CODE + 8, m.s.eip);
        m = run("31 c0  0f 84 00 01 00 00", 2);
        assertEquals(CODE + 8 + 0x100, m.s.eip);
    }

    @Test
    void aJumpBeyondTheCodeSegmentLimitFaultsAtTheJump() {
        TestMachine m = new TestMachine();
        m.s.segs[CpuState.CS].limit = 0x1FFF;
        m.code("e9 00 10 00 00").run(1);
        assertEquals(Vectors.GP, m.fault.vector());
        assertEquals(CODE, m.fault.eip());
    }

    @Test
    void cmovReadsItsSourceEvenWhenTheConditionIsFalse() {
        TestMachine m = new TestMachine();
        m.s.segs[CpuState.DS].limit = 0xFFF;
        m.r[EAX] = 1;
        m.code("85 c0  0f 44 05 00 00 02 00").run(2); // test eax,eax (ZF=0); cmove eax,[DATA]
        assertEquals(Vectors.GP, m.fault.vector());
        m = new TestMachine();
        m.ram.write32(DATA, 9);
        m.code("31 c0  0f 44 05 00 00 02 00  0f 45 0d 00 00 02 00").run(3);
        assertEquals(9, m.r[EAX]);
        assertEquals(0, m.r[ECX]);
    }

    @Test
    void popfAtUserPrivilegeCannotChangeInterruptFlagOrIopl() {
        TestMachine m = new TestMachine();
        m.s.cpl = 3;
        m.code("68 d5 32 00 00  9d").run(2); // push IF|IOPL3|arith; popf
        assertFalse(m.flag(Flags.IF));
        assertEquals(0, m.s.flags.iopl());
        assertTrue(m.flag(Flags.CF) && m.flag(Flags.ZF));
    }

    @Test
    void popfAtRingZeroEnablingInterruptsAsksForAttention() {
        TestMachine m = new TestMachine();
        m.code("68 00 32 00 00  9d").run(2);
        assertTrue(m.flag(Flags.IF));
        assertEquals(3, m.s.flags.iopl());
    }

    @Test
    void pushfClearsVmAndRfInTheImage() {
        TestMachine m = new TestMachine();
        m.s.flags.set(Flags.RF | Flags.IF);
        m.code("9c").run(1);
        assertEquals(Flags.IF | 2, m.read32(STACK - 4));
    }

    @Test
    void cliAboveIoplRaisesGeneralProtection() {
        TestMachine m = new TestMachine();
        m.s.cpl = 3;
        m.code("fa").run(1);
        assertEquals(Vectors.GP, m.fault.vector());
        m = new TestMachine();
        m.s.cpl = 3;
        m.s.flags.set(3 << 12);
        m.code("fb").run(1);
        assertNull(m.fault);
        assertTrue(m.flag(Flags.IF));
    }

    @Test
    void exchangeSwapsRegisterAndMemory() {
        TestMachine m = new TestMachine();
        m.ram.write32(DATA, 5);
        m.r[EAX] = 7;
        m.code("87 05 00 00 02 00  91").run(2); // xchg [DATA],eax; xchg ecx,eax
        assertEquals(7, m.read32(DATA));
        assertEquals(5, m.r[ECX]);
    }

    @Test
    void signAndZeroExtensionsAndAccumulatorConversions() {
        TestMachine m = run("b8 80 ff 00 00  0f be c8  0f b7 d0  98", 4); // movsx ecx,al; movzx edx,ax; cwde
        assertEquals(0xFFFFFF80, m.r[ECX]);
        assertEquals(0xFF80, m.r[EDX]);
        assertEquals(0xFFFFFF80, m.r[EAX]);
        m = run("b8 80 00 00 00  66 98", 2); // cbw
        assertEquals(0xFF80, m.r[EAX]);
        m = run("b8 00 00 00 80  99", 2);
        assertEquals(-1, m.r[EDX]);
    }

    @Test
    void xlatIndexesTheTableAtEbxWithAl() {
        TestMachine m = new TestMachine();
        m.ram.write8(DATA + 5, 0x66);
        m.r[CpuState.EBX] = DATA;
        m.r[EAX] = 0x1205;
        m.code("d7").run(1);
        assertEquals(0x1266, m.r[EAX]);
    }

    @Test
    void lahfAndSahfMoveTheLowFlagsThroughAh() {
        TestMachine m = run("f9  9f  b4 40  9e", 2); // stc; lahf; mov ah,ZF; sahf
        assertEquals(0x03, m.r[EAX] >>> 8 & 0xFF); // CF, and bit 1 which always reads one
        m.run(2);
        assertTrue(m.flag(Flags.ZF));
        assertFalse(m.flag(Flags.CF));
    }

    @Test
    void aSixteenBitOperandSizeTruncatesTheJumpTargetTo16Bits() {
        TestMachine m = run("66 e9 00 f0", 1); // 0x1004 - 0x1000 within 64 KiB
        assertEquals(0x0004, m.s.eip);
    }

    @Test
    void boundRaisesBoundRangeExceededForAnIndexOutsideTheLimits() {
        TestMachine m = new TestMachine();
        m.ram.write32(DATA, 10);
        m.ram.write32(DATA + 4, 20);
        m.r[EAX] = 15;
        m.code("62 05 00 00 02 00  b8 15 00 00 00  62 05 00 00 02 00").run(3);
        assertEquals(Vectors.BR, m.fault.vector());
        assertEquals(CODE + 11, m.fault.eip());
    }

    @Test
    void storeDescriptorTableRegistersWritesLimitThenBase() {
        TestMachine m = new TestMachine();
        m.s.gdtBase = 0x12345678;
        m.s.gdtLimit = 0x27;
        m.code("0f 01 05 00 00 02 00").run(1); // sgdt [DATA]
        assertEquals(0x27, m.ram.read16(DATA));
        assertEquals(0x12345678, m.read32(DATA + 2));
    }

    @Test
    void storeMachineStatusWordReadsCr0() {
        TestMachine m = new TestMachine();
        m.code("0f 01 e0").run(1); // smsw eax
        assertEquals(m.s.cr0, m.r[EAX]);
    }

    @Test
    void setccAndNotWorkOnMemoryOperands() {
        TestMachine m = new TestMachine();
        m.ram.write32(DATA, 0x0F0F0F0F);
        m.code("f9  0f 92 05 04 00 02 00  f7 15 00 00 02 00").run(3); // stc; setc [DATA+4]; not dword [DATA]
        assertEquals(1, m.ram.read8(DATA + 4));
        assertEquals(0xF0F0F0F0, m.read32(DATA));
        assertTrue(m.flag(Flags.CF)); // NOT changes no flags
    }
}
