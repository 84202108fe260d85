package org.j386.emulator.debug;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;

import org.j386.emulator.boot.TestKernels;
import org.j386.emulator.cpu.CpuState;
import org.j386.emulator.cpu.Vectors;
import org.j386.emulator.machine.Machine;
import org.j386.emulator.machine.MachineConfig;
import org.j386.emulator.machine.RunResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DebuggerTest {
    static final Path KERNELS = Path.of("src/test/kernels");

    @TempDir
    Path dir;

    private Machine machine;
    private Debugger debugger;
    private CpuState s;

    private void load(String kernel) throws Exception {
        machine = new Machine(new MachineConfig());
        machine.boot(KERNELS.resolve(kernel).resolve(kernel + ".elf"));
        debugger = new Debugger(machine);
        s = machine.cpu().state;
    }

    private long symbol(String name) throws DebugException {
        return debugger.evaluate(name);
    }

    private long eip() {
        return s.eip & 0xFFFFFFFFL;
    }

    private void stopAtFirstPageFault() throws Exception {
        BitSet pf = new BitSet();
        pf.set(Vectors.PF);
        debugger.catchVectors(pf, true);
        Stop stop = debugger.continueRun();
        assertEquals(Stop.Kind.EXCEPTION, stop.kind(), stop.headline());
    }

    @Test
    void continuingWithNothingSetRunsToTheSameEndAsBoot() throws Exception {
        Machine plain = new Machine(new MachineConfig());
        plain.boot(KERNELS.resolve("paging_lazy/paging_lazy.elf"));
        RunResult expected = plain.run();
        load("paging_lazy");
        Stop stop = debugger.continueRun();
        assertEquals(Stop.Kind.ENDED, stop.kind());
        assertEquals(expected.exitStatus(), stop.end().exitStatus());
        assertEquals(expected.instructions(), s.instructions);
        assertTrue(debugger.ended());
        assertEquals(Stop.Kind.ENDED, debugger.step(1).kind(), "an ended machine cannot step");
    }

    @Test
    void aBreakpointStopsBeforeItsInstructionAndContinuingLeavesIt() throws Exception {
        load("paging_lazy");
        debugger.addBreakpoint(symbol("kmain"), false, "kmain", false, null);
        Stop first = debugger.continueRun();
        assertEquals(Stop.Kind.BREAKPOINT, first.kind());
        assertEquals(symbol("kmain"), eip());
        long count = s.instructions;
        Stop second = debugger.continueRun();
        assertEquals(Stop.Kind.ENDED, second.kind(), "kmain runs once, so the breakpoint is not hit again");
        assertTrue(s.instructions > count);
    }

    @Test
    void stepExecutesExactlyTheGivenNumberOfInstructions() throws Exception {
        load("paging_lazy");
        Stop stop = debugger.step(7);
        assertEquals(Stop.Kind.STEP, stop.kind());
        assertEquals(7, s.instructions);
        debugger.step(1);
        assertEquals(8, s.instructions);
    }

    @Test
    void aFalseConditionNeverStopsAndATrueOneDoes() throws Exception {
        load("paging_lazy");
        debugger.addBreakpoint(symbol("pf_handler"), false, "pf_handler", false, debugger.parse("eax == 0x12345678"));
        assertEquals(Stop.Kind.ENDED, debugger.continueRun().kind());

        load("paging_lazy");
        // struct frame's error code: 36 bytes into the frame passed as the first argument; bit 1 = write.
        debugger.addBreakpoint(symbol("pf_handler"), false, "pf_handler", false, debugger.parse("[[esp+4]+36] & 2"));
        assertEquals(Stop.Kind.BREAKPOINT, debugger.continueRun().kind());
        assertEquals(0x40001234L, s.cr2 & 0xFFFFFFFFL, "the first write fault is the write to WIN+1234");
    }

    @Test
    void aTemporaryBreakpointIsDeletedByItsFirstHitAndADisabledOneIsPassed() throws Exception {
        load("paging_lazy");
        Breakpoint disabled = debugger.addBreakpoint(symbol("kmain"), false, "kmain", false, null);
        debugger.setEnabled(disabled.id, false);
        debugger.addBreakpoint(symbol("pf_handler"), false, "pf_handler", true, null);
        Stop stop = debugger.continueRun();
        assertTrue(stop.headline().startsWith("Temporary breakpoint"), stop.headline());
        assertEquals(symbol("pf_handler"), eip());
        assertEquals(1, debugger.breakpoints().size());
        assertEquals(Stop.Kind.ENDED, debugger.continueRun().kind());
    }

    @Test
    void aPhysicalBreakpointStopsWhereverTheFrameIsMapped() throws Exception {
        load("paging_lazy");
        // The handler maps the code page 0x40800000 to the eighth frame it allocates.
        debugger.addBreakpoint(0x00807000L, true, "0x00807000", false, null);
        Stop stop = debugger.continueRun();
        assertEquals(Stop.Kind.BREAKPOINT, stop.kind());
        assertEquals(0x40800000L, eip());
    }

    @Test
    void aBreakpointOnARepeatedStringInstructionStopsOncePerArrivalNotPerIteration() throws Exception {
        load("paging_lazy");
        debugger.addBreakpoint(symbol("memset+0xf"), false, "memset+0xf", false, null);
        Stop stop = debugger.continueRun();
        assertEquals(Stop.Kind.BREAKPOINT, stop.kind());
        assertEquals(0x1000, s.regs[CpuState.ECX], "stopped before the first iteration");
        long before = s.instructions;
        debugger.continueRun();
        assertEquals(0x1000, s.regs[CpuState.ECX], "the next stop is the next call, with a fresh count");
        assertTrue(s.instructions - before > 0x1000, "all 4096 iterations ran between the stops");
    }

    /** What a test does through a debugger; returns the last stop. */
    private interface Commands {
        Stop run(Debugger d) throws Exception;
    }

    /**
     * Boots a kernel running {@code code} on each tier (the bytecode tier compiling every block on
     * first sight), gives both debuggers {@code commands} and checks that they stop alike: the
     * same stop, registers, instruction count, memory and devices. Returns the bytecode tier's session.
     */
    private TimeTravelTest.Session agreeOnBothTiers(byte[] code, Commands commands) throws Exception {
        Path image = Files.write(dir.resolve("kernel.elf"), TestKernels.elfKernelRunning(code));
        TimeTravelTest.Session interp = TimeTravelTest.session(image, "", MachineConfig.CpuTier.INTERP);
        TimeTravelTest.Session jit = TimeTravelTest.session(image, "", MachineConfig.CpuTier.JIT);
        Stop expected = commands.run(interp.debugger());
        Stop stop = commands.run(jit.debugger());
        assertEquals(expected.headline(), stop.headline());
        assertEquals(TimeTravelTest.state(interp.machine()), TimeTravelTest.state(jit.machine()),
                "the bytecode tier disagrees with the interpreter");
        return jit;
    }

    @Test
    void aBreakpointInsideAnAlreadyCompiledBlockStopsBeforeThatInstructionAsOnTheInterpreter() throws Exception {
        // mov ecx, 1000; L: add eax, ecx; xor ebx, eax; inc edx; dec ecx; jnz L; cli; hlt. The loop
        // runs ten rounds with nothing set, compiled on the bytecode tier, and stops at its DEC;
        // then a breakpoint on the INC, in the middle of the loop's compiled code.
        byte[] code = {(byte) 0xB9, (byte) 0xE8, 0x03, 0, 0, 0x01, (byte) 0xC8, 0x31, (byte) 0xC3, 0x42, 0x49, 0x75,
            (byte) 0xF8, (byte) 0xFA, (byte) 0xF4};
        TimeTravelTest.Session jit = agreeOnBothTiers(code, d -> {
            d.step(1 + 10 * 5 + 3);
            long inc = d.evaluate("start") + 9;
            d.addBreakpoint(inc, false, "start+9", false, null);
            Stop stop = d.continueRun();
            assertEquals(Stop.Kind.BREAKPOINT, stop.kind(), stop.headline());
            assertEquals(inc, d.machine().cpu().state.eip & 0xFFFFFFFFL, "stopped at the INC, before it");
            return stop;
        });
        assertTrue(jit.machine().cpu().jitStatistics().compiledInstructions() >= 5 * 5,
                "the loop ran compiled before the breakpoint was set");
    }

    @Test
    void aDebuggerWriteIntoCompiledCodeDropsItsBlocksAndTheNewBytesRun() throws Exception {
        // xor eax, eax; mov ecx, 1000; L: add eax, 1; dec ecx; jnz L; cli; hlt. A hundred rounds,
        // compiled on the bytecode tier; then the debugger (as gdb's M packet does) makes the ADD's
        // immediate 2 for the other nine hundred.
        byte[] code = {0x31, (byte) 0xC0, (byte) 0xB9, (byte) 0xE8, 0x03, 0, 0, (byte) 0x83, (byte) 0xC0, 0x01, 0x49, 0x75,
            (byte) 0xFA, (byte) 0xFA, (byte) 0xF4};
        TimeTravelTest.Session jit = agreeOnBothTiers(code, d -> {
            d.step(2 + 100 * 3);
            assertEquals(1, d.memory().write(d.evaluate("start") + 9, false, new byte[] {2}, 1));
            Stop stop = d.continueRun();
            assertEquals(Stop.Kind.ENDED, stop.kind(), stop.headline());
            return stop;
        });
        assertEquals(100 + 900 * 2, jit.machine().cpu().state.regs[CpuState.EAX], "the rounds after the write added 2");
        assertTrue(jit.machine().cpu().jitStatistics().compiledInstructions() >= 100 * 3, "the loop ran compiled");
        assertEquals(1, jit.machine().cpu().jitStatistics().invalidatedByFlush(),
                "the loop's page, among those --stats counts as dropped by loader or debugger writes");
        assertEquals(0, jit.machine().cpu().jitStatistics().invalidatedBySelfModification(), "no guest wrote code");
    }

    @Test
    void nextRunsACallToItsReturnAndStepEntersIt() throws Exception {
        load("paging_lazy");
        long call = symbol("kmain+0x99"); // call print
        debugger.until(call);
        assertEquals(call, eip());
        int esp = s.regs[CpuState.ESP];
        debugger.next();
        assertEquals(call + 5, eip());
        assertEquals(esp, s.regs[CpuState.ESP]);

        load("paging_lazy");
        debugger.until(call);
        debugger.step(1);
        assertEquals(symbol("print"), eip());
    }

    @Test
    void finishAtAFunctionsFirstInstructionReturnsToItsCaller() throws Exception {
        load("paging_lazy");
        debugger.addBreakpoint(symbol("print"), false, "print", true, null);
        debugger.continueRun();
        long ret = debugger.readLinear32(s.regs[CpuState.ESP] & 0xFFFFFFFFL);
        Stop stop = debugger.finish();
        assertEquals(Stop.Kind.STEP, stop.kind(), stop.headline());
        assertEquals(ret, eip());
    }

    @Test
    void finishInsideAFunctionWithoutFramePointerRunsOverItsCallsAndStopsAtItsReturn() throws Exception {
        // pf_handler is -O2 code without EBP frames; its calls to print return from lower stack levels.
        load("paging_lazy");
        debugger.addBreakpoint(symbol("pf_handler"), false, "pf_handler", true, null);
        debugger.continueRun();
        long ret = debugger.readLinear32(s.regs[CpuState.ESP] & 0xFFFFFFFFL);
        for (int i = 0; i < 8; i++) {
            debugger.next();
        }
        assertTrue(eip() > symbol("pf_handler") + 8, "inside the body, past its first call");
        Stop stop = debugger.finish();
        assertEquals(Stop.Kind.STEP, stop.kind(), stop.headline());
        assertTrue(stop.headline().startsWith("Returned to "), stop.headline());
        assertEquals(ret, eip());
    }

    @Test
    void aWriteWatchpointReportsOldAndNewValueAndTheWritingInstruction() throws Exception {
        load("paging_lazy");
        long faults = symbol("faults");
        debugger.addWatchpoint(faults, 4, false, Watchpoint.Kind.WRITE, "faults");
        Stop stop = debugger.continueRun();
        assertEquals(Stop.Kind.WATCHPOINT, stop.kind());
        assertTrue(stop.details().contains("old value = 0x00000000"), stop.details());
        assertTrue(stop.details().contains("new value = 0x00000001"), stop.details());
        assertTrue(stop.details().contains("<pf_handler+"), stop.details());
        assertEquals(1L, debugger.readLinear32(faults));
        Stop next = debugger.continueRun();
        assertTrue(next.details().contains("old value = 0x00000001"), next.details());
        assertTrue(next.details().contains("new value = 0x00000002"), next.details());
    }

    @Test
    void aReadWatchpointIgnoresWritesAndStopsAtTheFirstRead() throws Exception {
        load("paging_lazy");
        // WIN+0x1234 is written first ("*p = 0x11111111") and read back for printing after.
        debugger.addWatchpoint(0x40001234L, 4, false, Watchpoint.Kind.READ, "0x40001234");
        Stop stop = debugger.continueRun();
        assertEquals(Stop.Kind.WATCHPOINT, stop.kind());
        assertTrue(stop.details().contains("read of 0x40001234"), stop.details());
        assertEquals(0x11111111L, debugger.readLinear32(0x40001234L));
    }

    @Test
    void aCaughtPageFaultStopsAtTheFaultingInstructionBeforeAnythingIsPushed() throws Exception {
        load("paging_lazy");
        stopAtFirstPageFault();
        assertEquals(0x40000000, s.cr2);
        assertEquals(symbol("kmain+0x8c"), eip(), "EIP is the faulting load");
        int esp = s.regs[CpuState.ESP];
        assertTrue(machine.cpu().interrupts.hasHeldException());
        Stop step = debugger.step(1);
        assertEquals(symbol("isr_14"), eip(), "stepping delivers it: " + step.headline());
        assertEquals(esp - 12 - 4, s.regs[CpuState.ESP], "EFLAGS, CS, EIP and the error code were pushed");
        assertFalse(machine.cpu().interrupts.hasHeldException());
    }

    @Test
    void inspectingMemoryAndPagingChangesNoGuestStateNorTheTlbCounters() throws Exception {
        load("paging_lazy");
        stopAtFirstPageFault();
        debugger.addBreakpoint(eip(), false, "here", true, null);
        debugger.continueRun(); // the handler has mapped the page; back at the faulting load
        byte[] ram = machine.ram().array().clone();
        long hits = machine.mmu().tlbHits(), misses = machine.mmu().tlbMisses();
        StringWriter text = new StringWriter();
        Console console = new Console(debugger, new PrintWriter(text));
        for (String c : new String[] {"walk cr2", "walk 0x40001000", "x/16xw 0x40000000", "x/4xb 0x40400000", "xp/4xw 0x800000",
            "x/5i", "pagetable", "frames", "tlb", "gdt", "idt all", "tss", "regs", "sregs", "cregs", "print [0x40000000]",
            "info stats"}) {
            console.execute(c);
        }
        assertArrayEquals(ram, machine.ram().array(), "no accessed or dirty bit, no byte of RAM changed:\n" + text);
        assertEquals(hits, machine.mmu().tlbHits());
        assertEquals(misses, machine.mmu().tlbMisses());
        assertFalse(text.toString().contains("error"), text.toString());
    }

    @Test
    void debuggerMemoryReadsSeeUnmappedPagesAsUnreadable() throws Exception {
        load("paging_lazy");
        stopAtFirstPageFault();
        assertNull(debugger.readLinear32(0x40000000L));
        assertEquals(-1, debugger.memory().translate(0x40000000));
        assertNotEquals(-1, debugger.memory().translate(0x00100000));
    }

    @Test
    void interruptFromAnotherThreadStopsARunningMachine() throws Exception {
        machine = new Machine(new MachineConfig());
        machine.boot(KERNELS.resolve("bench/bench_alu.elf")); // runs for seconds
        debugger = new Debugger(machine);
        Thread stopper = new Thread(() -> {
            try {
                Thread.sleep(5);
            } catch (InterruptedException ignored) {
                // just interrupt now
            }
            debugger.interrupt();
        });
        stopper.start();
        Stop stop = debugger.continueRun();
        stopper.join();
        assertEquals(Stop.Kind.INTERRUPTED, stop.kind(), stop.headline());
        assertFalse(debugger.ended());
    }

    @Test
    void malformedBreakpointConditionsAreRejectedWhenSet() throws Exception {
        load("paging_lazy");
        assertThrows(DebugException.class, () -> debugger.parse("eax =="));
        assertThrows(DebugException.class, () -> debugger.parse("no_such_symbol + 1"));
        assertThrows(DebugException.class, () -> debugger.parse("$nosuchreg"));
    }
}
