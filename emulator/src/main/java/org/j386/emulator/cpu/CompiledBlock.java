package org.j386.emulator.cpu;

/**
 * A straight run of guest instructions compiled by a {@link BlockCompiler}, entered at one EIP of
 * one physical page under a flat 32-bit code segment.
 *
 * <p>The contract with the run loop: {@link #run} is called only when the block's longest path
 * fits the instruction budget and nothing needs per-instruction control. It leaves EIP and the
 * instruction count exactly as the interpreter would have after the instructions it ran. An
 * exception leaves the state of the start of the faulting instruction, with that instruction
 * counted, and propagates to the run loop, which delivers it as it delivers the interpreter's.
 */
public abstract class CompiledBlock {
    /**
     * The most instructions the run loop lets a block run before it must come back at one of its
     * loops' back edges (its budget check there leaves at the loop head, exactly, and the loop
     * enters the block again). Each return counts an entry of the block's method, and the JVM
     * compiles a method whole once it has enough entries: without them a loop that runs for a
     * whole timer tick gets its compiled code by on-stack replacement first, a costlier
     * compilation that the JVM follows with the whole one anyway, on the core the run needs
     * (README, Figures: the slices). Three thousand instructions get a new looping block to C2's
     * code sooner than ten thousand did (the compiled-C bench kernel 4-7% faster), at a cost of 2% in
     * bench_mem's single loop, which returns more often for nothing.
     */
    public static final int SLICE = 3_000;
    /** The EIP the block was compiled for (a physical page may be reached at several). */
    public final int eip;
    /** The most instructions one entry can retire: the run loop's budget check. */
    public final int length;
    /**
     * The block was compiled for flat DS, ES and SS ({@link BlockRuntime#flatData}): it may be
     * entered only while they are. Segment loads end blocks, so they stay so while it runs.
     */
    public boolean flatData;
    /**
     * The block calls the interpreter's implementation of some operation, which may change what
     * the run loop checks before it enters a block (CS, CR0, TF, the data segments). A block that
     * does not can change none of them (its own code only moves registers, arithmetic flags, EIP
     * and memory through the inline path), so the loop goes on to the next block without checking.
     */
    public boolean callsOut = true;
    /**
     * The table of pages ({@code Mmu.inlineEntries}: the TLB, or with paging off the identity
     * table) the block's inline accesses were compiled to read: the code cache hands out the block
     * only while the MMU's is the same, and compiles it again when it is not. Null: the block
     * reads none.
     */
    public int[] inlineEntries;
    /**
     * The bits its inline accesses need in a page's entry to go inline (Mmu#inlineReadNeed and
     * #inlineWriteNeed, which depend on the privilege level): constants of its code, so the block
     * too is handed out only while the MMU's are the same. Changing them cuts every link.
     */
    public int inlineReadNeed, inlineWriteNeed;
    /** Size of the generated code in bytes, for the cache's bound and the statistics. */
    public int codeBytes;
    /**
     * The EIPs inside the block's loops, their heads left out. Execution enters at one of them
     * mostly from outside the block (an interrupt's or a fault's return into the loop): the code
     * cache then lets the interpreter run on to the next branch, which soon reaches a loop head,
     * rather than compiling another copy of the loop for that entry, which the JVM would have to
     * warm up and compile again, all for the same hot loop; only an entry as frequent as a call's
     * return gets its block.
     */
    public int[] loopInterior = new int[0];
    /**
     * The EIPs of the block's indirect jumps and calls: once the run loop has seen where they go,
     * the code cache has the block compiled again with those targets in
     * ({@link BlockCompiler#compileWithTargets}). With only one, every exit to a new successor is
     * taken as its target's (side exits' targets too: they are hot all the same). Returns are left
     * out: a trace already goes on at those of the calls it follows.
     */
    public int[] indirectExits = new int[0];
    /** The targets of indirect transfers that begin a trace of the block (compiled in). */
    public int[] targetsCompiledIn = new int[0];
    /**
     * Compiled again with its targets already, found to have no better block, or compiled into
     * another block that was: such a block is entered only when that one leaves by a target not
     * seen before, and a copy of its own would only give the JVM's compilers more to do.
     */
    boolean retraced;
    /** The code page the block is filed under. */
    CodeCache.CodePage home;
    /** Counts the block's exits through the run loop down to its compilation with its targets. */
    int exitsBeforeRetrace = CodeCache.RETRACE_AFTER_EXITS;
    /**
     * What the block was made from, kept only when the translator is asked to (--jit-check): for
     * deciding whether the block can be run twice, and for the diagnostic when it goes wrong.
     */
    public Listing listing;
    /**
     * The two blocks last entered right after this one (its successor slots), valid while the
     * code cache's {@code linkGeneration} is {@link #linkGeneration}: the run loop follows them
     * instead of translating EIP and looking the block up again.
     */
    CompiledBlock link0, link1;
    /** Successors pushed out of the two slots, by EIP; null until the first is. */
    CompiledBlock[] moreLinks;
    long linkGeneration = -1;

    /** The guest instructions of a block, in block order with their EIPs, and its class file. */
    public record Listing(int[] eips, Insn[] insns, byte[] classFile) {
    }

    protected CompiledBlock(int eip, int length) {
        this.eip = eip;
        this.length = length;
    }

    /**
     * Runs from {@link #eip}; a block that loops back to its own start keeps looping while the
     * next round fits before {@code limit} (a value of {@link CpuState#instructions}) and nothing
     * asks for attention. A negative limit ({@link #PRIMING}) returns at once and changes nothing:
     * the translator's calls that have the JVM queue a new block for compiling.
     */
    public abstract void run(long limit);

    /** The limit of a call of {@link #run} that returns at once (instruction counts are never negative). */
    public static final long PRIMING = -1;
}
