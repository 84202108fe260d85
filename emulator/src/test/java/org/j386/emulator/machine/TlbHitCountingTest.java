package org.j386.emulator.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The MMU's TLB hits are a statistic: where something reads them (--stats, a report, a debugger)
 * compiled code counts its inline accesses as the interpreter counts its own; on a machine built to
 * leave them uncounted the count is the interpreter's alone, and nothing else of the run changes.
 */
class TlbHitCountingTest {
    private static final Path KERNEL = QemuGoldenKernelsTest.KERNELS.resolve("paging_matrix/paging_matrix.elf");

    private record Run(String output, String trace, long instructions, long hits, long misses, long faults) {
    }

    private static Run boot(MachineConfig.CpuTier tier, boolean countTlbHits) throws Exception {
        MachineConfig config = new MachineConfig();
        ByteArrayOutputStream debugcon = new ByteArrayOutputStream();
        StringWriter trace = new StringWriter();
        config.cpuTier = tier;
        config.jitThreshold = 0;
        config.countTlbHits = countTlbHits;
        config.debugcon = debugcon;
        config.traceOut = new PrintWriter(trace);
        config.trace.add(MachineConfig.Trace.INT);
        config.trace.add(MachineConfig.Trace.PF);
        config.maxInstructions = 200_000_000L;
        Machine machine = new Machine(config);
        machine.boot(KERNEL);
        RunResult result = machine.run();
        config.traceOut.flush();
        return new Run(debugcon.toString(StandardCharsets.ISO_8859_1), trace.toString(), result.instructions(),
                machine.mmu().tlbHits(), machine.mmu().tlbMisses(), machine.mmu().pageFaults());
    }

    @Test
    void compiledCodeCountsItsHitsAsTheInterpreterDoesUnlessTheMachineLeavesThemUncounted() throws Exception {
        Run interpreted = boot(MachineConfig.CpuTier.INTERP, true);
        Run counted = boot(MachineConfig.CpuTier.JIT, true);
        Run uncounted = boot(MachineConfig.CpuTier.JIT, false);
        assertEquals(interpreted.hits(), counted.hits(), "hits counted by both tiers");
        assertTrue(uncounted.hits() < counted.hits() / 2,
                "compiled code's inline hits left out: " + uncounted.hits() + " of " + counted.hits());
        for (Run jit : new Run[] {counted, uncounted}) {
            assertEquals(interpreted.output(), jit.output());
            assertEquals(interpreted.trace(), jit.trace(), "interrupts and page faults, with their counts");
            assertEquals(interpreted.instructions(), jit.instructions());
            assertEquals(interpreted.misses(), jit.misses());
            assertEquals(interpreted.faults(), jit.faults());
        }
    }
}
