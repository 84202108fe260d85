package org.j386.emulator.cpu;

import static org.j386.emulator.cpu.CpuState.*;
import static org.j386.emulator.cpu.ProtectedModeFixture.KERNEL_CODE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The single-step trap: with EFLAGS.TF set, #DB (a trap, DR6.BS set) follows every instruction
 * that began with TF set and completed, except where the manual says otherwise.
 */
class SingleStepTest {
    private static final int CODE = 0x100000;
    /** Every handler is one IRET (the #UD one first steps over the two-byte UD2). */
    private static final int RETURN = 0x200000, SKIP_UD2 = 0x200100;

    private final ProtectedModeFixture m = new ProtectedModeFixture();
    private final CpuState s = m.s;
    /** What was delivered, in order: "#DB 0x100001" (the frame's EIP) or "int 0x40". */
    private final List<String> events = new ArrayList<>();
    /** ECX at each #DB, for the string instruction. */
    private final List<Integer> counts = new ArrayList<>();

    SingleStepTest() {
        code(RETURN, "cf");
        code(SKIP_UD2, "83 04 24 02  cf"); // add dword [esp], 2; iret
        for (int vector = 0; vector < 0x30; vector++) {
            m.gate(vector, KERNEL_CODE, vector == Vectors.UD ? SKIP_UD2 : RETURN, 0xE, 0);
        }
        m.gate(0x40, KERNEL_CODE, 0x200200, 0xE, 0);
        code(0x200200, "90  cf"); // nop; iret
        m.cpu.setEventObserver(new Cpu.EventObserver() {
            @Override
            public void exception(int vector, int errorCode, boolean hasErrorCode, int eip, int cr2) {
                events.add(Vectors.name(vector) + String.format(" 0x%x", eip));
                counts.add(s.regs[ECX]);
            }

            @Override
            public void interrupt(int vector, boolean external, int eip) {
                events.add(String.format("int 0x%x", vector));
            }
        });
        s.eip = CODE;
    }

    private void code(int address, String hex) {
        byte[] b = TestMachine.bytes(hex);
        for (int i = 0; i < b.length; i++) {
            m.ram.write8(address + i, b[i]);
        }
    }

    /** Runs {@code hex} at {@link #CODE} with TF set until EIP reaches its end. */
    private void step(String hex) {
        code(CODE, hex);
        s.flags.setBit(Flags.TF, true);
        runTo(CODE + TestMachine.bytes(hex).length);
    }

    /** Runs until EIP reaches {@code end} with no trap still owed for the last instruction. */
    private void runTo(int end) {
        for (int i = 0; i < 100 && (s.eip != end || s.singleStepPending); i++) {
            m.cpu.run(1);
        }
        assertEquals(end, s.eip, "did not reach the end of the code");
    }

    private static String db(int eip) {
        return String.format("#DB 0x%x", eip);
    }

    @Test
    void everyInstructionThatBeginsWithTrapFlagSetIsFollowedByADebugTrapAtTheNextInstruction() {
        step("90  40  90"); // nop; inc eax; nop
        assertEquals(List.of(db(CODE + 1), db(CODE + 2), db(CODE + 3)), events);
        assertEquals(DR6_FIXED_ONES | DR6_BS, s.dr[6]);
    }

    @Test
    void theHandlerRunsWithTrapFlagClearedAndTheFrameKeepsIt() {
        m.gate(Vectors.DB, KERNEL_CODE, 0x200300, 0xE, 0);
        code(0x200300, "eb fe"); // jmp $: the handler stays put
        code(CODE, "90");
        s.flags.set(Flags.TF);
        m.cpu.run(2);
        assertEquals(0x200300, s.eip);
        assertFalse(s.flags.trap());
        assertEquals(CODE + 1, m.stack(0));
        assertEquals(Flags.TF | 2, m.stack(2));
    }

    @Test
    void popfThatSetsTrapFlagTrapsOnlyAfterTheInstructionThatFollowsIt() {
        code(CODE, "68 00 01 00 00  9d  90  90"); // push 0x100; popf; nop; nop
        runTo(CODE + 8);
        assertEquals(List.of(db(CODE + 7), db(CODE + 8)), events);
    }

    @Test
    void popfThatClearsTrapFlagIsStillTrappedAfterItself() {
        step("6a 00  9d  90"); // push 0; popf; nop
        assertEquals(List.of(db(CODE + 2), db(CODE + 3)), events);
    }

    @Test
    void iretThatSetsTrapFlagTrapsOnlyAfterTheFirstInstructionItReturnsTo() {
        m.ram.write32(0x70000, CODE + 1);
        m.ram.write32(0x70004, KERNEL_CODE);
        m.ram.write32(0x70008, Flags.TF | 2);
        s.regs[ESP] = 0x70000;
        code(CODE, "cf  90  90"); // iret (to the nop after it); nop; nop
        runTo(CODE + 3);
        assertEquals(List.of(db(CODE + 2), db(CODE + 3)), events);
    }

    @Test
    void softwareInterruptsAreNotTrappedAndTheirHandlersRunUntrapped() {
        // The handler's NOP and IRET run with TF clear; the IRET restores TF but began without it.
        step("cd 40  cc  90"); // int 0x40; int3; nop
        assertEquals(List.of("int 0x40", "int 0x3", db(CODE + 4)), events);
    }

    @Test
    void intoThatDoesNotInterruptIsTrappedLikeAnyInstruction() {
        step("ce"); // into, OF clear
        assertEquals(List.of(db(CODE + 1)), events);
    }

    @Test
    void aFaultingInstructionRaisesItsFaultInsteadOfTheTrap() {
        step("0f 0b  90"); // ud2 (the handler returns past it); nop
        assertEquals(List.of("#UD 0x100000", db(CODE + 3)), events);
    }

    @Test
    void theTrapIsTakenBeforeAPendingExternalInterrupt() {
        m.cpu.setInterruptController(new OneInterruptRequest(0x20, true));
        code(CODE, "90  90");
        s.flags.set(Flags.TF | Flags.IF);
        s.interruptShadow = true; // the request arrives while the first NOP runs
        runTo(CODE + 2);
        // The #DB handler (an interrupt gate) returns with IF set: the request comes next, before
        // the second NOP, whose trap follows.
        assertEquals(List.of(db(CODE + 1), "int 0x20", db(CODE + 2)), events);
    }

    @Test
    void movSsHoldsTheTrapBackUntilTheInstructionAfterItCompletes() {
        s.regs[EAX] = 0x10;
        step("8e d0  bc 00 00 07 00  90"); // mov ss, ax; mov esp, 0x70000; nop
        assertEquals(List.of(db(CODE + 7), db(CODE + 8)), events);
    }

    @Test
    void popSsHoldsTheTrapBackButStiDoesNot() {
        step("16  17  90  fa  fb  90"); // push ss; pop ss; nop; cli; sti; nop
        assertEquals(List.of(db(CODE + 1), db(CODE + 3), db(CODE + 4), db(CODE + 5), db(CODE + 6)), events);
    }

    @Test
    void aRepeatedStringInstructionIsTrappedAfterEachIteration() {
        s.regs[ECX] = 3;
        s.regs[EDI] = 0x50000;
        step("f3 aa"); // rep stosb
        assertEquals(List.of(db(CODE), db(CODE), db(CODE + 2)), events);
        assertEquals(List.of(2, 1, 0), counts);
    }

    @Test
    void hltWithTrapFlagSetTrapsAtOnceInsteadOfSleeping() {
        step("f4  90"); // hlt (interrupts disabled); nop
        assertEquals(List.of(db(CODE + 1), db(CODE + 2)), events);
        assertFalse(s.halted);
    }

    @Test
    void aTrapHeldBackByAnObserverStopsTheRunAtTheNextInstruction() {
        m.cpu.setEventObserver(new Cpu.EventObserver() {
            @Override
            public boolean holdException(int vector, int errorCode, boolean hasErrorCode) {
                return vector == Vectors.DB;
            }
        });
        code(CODE, "90  90");
        s.flags.set(Flags.TF);
        m.cpu.run(10);
        assertEquals(CODE + 1, s.eip);
        assertEquals(Vectors.DB, m.cpu.interrupts.heldVector());
        s.stopRequested = false;
        m.cpu.interrupts.deliverHeldException();
        assertEquals(RETURN, s.eip);
        assertEquals(CODE + 1, m.stack(0));
    }

    @Test
    void theTrapSetsBsAndLeavesTheOtherDebugStatusBitsAsSoftwareLeftThem() {
        m.cpu.system.writeDebug(6, 0x2001); // BD and B0, as if left from earlier exceptions
        step("90");
        assertEquals(DR6_FIXED_ONES | DR6_BS | 0x2001, m.cpu.system.readDebug(6));
    }

    @Test
    void debugStatusReservedBitsReadAsOnesAndBit12AsZero() {
        assertEquals(0xFFFF0FF0, m.cpu.system.readDebug(6));
        m.cpu.system.writeDebug(6, 0);
        assertEquals(0xFFFF0FF0, m.cpu.system.readDebug(6));
        m.cpu.system.writeDebug(6, -1);
        assertEquals(0xFFFFEFFF, m.cpu.system.readDebug(6));
    }
}
