package org.j386.emulator.conform;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.j386.emulator.machine.Machine;
import org.j386.emulator.machine.MachineConfig;
import org.j386.emulator.machine.MachineConfig.CpuTier;
import org.j386.emulator.machine.RunResult;
import org.j386.tools.image.ImageFormatException;

/**
 * Probe kernels booted on the whole machine and compared with what QEMU printed on its debug
 * console and the exit status it gave. Each expected output line is a case, and so is the exit
 * status; the kernel is the group. The kernels, their sources and the recording commands live
 * with the emulator's test kernels ({@code emulator/src/test/kernels}, {@code make probes} there
 * copies them here); the test ROMs, booted from the reset vector as QEMU's {@code -bios} boots
 * them, with theirs ({@code emulator/src/test/roms}, listed in {@code roms.txt}).
 *
 * <p>Where QEMU departs from the Intel manual, j386's line is compared with the manual's text
 * ({@link QemuDepartures}).
 */
public final class ProbeSuite implements ConformanceSuite {
    private final CpuTier tier;

    public ProbeSuite(CpuTier tier) {
        this.tier = tier;
    }

    private static final String DIRECTORY = "/org/j386/emulator/conform/probes/";
    /** Far more than any probe needs; a runaway kernel stops here. */
    private static final long INSTRUCTION_LIMIT = 1_000_000_000L;

    @Override
    public String name() {
        return "probes" + ConformanceSuites.suffix(tier);
    }

    @Override
    public String description() {
        return "privilege-level, paging and system-instruction probe kernels and real-mode test ROMs compared with QEMU's output"
                + ConformanceSuites.tierNote(tier);
    }

    /** The probe kernels in index order, then the test ROMs. */
    public static List<String> kernels() {
        List<String> names = listed("index.txt");
        names.addAll(roms());
        return names;
    }

    /** The test ROMs among {@link #kernels()}: booted from the reset vector rather than by Multiboot. */
    public static List<String> roms() {
        return listed("roms.txt");
    }

    private static List<String> listed(String index) {
        List<String> names = new ArrayList<>();
        for (String line : text(DIRECTORY + index).split("\n")) {
            if (!line.isBlank()) {
                names.add(line.trim());
            }
        }
        return names;
    }

    @Override
    public long size() {
        long n = 0;
        for (String k : kernels()) {
            n += expectedLines(k).size() + 1;
        }
        return n;
    }

    @Override
    public void run(Listener listener) {
        for (String kernel : kernels()) {
            List<String> expected = manualExpectation(kernel, expectedLines(kernel));
            int expectedStatus = Integer.parseInt(text(DIRECTORY + kernel + ".status").strip());
            ByteArrayOutputStream console = new ByteArrayOutputStream();
            RunResult result = boot(kernel, console, tier);
            List<String> got = lines(console.toString(StandardCharsets.ISO_8859_1));
            for (int i = 0; i < expected.size(); i++) {
                String e = expected.get(i);
                String g = i < got.size() ? got.get(i) : null;
                listener.result(kernel, "line " + (i + 1), e.equals(g) ? null
                        : "expected '" + e + "', got " + (g == null ? "nothing (" + result.message() + ")" : "'" + g + "'"));
            }
            String extra = got.size() > expected.size() ? "; and " + (got.size() - expected.size()) + " extra lines" : "";
            listener.result(kernel, "exit status", result.exitStatus() == expectedStatus && extra.isEmpty() ? null
                    : "expected " + expectedStatus + ", got " + result.exitStatus() + " (" + result.message() + ")" + extra);
        }
    }

    private static RunResult boot(String kernel, ByteArrayOutputStream console, CpuTier tier) {
        Path image = null;
        boolean rom = roms().contains(kernel);
        String suffix = rom ? ".rom" : ".elf";
        try {
            image = Files.createTempFile("j386-probe-" + kernel, suffix);
            Files.write(image, bytes(DIRECTORY + kernel + suffix));
            MachineConfig config = new MachineConfig();
            config.debugcon = console;
            config.maxInstructions = INSTRUCTION_LIMIT;
            config.cpuTier = tier;
            config.jitThreshold = 0;
            Machine machine = new Machine(config);
            if (rom) {
                machine.bootRom(image);
            } else {
                machine.boot(image);
            }
            return machine.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ImageFormatException e) {
            throw new IllegalStateException("probe kernel " + kernel + ": " + e.getMessage(), e);
        } finally {
            if (image != null) {
                try {
                    Files.deleteIfExists(image);
                } catch (IOException ignored) {
                    // a leftover temporary file is harmless
                }
            }
        }
    }

    private static List<String> expectedLines(String kernel) {
        return lines(new String(bytes(DIRECTORY + kernel + ".out"), StandardCharsets.ISO_8859_1));
    }

    /** QEMU's recorded lines, put right where the ROM's departs.tsv says QEMU departs from the manual. */
    static List<String> manualExpectation(String kernel, List<String> recorded) {
        String departures = DIRECTORY + kernel + ".departs";
        if (ProbeSuite.class.getResource(departures) == null) {
            return recorded;
        }
        return QemuDepartures.manualExpectation(kernel, recorded, text(departures));
    }

    private static List<String> lines(String text) {
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }

    private static String text(String resource) {
        return new String(bytes(resource), StandardCharsets.ISO_8859_1);
    }

    private static byte[] bytes(String resource) {
        try (InputStream in = ProbeSuite.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
