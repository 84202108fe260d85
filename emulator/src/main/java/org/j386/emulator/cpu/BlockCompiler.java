package org.j386.emulator.cpu;

import java.util.function.IntFunction;

/**
 * The seam between the run loop and a translator (the bytecode tier in {@code jit}): the run loop
 * counts how often each block entry is reached and asks for a compiled block once it is hot.
 */
public interface BlockCompiler {
    /**
     * Compiles the block starting at {@code eip}; null when nothing there is worth compiling (the
     * run loop then interprets it and does not ask again until the page changes).
     */
    CompiledBlock compile(BlockSource source, int eip);

    /**
     * Compiles the block at {@code eip} again, now that the run loop has seen where its indirect
     * jumps and calls go ({@code targetsSeen}: by the EIP of such an instruction, the EIPs control
     * went to after it, or null): those targets may be compiled into the block, each behind a test
     * of the target. Null when there is no better block to make (the run loop keeps the one it
     * has).
     */
    default CompiledBlock compileWithTargets(BlockSource source, int eip, IntFunction<int[]> targetsSeen) {
        return null;
    }

    /** Entries after which a block entry is compiled; 0 compiles every entry on first sight. */
    int threshold();

    /** The instructions of one code page, decoded ahead of execution. */
    interface BlockSource {
        /**
         * The instruction at {@code eip}, or null when it does not lie wholly in the same page as the
         * block's start (the block must end before it).
         */
        Insn at(int eip);

        /** Whether the run loop has entered {@code eip} before (a jump's target, a return's, a block's). */
        default boolean entered(int eip) {
            return false;
        }
    }
}
