package org.j386.emulator.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fuzzing harness as tests. Under {@code make test} each target runs a short slice of cases
 * from the fixed seed 386; {@code make fuzz} runs them for a time budget from a fresh seed (see
 * the Makefile), and replays one case with FUZZ_TARGET, FUZZ_SEED and FUZZ_CASE. The properties:
 * {@code j386.fuzz.seed}, {@code j386.fuzz.seconds} (per target; 0 for the slice),
 * {@code j386.fuzz.target} (one target, else all), {@code j386.fuzz.case} (just that case).
 */
class FuzzTest {
    private static final long SEED = Long.getLong("j386.fuzz.seed", 386);
    private static final double SECONDS = Double.parseDouble(System.getProperty("j386.fuzz.seconds", "0"));
    private static final String TARGET = System.getProperty("j386.fuzz.target", "");
    private static final Integer CASE = Integer.getInteger("j386.fuzz.case");

    @TempDir
    Path dir;

    private static void fuzz(Fuzz.Target target, int sliceCases) {
        assumeTrue(TARGET.isEmpty() || TARGET.equals(target.name()), "only " + TARGET);
        Fuzz.Report report;
        if (CASE != null) {
            report = Fuzz.run(target, SEED, CASE, 1, Double.MAX_VALUE);
        } else if (SECONDS > 0) {
            report = Fuzz.run(target, SEED, 0, Integer.MAX_VALUE, SECONDS);
        } else {
            report = Fuzz.run(target, SEED, 0, sliceCases, Double.MAX_VALUE);
        }
        System.out.println(report.summary());
        assertTrue(report.failures().isEmpty(), String.join("\n", report.failures()));
    }

    @Test
    void malformedImagesEndWithADocumentedStatusAndNoStackTrace() throws Exception {
        fuzz(new ImageFuzzer(dir), 60);
    }

    @Test
    void consoleCommandSequencesNeverThrowNorFloodTheConsole() {
        fuzz(new ConsoleFuzzer(), 30);
    }

    @Test
    void mutatedAssemblerSourcesGiveFileLineMessagesNeverExceptions() throws Exception {
        fuzz(new AssemblerFuzzer(), 60);
    }

    @Test
    void randomInstructionStreamsInRingsZeroAndThreeEndArchitecturally() {
        fuzz(new CodeFuzzer(dir), 40);
    }

    @Test
    void theCodeFuzzersKernelRunsItsBytesInTheRingItChose() throws Exception {
        // mov eax, cs; out 0xe9, al: the selector's low byte on the debug console, then a HLT,
        // which faults in ring 3 (the handler exits with 0x21) and halts in ring 0 (IF is clear).
        byte[] code = {(byte) 0x8C, (byte) 0xC8, (byte) 0xE6, (byte) 0xE9, (byte) 0xF4};
        for (boolean ring3 : new boolean[] {false, true}) {
            Path file = CodeFuzzer.kernel(CodeFuzzer.source(ring3, 0x2, "", code), dir);
            Path console = dir.resolve("console.txt");
            CliRun run = CliRun.of("boot", "--max-time", "0.01", "--serial", "none", "--debugcon", console.toString(),
                    file.toString());
            assertEquals(ring3 ? (0x21 << 1) | 1 : 0, run.status(), run.err());
            assertEquals(ring3 ? "\u001b" : "\u0008", Files.readString(console));
        }
    }

    @Test
    void gdbPacketSequencesWithDisconnectsOnlyEverEndTheirSession() {
        fuzz(new GdbFuzzer(), 30);
    }

    @Test
    void gdbClientsComingAndGoingOverTcpNeverCrashALiveMachine() {
        fuzz(new LiveGdbFuzzer(), 6);
    }
}
