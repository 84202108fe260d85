package org.j386.emulator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.j386.emulator.boot.TestKernels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JitCheckOptionTest {
    @TempDir
    Path dir;

    private String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new String[] {Integer.toString(status), out.toString(), err.toString()};
    }

    @Test
    void jitCheckRunsAHotLoopComparedAndCountsItInTheStatistics() throws IOException {
        // mov ecx, 1000; l: add eax, ecx; loop l; cli; hlt
        byte[] code = {(byte) 0xB9, (byte) 0xE8, 0x03, 0, 0, 0x01, (byte) 0xC8, (byte) 0xE2, (byte) 0xFC,
            (byte) 0xFA, (byte) 0xF4};
        Path k = Files.write(dir.resolve("k.elf"), TestKernels.elfKernelRunning(code));
        String[] r = run("boot", "--jit-check", "--jit-threshold", "0", "--stats", k.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[2].matches("(?s).*jit check +[1-9]\\d* block entries compared with the interpreter.*"), r[2]);
    }

    @Test
    void jitCheckWithTheInterpreterAloneIsRefused() throws IOException {
        Path k = Files.write(dir.resolve("k.elf"), TestKernels.elfKernel());
        String[] r = run("boot", "--jit-check", "--cpu", "interp", k.toString());
        assertEquals("2", r[0], r[2]);
        assertTrue(r[2].startsWith("j386: error: --jit-check") && r[2].strip().split("\n").length == 1, r[2]);
    }

    @Test
    void helpDocumentsTheOptionAndItsExitStatus() {
        String[] r = run("boot", "--help");
        assertTrue(r[1].contains("--jit-check") && r[1].contains("14   --jit-check"), r[1]);
    }
}
