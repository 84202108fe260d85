package org.j386.emulator.jit;

import java.lang.invoke.MethodHandles;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;
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
 * <p>A block is a trace from its entry within one page: it goes on past conditional branches
 * (each a side exit, or a jump inside the block when its target is in it), at the target of one
 * that branches back to code the trace does not hold yet (a loop's, most likely taken), and
 * through direct jumps and calls, and ends at any other control transfer, at an operation the
 * table marks as ending a block, where it would leave the page or come back to an instruction it
 * holds, or at {@link #maxInstructions} (or a little before, where the run loop already enters:
 * {@link #endWhereEntered}). Compiled again with the targets seen after its indirect
 * jumps and calls ({@link #compileWithTargets}), it holds further traces from those targets, and
 * may grow to {@link #LONGER_WITH_TARGETS} times as long.
 */
public final class BlockTranslator implements BlockCompiler {
    /** Longest block: keeps each generated method well under the JVM's limit for compiling it. */
    public static final int DEFAULT_MAX_INSTRUCTIONS = 48;
    /**
     * The JVM compiles no method with more bytecode than 8,000 bytes (HugeMethodLimit); blocks are
     * cut to stay below.
     */
    private static final int HUGE_METHOD = 7900;
    /**
     * A block compiled again with the targets of its indirect transfers may be this many times
     * longer: its targets' traces hold the handlers of a dispatch loop, or the functions a loop
     * calls through pointers, which all together make the loop.
     */
    private static final int LONGER_WITH_TARGETS = 2;

    /**
     * How many instructions a trace that reached its length may give back so that the block ends
     * where the run loop already goes ({@link #endWhereEntered}).
     */
    private static final int MOST_GIVEN_BACK = 16;

    private final BlockRuntime runtime;
    private final int threshold;
    private final int maxInstructions;
    private final MethodHandles.Lookup lookup = MethodHandles.lookup();
    /** Whether each block keeps its instructions and class file ({@link CompiledBlock#listing}). */
    private boolean keepListings;
    /** Whether blocks add their inline accesses to the MMU's TLB hits ({@link #leaveTlbHitsUncounted}). */
    private boolean countTlbHits = true;

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

    /** Makes every block compiled from now on keep its listing, for the JIT check's diagnostics. */
    public BlockTranslator keepListings() {
        this.keepListings = true;
        return this;
    }

    /**
     * Makes every block compiled from now on leave its inline accesses out of the MMU's TLB hits,
     * for a machine whose count no one reads: counting costs the hot loops a value carried round
     * them (3-4% of the compiled-C benchmark's time).
     */
    public BlockTranslator leaveTlbHitsUncounted() {
        this.countTlbHits = false;
        return this;
    }

    @Override
    public int threshold() {
        return threshold;
    }

    @Override
    public CompiledBlock compile(BlockSource source, int eip) {
        return compile(source, eip, at -> null);
    }

    @Override
    public CompiledBlock compileWithTargets(BlockSource source, int eip, IntFunction<int[]> targetsSeen) {
        return compile(source, eip, targetsSeen);
    }

    private CompiledBlock compile(BlockSource source, int eip, IntFunction<int[]> targetsSeen) {
        List<Insn> insns = new ArrayList<>();
        List<Integer> eips = new ArrayList<>();
        // Where each trace starts in the block, and the return address its calls stack starts with
        // (that of the indirect call whose target it is), or -1.
        Map<Integer, Integer> segmentStarts = new HashMap<>();
        Set<Integer> included = new HashSet<>();
        Deque<Integer> branchTargets = new ArrayDeque<>();
        branchTargets.add(eip);
        // Where the loops traced are left: traced last, as each runs once per loop.
        Deque<Integer> loopExits = new ArrayDeque<>();
        // Targets seen after an indirect transfer, each with the return address for a call's.
        Deque<int[]> seenTargets = new ArrayDeque<>();
        Map<Integer, int[]> indirectTargets = new HashMap<>();
        List<Integer> tracesAtTargetsSeen = new ArrayList<>();
        // Traces: each goes straight on past conditional branches, and on at the target of direct
        // jumps and calls that stay in the page, and stops where it would come back to an
        // instruction the block has. The first starts at the entry; the next ones at the targets
        // seen after its indirect transfers (they ran, where the branches' targets may never), then
        // at the targets of the conditional branches seen, so both ways of a branch can stay inside,
        // and last where the loops it went round are left.
        int most = maxInstructions;
        // Where the last trace starts in the block, and where it would have gone on.
        int lastTraceStart = 0;
        int next = -1;
        while (insns.size() < most && !(branchTargets.isEmpty() && seenTargets.isEmpty() && loopExits.isEmpty())) {
            boolean seen = !seenTargets.isEmpty();
            int[] start = seen ? seenTargets.poll()
                    : new int[] {!branchTargets.isEmpty() ? branchTargets.poll() : loopExits.poll(), -1};
            int at = start[0];
            if (included.contains(at) || source.at(at) == null) {
                continue;
            }
            segmentStarts.put(insns.size(), start[1]);
            lastTraceStart = insns.size();
            if (seen) {
                tracesAtTargetsSeen.add(at);
                most = maxInstructions * LONGER_WITH_TARGETS;
            }
            Deque<Integer> calls = new ArrayDeque<>();
            if (start[1] >= 0) {
                calls.push(start[1]);
            }
            while (insns.size() < most && !included.contains(at)) {
                Insn d = source.at(at);
                if (d == null) {
                    break;
                }
                insns.add(d);
                eips.add(at);
                included.add(at);
                if (d.op() == Op.JCC) {
                    int target = BlockEmitter.branchTarget(d, at);
                    if (Integer.compareUnsigned(target, at) <= 0 && !included.contains(target)
                            && source.at(target) != null) {
                        // A branch back is most likely a loop's, and taken: the trace goes on around
                        // the loop, and the way out of it is traced later.
                        loopExits.add(at + d.length());
                        at = target;
                        continue;
                    }
                    branchTargets.add(target);
                }
                if (d.op() == Op.CALL_REL) {
                    calls.push(at + d.length());
                }
                if (d.op() == Op.JMP_REL || d.op() == Op.CALL_REL) {
                    at = BlockEmitter.branchTarget(d, at);
                    continue;
                }
                if (d.op() == Op.RET && !calls.isEmpty()) {
                    at = calls.pop(); // on at the return address, as a return stack predicts
                    continue;
                }
                if (BlockEmitter.leavesIndirectly(d)) {
                    // Where it goes is known only when it runs: on at the targets seen, if any.
                    // (Not for returns: a trace already goes on at those of the calls it follows.)
                    int[] targets = targetsSeen.apply(at);
                    indirectTargets.put(at, targets == null ? new int[0] : targets);
                    int returnAddress = d.op() == Op.CALL_RM ? at + d.length() : -1;
                    for (int target : indirectTargets.get(at)) {
                        seenTargets.add(new int[] {target, returnAddress});
                    }
                }
                at += d.length();
                if (endsBlock(d)) {
                    break;
                }
            }
            next = at;
        }
        if (insns.isEmpty()) {
            return null;
        }
        if (insns.size() >= most) {
            endWhereEntered(source, insns, eips, lastTraceStart, next, included);
        }
        // Compiled for the data segments as they are now: flat ones (the usual case) skip their checks.
        boolean flatData = runtime.flatData();
        BlockEmitter.InlineMemory memory = new BlockEmitter.InlineMemory(runtime.inlineStoresTestFrames(),
                runtime.ramIndexMask(), runtime.inlineReadNeed(), runtime.inlineWriteNeed(), countTlbHits);
        for (int n = insns.size(); n > 0; n = n / 2) {
            BlockEmitter.Generated code = BlockEmitter.emit(eip, insns.subList(0, n), eips.subList(0, n), segmentStarts,
                    indirectTargets, flatData, memory, keepListings);
            if (code.codeLength() <= HUGE_METHOD || n == 1) {
                CompiledBlock b = define(code, insns.subList(0, n), eips.subList(0, n), flatData);
                b.inlineReadNeed = memory.readNeed();
                b.inlineWriteNeed = memory.writeNeed();
                List<Integer> kept = eips.subList(0, n);
                b.indirectExits = kept.stream().filter(indirectTargets::containsKey).mapToInt(Integer::intValue).toArray();
                b.targetsCompiledIn = tracesAtTargetsSeen.stream().filter(kept::contains).mapToInt(Integer::intValue)
                        .toArray();
                return b;
            }
        }
        return null;
    }

    /**
     * A trace cut off at the block's length leaves it at whatever instruction came next, and the
     * run loop, entering there from then on, soon compiles a block of its own from that place: one
     * more copy of the code after it, warmed up by the JVM once more (in the compiled-C bench
     * kernel, a block that followed a call into a function for one instruction made the function's
     * second instruction an entry, and a copy of the function). Where the place {@code next} the
     * trace stopped before is neither in the block nor entered by the run loop, the last trace
     * gives back its instructions after the latest place the run loop does enter, if that is near
     * the end.
     */
    private static void endWhereEntered(BlockSource source, List<Insn> insns, List<Integer> eips,
            int lastTraceStart, int next, Set<Integer> included) {
        if (included.contains(next) || source.entered(next)) {
            return;
        }
        for (int c = insns.size() - 1; c > lastTraceStart && c >= insns.size() - MOST_GIVEN_BACK; c--) {
            if (source.entered(eips.get(c))) {
                insns.subList(c, insns.size()).clear();
                eips.subList(c, eips.size()).clear();
                return;
            }
        }
    }

    /** Direct branches and calls are generated inline; every other transfer or block-ending operation ends a block. */
    static boolean endsBlock(Insn d) {
        if (d.op() == Op.JCC || d.op() == Op.JMP_REL || d.op() == Op.CALL_REL) {
            return false;
        }
        return OpInfo.has(d.op(), OpInfo.BRANCH | OpInfo.ENDS_BLOCK);
    }

    /**
     * The EIPs between each loop head of the block and the jump back to it (or the fall-through
     * back to it), without the block's entry and the heads themselves: a loop is run from its head
     * ({@link CompiledBlock#loopInterior}).
     */
    static int[] loopInterior(List<Insn> insns, List<Integer> eips) {
        int n = insns.size();
        Map<Integer, Integer> indexOf = BlockEmitter.positions(eips);
        boolean[] head = new boolean[n];
        head[0] = true;
        BitSet interior = new BitSet(n);
        for (int j = 0; j < n; j++) {
            Insn d = insns.get(j);
            int eip = eips.get(j);
            int next = eip + d.length();
            int[] successors;
            if (d.op() == Op.JCC) {
                successors = new int[] {BlockEmitter.branchTarget(d, eip), next};
            } else if (d.op() == Op.JMP_REL || d.op() == Op.CALL_REL) {
                successors = new int[] {BlockEmitter.branchTarget(d, eip)};
            } else if (!OpInfo.has(d.op(), OpInfo.BRANCH | OpInfo.ENDS_BLOCK)) {
                successors = new int[] {next};
            } else {
                continue; // a return or a transfer the block leaves by
            }
            for (int successor : successors) {
                Integer at = indexOf.get(successor);
                if (at != null && at <= j) {
                    head[at] = true;
                    interior.set(at + 1, j + 1);
                }
            }
        }
        int[] found = new int[interior.cardinality()];
        int count = 0;
        for (int i = interior.nextSetBit(0); i >= 0; i = interior.nextSetBit(i + 1)) {
            if (!head[i]) {
                found[count++] = eips.get(i);
            }
        }
        return Arrays.copyOf(found, count);
    }

    /**
     * Calls of a new block that return at once ({@link CompiledBlock#PRIMING}): twice the entries
     * after which the JVM queues a block's method for its quick compiler (the launcher scales the
     * JVM's 200 by 0.1 for blocks), so that it is queued as it is defined, not after its first
     * entries have run in the JVM's interpreter; the JVM's compilers also take first what was
     * entered at the highest rate. Measured: the guest kernel's page-table test 0.247 s against
     * 0.252 s (24 alternating runs), the default run 0.307 s against 0.312 s, bench_c 1.500 s
     * against 1.511 s.
     */
    private static final int PRIMING_CALLS = 40;

    private static void prime(CompiledBlock b) {
        for (int i = 0; i < PRIMING_CALLS; i++) {
            b.run(CompiledBlock.PRIMING);
        }
    }

    private CompiledBlock define(BlockEmitter.Generated generated, List<Insn> insns, List<Integer> eips,
            boolean flatData) {
        byte[] code = generated.classFile();
        try {
            int[] entries = runtime.inlineEntries();
            // Defined initialized: the class makes its instance and hands it to the runtime.
            lookup.defineHiddenClassWithClassData(code, BlockEmitter.classData(runtime, entries, insns.toArray(new Insn[0])),
                    true);
            CompiledBlock b = runtime.takeHandedOff();
            prime(b);
            b.codeBytes = code.length;
            b.inlineEntries = entries;
            b.flatData = flatData;
            b.callsOut = generated.callsOut();
            b.loopInterior = loopInterior(insns, eips);
            if (keepListings) {
                b.listing = new CompiledBlock.Listing(eips.stream().mapToInt(Integer::intValue).toArray(),
                        insns.toArray(new Insn[0]), code);
            }
            return b;
        } catch (Throwable e) {
            throw new IllegalStateException("the bytecode tier generated a class the JVM refused", e);
        }
    }
}
