package org.j386.emulator.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/**
 * Real-address mode where QEMU is no reference (it checks no segment limits there), and the
 * transitions the test ROMs reach only as a whole: limits of 0xFFFF giving #GP and #SS, faults
 * delivered through the vector table, and PE switching that keeps the descriptor caches.
 */
class RealModeTest {
    private static final int CODE_SEGMENT = 0x0100; // linear 0x1000: TestMachine.CODE
    private static final int HANDLER = 0x0800;       // 0100:0800 = linear 0x1800

    /** A machine reset into real mode, running 16-bit code at 0100:0000, with every vector at HANDLER. */
    private static TestMachine realMode() {
        TestMachine m = new TestMachine();
        CpuState s = m.s;
        s.cr0 = ResetState.CR0;
        for (int i = 0; i < 6; i++) {
            Segment seg = s.segs[i];
            seg.selector = i == CpuState.CS ? CODE_SEGMENT : 0;
            seg.base = seg.selector << 4;
            seg.limit = 0xFFFF;
            seg.attributes = Segment.PRESENT | Segment.CODE_OR_DATA | Segment.READ_WRITE | Segment.ACCESSED
                    | (i == CpuState.CS ? Segment.CODE : 0);
        }
        s.idtBase = 0;
        s.idtLimit = 0x3FF;
        for (int v = 0; v < 256; v++) {
            m.ram.write32(v * 4, CODE_SEGMENT << 16 | HANDLER);
        }
        s.eip = 0;
        m.r[CpuState.ESP] = 0x7000;
        m.code(TestMachine.CODE + HANDLER, "f4"); // HLT
        return m;
    }

    @Test
    void aWordAtOffsetFfffIsGeneralProtectionDeliveredThroughTheVectorTableWithoutErrorCode() {
        TestMachine m = realMode().code("8b 1e ff ff"); // mov bx, [0xffff]
        m.run(1);
        assertEquals(Vectors.GP, m.fault.vector());
        assertEquals(HANDLER, m.s.eip);
        assertEquals(CODE_SEGMENT, m.s.segs[CpuState.CS].selector);
        // FLAGS, CS, IP: three words, the IP of the faulting instruction on top.
        assertEquals(0x7000 - 6, m.r[CpuState.ESP]);
        assertEquals(0, m.ram.read16(0x7000 - 6));
        assertEquals(CODE_SEGMENT, m.ram.read16(0x7000 - 4));
    }

    @Test
    void aPushThatWrapsSpToFfffIsAStackFaultWhoseDeliveryCannotPushEither() {
        TestMachine m = realMode().code("6a 01"); // push 1
        m.r[CpuState.ESP] = 1;
        m.run(1);
        assertEquals(Vectors.SS, m.fault.vector());
        // The frame would straddle offset 0xFFFF too: #SS, then #DF, then shutdown.
        assertEquals(Cpu.Stop.TRIPLE_FAULT, m.cpu.stop());
    }

    @Test
    void aByteAtOffsetFfffAndAWrappedStackAreFine() {
        TestMachine m = realMode().code("8a 1e ff ff 6a 01"); // mov bl, [0xffff]; push 1
        m.ram.write8(0xFFFF, 0x5A);
        m.r[CpuState.ESP] = 0;
        m.run(2);
        assertNull(m.fault);
        assertEquals(0x5A, m.r[CpuState.EBX] & 0xFF);
        assertEquals(0xFFFE, m.r[CpuState.ESP]);
        assertEquals(1, m.ram.read16(0xFFFE));
    }

    @Test
    void aNearJumpPastTheCodeLimitIsGeneralProtection() {
        TestMachine m = realMode().code("66 e9 00 00 01 00"); // jmp dword +0x10000
        m.run(1);
        assertEquals(Vectors.GP, m.fault.vector());
    }

    @Test
    void anInterruptVectorBeyondTheIdtLimitIsGeneralProtection() {
        TestMachine m = realMode().code("cd 40"); // int 0x40
        m.s.idtLimit = 0xFF;
        m.run(1);
        assertEquals(Vectors.GP, m.fault.vector());
    }

    @Test
    void intClearsIfAndTfAndIretRestoresThem() {
        TestMachine m = realMode().code("cd 40");
        m.code(TestMachine.CODE + HANDLER, "cf"); // IRET
        m.s.flags.set(Flags.IF | Flags.CF);
        m.run(1);
        assertEquals(0, m.flags() & Flags.IF);
        assertEquals(Flags.IF | Flags.CF | 2, m.ram.read16(0x7000 - 2));
        m.run(1);
        assertEquals(2, m.s.eip);
        assertEquals(Flags.IF | Flags.CF | 2, m.flags());
    }

    @Test
    void clearingPeKeepsTheCachedLimitAndARealModeLoadChangesOnlySelectorAndBase() {
        TestMachine m = realMode().code("8e d8 8b 1c"); // mov ds, ax; mov bx, [si]
        m.s.segs[CpuState.DS].limit = -1;
        m.r[CpuState.EAX] = 0x2000;
        m.r[CpuState.ESI] = 0x10000; // 16-bit addressing: offset 0
        m.ram.write16(0x20000, 0x1234);
        m.run(2);
        assertNull(m.fault);
        Segment ds = m.s.segs[CpuState.DS];
        assertEquals(0x20000, ds.base);
        assertEquals(-1, ds.limit);
        assertEquals(0x1234, m.r[CpuState.EBX] & 0xFFFF);
    }

    @Test
    void theSelectorInstructionsAreInvalidOpcodes() {
        TestMachine m = realMode().code("0f 02 c3"); // lar ax, bx
        m.run(1);
        assertEquals(Vectors.UD, m.fault.vector());
    }

    @Test
    void aFarJumpFromProtectedModeBackToRealModeLoadsCsTheRealModeWay() {
        // mov eax, cr0; and al, 0xfe; mov cr0, eax; jmp 0x0200:0x0010
        TestMachine m = realMode().code("0f 20 c0 24 fe 0f 22 c0 ea 10 00 00 02");
        m.s.cr0 |= CpuState.CR0_PE;
        m.run(4);
        assertNull(m.fault);
        assertEquals(0, m.s.cr0 & CpuState.CR0_PE);
        assertEquals(0x0200, m.s.segs[CpuState.CS].selector);
        assertEquals(0x2000, m.s.segs[CpuState.CS].base);
        assertEquals(0x10, m.s.eip);
    }
}
