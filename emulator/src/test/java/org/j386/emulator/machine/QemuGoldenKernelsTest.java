package org.j386.emulator.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Boots every test kernel under {@code src/test/kernels} and compares what it printed on the
 * debug console, and its exit status, with what QEMU did on the same image (recorded by
 * {@code make -C emulator/src/test/kernels record}, checked again by {@code make oracle}).
 */
class QemuGoldenKernelsTest {
    static final Path KERNELS = Path.of("src/test/kernels");
    /** Far more than any test kernel needs; a runaway guest stops here instead of hanging the build. */
    static final long INSTRUCTION_LIMIT = 3_000_000_000L;

    @TestFactory
    Stream<DynamicTest> everyTestKernelPrintsWhatQemuPrintedAndExitsAlike() throws IOException {
        List<Path> dirs = new ArrayList<>();
        try (Stream<Path> list = Files.list(KERNELS)) {
            list.filter(d -> Files.exists(d.resolve("expected.out"))).sorted().forEach(dirs::add);
        }
        assertFalse(dirs.isEmpty(), "no test kernels found under " + KERNELS.toAbsolutePath());
        return dirs.stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> check(dir)));
    }

    private static void check(Path dir) throws Exception {
        String name = dir.getFileName().toString();
        GuestRun run = GuestRun.of(dir.resolve(name + ".elf"));
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
        int expectedStatus = Integer.parseInt(Files.readString(dir.resolve("expected.status")).strip());
        assertEquals(expected, run.debugcon(), name + ": debug console output differs from QEMU's ("
                + result.message() + ")\n" + result.diagnostic());
        assertEquals(expectedStatus, result.exitStatus(), name + ": exit status differs from QEMU's: " + result.message());
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
        final Path image;

        private GuestRun(Path image) {
            this.image = image;
            config.debugcon = debugcon;
        }

        static GuestRun of(Path image) {
            return new GuestRun(image);
        }

        RunResult boot(long limit) throws Exception {
            config.maxInstructions = limit;
            Machine machine = new Machine(config);
            machine.boot(image);
            return machine.run();
        }

        String debugcon() {
            return debugcon.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
