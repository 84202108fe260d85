package org.j386.emulator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/**
 * The example course kernel (examples/course-kernel) as a student or an autograder meets it: a
 * flat binary whose output reaches the terminal without options, ended by --until or --max-time,
 * debugged by the names of its ELF.
 */
class CourseKernelCommandTest {
    private static final String DIR = "../examples/course-kernel/";
    private static final String KERNEL = DIR + "kernel.bin";
    private static final String SYMBOLS = DIR + "kernel.elf";
    private static final String BEFORE_THE_LOOP = "course kernel: frame pool, page table, demand paging\n"
            + "paging enabled; touching 512 pages from 0x00400000\n"
            + "page faults handled: 512\n"
            + "Test Passed! Congratulations!\n";

    /** What reached the terminal: the guest's output (System.out), the command's own output and stderr. */
    record Run(int status, String terminal, String out, String err) {
    }

    private static Run run(String input, String... args) {
        InputStream savedIn = System.in;
        PrintStream savedOut = System.out;
        ByteArrayOutputStream terminal = new ByteArrayOutputStream();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        try {
            System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
            System.setOut(new PrintStream(terminal, true, StandardCharsets.ISO_8859_1));
            int status = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
            System.out.flush();
            return new Run(status, terminal.toString(StandardCharsets.ISO_8859_1), out.toString(), err.toString());
        } finally {
            System.setOut(savedOut);
            System.setIn(savedIn);
        }
    }

    @Test
    void withoutOutputOptionsTheKernelsDebugConsoleReachesTheTerminalOnce() {
        // Only the run's end is given: without it the kernel would loop for the default 600 virtual seconds.
        Run r = run("", "boot", KERNEL, "--max-time", "1.5");
        assertEquals(4, r.status(), r.err());
        assertEquals(BEFORE_THE_LOOP + "One second has passed\n", r.terminal());
        assertEquals("j386: stopped after 1.5 s of virtual time (--max-time), 150000000 instructions\n", r.err());
    }

    @Test
    void untilEndsTheRunWithStatusZeroRightAfterTheText() {
        Run r = run("", "boot", KERNEL, "--until", "Test Passed");
        assertEquals(0, r.status(), r.err());
        assertEquals(BEFORE_THE_LOOP.substring(0, BEFORE_THE_LOOP.indexOf("Test Passed") + "Test Passed".length()),
                r.terminal());
        assertEquals("", r.err());
    }

    @Test
    void aTextThatNeverAppearsEndsAtTheTimeLimit() {
        Run r = run("", "boot", KERNEL, "--until", "Test Failed", "--max-time", "0.5");
        assertEquals(4, r.status(), r.err());
        assertTrue(r.terminal().startsWith(BEFORE_THE_LOOP), r.terminal());
    }

    @Test
    void anEmptyUntilTextIsRefused() {
        Run r = run("", "boot", KERNEL, "--until", "");
        assertEquals(2, r.status());
        assertEquals("j386: error: --until: the text must not be empty\n", r.err());
    }

    @Test
    void theDebuggerStopsInTheFaultHandlerByItsDemangledNameAndTracesBackToTheFaultingFunction() {
        Run r = run("break PageTable::handle_fault\ncontinue\nbacktrace\nquit\n",
                "debug", KERNEL, "--symbols", SYMBOLS, "--debugcon", "none");
        String out = r.out();
        assertTrue(out.contains("Breakpoint 1 at 0x00100a2e <PageTable::handle_fault(REGS*)>"), out);
        assertTrue(out.contains("#0  0x00100a2e <PageTable::handle_fault(REGS*)>\n"
                + "#1  0x0010070f <ExceptionDispatcher::dispatch(REGS*)+0x91>\n"), out);
        assertTrue(out.contains("--- #PF (vector 14) interrupted the code at 0x001000ea"
                + " <generate_memory_references(unsigned int*, unsigned int)+0x21> ---\n"), out);
        assertTrue(out.contains("<_main+0x119>"), out);
        assertFalse(out.contains("__Z"), "no mangled name is printed:\n" + out);
    }

    @Test
    void symbolsFromAFileThatIsNotAnElfAreRefusedInOneLine() {
        Run r = run("", "boot", KERNEL, "--symbols", KERNEL, "--max-time", "0.1");
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().startsWith("j386: error: " + Path.of(KERNEL)), r.err());
        assertEquals(1, r.err().strip().split("\n").length, r.err());
    }

    @Test
    void aMissingSymbolFileIsRefusedNamingIt() {
        Run r = run("", "boot", KERNEL, "--symbols", DIR + "nope.elf");
        assertEquals(2, r.status(), r.err());
        assertEquals("j386: error: " + Path.of(DIR + "nope.elf") + ": no such symbol file\n", r.err());
    }
}
