package org.j386.emulator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.j386.emulator.boot.TestKernels;

import org.j386.emulator.debug.Debugger;
import org.j386.emulator.debug.Supervisor;
import org.j386.emulator.machine.Machine;
import org.j386.emulator.machine.MachineConfig;
import org.j386.emulator.machine.RunResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DebugCommandTest {
    private static final String KERNEL = "src/test/kernels/paging_lazy/paging_lazy.elf";

    record Run(int status, String out, String err) {
    }

    private static Run run(String input, String... args) {
        InputStream saved = System.in;
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        try {
            System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
            int status = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
            return new Run(status, out.toString(), err.toString());
        } finally {
            System.setIn(saved);
        }
    }

    @Test
    void debugStopsAtTheEntryAndRunsCommandsFromPlainInput() {
        Run r = run("regs\nbreak kmain\ncontinue\nquit\n", "debug", KERNEL);
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().startsWith("Stopped at the kernel's entry 0x00100412 <_start>  [0 instructions]"), r.out());
        assertTrue(r.out().contains("(j386) regs\neax=2badb002"), r.out());
        assertTrue(r.out().contains("Breakpoint 1, 0x"), r.out());
        assertTrue(r.out().contains("<kmain>"), r.out());
    }

    @Test
    void debugRecordsSnapshotsByDefaultAndInfoRecordSaysWhichWindowTheyCover() {
        Run r = run("continue\ninfo record\ngoto 100000\nregs\n", "debug", "--record-limit", "8M", KERNEL);
        String info = r.out().substring(r.out().indexOf("(j386) info record\n"));
        assertTrue(info.matches("(?s)\\(j386\\) info record\n\\d+ snapshots from instruction 0 to \\d+, [0-9.]+ MiB of 8\\.0 MiB;.*"),
                info);
        assertTrue(r.out().contains("Went back to instruction 100000"), r.out());
    }

    @Test
    void withoutRecordingGoingBackReplaysFromBootAndInfoRecordSaysSo() {
        Run r = run("continue\ninfo record\ngoto 100000\n", "debug", "--no-record", KERNEL);
        assertTrue(r.out().contains("not recording: going back replays the run from boot"), r.out());
        assertTrue(r.out().contains("Went back to instruction 100000"), r.out());
    }

    @Test
    void aRecordLimitThatIsNoSizeOrGoesWithNoRecordIsRefusedInOneLine() {
        for (String[] args : new String[][] {{"debug", "--record-limit", "lots", KERNEL},
                {"debug", "--record-limit", "512K", KERNEL}, {"debug", "--no-record", "--record-limit", "8M", KERNEL}}) {
            Run r = run("", args);
            assertEquals(2, r.status(), r.err());
            assertEquals(1, r.err().strip().split("\n").length, r.err());
            assertTrue(r.err().startsWith("j386: error: ") && r.err().contains("--record-limit"), r.err());
        }
    }

    @Test
    void helpDescribesRecordingItsLimitAndItsCost() {
        Run r = run("", "debug", "--help");
        assertTrue(r.out().contains("--no-record") && r.out().contains("--record-limit") && r.out().contains("1.3x"), r.out());
    }

    @Test
    void theExitStatusIsTheMachinesOnceItHasEnded() {
        Run r = run("continue\n", "debug", KERNEL);
        assertEquals(1, r.status(), r.out());
        assertTrue(r.out().contains("The machine has ended: the guest exited through the debug-exit port with status 1"));
    }

    @Test
    void withCheckReferencePoolsComparesWithTheReferenceAndTheEndReportsTheCheck() {
        Run r = run("pools\ncontinue\n", "debug", "--serial", "none", "--append", "test=frame_pool", "--check-reference");
        assertEquals(1, r.status(), r.err());
        assertTrue(r.out().contains("frame pools: none constructed yet\nVM pools: no page table is current yet\nreference agrees\n"),
                r.out());
        assertTrue(r.err().contains("records agree with the reference"), r.err());
    }

    @Test
    void aDivergenceUnderCheckReferenceEndsTheMachineAsACheckNotAsTheGuestsExit(@TempDir Path dir) throws IOException {
        Path k = dir.resolve("k.elf");
        Files.write(k, TestKernels.elfKernelRunning(BootCommandTest.MALFORMED_TRACE_RECORDS));
        Run r = run("continue\nquit\n", "debug", "--check-reference", k.toString());
        assertTrue(r.out().contains("The machine has ended: --check-reference: the guest's memory manager diverged from the"
                + " reference"), r.out());
        assertFalse(r.out().contains("debug-exit"), r.out());
        assertTrue(r.err().contains("guest:     FREE_PAGE begin 0x1000"), r.err());
        assertEquals(12, r.status(), r.err());
    }

    @Test
    void backtraceFollowsTheGuestKernelsEbpFramesFromAFunctionsFirstInstruction() {
        Run r = run("break vm_allocate\ncontinue\nbt\nquit\n", "debug", "--serial", "none");
        String bt = r.out().substring(r.out().indexOf("(j386) bt\n"));
        assertTrue(bt.matches("(?s)\\(j386\\) bt\n#0  0x[0-9a-f]{8} <vm_allocate>\n#1  0x[0-9a-f]{8} <test_page_table\\+0x[0-9a-f]+>\n"
                + "#2  0x[0-9a-f]{8} <run_tests\\+0x[0-9a-f]+>\n\\(j386\\) .*"), bt);
    }

    @Test
    void backtraceInsideThePageFaultHandlerStepsOverTheExceptionFrameIntoTheFaultingCode() {
        Run r = run("break pt_handle_fault\ncontinue\nbt\nquit\n", "debug", "--serial", "none");
        String bt = r.out().substring(r.out().indexOf("(j386) bt\n"));
        assertTrue(bt.matches("(?s)\\(j386\\) bt\n#0  0x[0-9a-f]{8} <pt_handle_fault>\n#1  0x[0-9a-f]{8} <isr_common[^>]*>\n"
                + "--- #PF \\(vector 14\\) interrupted the code at (0x[0-9a-f]{8} <vm_init\\+0x[0-9a-f]+>) ---\n#2  \\1\n"
                + "#3  0x[0-9a-f]{8} <test_page_table\\+0x[0-9a-f]+>\n#4  0x[0-9a-f]{8} <run_tests\\+0x[0-9a-f]+>\n.*"), bt);
    }

    @Test
    void backtraceWithoutFramePointersMarksReturnAddressesFoundOnTheStackAsGuesses() {
        Run r = run("break print\ncontinue\nstep 4\nbt\nquit\n", "debug", KERNEL);
        String bt = r.out().substring(r.out().indexOf("(j386) bt\n"));
        assertTrue(bt.contains("#1  0x001000fe <kmain+0xe>  ? (return address found at 0x"), bt);
        assertTrue(bt.contains("(no EBP frame chain here"), bt);
    }

    @Test
    void aBadCommandIsOneErrorLineAndTheSessionGoesOn() {
        Run r = run("frobnicate\nbreak no_such_function\nx/4q 0\npools\nregs\n", "debug", KERNEL);
        assertTrue(r.out().contains("error: unknown command 'frobnicate' (try: help)"), r.out());
        assertTrue(r.out().contains("error: no symbol 'no_such_function' in the kernel"), r.out());
        assertTrue(r.out().contains("error: unknown format letter 'q'"), r.out());
        assertTrue(r.out().contains("error: pools needs the j386 guest kernel's symbol 'pool_list' (this kernel has none)"),
                r.out());
        assertTrue(r.out().contains("eax=2badb002"), "later commands still run");
    }

    @Test
    void aMissingImageIsRefusedInOneLine() {
        Run r = run("", "debug", "no/such/kernel.elf");
        assertEquals(2, r.status());
        assertEquals("j386: error: no/such/kernel.elf: no such kernel file", r.err().strip());
    }

    @Test
    void helpListsEveryCommandWithOneLine() {
        Run r = run("help\n", "debug", KERNEL);
        for (String c : new String[] {"continue", "step [N]", "next", "until ADDR", "finish", "break LOC", "tbreak", "pbreak",
            "delete", "disable", "watch", "rwatch", "awatch", "catch exception", "regs", "sregs", "cregs", "eflags",
            "x/FMT", "xp/FMT", "walk ADDR", "pagetable", "tlb", "frames", "gdt", "idt", "tss", "pools", "trace on|off",
            "info"}) {
            assertTrue(r.out().contains("  " + c), "help lacks " + c);
        }
    }

    @Test
    void bootDocumentsTheDebuggerOptionsAndRefusesWaitGdbWithoutAPort() {
        Run help = run("", "boot", "--help");
        for (String option : new String[] {"--gdb", "--wait-gdb", "--debug-port", "130"}) {
            assertTrue(help.out().contains(option), "boot --help lacks " + option);
        }
        Run r = run("", "boot", KERNEL, "--wait-gdb");
        assertEquals(2, r.status());
        assertEquals("j386: error: --wait-gdb needs --gdb PORT", r.err().strip());
    }

    @Test
    void attachingWhereNothingListensIsOneErrorLine() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Run r = run("", "attach", String.valueOf(port));
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("j386: error: cannot attach to 127.0.0.1:" + port), r.err());
        assertEquals(1, r.err().strip().split("\n").length, r.err());
    }

    @Test
    void attachRelaysPipedLinesAndTheEndOfInputDetachesLeavingTheMachineRunning() throws Exception {
        Machine machine = new Machine(new MachineConfig());
        machine.boot(java.nio.file.Path.of("src/test/kernels/bench/bench_alu.elf"));
        java.util.concurrent.ExecutorService thread = java.util.concurrent.Executors.newSingleThreadExecutor();
        try (Supervisor supervisor = new Supervisor(new Debugger(machine))) {
            java.util.concurrent.Future<RunResult> run = thread.submit(() -> supervisor.run());
            int port = supervisor.listenForConsoles(0);
            Run r = run("print 6*7\n", "attach", String.valueOf(port));
            assertEquals(0, r.status(), r.err());
            assertTrue(r.out().startsWith("Attached; the machine stopped at 0x"), r.out());
            assertTrue(r.out().contains("(j386) 0x0000002a (42)\n"), r.out());
            assertTrue(r.out().endsWith("Detached; the machine runs on.\n"), r.out());
            Thread.sleep(50);
            assertFalse(run.isDone(), "the machine runs on");
            assertFalse(supervisor.killed());
            supervisor.request(() -> true);
            run.get(10, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            thread.shutdownNow();
        }
    }

    @Test
    void debugBiosStopsAtTheResetVectorAndShowsRealModeCodeAsCsIp() {
        Run r = run("regs\nstep\nx/1i pc\nquit\n", "debug", "--bios", "src/test/roms/reset_state/reset_state.bin");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().startsWith("Stopped at the reset vector f000:fff0 = 0xfffffff0  [0 instructions]\n"
                + "0xfffffff0:  ea "), r.out());
        assertTrue(r.out().contains("real-address mode, cs:ip f000:fff0 = 0xfffffff0"), r.out());
        assertTrue(r.out().contains("f000:0000 = 0x000f0000  [1 instructions]"), r.out());
        assertTrue(r.out().contains("0x000f0000:  66 89 d5                mov ebp,edx"), r.out());
    }
}
