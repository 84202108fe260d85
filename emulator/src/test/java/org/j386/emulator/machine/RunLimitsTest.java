package org.j386.emulator.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.j386.emulator.boot.TestKernels;
import org.junit.jupiter.api.Test;

/** No guest can hold the machine forever: halts that nothing can end, and the virtual-time limit. */
class RunLimitsTest {
    /** mov al,0x34; out 0x43,al; mov al,0x9c; out 0x40,al; mov al,0x2e; out 0x40,al: IRQ0 at 100 Hz. */
    private static final byte[] START_TIMER_AT_100_HZ = {
        (byte) 0xB0, 0x34, (byte) 0xE6, 0x43, (byte) 0xB0, (byte) 0x9C, (byte) 0xE6, 0x40,
        (byte) 0xB0, 0x2E, (byte) 0xE6, 0x40};
    /** mov esp,0x180000 (Multiboot leaves ESP undefined). */
    private static final byte[] SET_STACK = {(byte) 0xBC, 0x00, 0x00, 0x18, 0x00};
    /** mov al,0xff; out 0x21,al; out 0xa1,al: every line masked on both PICs. */
    private static final byte[] MASK_EVERY_IRQ = {(byte) 0xB0, (byte) 0xFF, (byte) 0xE6, 0x21, (byte) 0xE6, (byte) 0xA1};
    /** mov al,0xfe; out 0x21,al: every line but the timer's masked. */
    private static final byte[] MASK_ALL_BUT_THE_TIMER = {(byte) 0xB0, (byte) 0xFE, (byte) 0xE6, 0x21};
    /** sti; hlt; jmp back to the hlt. */
    private static final byte[] HALT_FOREVER_WITH_INTERRUPTS_ON = {(byte) 0xFB, (byte) 0xF4, (byte) 0xEB, (byte) 0xFD};
    /** Where {@link #withIdt} builds an IDT of 256 gates that all lead to one handler. */
    private static final int IDT = 0x200000;

    private static Machine boot(long maxTimeSlots, byte[]... code) throws Exception {
        MachineConfig config = new MachineConfig();
        config.maxTimeSlots = maxTimeSlots;
        Machine machine = new Machine(config);
        machine.boot("k.elf", TestKernels.elfKernelRunning(TestKernels.concat(code)));
        return machine;
    }

    /**
     * Fills an IDT in RAM whose gates all lead to {@code handler}'s code at {@code IDT - 16}, and
     * points IDTR at it.
     */
    private static void withIdt(Machine machine, byte[] handlerCode) {
        int handler = IDT - 16;
        for (int i = 0; i < handlerCode.length; i++) {
            machine.ram().write8(handler + i, handlerCode[i]);
        }
        for (int v = 0; v < 256; v++) {
            int gate = IDT + v * 8;
            machine.ram().write32(gate, (0x08 << 16) | (handler & 0xFFFF));
            machine.ram().write32(gate + 4, (handler & 0xFFFF0000) | 0x8E00);
        }
        machine.cpu().state.idtBase = IDT;
        machine.cpu().state.idtLimit = 256 * 8 - 1;
    }

    private static RunResult runWithin10Seconds(Machine machine) {
        return assertTimeoutPreemptively(Duration.ofSeconds(10), () -> machine.run());
    }

    @Test
    void haltWithEveryIrqMaskedEndsTheRunInsteadOfSpinning() throws Exception {
        Machine machine = boot(Long.MAX_VALUE, START_TIMER_AT_100_HZ, MASK_EVERY_IRQ, HALT_FOREVER_WITH_INTERRUPTS_ON);
        RunResult result = runWithin10Seconds(machine);
        assertEquals(Outcome.HALTED, result.outcome(), result.message());
        assertEquals(0, result.exitStatus());
        assertTrue(result.message().contains("no device will raise") && result.message().contains("masked"),
                result.message());
    }

    @Test
    void haltWithTheTimerUnmaskedSleepsUntilTheVirtualTimeLimit() throws Exception {
        Machine machine = boot(2 * 100_000_000L, SET_STACK, START_TIMER_AT_100_HZ, MASK_ALL_BUT_THE_TIMER,
                HALT_FOREVER_WITH_INTERRUPTS_ON);
        // push eax; mov al,0x20; out 0x20,al (EOI); pop eax; iret
        withIdt(machine, new byte[] {0x50, (byte) 0xB0, 0x20, (byte) 0xE6, 0x20, 0x58, (byte) 0xCF});
        RunResult result = runWithin10Seconds(machine);
        assertEquals(Outcome.TIME_LIMIT, result.outcome(), result.message());
        assertEquals(4, result.exitStatus());
        assertTrue(result.message().contains("2 s of virtual time (--max-time)"), result.message());
        assertEquals(2 * 100_000_000L, machine.cpu().state.cycles());
        // Two seconds at 100 Hz: the guest was woken by each of the timer's 200 interrupts.
        long timerInterrupts = machine.cpu().interrupts.deliveries(0x08);
        assertTrue(timerInterrupts >= 199 && timerInterrupts <= 201, "timer interrupts: " + timerInterrupts);
    }

    @Test
    void haltInsideAnInterruptThatWasNeverAcknowledgedEndsTheRun() throws Exception {
        // The handler re-enables interrupts and halts without an EOI: IRQ0 stays in service and
        // blocks every later timer request, so nothing can wake the CPU again.
        Machine machine = boot(Long.MAX_VALUE, SET_STACK, START_TIMER_AT_100_HZ, MASK_ALL_BUT_THE_TIMER,
                HALT_FOREVER_WITH_INTERRUPTS_ON);
        withIdt(machine, HALT_FOREVER_WITH_INTERRUPTS_ON);
        RunResult result = runWithin10Seconds(machine);
        assertEquals(Outcome.HALTED, result.outcome(), result.message());
        assertTrue(result.message().contains("masked or blocked"), result.message());
        assertEquals(1, machine.cpu().interrupts.deliveries(0x08));
    }

    @Test
    void aGuestThatSpinsStopsAtTheVirtualTimeLimitCountedInInstructions() throws Exception {
        Machine machine = boot(1_000_000L, new byte[] {(byte) 0xEB, (byte) 0xFE}); // jmp $
        RunResult result = runWithin10Seconds(machine);
        assertEquals(Outcome.TIME_LIMIT, result.outcome(), result.message());
        assertEquals(1_000_000L, result.instructions());
        assertTrue(result.message().contains("0.01 s of virtual time"), result.message());
    }
}
