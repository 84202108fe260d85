package org.j386.emulator.conform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.j386.emulator.machine.MachineConfig.CpuTier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The probe kernels and ROMs bundled for {@code j386 conform probes}: the same files as the test
 * kernels and ROMs they are built and recorded from, and j386 agreeing with QEMU on every line.
 */
class ProbeSuiteTest {
    private static final Path KERNELS = Path.of("src/test/kernels");
    private static final Path ROMS = Path.of("src/test/roms");

    @Test
    void bundledProbesAreTheRecordedTestKernelsAndRoms() throws IOException {
        List<String> kernels = ProbeSuite.kernels();
        List<String> roms = List.of("reset_state", "real_mode", "ivt", "unreal", "a20", "v86", "tasks", "task_faults", "task_kinds",
                "call_gates");
        List<String> expected = new ArrayList<>(List.of("rings", "paging_matrix", "selectors", "system_forms", "single_step"));
        expected.addAll(roms);
        assertEquals(expected, kernels);
        assertEquals(roms, ProbeSuite.roms());
        for (String k : kernels) {
            boolean rom = roms.contains(k);
            Path dir = (rom ? ROMS : KERNELS).resolve(k);
            assertArrayEquals(Files.readAllBytes(dir.resolve(k + (rom ? ".bin" : ".elf"))), resource(k + (rom ? ".rom" : ".elf")), k);
            assertArrayEquals(Files.readAllBytes(dir.resolve("expected.out")), resource(k + ".out"), k);
            assertArrayEquals(Files.readAllBytes(dir.resolve("expected.status")), resource(k + ".status"), k);
            Path departures = dir.resolve("departs.tsv");
            if (Files.exists(departures)) {
                assertArrayEquals(Files.readAllBytes(departures), resource(k + ".departs"), k);
            }
        }
    }

    @Test
    void aDepartureFromQemuReplacesItsLineAndOneThatNoLongerMatchesTheRecordingIsRefused() throws IOException {
        List<String> recorded = List.of(new String(resource("task_faults.out"), StandardCharsets.ISO_8859_1).split("\n"));
        List<String> expected = ProbeSuite.manualExpectation("task_faults", recorded);
        assertEquals(recorded.size(), expected.size());
        assertFalse(expected.equals(recorded), "task_faults has departures");
        List<String> shifted = new ArrayList<>(recorded);
        shifted.add(0, "a line recorded before the others");
        assertThrows(IllegalStateException.class, () -> ProbeSuite.manualExpectation("task_faults", shifted));
    }

    @ParameterizedTest
    @EnumSource(CpuTier.class)
    void everyProbeLineAndExitStatusAgreesWithQemu(CpuTier tier) {
        ProbeSuite suite = new ProbeSuite(tier);
        List<String> failures = new ArrayList<>();
        long[] count = new long[1];
        suite.run((group, label, failure) -> {
            count[0]++;
            if (failure != null) {
                failures.add(group + " " + label + ": " + failure);
            }
        });
        assertEquals(suite.size(), count[0]);
        assertFalse(count[0] < 100, "too few probe cases: " + count[0]);
        assertEquals(List.of(), failures);
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = ProbeSuite.class.getResourceAsStream("/org/j386/emulator/conform/probes/" + name)) {
            return in.readAllBytes();
        }
    }
}
