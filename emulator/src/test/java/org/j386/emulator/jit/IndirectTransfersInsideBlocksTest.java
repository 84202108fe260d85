package org.j386.emulator.jit;

import static org.j386.emulator.cpu.CpuState.EBX;
import static org.j386.emulator.jit.CodeChangesUnderCompiledBlocksTest.agree;
import static org.j386.emulator.jit.TierMachine.DATA;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Consumer;
import org.j386.emulator.cpu.JitStatistics;
import org.junit.jupiter.api.Test;

/**
 * A block left often by an indirect jump or call is compiled again with the targets the run loop
 * saw it reach: those in its page become traces of the block, and the transfer goes straight to
 * them when the target matches, so that a dispatch loop or a loop calling through pointers runs
 * inside one block. Each case runs on the interpreter too, and the bytecode tier must leave
 * exactly its state.
 */
class IndirectTransfersInsideBlocksTest {
    private static final int ITERATIONS = 20_000;
    /** Each handler adds its own amount to EBX; ECX runs down from 20,000, so each runs 5,000 times. */
    private static final int SUM = 5_000 * (1 + 10 + 100 + 1000);

    /**
     * {@code loop: mov eax, ecx; and eax, 3; jmp [DATA + eax*4]}, four handlers that add 1, 10,
     * 100 or 1000 to EBX and jump to {@code dec ecx; jnz loop; hlt}, and after the HLT a fifth
     * handler (adds 7) that the table does not name.
     */
    private static final Consumer<TierMachine> JUMP_TABLE = t -> {
        t.code(TierMachine.CODE, "B9 20 4E 00 00 31 DB" // mov ecx, 20000; xor ebx, ebx
                + "89 C8 83 E0 03 FF 24 85" + TierMachine.hex32(DATA) // loop: ...; jmp [eax*4 + DATA]
                + "81 C3 01 00 00 00 EB 18" // 0x10013: add ebx, 1; jmp next
                + "81 C3 0A 00 00 00 EB 10" // 0x1001B: add ebx, 10; jmp next
                + "81 C3 64 00 00 00 EB 08" // 0x10023: add ebx, 100; jmp next
                + "81 C3 E8 03 00 00 EB 00" // 0x1002B: add ebx, 1000; jmp next
                + "49 75 D1 F4" // 0x10033 next: dec ecx; jnz loop; hlt
                + "81 C3 07 00 00 00 EB F4"); // 0x10037: add ebx, 7; jmp next
        table(t, 0x10013, 0x1001B, 0x10023, 0x1002B);
    };

    @Test
    void aDispatchLoopThroughAJumpTableRunsInsideOneBlockOnceItsTargetsAreSeen() {
        TierMachine m = agree(JUMP_TABLE, 10L * ITERATIONS);
        assertEquals(SUM, m.s.regs[EBX]);
        JitStatistics stats = m.cpu.jitStatistics();
        assertTrue(stats.blocksRetraced() >= 1, "the dispatching block was compiled again with its targets");
        // Before, each iteration left its block at the jump: at least 20,000 entries.
        assertTrue(stats.blockEntries() < ITERATIONS / 2, stats.blockEntries() + " block entries");
    }

    @Test
    void aTargetNotSeenBeforeLeavesTheBlockThereAndRunsAsTheInterpreterRunsIt() {
        // Most of the way through, with the block compiled again, one entry of the table changes
        // to the handler it never named.
        TierMachine jit = jumpTableOnBothTiers(TierMachine::jit, t -> {
            t.run(5L * ITERATIONS);
            table(t, 0x10013, 0x1001B, 0x10037, 0x1002B);
            t.run(10L * ITERATIONS);
        });
        assertTrue(jit.s.halted, "the loop ran to its end");
        assertTrue(jit.cpu.jitStatistics().blocksRetraced() >= 1);
        assertTrue(jit.s.regs[EBX] < SUM, "the new handler ran");
    }

    @Test
    void blocksCompiledAgainUnderATinyCodeCacheAreEvictedLikeAnyOther() {
        // The loop's first blocks fit in 10 KiB of bytecode; the block compiled again takes the
        // cache past it, so every block is dropped and compiled anew, again and again.
        TierMachine jit = jumpTableOnBothTiers(t -> t.jit(0, BlockTranslator.DEFAULT_MAX_INSTRUCTIONS, 10 << 10),
                t -> t.run(10L * ITERATIONS));
        JitStatistics stats = jit.cpu.jitStatistics();
        assertTrue(stats.blocksRetraced() >= 1 && stats.evictions() >= 1,
                stats.blocksRetraced() + " compiled again, " + stats.evictions() + " evictions");
    }

    /**
     * Runs the jump-table program by {@code run} on the interpreter and on the bytecode tier as
     * {@code tier} installs it, and checks they end in the same state; the latter machine.
     */
    private static TierMachine jumpTableOnBothTiers(Consumer<TierMachine> tier, Consumer<TierMachine> run) {
        TierMachine reference = new TierMachine();
        TierMachine jit = new TierMachine();
        JUMP_TABLE.accept(reference);
        JUMP_TABLE.accept(jit);
        tier.accept(jit);
        run.accept(reference);
        run.accept(jit);
        assertEquals("", jit.differencesFrom(reference), "the bytecode tier disagrees with the interpreter");
        return jit;
    }

    @Test
    void callsThroughPointersReturnInsideTheCallingBlock() {
        // loop: mov eax, ecx; and eax, 3; mov eax, [DATA + eax*4]; call eax; add ebx, eax;
        // dec ecx; jnz loop; hlt; then four functions: mov eax, 1 (10, 100, 1000); ret.
        TierMachine m = agree(t -> {
            t.code(TierMachine.CODE, "B9 20 4E 00 00 31 DB 89 C8 83 E0 03 8B 04 85" + TierMachine.hex32(DATA)
                    + "FF D0 01 C3 49 75 ED F4"
                    + "B8 01 00 00 00 C3 B8 0A 00 00 00 C3 B8 64 00 00 00 C3 B8 E8 03 00 00 C3");
            table(t, 0x1001B, 0x10021, 0x10027, 0x1002D);
        }, 10L * ITERATIONS);
        assertEquals(SUM, m.s.regs[EBX]);
        JitStatistics stats = m.cpu.jitStatistics();
        assertTrue(stats.blocksRetraced() >= 1, "the calling block was compiled again with its targets");
        assertTrue(stats.blockEntries() < ITERATIONS / 2, stats.blockEntries() + " block entries");
    }

    private static void table(TierMachine t, int... targets) {
        for (int i = 0; i < targets.length; i++) {
            t.ram.write32(DATA + 4 * i, targets[i]);
        }
    }
}
