package org.j386.emulator.cpu;

import java.util.function.Function;

import org.j386.emulator.memory.PageFault;

/**
 * The run loop: fetch, decode and execute one instruction at a time, or, where the bytecode tier
 * is installed ({@link CodeCache#blockAt}), enter a compiled block at a block entry. The
 * interpreter stays the reference: it runs whenever something needs control at every instruction
 * (a debugger's hook, single-stepping, an interrupt shadow), under a segmented CS, and wherever no
 * block has been compiled.
 *
 * <p><b>Faults.</b> EIP and ESP are saved at each instruction start; instructions are written so
 * that nothing else is committed before their last possible fault. On a fault both are restored
 * and the exception is delivered. A compiled block restores the state of the faulting instruction
 * itself before the fault reaches this loop, and the same delivery follows.
 */
final class Interpreter {
    private final Cpu cpu;
    private final CpuState s;
    private final Executor executor;
    final CodeCache cache;
    final BlockRuntime runtime;
    /** The CS register (the object is fixed; loads change its fields). */
    private final Segment cs;
    /** The lockstep check of compiled blocks (--jit-check), or null. */
    JitCheck check;

    Interpreter(Cpu cpu) {
        this.cpu = cpu;
        this.s = cpu.state;
        this.executor = new Executor(cpu);
        this.cs = s.segs[CpuState.CS];
        this.cache = new CodeCache(s, cpu.mmu);
        this.runtime = new BlockRuntime(s, new Operands(s, cpu.mmu), executor, cache);
    }

    void enableJitCheck(Function<CompiledBlock, String> describer) {
        check = new JitCheck(cpu, executor, cache, describer);
    }

    void flushDecodedCode() {
        cache.flush();
    }

    /** CS was loaded (CodeCache#codeSegmentLoaded). */
    void codeSegmentLoaded() {
        cache.codeSegmentLoaded();
    }

    void run(long budget) {
        final CpuState s = this.s;
        final CodeCache cache = this.cache;
        // Single-stepping goes through the slow path at every boundary, and the first boundary of a
        // run looks at everything: the machine, a debugger or a test may have changed IF or raised
        // a request since the last call.
        s.attention = true;
        // The budget is counted in retired instructions, so that a repeated string instruction
        // may retire several iterations in one dispatch (see StringOps) without overrunning it.
        final long end = s.instructions + budget;
        executor.setInstructionLimit(end);
        // The machine, a debugger or a test may have changed anything since the last call.
        cache.forgetFetchPage();
        boolean compiling = cache.compiler() != null;
        if (compiling || s.trackInstructionEip) {
            runLoop(end, compiling);
        } else {
            interpretLoop(end);
        }
    }

    /**
     * The interpreter tier's loop: {@link #runLoop} without blocks and without tracking each
     * instruction's EIP. A loop of its own because the JVM's optimising compiler allocates registers
     * over the whole loop: the block-entry state that runLoop carries round each instruction
     * (whether one may begin here, whether compiling, whether tracking) was spilled and reloaded
     * round every call of the dispatch. Measured (--cpu interp, alternating runs of the first
     * billion instructions): bench_alu 134.6 MIPS against 129.6, bench_mem 115.4 against 107.7,
     * bench_c 90.1 against 88.3, level with or above the build before the bytecode tier.
     */
    private void interpretLoop(long end) {
        final CpuState s = this.s;
        final CodeCache cache = this.cache;
        int eip = s.eip;
        int esp = s.regs[CpuState.ESP];
        while (s.instructions < end) {
            try {
                while (s.instructions < end) {
                    if (s.attention && attend()) {
                        return;
                    }
                    eip = s.eip;
                    esp = s.regs[CpuState.ESP];
                    Insn d = next(cache, eip);
                    s.instructions++;
                    s.eip = eip + d.length;
                    executor.execute(d);
                }
            } catch (PageFault | CpuFault f) {
                recover(f, eip, esp);
            }
        }
    }

    /**
     * Compiled blocks where there are (when {@code compiling}), the interpreter between them. A
     * block is looked for only where one may begin: after a branch, a block's end or a delivery.
     */
    private void runLoop(long end, boolean compiling) {
        final CpuState s = this.s;
        final CodeCache cache = this.cache;
        final boolean tracking = s.trackInstructionEip;
        boolean blockStart = compiling;
        boolean inBlock = false;
        int eip = s.eip;
        int esp = s.regs[CpuState.ESP];
        while (s.instructions < end) {
            try {
                while (s.instructions < end) {
                    if (s.attention) {
                        if (attend()) {
                            return;
                        }
                        blockStart = compiling;
                    }
                    eip = s.eip;
                    esp = s.regs[CpuState.ESP];
                    if (blockStart && compiledCodeAllowed()) {
                        CompiledBlock b = cache.blockAt(eip);
                        boolean flat = runtime.flatData();
                        if (b != null && b.length <= end - s.instructions && (!b.flatData || flat)) {
                            inBlock = true;
                            boolean ran = runBlocks(b, end, flat);
                            inBlock = false;
                            if (ran) {
                                continue; // (a JIT check's stop, for one, leaves with nothing run)
                            }
                            // The block left before its first instruction, whose memory access the
                            // inline path does not take: that instruction is the interpreter's.
                            eip = s.eip;
                            esp = s.regs[CpuState.ESP];
                        }
                    }
                    if (tracking) {
                        s.instructionEip = eip;
                    }
                    Insn d = next(cache, eip);
                    s.instructions++;
                    s.eip = eip + d.length;
                    executor.execute(d);
                    if (compiling) {
                        blockStart = OpInfo.has(d.op, OpInfo.BRANCH | OpInfo.ENDS_BLOCK);
                    }
                }
            } catch (PageFault | CpuFault f) {
                if (inBlock) {
                    // The block has put back the state at the start of the faulting instruction.
                    inBlock = false;
                    eip = s.eip;
                    esp = s.regs[CpuState.ESP];
                }
                recover(f, eip, esp);
                blockStart = compiling;
            }
        }
    }

    /**
     * Block after block while nothing else needs the loop, from {@code b}. False when the last
     * block left before its first instruction (whose memory access the inline path does not
     * take: that instruction is the interpreter's) and nothing asks for attention; true when the
     * loop goes on from where the blocks left it. A method of its own, small and entered at
     * every stretch of blocks, so that the JVM's optimising compiler takes it early, where the
     * whole run loop, entered once per slice of virtual time, stays in the quick compiler's code
     * for most of a short run.
     */
    private boolean runBlocks(CompiledBlock b, long end, boolean flat) {
        final CpuState s = this.s;
        final CodeCache cache = this.cache;
        final JitCheck check = this.check;
        long before = s.instructions;
        long entries = 0;
        long entered;
        try {
            do {
                entered = s.instructions;
                cache.codeWritten = false;
                long limit = Math.min(end, s.instructions + CompiledBlock.SLICE);
                entries++;
                if (check == null) {
                    b.run(limit);
                } else {
                    check.run(b, limit);
                }
                // The budget first: looking a block up translates its address, which
                // may set an accessed bit or fault for an instruction not yet due.
                if (b.callsOut) {
                    if (!compiledCodeAllowed()) {
                        break;
                    }
                    flat = runtime.flatData();
                }
            } while (s.instructions != entered && !s.attention && s.instructions < end
                    && (b = cache.successor(b, s.eip)) != null
                    && b.length <= end - s.instructions && (!b.flatData || flat));
        } finally {
            // Also when a block faults, having put back the state at the start of the faulting
            // instruction: its entry and its instructions before that one count as compiled code's.
            cache.stats.blockEntries += entries;
            cache.stats.compiledInstructions += s.instructions - before;
        }
        return s.instructions != entered || s.attention;
    }

    /** The decoded instruction at {@code eip}: from the page last fetched from, or through the cache. */
    private Insn next(CodeCache cache, int eip) {
        int linear = cs.base + eip;
        Insn d;
        if ((linear & ~(CodeCache.PAGE_SIZE - 1)) == cache.fetchPageLinear
                && (d = cache.fetchInsns[linear & (CodeCache.PAGE_SIZE - 1)]) != null
                && d.code32 == cache.fetchCode32) {
            return d; // cached for this page under the current CS: size and limit already hold
        }
        return cache.fetch(eip);
    }

    /** A fault at the instruction that began at {@code eip} with {@code esp}: put both back, deliver. */
    private void recover(RuntimeException f, int eip, int esp) {
        s.eip = eip;
        s.regs[CpuState.ESP] = esp;
        cpu.interrupts.fault(f);
    }

    /**
     * Compiled code runs whole blocks: not while anything needs control at every boundary (a
     * debugger's hook, single-stepping, an interrupt shadow), and only under a flat 32-bit CS in
     * protected mode: a real-mode CS may keep a 4 GiB limit and the D bit from protected mode, but
     * the bytecode tier is held to the interpreter on protected-mode code only.
     */
    private boolean compiledCodeAllowed() {
        return !s.attention && cpu.boundaryHook == null && !s.flags.trap() && !s.singleStepPending
                && cs.limit == -1 && (cs.attributes & Segment.DEFAULT_BIG) != 0 && (s.cr0 & CpuState.CR0_PE) != 0;
    }

    /**
     * The slow path at an instruction boundary: stop requests, the single-step trap, the
     * one-instruction interrupt shadow, external interrupts, halt. Returns true when the run loop
     * must return. A delivery from here that faults is escalated by InterruptDelivery itself (the
     * double fault, the triple fault's stop), so no fault reaches the run loop's recovery from here.
     */
    private boolean attend() {
        if (s.stopRequested) {
            return true;
        }
        boolean stop = attendEvents();
        Cpu.BoundaryHook hook = cpu.boundaryHook;
        if (hook != null) {
            // A debugger is watching: stay on this slow path at every boundary, and ask it about
            // the instruction that is about to run (after any delivery moved EIP).
            s.attention = true;
            if (!stop && hook.stopBefore(s.eip)) {
                s.stopRequested = true;
                return true;
            }
        }
        if (!stop && s.flags.trap()) {
            // The instruction about to run begins with TF set: it owes a trap when it completes.
            // Attention stays set, so the next boundary comes back here to deliver it.
            s.singleStepPending = true;
            s.attention = true;
        }
        return stop;
    }

    private boolean attendEvents() {
        // Traps of the previous instruction come before external interrupts; MOV SS and POP SS
        // hold the trap back until the instruction after them has completed too.
        if (s.singleStepPending && !s.trapShadow) {
            s.singleStepPending = false;
            cpu.interrupts.singleStepTrap();
            if (s.stopRequested) {
                return true; // an observer holds the #DB back, or its delivery ended the machine
            }
            // The handler is not in the shadow of an STI the stepped code executed.
            s.interruptShadow = false;
        }
        if (s.interruptShadow) {
            // Let exactly one instruction through; attention stays set to look again after it.
            s.interruptShadow = false;
            s.trapShadow = false;
            return s.halted;
        }
        InterruptController ic = cpu.interruptController();
        boolean pending = ic.pending();
        if (pending && s.flags.interruptsEnabled()) {
            s.halted = false;
            cpu.interrupts.externalInterrupt(ic.acknowledge());
            // Attention stays set: another request may be waiting behind this one.
            return false;
        }
        if (!s.halted) {
            // A request that IF holds back waits for the instruction that sets IF again (STI,
            // POPF, IRET, a task switch), and each of those asks for attention: until then compiled
            // code and whole string runs may go on.
            s.attention = false;
        }
        return s.halted;
    }
}
