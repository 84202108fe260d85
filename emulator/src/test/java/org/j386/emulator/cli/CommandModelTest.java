package org.j386.emulator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

/** The hand-built models of j386 boot and j386 debug bind each option to its field as the help says. */
class CommandModelTest {
    private static BootCommand boot(String... args) {
        BootCommand command = new BootCommand();
        new CommandLine(command.model()).parseArgs(args);
        return command;
    }

    @Test
    void absentOptionsTakeTheDefaultsTheHelpNames() {
        BootCommand c = boot();
        MachineOptions m = c.machineOptions;
        assertEquals(32L << 20, m.memory);
        assertEquals("stdio", m.debugcon);
        assertEquals("stdio", m.serial);
        assertEquals("", m.append);
        assertEquals("jit", m.cpu);
        assertEquals(64L << 20, m.jitCache);
        assertEquals(Long.MAX_VALUE, m.maxInstructions);
        assertEquals(600L * 100_000_000L, m.maxTimeSlots);
        assertNull(m.image);
        assertFalse(c.stats || c.waitGdb || c.record || c.benchRecording || m.jitCheck || c.eventOptions.checkReference);
        assertNull(c.gdbPort);
        assertTrue(m.trace.isEmpty() && m.modules.isEmpty() && c.eventOptions.checks.isEmpty());
    }

    @Test
    void givenOptionsReachTheirFieldsThroughTheirConverters() {
        BootCommand c = boot("-m", "64", "--gdb", "1234", "--stats", "--check-reference", "--max-instructions", "5",
                "--jit-threshold", "0", "--report", "r.html", "kernel.elf");
        assertEquals(64L << 20, c.machineOptions.memory);
        assertEquals(1234, c.gdbPort);
        assertTrue(c.stats && c.eventOptions.checkReference);
        assertEquals(5, c.machineOptions.maxInstructions);
        assertEquals(0, c.machineOptions.jitThreshold);
        assertEquals(Path.of("r.html"), c.report);
        assertEquals(Path.of("kernel.elf"), c.machineOptions.image);
    }

    @Test
    void repeatableOptionsCollectEveryValueAndCommaListsSplit() {
        BootCommand c = boot("--trace", "pf,int", "--trace", "io", "--module", "a.bin x,y", "--module", "b.bin",
                "--check", "tlb", "--check", "reference");
        assertEquals(List.of("pf", "int", "io"), c.machineOptions.trace);
        assertEquals(List.of("a.bin x,y", "b.bin"), c.machineOptions.modules);
        assertEquals(List.of("tlb", "reference"), c.eventOptions.checks);
    }

    @Test
    void aValueItsConverterRefusesIsAnErrorNamingTheOption() {
        CommandLine.ParameterException e = assertThrows(CommandLine.ParameterException.class,
                () -> boot("--jit-cache", "2G"));
        assertTrue(e.getMessage().contains("'--jit-cache'") && e.getMessage().contains("64K..1G"), e.getMessage());
    }

    @Test
    void debugSharesTheMachineOptionsAndAddsItsOwn() {
        DebugCommand command = new DebugCommand();
        new CommandLine(command.model()).parseArgs("--no-record", "--guest", "lab2", "--check", "tlb");
        assertTrue(command.noRecord);
        assertEquals("lab2", command.machineOptions.guest);
        assertEquals(List.of("tlb"), command.eventOptions.checks);
    }

    @Test
    void aCommandWhoseParameterIsRequiredRefusesToRunWithoutIt() {
        for (String command : new String[] {"attach", "asm", "disasm"}) {
            java.io.StringWriter err = new java.io.StringWriter();
            int status = Main.execute(new String[] {command}, new java.io.PrintWriter(new java.io.StringWriter(), true),
                    new java.io.PrintWriter(err, true));
            assertEquals(2, status, command + ": " + err);
            assertTrue(err.toString().startsWith("j386: error: Missing required parameter: '"), err.toString());
        }
    }
}
