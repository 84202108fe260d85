package org.j386.emulator.check;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import org.j386.emulator.machine.Machine;
import org.j386.emulator.machine.MachineConfig;
import org.j386.guest.GuestKernel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A divergence report on a real kernel bug carries what a person needs to act on it. */
class DivergenceReportTest {
    @TempDir
    Path dir;

    /** The report of the MP4 kernel with {@code mutant} applied, booted with {@code commandLine}. */
    private String reportOf(String mutant, String commandLine) throws Exception {
        byte[] elf = MutantCatalogue.assemble(GuestKernel.MP4, MutantCatalogue.named("mp4", mutant), dir);
        MachineConfig config = new MachineConfig();
        config.debugcon = new ByteArrayOutputStream();
        config.commandLine = commandLine;
        Machine machine = new Machine(config);
        ReferenceChecker checker = new ReferenceChecker(() -> machine.cpu().state.instructions, () -> machine.exit(0))
                .compareStateWith(machine.ram(), () -> machine.cpu().state.cr3)
                .locateWith(() -> GuestLocation.of(machine));
        machine.ports().register(TracePort.PORT, 1, new TracePort(checker));
        machine.boot(GuestKernel.MP4.bootName, elf);
        machine.run();
        assertNotNull(checker.divergence(), mutant + " was not caught");
        return checker.divergence().describe();
    }

    @Test
    void aReadOnlyPdeNoRecordShowsIsReportedWithItsOperationTestEipAndBothValuesSideBySide() throws Exception {
        String text = reportOf("pde_read_only", "test=page_table");
        assertTrue(text.contains("operation: VM_INIT begin 0x400000"), text);
        assertTrue(text.matches("(?s).*at: +eip 0x[0-9a-f]{8} <vm_init[^>]*>, instruction \\d+, in test page_table\n.*"), text);
        assertTrue(text.matches("(?s).*directory 0x[0-9a-f]+, PDE 1 +guest 0x[0-9a-f]{7}[0-9a-f&&[^2367abef]]   reference 0x[0-9a-f]{7}3\n.*"),
                text);
        assertTrue(text.contains("the last " + ReferenceChecker.RECENT + " records that agreed:"), text);
    }

    @Test
    void aWrongPteInARecordIsReportedAsTheInnermostOperationInsideTheOneTheTestCalled() throws Exception {
        String text = reportOf("pte_user", "test=page_table");
        assertTrue(text.contains("operation: PAGE_FAULT begin 0x400000 0x2 (inside VM_INIT begin 0x400000"), text);
        assertTrue(text.contains("guest:     PAGE_FAULT end 0x403007\n  reference: PAGE_FAULT end 0x403003"), text);
    }
}
