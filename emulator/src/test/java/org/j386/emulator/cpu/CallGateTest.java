package org.j386.emulator.cpu;

import static org.j386.emulator.cpu.CpuState.*;
import static org.j386.emulator.cpu.ProtectedModeFixture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Far CALL, JMP and RET through call gates, on the fixture's GDT extended by the gates below. */
class CallGateTest {
    private static final int GATE = 8 * 8, USER_STACK = 0x70000, ENTRY = 0x5000, CALLER_EIP = 0x400123;
    /** Ring-0 conforming code, ring-0 code not present, a ring-0 stack not present. */
    private static final int CONFORMING_CODE = 9 * 8, ABSENT_CODE = 10 * 8, ABSENT_STACK = 11 * 8;
    private static final int GATE32 = 0xC, GATE16 = 0x4;

    private final ProtectedModeFixture m = new ProtectedModeFixture();
    private final CpuState s = m.s;

    CallGateTest() {
        s.gdtLimit = 16 * 8 - 1;
        m.descriptor(9, 0, 0xFFFFF, 0x9E, 0xC);
        m.descriptor(10, 0, 0xFFFFF, 0x1A, 0xC);
        m.descriptor(11, 0, 0xFFFFF, 0x12, 0xC);
    }

    /** Writes the call gate GATE: present unless {@code present} is false. */
    private void gate(int type, int dpl, int codeSelector, int offset, int parameters, boolean present) {
        m.ram.write32(GDT + GATE, (codeSelector << 16) | (offset & 0xFFFF));
        int access = (present ? 0x80 : 0) | (dpl << 5) | type;
        m.ram.write32(GDT + GATE + 4, (offset & 0xFFFF0000) | (access << 8) | parameters);
    }

    /** Ring 3 at CALLER_EIP with {@code values} pushed as dwords, the first one pushed last (on top). */
    private void ring3Pushing32(int... values) {
        m.enterRing3(USER_STACK - 4 * values.length);
        for (int i = 0; i < values.length; i++) {
            m.ram.write32(s.regs[ESP] + 4 * i, values[i]);
        }
        s.eip = CALLER_EIP;
    }

    private void ring3Pushing16(int... values) {
        m.enterRing3(USER_STACK - 2 * values.length);
        for (int i = 0; i < values.length; i++) {
            m.ram.write16(s.regs[ESP] + 2 * i, values[i]);
        }
        s.eip = CALLER_EIP;
    }

    private void callGate() {
        m.cpu.segmentation.farCall(GATE | 3, 0xDEAD, true, CALLER_EIP + 7);
    }

    /** {@code transfer} raises exception {@code vector} with {@code errorCode}. */
    private void assertFaults(int vector, int errorCode, Runnable transfer) {
        CpuFault f = assertThrows(CpuFault.class, transfer::run);
        assertEquals(Vectors.name(vector), Vectors.name(f.vector()));
        assertEquals(errorCode, f.errorCode(), "error code");
    }

    /** A fault left CPL 3 on the caller's code and stack. */
    private void assertStillTheCaller(int esp) {
        assertEquals(3, s.cpl);
        assertEquals(USER_CODE, s.segs[CS].selector);
        assertEquals(USER_DATA, s.segs[SS].selector);
        assertEquals(esp, s.regs[ESP]);
        assertEquals(CALLER_EIP, s.eip);
    }

    @Test
    void aCallThroughA32BitGateIntoRing0SwitchesToTheTssStackAndCopiesDwordParameters() {
        gate(GATE32, 3, KERNEL_CODE, 0x00123456, 2, true);
        ring3Pushing32(0x11111111, 0x22222222);
        callGate();
        assertEquals(0, s.cpl);
        assertEquals(KERNEL_CODE, s.segs[CS].selector);
        assertEquals(0x00123456, s.eip, "the gate's whole offset, not the pointer's");
        assertEquals(KERNEL_DATA, s.segs[SS].selector);
        assertEquals(TSS_STACK_TOP - 6 * 4, s.regs[ESP]);
        int[] frame = {CALLER_EIP + 7, USER_CODE, 0x11111111, 0x22222222, USER_STACK - 8, USER_DATA};
        for (int i = 0; i < frame.length; i++) {
            assertEquals(frame[i], m.stack(i), "dword " + i);
        }
    }

    @Test
    void aCallThroughA16BitGateCopiesWordsPushesAWordFrameAndUsesOnlyTheLowHalfOfTheOffset() {
        gate(GATE16, 3, KERNEL_CODE, 0xABCD0000 | ENTRY, 3, true);
        ring3Pushing16(0x1111, 0x2222, 0x3333);
        callGate();
        assertEquals(ENTRY, s.eip);
        assertEquals(TSS_STACK_TOP - 7 * 2, s.regs[ESP]);
        int[] frame = {(CALLER_EIP + 7) & 0xFFFF, USER_CODE, 0x1111, 0x2222, 0x3333, (USER_STACK - 6) & 0xFFFF,
                USER_DATA};
        for (int i = 0; i < frame.length; i++) {
            assertEquals(frame[i], m.ram.read16(s.regs[ESP] + 2 * i), "word " + i);
        }
    }

    @Test
    void aCallThroughAGateToTheSamePrivilegeLevelPushesOnlyTheReturnAddressOnTheCurrentStack() {
        gate(GATE32, 3, USER_CODE, ENTRY, 2, true);
        ring3Pushing32(0x11111111, 0x22222222);
        callGate();
        assertEquals(3, s.cpl);
        assertEquals(USER_DATA, s.segs[SS].selector);
        assertEquals(USER_STACK - 16, s.regs[ESP]);
        assertEquals(CALLER_EIP + 7, m.stack(0));
        assertEquals(USER_CODE, m.stack(1));
        assertEquals(0x11111111, m.stack(2), "no parameters copied");
    }

    @Test
    void aCallThroughAGateToAMorePrivilegedConformingSegmentKeepsCplAndTheStack() {
        gate(GATE32, 3, CONFORMING_CODE, ENTRY, 0, true);
        ring3Pushing32();
        callGate();
        assertEquals(3, s.cpl);
        assertEquals(CONFORMING_CODE | 3, s.segs[CS].selector, "RPL is CPL");
        assertEquals(USER_STACK - 8, s.regs[ESP]);
    }

    @Test
    void aGateWhoseDplIsBelowCplIsGeneralProtectionNamingTheGate() {
        gate(GATE32, 0, KERNEL_CODE, ENTRY, 0, true);
        ring3Pushing32();
        assertFaults(Vectors.GP, GATE, this::callGate);
        assertStillTheCaller(USER_STACK);
    }

    @Test
    void aSelectorWhoseRplIsAboveTheGateDplIsGeneralProtectionEvenInRing0() {
        gate(GATE32, 0, KERNEL_CODE, ENTRY, 0, true);
        assertFaults(Vectors.GP, GATE, () -> m.cpu.segmentation.farJump(GATE | 1, 0));
    }

    @Test
    void aGateNotPresentIsNotPresentNamingTheGate() {
        gate(GATE32, 3, KERNEL_CODE, ENTRY, 0, false);
        ring3Pushing32();
        assertFaults(Vectors.NP, GATE, this::callGate);
        assertStillTheCaller(USER_STACK);
    }

    @Test
    void aGateToACodeSegmentNotPresentIsNotPresentNamingTheSegment() {
        gate(GATE32, 3, ABSENT_CODE, ENTRY, 0, true);
        ring3Pushing32();
        assertFaults(Vectors.NP, ABSENT_CODE, this::callGate);
    }

    @Test
    void aGateToADataSegmentIsGeneralProtectionNamingItAndANullOneNamingNothing() {
        gate(GATE32, 3, USER_DATA, ENTRY, 0, true);
        ring3Pushing32();
        assertFaults(Vectors.GP, USER_DATA & 0xFFFC, this::callGate);
        gate(GATE32, 3, 0, ENTRY, 0, true);
        assertFaults(Vectors.GP, 0, this::callGate);
    }

    @Test
    void aCallThroughAGateToLessPrivilegedCodeIsGeneralProtectionNamingIt() {
        gate(GATE32, 3, USER_CODE, ENTRY, 0, true);
        assertFaults(Vectors.GP, USER_CODE & 0xFFFC, () -> m.cpu.segmentation.farCall(GATE, 0, true, 0));
    }

    @Test
    void aNewStackOfAnotherRingIsInvalidTssNamingItsSelector() {
        m.ram.write16(TSS + 8, USER_DATA);
        gate(GATE32, 3, KERNEL_CODE, ENTRY, 0, true);
        ring3Pushing32();
        assertFaults(Vectors.TS, USER_DATA & 0xFFFC, this::callGate);
        assertStillTheCaller(USER_STACK);
    }

    @Test
    void aNullNewStackIsInvalidTssWithErrorCodeZero() {
        m.ram.write16(TSS + 8, 0);
        gate(GATE32, 3, KERNEL_CODE, ENTRY, 0, true);
        ring3Pushing32();
        assertFaults(Vectors.TS, 0, this::callGate);
    }

    @Test
    void aNewStackNotPresentIsAStackFaultNamingIt() {
        m.ram.write16(TSS + 8, ABSENT_STACK);
        gate(GATE32, 3, KERNEL_CODE, ENTRY, 0, true);
        ring3Pushing32();
        assertFaults(Vectors.SS, ABSENT_STACK, this::callGate);
    }

    @Test
    void aNewStackWithoutRoomForTheFrameIsAStackFaultNamingItWithNothingCommitted() {
        m.descriptor(12, 0, 0x0FFF, 0x92, 0x4); // ring-0 data, limit 0xFFF, 32-bit
        m.ram.write16(TSS + 8, 12 * 8);
        m.ram.write32(TSS + 4, 8); // room for the old SS:ESP, not for the parameter below them
        gate(GATE32, 3, KERNEL_CODE, ENTRY, 1, true);
        ring3Pushing32(0x11111111);
        assertFaults(Vectors.SS, 12 * 8, this::callGate);
        assertStillTheCaller(USER_STACK - 4);
    }

    @Test
    void aGateOffsetBeyondTheCodeLimitIsGeneralProtectionZeroWithNothingCommitted() {
        m.descriptor(12, 0, 0x0FFF, 0x9A, 0x4); // ring-0 code, limit 0xFFF
        gate(GATE32, 3, 12 * 8, 0x1000, 0, true);
        ring3Pushing32();
        assertFaults(Vectors.GP, 0, this::callGate);
        assertStillTheCaller(USER_STACK);
    }

    @Test
    void aJumpThroughAGateToAMorePrivilegedNonConformingSegmentIsGeneralProtectionNamingIt() {
        gate(GATE32, 3, KERNEL_CODE, ENTRY, 0, true);
        ring3Pushing32();
        assertFaults(Vectors.GP, KERNEL_CODE, () -> m.cpu.segmentation.farJump(GATE | 3, 0));
        assertStillTheCaller(USER_STACK);
    }

    @Test
    void aJumpThroughAGateToAConformingSegmentKeepsCplAndPushesNothing() {
        gate(GATE32, 3, CONFORMING_CODE, ENTRY, 0, true);
        ring3Pushing32();
        m.cpu.segmentation.farJump(GATE | 3, 0);
        assertEquals(3, s.cpl);
        assertEquals(CONFORMING_CODE | 3, s.segs[CS].selector);
        assertEquals(ENTRY, s.eip);
        assertEquals(USER_STACK, s.regs[ESP]);
    }

    @Test
    void aFarReturnWithAnImmediateReleasesTheParametersOnBothStacksAndNullsRing0DataSegments() {
        gate(GATE32, 3, KERNEL_CODE, ENTRY, 2, true);
        ring3Pushing32(0x11111111, 0x22222222);
        callGate();
        m.cpu.segmentation.loadSegment(DS, KERNEL_DATA); // the outer ring may not keep it
        m.cpu.segmentation.loadSegment(FS, CONFORMING_CODE); // readable conforming code stays
        m.cpu.segmentation.farReturn(true, 8);
        assertEquals(3, s.cpl);
        assertEquals(CALLER_EIP + 7, s.eip);
        assertEquals(USER_CODE, s.segs[CS].selector);
        assertEquals(USER_DATA, s.segs[SS].selector);
        assertEquals(USER_STACK, s.regs[ESP], "the caller's parameters released too");
        assertFalse(s.segs[DS].usable);
        assertEquals(0, s.segs[DS].selector);
        assertEquals(USER_DATA, s.segs[ES].selector, "the caller's ES untouched");
        assertTrue(s.segs[FS].usable);
        assertEquals(CONFORMING_CODE, s.segs[FS].selector);
    }

    @Test
    void aFarReturnToAnOuterRingWhoseStackIsNotPresentIsAStackFaultWithNothingCommitted() {
        gate(GATE32, 3, KERNEL_CODE, ENTRY, 0, true);
        ring3Pushing32();
        callGate();
        int esp = s.regs[ESP];
        m.descriptor(12, 0, 0xFFFFF, 0x72, 0xC); // ring-3 data, not present
        m.ram.write32(esp + 12, 12 * 8 | 3);
        assertFaults(Vectors.SS, 12 * 8, () -> m.cpu.segmentation.farReturn(true, 0));
        assertEquals(0, s.cpl);
        assertEquals(KERNEL_CODE, s.segs[CS].selector);
        assertEquals(esp, s.regs[ESP]);
    }
}
