package org.j386.emulator.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.j386.emulator.cpu.Cpu;
import org.j386.emulator.cpu.JitStatistics;
import org.junit.jupiter.api.Test;

/** The warm-up's loop, as the translator's warm-up thread runs it before a machine is built. */
class TranslatorWarmUpTest {
    @Test
    void warmUpLoopRunsItsWholeBudgetInCompiledCodeWithoutAFault() {
        Cpu cpu = TranslatorWarmUp.runLoop(60_000, 24 << 10);
        assertEquals(Cpu.Stop.NONE, cpu.stop(), "the loop stopped the machine");
        assertEquals(60_000, cpu.state.instructions);
        JitStatistics st = cpu.jitStatistics();
        assertTrue(st.blocksCompiled() >= 7, "blocks compiled: " + st.blocksCompiled());
        assertTrue(st.compiledInstructions() > 55_000, "instructions in compiled code: " + st.compiledInstructions());
        assertEquals(0, cpu.state.cr2, "no page fault");
    }

    @Test
    void aTinyCodeCacheMakesTheWarmUpTranslateAgainAndAgain() {
        JitStatistics st = TranslatorWarmUp.runLoop(60_000, 6 << 10).jitStatistics();
        assertTrue(st.evictions() > 10, "evictions: " + st.evictions());
        assertTrue(st.blocksCompiled() > 50, "blocks compiled: " + st.blocksCompiled());
    }
}
