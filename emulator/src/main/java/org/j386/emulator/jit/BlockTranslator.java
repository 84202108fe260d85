package org.j386.emulator.jit;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import org.j386.emulator.cpu.BlockCompiler;
import org.j386.emulator.cpu.BlockRuntime;
import org.j386.emulator.cpu.CompiledBlock;
import org.j386.emulator.cpu.Insn;
import org.j386.emulator.cpu.Op;
import org.j386.emulator.cpu.OpInfo;

/**
 * The bytecode tier: turns a hot run of guest instructions into one JVM class with ObjectWeb ASM
 * ({@link BlockEmitter}) and loads it as a hidden class, so a dropped block can be unloaded.
 *
 * <p>A block is the straight line from its entry: it goes on past conditional branches (each a
 * side exit) and ends at the first other control transfer, at an operation the table marks as
 * ending a block, at the end of the page, or at {@link #maxInstructions}.
 */
public final class BlockTranslator implements BlockCompiler {
    /** Longest block: keeps each generated method well under the JVM's limit for compiling it. */
    public static final int DEFAULT_MAX_INSTRUCTIONS = 48;
    /** The JVM compiles no method larger than this (HugeMethodLimit); blocks are cut to stay below. */
    private static final int HUGE_METHOD = 7900;

    private final BlockRuntime runtime;
    private final int threshold;
    private final int maxInstructions;
    private final MethodHandles.Lookup lookup = MethodHandles.lookup();

    public BlockTranslator(BlockRuntime runtime, int threshold) {
        this(runtime, threshold, DEFAULT_MAX_INSTRUCTIONS);
    }

    /** {@code maxInstructions} 1 compiles every instruction on its own (the vector tests use it). */
    public BlockTranslator(BlockRuntime runtime, int threshold, int maxInstructions) {
        if (threshold < 0 || maxInstructions < 1) {
            throw new IllegalArgumentException("threshold must be at least 0 and blocks at least 1 instruction long");
        }
        this.runtime = runtime;
        this.threshold = threshold;
        this.maxInstructions = maxInstructions;
    }

    @Override
    public int threshold() {
        return threshold;
    }

    @Override
    public CompiledBlock compile(BlockSource source, int eip) {
        List<Insn> insns = new ArrayList<>();
        List<Integer> eips = new ArrayList<>();
        int at = eip;
        while (insns.size() < maxInstructions) {
            Insn d = source.at(at);
            if (d == null) {
                break;
            }
            insns.add(d);
            eips.add(at);
            at += d.length();
            if (endsBlock(d)) {
                break;
            }
        }
        if (insns.isEmpty()) {
            return null;
        }
        for (int n = insns.size(); n > 0; n = n / 2) {
            byte[] code = BlockEmitter.emit(eip, insns.subList(0, n), eips.subList(0, n));
            if (code.length <= HUGE_METHOD || n == 1) {
                return define(code, insns.subList(0, n));
            }
        }
        return null;
    }

    /** A conditional branch is a side exit; every other transfer or block-ending operation ends it. */
    static boolean endsBlock(Insn d) {
        if (d.op() == Op.JCC) {
            return false;
        }
        return OpInfo.has(d.op(), OpInfo.BRANCH | OpInfo.ENDS_BLOCK);
    }

    private CompiledBlock define(byte[] code, List<Insn> insns) {
        try {
            MethodHandles.Lookup hidden = lookup.defineHiddenClass(code, true);
            MethodHandle constructor = hidden.findConstructor(hidden.lookupClass(),
                    MethodType.methodType(void.class, BlockRuntime.class, Insn[].class));
            CompiledBlock b = (CompiledBlock) constructor.invoke(runtime, insns.toArray(new Insn[0]));
            b.codeBytes = code.length;
            return b;
        } catch (Throwable e) {
            throw new IllegalStateException("the bytecode tier generated a class the JVM refused", e);
        }
    }
}
