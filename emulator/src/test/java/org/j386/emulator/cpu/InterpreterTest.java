package org.j386.emulator.cpu;

import static org.j386.emulator.cpu.CpuState.EAX;
import static org.j386.emulator.cpu.CpuState.ESP;
import static org.j386.emulator.cpu.TestMachine.CODE;
import static org.j386.emulator.cpu.TestMachine.DATA;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The run loop: budgets, the decode cache, fetch faults, #UD, interrupts at boundaries. */
class InterpreterTest {
    @Test
    void eachInstructionAdvancesBothCountersByOne() {
        TestMachine m = new TestMachine().code("90 90 90 90 90").run(3);
        assertEquals(3, m.s.instructions);
        assertEquals(3, m.s.cycles());
        assertEquals(CODE + 3, m.s.eip);
    }

    @Test
    void aStopRequestReturnsBeforeTheNextInstruction() {
        TestMachine m = new TestMachine().code("90 90");
        m.s.stopRequested = true;
        m.s.attention = true;
        m.run(10);
        assertEquals(0, m.s.instructions);
    }

    @Test
    void unknownOpcodesRaiseInvalidOpcodeAtTheirFirstByte() {
        for (String code : new String[] {"0f 0b", "0f 05", "0f ff", "8e c8", "c7 c8 00 00 00 00", "fe d0", "ff d8"}) {
            TestMachine m = new TestMachine().code("90 " + code).run(2);
            assertEquals(Vectors.UD, m.fault.vector(), code);
            assertEquals(CODE + 1, m.fault.eip(), code);
        }
    }

    @Test
    void lockIsOnlyAcceptedOnReadModifyWriteMemoryForms() {
        TestMachine m = new TestMachine().code("f0 01 c0").run(1); // lock add eax,eax
        assertEquals(Vectors.UD, m.fault.vector());
        m = new TestMachine().code("f0 8b 03").run(1);              // lock mov eax,[ebx]
        assertEquals(Vectors.UD, m.fault.vector());
        m = new TestMachine();
        m.r[CpuState.EBX] = DATA;
        m.r[EAX] = 5;
        m.code("f0 01 03  f0 0f c1 03").run(2);                     // lock add [ebx],eax; lock xadd
        assertNull(m.fault);
        assertEquals(10, m.read32(DATA));
    }

    @Test
    void instructionsLongerThanFifteenBytesRaiseGeneralProtection() {
        TestMachine m = new TestMachine().code("66 66 66 66 66 66 66 66 66 66 66 66 66 66 90").run(1);
        assertNull(m.fault);
        assertEquals(CODE + 15, m.s.eip);
        m = new TestMachine().code("66 66 66 66 66 66 66 66 66 66 66 66 66 66 66 90").run(1);
        assertEquals(Vectors.GP, m.fault.vector());
        assertEquals(0, m.fault.errorCode());
        assertEquals(CODE, m.fault.eip());
    }

    @Test
    void fpuEscapesRaiseDeviceNotAvailableWhenEmulatedElseInvalidOpcode() {
        TestMachine m = new TestMachine().code("d9 e8").run(1);
        assertEquals(Vectors.UD, m.fault.vector());
        m = new TestMachine();
        m.s.cr0 |= CpuState.CR0_TS;
        m.code("dd 05 00 00 02 00").run(1);
        assertEquals(Vectors.NM, m.fault.vector());
    }

    @Test
    void multiByteNopAndPauseDoNothing() {
        TestMachine m = new TestMachine().code("0f 1f 44 00 00  f3 90  66 90").run(3);
        assertNull(m.fault);
        assertEquals(CODE + 9, m.s.eip);
    }

    @Test
    void storesIntoCachedCodeAreSeenByTheNextExecution() {
        // mov eax,1; mov byte [CODE+1],2; jmp back
        TestMachine m = new TestMachine().code("b8 01 00 00 00  c6 05 01 10 00 00 02  eb f2");
        m.run(1);
        assertEquals(1, m.r[EAX]);
        m.run(3);
        assertEquals(2, m.r[EAX]);
    }

    @Test
    void instructionsStraddlingAPageBoundaryExecuteAndSeeChangesToEitherPage() {
        TestMachine m = new TestMachine();
        m.s.eip = 0x1FFE;
        // mov eax,0x12345678 across 0x2000; mov byte [0x2001],0x99; jmp back
        m.code(0x1FFE, "b8 78 56 34 12  c6 05 01 20 00 00 99  eb f2");
        m.run(1);
        assertEquals(0x12345678, m.r[EAX]);
        assertEquals(0x2003, m.s.eip);
        m.run(3);
        assertEquals(0x12995678, m.r[EAX]);
    }

    @Test
    void decodedInstructionsAreKeyedByTheCodeSegmentDefaultSize() {
        TestMachine m = new TestMachine().code("b8 01 00 00 00");
        m.run(1);
        assertEquals(CODE + 5, m.s.eip);
        m.s.eip = CODE;
        m.r[EAX] = 0xFFFF0000;
        m.s.segs[CpuState.CS].attributes &= ~Segment.DEFAULT_BIG;
        m.run(1);
        assertEquals(CODE + 3, m.s.eip); // mov ax,1 in 16-bit code
        assertEquals(0xFFFF0001, m.r[EAX]);
    }

    @Test
    void flushingDecodedCodePicksUpBytesWrittenBehindTheCpusBack() {
        TestMachine m = new TestMachine().code("b8 01 00 00 00  eb f9");
        m.run(1);
        m.ram.array()[CODE + 1] = 7; // a loader writing RAM directly
        m.cpu.flushDecodedCode();
        m.run(2);
        assertEquals(7, m.r[EAX]);
    }

    /** Identity-maps the first MiB with 4 KiB pages, leaving {@code hole} not present. */
    private static void pageWithHole(TestMachine m, int hole) {
        int dir = 0x90000;
        int table = 0x91000;
        m.ram.write32(dir, table | 7);
        for (int i = 0; i < 256; i++) {
            m.ram.write32(table + 4 * i, i * 0x1000 == hole ? 0 : (i * 0x1000) | 7);
        }
        m.mmu.configure(true, false, false, false);
        m.mmu.setCr3(dir);
        m.s.cr3 = dir;
        m.s.cr0 |= CpuState.CR0_PG;
    }

    @Test
    void aFetchThatRunsIntoAnUnmappedPageFaultsOnThatPageAtTheInstructionStart() {
        TestMachine m = new TestMachine();
        pageWithHole(m, 0x3000);
        m.s.eip = 0x2FFE;
        m.code(0x2FFE, "b8 78");
        m.run(1);
        assertEquals(0x3000, m.s.cr2);
        assertEquals(0x2FFE, m.fault.eip());
        assertEquals(0, m.s.instructions);
    }

    @Test
    void aFaultingPushLeavesEspAndMemoryUnchanged() {
        TestMachine m = new TestMachine();
        pageWithHole(m, 0x7F000);
        m.r[ESP] = 0x80000;
        m.code("6a 01").run(1);
        assertEquals(0x7FFFC, m.s.cr2);
        assertEquals(0x80000, m.r[ESP]);
        assertEquals(CODE, m.fault.eip());
    }

    @Test
    void aFaultingReadModifyWriteLeavesTheFlagsAsTheyWere() {
        TestMachine m = new TestMachine();
        pageWithHole(m, 0x5000);
        // Make page 0x5000 present but read-only: the add reads, then its store faults.
        m.ram.write32(0x91000 + 4 * 5, 0x5000 | 5);
        m.mmu.configure(true, true, false, false);
        m.s.cr0 |= CpuState.CR0_WP;
        m.s.flags.set(Flags.ZF);
        m.r[EAX] = 1;
        m.code("01 05 00 50 00 00").run(1);
        assertEquals(0x5000, m.s.cr2);
        assertTrue(m.flag(Flags.ZF));
    }

    /** A controller with one request that records when it was acknowledged. */
    private static final class OneRequest implements InterruptController {
        final CpuState s;
        boolean pending = true;
        long acknowledgedAfter = -1;
        int eipAtAcknowledge;

        OneRequest(CpuState s) {
            this.s = s;
        }

        @Override
        public boolean pending() {
            return pending;
        }

        @Override
        public int acknowledge() {
            pending = false;
            acknowledgedAfter = s.instructions;
            eipAtAcknowledge = s.eip;
            return 0x20;
        }
    }

    @Test
    void anInterruptIsTakenOnlyAfterTheInstructionFollowingSti() {
        TestMachine m = new TestMachine().code("fb  90  90  90");
        OneRequest pic = new OneRequest(m.s);
        m.cpu.setInterruptController(pic);
        m.s.attention = true;
        m.run(4);
        assertEquals(2, pic.acknowledgedAfter);
        assertEquals(CODE + 2, pic.eipAtAcknowledge);
    }

    @Test
    void aRequestWhileInterruptsAreDisabledWaitsForStiWithoutHoldingTheSlowPath() {
        TestMachine m = new TestMachine().code("90 90 90 FB 90 90");
        OneRequest pic = new OneRequest(m.s);
        m.cpu.setInterruptController(pic);
        m.s.attention = true;
        m.run(3);
        assertEquals(3, m.s.instructions);
        assertEquals(-1, pic.acknowledgedAfter);
        // Nothing but an instruction that sets IF can make the request deliverable, and each of
        // those asks for attention itself: until then compiled code may run.
        assertFalse(m.s.attention);
        m.run(3);
        assertEquals(5, pic.acknowledgedAfter, "taken after STI and the instruction in its shadow");
    }

    @ParameterizedTest(name = "tracking each instruction's EIP: {0}")
    @ValueSource(booleans = {false, true}) // the interpreter tier's own loop, then the run loop
    void anInterruptWhoseDeliveryFaultsRaisesGeneralProtectionAtTheBoundaryItWasTakenAt(boolean tracking) {
        TestMachine m = new TestMachine().code("90 90 90 90");
        m.s.trackInstructionEip = tracking;
        m.s.idtLimit = 0x20 * 8 - 1; // vector 0x20 lies past the IDT's limit
        OneRequest pic = new OneRequest(m.s);
        m.cpu.setInterruptController(pic);
        m.run(2);
        m.s.flags.set(Flags.IF);
        m.s.attention = true;
        m.run(2);
        assertEquals(2, pic.acknowledgedAfter);
        assertEquals(Vectors.GP, m.fault.vector());
        assertEquals(0x20 * 8 + 2 + 1, m.fault.errorCode(), "the gate's IDT index, EXT set");
        assertEquals(CODE + 2, m.fault.eip(), "the EIP the interrupt's delivery began with");
    }

    @Test
    void attentionIsClearedWhenNothingIsPending() {
        TestMachine m = new TestMachine().code("90 90");
        m.s.attention = true;
        m.run(1);
        assertFalse(m.s.attention);
    }

    @Test
    void movToSsBlocksInterruptsForOneInstruction() {
        TestMachine m = new TestMachine();
        m.s.flags.set(Flags.IF);
        OneRequest pic = new OneRequest(m.s);
        pic.pending = false;
        m.cpu.setInterruptController(pic);
        // The loadSegment call is the lead's; observe only that the shadow was requested.
        m.code("8e d0").run(1);
        if (m.fault == null) {
            assertTrue(m.s.interruptShadow);
            assertTrue(m.s.attention);
        }
    }
}
