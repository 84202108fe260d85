package org.j386.emulator.debug;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Path;

import org.j386.emulator.machine.Machine;
import org.j386.emulator.machine.MachineConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Whatever a console line says, it gets a bounded answer and a one-line error at worst. */
@Timeout(60)
class ConsoleLimitsTest {
    private Debugger debugger;
    private final StringWriter text = new StringWriter();
    private Console console;

    @BeforeEach
    void load() throws Exception {
        Machine machine = new Machine(new MachineConfig());
        machine.boot(Path.of("src/test/kernels/paging_lazy/paging_lazy.elf"));
        debugger = new Debugger(machine);
        console = new Console(debugger, new PrintWriter(text));
    }

    private String run(String line) {
        text.getBuffer().setLength(0);
        assertEquals(Console.Next.READ, console.execute(line));
        return text.toString();
    }

    private void assertOneLineError(String output, String expected) {
        assertEquals("error: " + expected + "\n", output);
    }

    @Test
    void aDeeplyNestedExpressionIsAOneLineErrorAndTheConsoleCarriesOn() {
        String nested = "nested too deeply (more than 100 levels of parentheses, brackets or unary operators)";
        assertOneLineError(run("print " + "(".repeat(10_000) + "1" + ")".repeat(10_000)), "expression " + nested);
        assertOneLineError(run("break kmain if " + "[".repeat(20_000) + "esp" + "]".repeat(20_000)), "expression " + nested);
        assertOneLineError(run("x/4xw " + "-".repeat(400_000) + "1"), "expression " + nested);
        assertOneLineError(run("print 1" + "+1".repeat(200_000)), "expression too long (more than 1000 operators)");
        assertEquals("0x0000002a (42)\n", run("print 6*7"));
    }

    @Test
    void negativeCountsAreErrorsNotFourBillion() {
        long before = debugger.state().instructions;
        assertOneLineError(run("step -5"), "the count must be at least 1, not -5");
        assertOneLineError(run("step 0-5"), "the count must be at least 1, not 0-5");
        assertOneLineError(run("step 0"), "the count must be at least 1, not 0");
        assertOneLineError(run("backtrace -1"), "the count must be at least 1, not -1");
        assertOneLineError(run("x/-5xw 0"), "the count in x/-5xw must be at least 1");
        assertEquals(before, debugger.state().instructions, "nothing ran");
    }

    @Test
    void hugeInstructionAndStringCountsAreCappedWithANote() {
        String out = run("x/99999999i 0x100000");
        assertTrue(out.endsWith("(x shows at most 10000 instructions at a time: 99999999 asked)\n"), tail(out));
        assertEquals(Console.MAX_EXAMINED_ITEMS + 1, out.lines().count());
        out = run("x/99999999s 0x100000");
        assertTrue(out.endsWith("(x shows at most 10000 strings at a time: 99999999 asked)\n"), tail(out));
        assertEquals(Console.MAX_EXAMINED_ITEMS + 1, out.lines().count());
    }

    @Test
    void hugeValueCountsAreCappedWithANote() {
        String out = run("x/99999999xw 0");
        assertTrue(out.endsWith("(x shows at most 65536 units at a time: 99999999 asked)\n"), tail(out));
        assertEquals(65_536 / 4 + 1, out.lines().count());
    }

    @Test
    void aPageDirectoryOfGarbageShowsAtMostTwoThousandRuns() {
        String out = run("pagetable 0xffffffff");
        assertTrue(out.lines().count() <= Paging.MAX_RUNS + 2, out.lines().count() + " lines");
        assertTrue(out.strip().endsWith("pagetable prints at most 2000)"), tail(out));
    }

    @Test
    void smallCountsPrintWithoutANote() {
        String out = run("x/3i 0x100000");
        assertEquals(3, out.lines().count());
        assertFalse(out.contains("at most"));
    }

    private static String tail(String out) {
        return out.length() < 300 ? out : "..." + out.substring(out.length() - 300);
    }

    @Test
    void ctrlCWhileACommandPrintsStopsItsOutputAndIsNotLeftToStopTheNextRun() {
        // A writer standing for a terminal on which the user presses Ctrl-C after 100 lines.
        Writer terminal = new Writer() {
            int lines;

            @Override
            public void write(char[] c, int off, int len) {
                for (int i = off; i < off + len; i++) {
                    text.append(c[i]);
                    if (c[i] == '\n' && ++lines == 100) {
                        debugger.interrupt();
                    }
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Console interrupted = new Console(debugger, new PrintWriter(terminal));
        assertEquals(Console.Next.READ, interrupted.execute("x/60000xw 0"));
        String out = text.toString();
        assertTrue(out.endsWith("\n(interrupted: the rest of the output is dropped)\n"), tail(out));
        assertTrue(out.lines().count() < 110, out.lines().count() + " lines");
        long before = debugger.state().instructions;
        text.getBuffer().setLength(0);
        interrupted.execute("step");
        assertEquals(before + 1, debugger.state().instructions, "the step ran: the Ctrl-C was spent on the output");
        assertFalse(text.toString().contains("Interrupted"), text.toString());
    }

    @Test
    void framesOfAGarbagePageDirectoryPrintsABoundedList() {
        debugger.state().cr3 = 0xFFFFF000; // beyond RAM: every entry reads as all ones
        debugger.state().cr0 |= 0x80000001;
        String out = run("frames");
        assertTrue(out.lines().count() <= Paging.MAX_RUNS + 4, out.lines().count() + " lines\n" + tail(out));
        assertTrue(out.length() < 1 << 20, out.length() + " characters\n" + tail(out));
    }

    @Test
    void framesListsAtMostTwoThousandLinesAndSaysHowManyItLeftOut() {
        // Eight page tables mapping 8192 pages to 4096 frames, each frame shared by two pages.
        Machine machine = debugger.machine();
        int dir = 0x400000;
        for (int d = 0; d < 8; d++) {
            int table = 0x401000 + d * 0x1000;
            machine.ram().write32(dir + d * 4, table | 1);
            for (int i = 0; i < 1024; i++) {
                machine.ram().write32(table + i * 4, ((d * 1024 + i) / 2) << 12 | 1);
            }
        }
        debugger.state().cr3 = dir;
        debugger.state().cr0 |= 0x80000001;
        String out = run("frames");
        assertTrue(out.contains("\n  (2096 more lines not shown: frames prints at most 2000)\n"), tail(out));
        assertTrue(out.lines().count() <= Paging.MAX_RUNS + 4, out.lines().count() + " lines");
    }

    @Test
    void aFramePoolOfGarbageIsShownInBoundedSpace() throws Exception {
        Machine machine = new Machine(new MachineConfig());
        machine.boot(org.j386.guest.GuestKernel.NAME, org.j386.guest.GuestKernel.image());
        debugger = new Debugger(machine);
        console = new Console(debugger, new PrintWriter(text));
        run("catch exception pf");
        run("continue"); // the first page fault: both frame pools exist
        long pool = debugger.evaluate("[pool_list]");
        // The pool claims four billion frames, and its info frame alternates between two states.
        machine.ram().write32((int) pool + 4, 0xFFFFFFFF);
        machine.ram().write32((int) pool + 8, 0x300);
        for (int i = 0; i < 0x100000; i++) {
            machine.ram().write8(0x300000 + i, i & 1);
        }
        String out = run("pools");
        assertTrue(out.contains("more runs not shown: pools prints at most 2000 per pool)"), tail(out));
        assertTrue(out.contains("(only the first 1048576 of the 4294967295 frames it claims were read)"), tail(out));
        assertTrue(out.length() < 1 << 20, out.length() + " characters");
    }
}
