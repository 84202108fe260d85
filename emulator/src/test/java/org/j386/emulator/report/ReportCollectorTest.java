package org.j386.emulator.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.j386.emulator.cli.Main;
import org.j386.emulator.cpu.Vectors;
import org.j386.emulator.debug.Console;
import org.j386.emulator.debug.Debugger;
import org.j386.emulator.machine.Machine;
import org.j386.emulator.machine.MachineConfig;
import org.j386.emulator.machine.Outcome;
import org.j386.emulator.machine.RunResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportCollectorTest {
    private static final Path PAGING_LAZY = Path.of("src/test/kernels/paging_lazy/paging_lazy.elf");

    @TempDir
    Path dir;

    @Test
    void everyPageFaultAndDeliveryOfARunIsRecorded() throws Exception {
        Machine machine = new Machine(new MachineConfig());
        ReportCollector collector = ReportCollector.attach(machine);
        machine.boot(PAGING_LAZY);
        RunResult result = machine.run();
        String page = Report.page(machine, collector, result, "paging_lazy");
        assertEquals(11, machine.mmu().pageFaults());
        assertEquals(11, collector.faults.total());
        assertEquals(11, collector.timeline.total(Vectors.PF));
        assertEquals(0x40000000, collector.faults.faults().get(0).cr2());
        assertTrue(collector.faults.faults().stream().noneMatch(FaultLog.Fault::endedRun));
        assertEquals(machine.mmu().tlbHits(), collector.timeline.total(ReportCollector.TLB_HITS));
        assertEquals(machine.mmu().tlbMisses(), collector.timeline.total(ReportCollector.TLB_MISSES));
        for (String id : List.of("address-space", "physical", "faults", "events", "pools")) {
            assertTrue(page.contains("<section id=\"" + id + "\">"), id);
        }
        assertFalse(page.contains("http:") || page.contains("https:") || page.contains("src="), "the page loads nothing");
    }

    @Test
    void aTripleFaultMarksTheFaultThatEndedTheRunAndTheOneNeverDelivered() {
        Machine machine = new Machine(new MachineConfig());
        ReportCollector collector = ReportCollector.attach(machine);
        try {
            machine.boot(PAGING_LAZY);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        Debugger debugger = new Debugger(machine);
        Console console = new Console(debugger, new PrintWriter(new StringWriter()));
        console.execute("catch exception pf");
        console.execute("continue");
        // The IDT moved to an unmapped page: delivering the #PF faults, so does the #DF.
        machine.cpu().state.idtBase = 0x50000000;
        console.execute("uncatch");
        console.execute("continue");
        RunResult result = machine.endResult();
        assertEquals(Outcome.TRIPLE_FAULT, result.outcome(), result.message());
        collector.ended(result);
        List<FaultLog.Fault> faults = collector.faults.faults();
        FaultLog.Fault last = faults.get(faults.size() - 1), first = faults.get(faults.size() - 2);
        assertTrue(first.endedRun() && last.endedRun());
        assertEquals(0x40000000, first.cr2());
        assertEquals(0x50000000 + Vectors.DF * 8, last.cr2(), "reading #DF's gate faulted");
        assertTrue(Report.page(machine, collector, result, "k").contains("ended the run"));
    }

    @Test
    void aPageFaultHeldAtADebuggerStopIsNotedNotDrawn() throws Exception {
        Machine machine = new Machine(new MachineConfig());
        ReportCollector collector = ReportCollector.attach(machine);
        machine.boot(PAGING_LAZY);
        Console console = new Console(new Debugger(machine), new PrintWriter(new StringWriter()));
        console.execute("catch exception pf");
        console.execute("continue");
        assertEquals(0, collector.faults.total());
        assertEquals(0x40000000, collector.heldFault().cr2());
        assertTrue(Report.page(machine, collector, null, "k").contains("a page fault is held back, not yet delivered"));
    }

    @Test
    void theConsoleWritesTheReportAtAStop() throws Exception {
        Machine machine = new Machine(new MachineConfig());
        machine.boot(PAGING_LAZY);
        Debugger debugger = new Debugger(machine);
        StringWriter out = new StringWriter();
        Console console = new Console(debugger, new PrintWriter(out, true));
        console.execute("catch exception pf");
        console.execute("continue");
        Path page = dir.resolve("stop.html");
        console.execute("report " + page);
        assertTrue(out.toString().contains("report written to " + page + " (present state only"), out.toString());
        String html = Files.readString(page);
        assertTrue(html.contains("Stopped in the debugger") && html.contains("0x40000000"), html.substring(0, 2000));
        out.getBuffer().setLength(0);
        console.execute("report " + dir.resolve("no/such/dir.html"));
        assertEquals("error: report: cannot write " + dir.resolve("no/such/dir.html") + ": no such directory\n", out.toString());
    }

    @Test
    void pageTablesOfGarbageStillMakeAPageOfBoundedSize() {
        Machine machine = new Machine(new MachineConfig());
        var ram = machine.ram();
        int dir = 0x10000, table = 0x11000;
        for (int i = 0; i < 1024; i++) {
            ram.write32(dir + 4 * i, table | 7);
            // Every page a range of its own: rights alternate, frames go backwards.
            ram.write32(table + 4 * i, ((1023 - i) << 12) | 1 | (i & 1) * 2);
        }
        var s = machine.cpu().state;
        s.cr3 = dir;
        s.cr0 |= org.j386.emulator.cpu.CpuState.CR0_PG;
        String page = Report.page(machine, null, null, "garbage");
        assertTrue(page.length() < 3_000_000, "page of " + page.length() + " characters");
        assertTrue(page.contains("Only the first 4000 of 1048576 ranges are drawn"));
        assertTrue(page.contains("1046576 more ranges not listed"));
    }

    private static String[] boot(Path report) {
        return new String[] {"boot", PAGING_LAZY.toString(), "--debugcon", "none", "--report", report.toString()};
    }

    @Test
    void anUnwritableReportIsAOneLineErrorBeforeTheRun() {
        for (Path bad : List.of(dir.resolve("missing/report.html"), dir)) {
            StringWriter err = new StringWriter();
            int status = Main.execute(boot(bad), new PrintWriter(new StringWriter()), new PrintWriter(err, true));
            assertEquals(2, status);
            assertTrue(err.toString().startsWith("j386: error: --report: cannot write " + bad + ": "), err.toString());
            assertEquals(1, err.toString().lines().count(), err.toString());
        }
    }

    @Test
    void bootWritesTheReportAtTheEndOfTheRun() throws Exception {
        Path page = dir.resolve("lazy.html");
        StringWriter err = new StringWriter();
        assertEquals(1, Main.execute(boot(page), new PrintWriter(new StringWriter()), new PrintWriter(err, true)), err.toString());
        String html = Files.readString(page);
        assertTrue(html.startsWith("<!DOCTYPE html>") && html.endsWith("</html>\n"));
        assertTrue(html.contains("The run ended: the guest exited through the debug-exit port with status 1"),
                html.substring(0, 2000));
    }

    @Test
    void theLab2KernelsFreeListIsChartedOverItsOperations() throws Exception {
        Path page = dir.resolve("lab2.html");
        StringWriter err = new StringWriter();
        int status = Main.execute(new String[] {"boot", "--guest", "lab2", "--debugcon", "none", "--serial", "none",
            "--report", page.toString()}, new PrintWriter(new StringWriter()), new PrintWriter(err, true));
        assertEquals(1, status, err.toString());
        String html = Files.readString(page);
        assertTrue(html.contains("kalloc free list"), "the free list is one of the pools drawn");
    }
}
