package org.j386.emulator.cpu;

import static org.j386.emulator.cpu.CpuState.DS;
import static org.j386.emulator.cpu.CpuState.EAX;
import static org.j386.emulator.cpu.CpuState.EBP;
import static org.j386.emulator.cpu.CpuState.EBX;
import static org.j386.emulator.cpu.CpuState.ESI;
import static org.j386.emulator.cpu.CpuState.SS;
import static org.j386.emulator.cpu.TestMachine.CODE;
import static org.j386.emulator.cpu.TestMachine.DATA;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class AddressingTest {
    @Test
    void scaledIndexBaseAndDisplacementAddUp() {
        TestMachine m = new TestMachine();
        m.ram.write32(DATA + 20, 0xCAFE);
        m.r[EBX] = DATA;
        m.r[ESI] = 3;
        m.code("8b 44 b3 08").run(1); // mov eax,[ebx+esi*4+8]
        assertEquals(0xCAFE, m.r[EAX]);
    }

    @Test
    void displacementOnlyAndMemoryOffsetFormsUseDs() {
        TestMachine m = new TestMachine();
        m.ram.write32(DATA, 0x1234);
        m.code("8b 0d 00 00 02 00  a1 00 00 02 00  a2 10 00 02 00").run(3); // mov ecx,[DATA]; mov eax,[DATA]; mov [DATA+16],al
        assertEquals(0x1234, m.r[CpuState.ECX]);
        assertEquals(0x1234, m.r[EAX]);
        assertEquals(0x34, m.ram.read8(DATA + 16));
    }

    @Test
    void ebpAndEspBasedOperandsUseTheStackSegment() {
        TestMachine m = new TestMachine();
        m.s.segs[SS].base = 0x100;
        m.ram.write32(0x100 + DATA, 7);
        m.ram.write32(0x100 + TestMachine.STACK, 9);
        m.r[EBP] = DATA;
        m.code("8b 45 00  8b 0c 24").run(2); // mov eax,[ebp]; mov ecx,[esp]
        assertEquals(7, m.r[EAX]);
        assertEquals(9, m.r[CpuState.ECX]);
    }

    @Test
    void segmentOverridePrefixesReplaceTheDefaultSegment() {
        TestMachine m = new TestMachine();
        m.s.segs[CpuState.FS].base = 0x1000;
        m.ram.write32(DATA + 0x1000, 0x55);
        m.r[EBX] = DATA;
        m.code("64 8b 03").run(1); // mov eax,fs:[ebx]
        assertEquals(0x55, m.r[EAX]);
    }

    @Test
    void sixteenBitAddressingCombinesBaseAndIndexAndWrapsAt64K() {
        TestMachine m = new TestMachine();
        m.ram.write32(1, 0xABCD);
        m.ram.write32(0x3004, 0x77);
        m.r[EBX] = 0xFFFF;
        m.r[ESI] = 2;
        m.r[EBP] = 0x3000;
        m.code("67 8b 00  67 8b 4e 04").run(2); // mov eax,[bx+si]; mov ecx,[bp+4]
        assertEquals(0xABCD, m.r[EAX]);
        assertEquals(0x77, m.r[CpuState.ECX]);
    }

    @Test
    void accessBeyondTheDataSegmentLimitRaisesGeneralProtection() {
        TestMachine m = new TestMachine();
        m.s.segs[DS].limit = 0xFFF;
        m.code("a1 fd 0f 00 00").run(1); // a dword at 0xFFD ends past the limit
        assertEquals(Vectors.GP, m.fault.vector());
        assertEquals(CODE, m.fault.eip());
    }

    @Test
    void pushBeyondTheStackSegmentLimitRaisesStackFault() {
        TestMachine m = new TestMachine();
        m.s.segs[SS].limit = 0xFFF;
        m.r[CpuState.ESP] = 0x2000;
        m.code("50").run(1);
        assertEquals(Vectors.SS, m.fault.vector());
        assertEquals(0x2000, m.r[CpuState.ESP]);
    }

    @Test
    void writingThroughAReadOnlyDataSegmentRaisesGeneralProtection() {
        TestMachine m = new TestMachine();
        m.s.segs[DS].attributes &= ~Segment.READ_WRITE;
        m.r[EBX] = DATA;
        m.code("8b 03  89 03").run(2); // the read is fine, the write is not
        assertEquals(Vectors.GP, m.fault.vector());
        assertEquals(CODE + 2, m.fault.eip());
    }

    @Test
    void readingThroughAnExecuteOnlyCodeSegmentRaisesGeneralProtection() {
        TestMachine m = new TestMachine();
        m.s.segs[CpuState.CS].attributes &= ~Segment.READ_WRITE;
        m.code("2e 8b 03").run(1);
        assertEquals(Vectors.GP, m.fault.vector());
    }

    @Test
    void anyAccessThroughANullSegmentRaisesGeneralProtection() {
        TestMachine m = new TestMachine();
        m.s.segs[CpuState.ES].setNull(0);
        m.code("26 8b 03").run(1);
        assertEquals(Vectors.GP, m.fault.vector());
    }

    @Test
    void expandDownSegmentsAllowOnlyOffsetsAboveTheLimit() {
        TestMachine m = new TestMachine();
        m.s.segs[DS].attributes |= Segment.CONFORMING_OR_EXPAND_DOWN;
        m.s.segs[DS].limit = 0xFFF;
        m.code("a1 00 20 00 00  a1 00 08 00 00").run(2);
        assertEquals(Vectors.GP, m.fault.vector());
        assertEquals(CODE + 5, m.fault.eip());
    }

    @Test
    void segmentBasesAreAddedToEveryOffset() {
        TestMachine m = new TestMachine();
        m.s.segs[DS].base = 0x300;
        m.s.segs[DS].limit = 0xFFFFF;
        m.r[EAX] = 0x99;
        m.code("a3 00 00 02 00").run(1);
        assertNull(m.fault);
        assertEquals(0x99, m.read32(DATA + 0x300));
    }

    @Test
    void leaComputesTheOffsetWithoutTouchingMemory() {
        TestMachine m = new TestMachine();
        m.s.segs[DS].setNull(0);
        m.r[EBX] = 0x100;
        m.r[ESI] = 0x10;
        m.code("8d 44 73 05").run(1); // lea eax,[ebx+esi*2+5]
        assertNull(m.fault);
        assertEquals(0x125, m.r[EAX]);
    }
}
