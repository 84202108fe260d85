package org.j386.emulator.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.j386.emulator.conform.QemuDepartures;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Boots every test kernel under {@code src/test/kernels} and compares what it printed on the
 * debug console, and its exit status, with what QEMU did on the same image (recorded by
 * {@code make -C emulator/src/test/kernels record}, checked again by {@code make oracle}).
 *
 * <p>Each kernel runs under the interpreter and under the bytecode tier compiling every block on
 * first sight; the two must also agree on every exception and interrupt (vector, EIP, error code,
 * CR2 and the virtual time of its delivery, as {@code --trace int,pf} prints them) and on the
 * instruction count.
 */
class QemuGoldenKernelsTest {
    static final Path KERNELS = Path.of("src/test/kernels");
    /** The test ROMs, booted from the reset vector (QEMU's -bios). */
    static final Path ROMS = Path.of("src/test/roms");
    /** Far more than any test kernel needs; a runaway guest stops here instead of hanging the build. */
    static final long INSTRUCTION_LIMIT = 3_000_000_000L;

    @TestFactory
    Stream<DynamicTest> everyTestKernelPrintsWhatQemuPrintedAndExitsAlike() throws IOException {
        return cases(KERNELS, "test kernels", ": both tiers print what QEMU printed, with the same events and instruction count");
    }

    @TestFactory
    Stream<DynamicTest> everyTestRomPrintsWhatQemuPrintedAndExitsAlike() throws IOException {
        return cases(ROMS, "test ROMs", ": booted from the reset vector, both tiers print what QEMU printed");
    }

    /** One test per folder of {@code root} that holds a QEMU recording. */
    private static Stream<DynamicTest> cases(Path root, String what, String behaviour) throws IOException {
        List<Path> dirs = new ArrayList<>();
        try (Stream<Path> list = Files.list(root)) {
            list.filter(d -> Files.exists(d.resolve("expected.out"))).sorted().forEach(dirs::add);
        }
        assertFalse(dirs.isEmpty(), "no " + what + " found under " + root.toAbsolutePath());
        return dirs.stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString() + behaviour, () -> check(dir)));
    }

    private static void check(Path dir) throws Exception {
        String name = dir.getFileName().toString();
        GuestRun interpreted = run(dir, MachineConfig.CpuTier.INTERP);
        GuestRun compiled = run(dir, MachineConfig.CpuTier.JIT);
        assertEquals(interpreted.trace(), compiled.trace(), name + ": the tiers deliver different events");
        assertEquals(interpreted.result.instructions(), compiled.result.instructions(),
                name + ": the tiers retire different instruction counts");
    }

    /** Boots the kernel of {@code dir} under {@code tier} and checks it against QEMU's recording. */
    private static GuestRun run(Path dir, MachineConfig.CpuTier tier) throws Exception {
        String name = dir.getFileName().toString() + " (" + tier.name().toLowerCase() + ")";
        Path rom = dir.resolve(dir.getFileName() + ".bin");
        GuestRun run = Files.exists(rom) ? GuestRun.rom(rom) : GuestRun.of(dir.resolve(dir.getFileName() + ".elf"));
        run.config.cpuTier = tier;
        run.config.jitThreshold = 0;
        run.config.trace.add(MachineConfig.Trace.INT);
        run.config.trace.add(MachineConfig.Trace.PF);
        Path cmdline = dir.resolve("cmdline");
        if (Files.exists(cmdline)) {
            run.config.commandLine = Files.readString(cmdline).strip();
        }
        Path args = dir.resolve("args");
        if (Files.exists(args)) {
            applyQemuArgs(run.config, dir, Files.readAllLines(args).stream().filter(l -> !l.isBlank()).toArray(String[]::new));
        }
        RunResult result = run.boot(INSTRUCTION_LIMIT);
        String expected = Files.readString(dir.resolve("expected.out"), StandardCharsets.ISO_8859_1);
        Path departures = dir.resolve("departs.tsv");
        if (Files.exists(departures)) { // where QEMU departs from the manual, j386 follows the manual
            List<String> recorded = List.of(expected.split("\n", -1));
            expected = String.join("\n", QemuDepartures.manualExpectation(name, recorded, Files.readString(departures)));
        }
        int expectedStatus = Integer.parseInt(Files.readString(dir.resolve("expected.status")).strip());
        assertEquals(expected, run.debugcon(), name + ": debug console output differs from QEMU's ("
                + result.message() + ")\n" + result.diagnostic());
        assertEquals(expectedStatus, result.exitStatus(), name + ": exit status differs from QEMU's: " + result.message());
        return run;
    }

    /**
     * The subset of QEMU options the kernels' {@code args} files may use (one argument per line):
     * -m and -initrd, whose module files are named relative to the kernels folder, where QEMU runs.
     */
    private static void applyQemuArgs(MachineConfig config, Path dir, String[] args) {
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "-m" -> config.memoryBytes = Long.parseLong(args[i + 1].replace("M", "")) << 20;
                case "-initrd" -> {
                    for (String module : args[i + 1].split(",")) {
                        config.modules.add(MachineConfig.Module.parse(module, KERNELS));
                    }
                }
                default -> throw new IllegalArgumentException(dir + "/args: unsupported option " + args[i]);
            }
        }
    }

    /** A machine with its debug console captured. */
    static final class GuestRun {
        final MachineConfig config = new MachineConfig();
        final ByteArrayOutputStream debugcon = new ByteArrayOutputStream();
        final StringWriter trace = new StringWriter();
        final Path image;
        /** Booted as a ROM from the reset vector rather than as a Multiboot kernel. */
        final boolean rom;
        RunResult result;

        private GuestRun(Path image, boolean rom) {
            this.image = image;
            this.rom = rom;
            config.debugcon = debugcon;
            config.traceOut = new PrintWriter(trace);
        }

        static GuestRun of(Path image) {
            return new GuestRun(image, false);
        }

        static GuestRun rom(Path image) {
            return new GuestRun(image, true);
        }

        RunResult boot(long limit) throws Exception {
            config.maxInstructions = limit;
            Machine machine = new Machine(config);
            if (rom) {
                machine.bootRom(image);
            } else {
                machine.boot(image);
            }
            result = machine.run();
            return result;
        }

        String trace() {
            config.traceOut.flush();
            return trace.toString();
        }

        String debugcon() {
            return debugcon.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
