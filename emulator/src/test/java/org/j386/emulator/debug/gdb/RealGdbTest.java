package org.j386.emulator.debug.gdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.j386.emulator.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real gdb (Debian's, installed by {@code make gdb-test}) attached to {@code j386 boot --gdb
 * PORT --wait-gdb}: a breakpoint on a symbol, registers, memory, a single step, register and
 * memory writes, a monitor command and a watchpoint, checked against what the kernel is known to
 * do; and a test ROM from the reset vector, in real mode, as 16-bit code at linear addresses.
 * Skipped where no gdb is installed, so {@code make test} needs only a JDK.
 */
class RealGdbTest {
    private static final Path KERNEL = Path.of("src/test/kernels/paging_lazy/paging_lazy.elf");
    private static final Path RESET_STATE_ROM = Path.of("src/test/roms/reset_state/reset_state.bin");

    private static boolean gdbInstalled() {
        try {
            return new ProcessBuilder("gdb", "--version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The value gdb printed after the line "CHECK name". */
    private static String after(String output, String check) {
        int at = output.indexOf("CHECK " + check + "\n");
        assertTrue(at >= 0, "gdb did not reach " + check + ":\n" + output);
        String rest = output.substring(at + check.length() + 7);
        int end = rest.indexOf("CHECK ");
        return (end < 0 ? rest : rest.substring(0, end)).strip();
    }

    @Test
    @Timeout(120)
    void gdbStopsAtASymbolReadsAndWritesStateStepsAndWatches() throws Exception {
        assumeTrue(gdbInstalled(), "gdb is not installed (make gdb-test installs it)");
        String[] run = runGdb("src/test/gdb/paging_lazy.gdb");
        String output = run[0];
        String err = run[1];

        assertTrue(after(output, "entry").startsWith("$1 = 0x100412\nBreakpoint 1 at 0x100010"), output);
        assertTrue(after(output, "breakpoint").startsWith("$2 = 0x100010\n$3 = "), output);
        assertEquals("isr_common + 8 in section .text", after(output, "return address"), output);
        assertTrue(after(output, "window").startsWith("$4 = 0x89c689fa"), "CLI; MOV ESI,EAX; MOV...\n" + output);
        assertTrue(after(output, "stepped").endsWith("$5 = 0x100011"), output);
        assertEquals("$6 = 0x1234abcd", after(output, "written register"), output);
        assertEquals("0x200000:\t0xfeedface", after(output, "written memory"), output);
        assertTrue(after(output, "monitor").contains("not present: translation stops at the PDE"), output);
        assertTrue(output.contains("Hardware watchpoint 2: *(int *)&faults\n\nOld value = 0\nNew value = 1\n"), output);
        assertTrue(after(output, "watch").startsWith("$7 = 1\n[Inferior 1 (Remote target) detached]"), output);
        assertEquals("1", run[2], "after detach the kernel runs to its debug exit:\n" + err);
    }

    @Test
    @Timeout(120)
    void gdbGoesBackToThePreviousBreakpointAndStepsBack() throws Exception {
        assumeTrue(gdbInstalled(), "gdb is not installed (make gdb-test installs it)");
        String output = runGdb("src/test/gdb/paging_lazy_reverse.gdb", "--record")[0];
        String first = after(output, "first").lines().findFirst().orElseThrow();
        String second = after(output, "second").lines().findFirst().orElseThrow();
        assertTrue(first.startsWith("instruction ") && !first.equals(second), output);
        assertTrue(after(output, "back").startsWith(first + "\n$1 = 0x100010"),
                "back at the first stop in pf_handler, at its instruction count:\n" + output);
        assertTrue(after(output, "stepped back").startsWith("isr_dispatch + "), "one instruction before pf_handler:\n" + output);
        assertTrue(after(output, "record").matches("(?s)\\d+ snapshots from instruction 0 to .*"),
                "the run was recorded, so going back started from a snapshot:\n" + output);
    }

    @Test
    @Timeout(120)
    void gdbDebugsRealModeCodeFromTheResetVectorAtLinearAddresses() throws Exception {
        assumeTrue(gdbInstalled(), "gdb is not installed (make gdb-test installs it)");
        String output = runGdb("src/test/gdb/reset_vector.gdb", (Path) null, "--bios", RESET_STATE_ROM.toString())[0];
        assertEquals("The target architecture is set to \"auto\" (currently \"i8086\").", after(output, "architecture"), output);
        assertEquals("$1 = 0xfffffff0\n$2 = 0xf000\n=> 0xfffffff0:\tljmp   $0xf000,$0x0\nBreakpoint 1 at 0xf0000",
                after(output, "reset vector").lines().filter(l -> !l.isBlank() && !l.startsWith("Breakpoint 1,"))
                        .reduce((a, b) -> a + "\n" + b).orElse(""),
                "CS base FFFF0000 + IP FFF0, and the far jump decoded as 16-bit code:\n" + output);
        assertTrue(after(output, "breakpoint").startsWith("$3 = 0xf0000\n$4 = 0xf000\n=> 0xf0000:\tmov    %edx,%ebp\n"),
                "MOV EBP, EDX is 66 89 D5 in 16-bit code:\n" + output);
        assertTrue(after(output, "stepped").endsWith("$5 = 0xf0003\n$6 = 0x1"), output);
        assertTrue(after(output, "monitor").contains("real-address mode, cs:ip f000:0003 = 0x000f0003"), output);
    }

    /**
     * Runs gdb on {@code script} against j386 boot --gdb --wait-gdb on paging_lazy (with {@code
     * options} added): gdb's output, j386's stderr and exit status.
     */
    private static String[] runGdb(String script, String... options) throws Exception {
        List<String> image = new ArrayList<>(List.of(KERNEL.toString()));
        image.addAll(List.of(options));
        return runGdb(script, KERNEL, image.toArray(String[]::new));
    }

    /**
     * Runs gdb on {@code script}, with {@code gdbFile} (or none) as its program, against j386 boot
     * {@code image...} --gdb --wait-gdb: gdb's output, j386's stderr and exit status.
     */
    private static String[] runGdb(String script, Path gdbFile, String... image) throws Exception {
        int port = freePort();
        ExecutorService j386 = Executors.newSingleThreadExecutor();
        StringWriter err = new StringWriter();
        List<String> args = new ArrayList<>(List.of("boot"));
        args.addAll(List.of(image));
        args.addAll(List.of("--gdb", String.valueOf(port), "--wait-gdb", "--debugcon", "none", "--serial", "none"));
        Future<Integer> boot = j386.submit(() -> Main.execute(args.toArray(new String[0]),
                new PrintWriter(new StringWriter()), new PrintWriter(err, true)));
        Thread.sleep(300); // listening
        String text = Files.readString(Path.of(script)).replace("${PORT}", String.valueOf(port));
        Path scriptFile = Files.createTempFile("j386-gdb", ".gdb");
        Files.writeString(scriptFile, text);
        List<String> command = new ArrayList<>(List.of("gdb", "-batch", "-nx", "-x", scriptFile.toString()));
        if (gdbFile != null) {
            command.add(gdbFile.toString());
        }
        Process gdb = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(gdb.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(gdb.waitFor(60, TimeUnit.SECONDS));
        Files.deleteIfExists(scriptFile);
        int status = boot.get(60, TimeUnit.SECONDS);
        j386.shutdown();
        return new String[] {output, err.toString(), Integer.toString(status)};
    }
}
