package org.j386.emulator.cpu;

import java.util.function.Function;

import org.j386.emulator.memory.Mmu;
import org.j386.emulator.memory.PortBus;

/**
 * The processor: architectural state plus the units that act on it. The interpreter executes
 * ordinary instructions; segmentation, interrupt delivery and privileged instructions live in
 * their own units, which the interpreter calls.
 */
public final class Cpu {
    /** Why the CPU stopped for good. */
    public enum Stop {
        NONE, TRIPLE_FAULT, HALTED_WITH_INTERRUPTS_DISABLED,
        /** Something j386 does not emulate; nothing stops for it today (exit status 8 stays reserved). */
        UNSUPPORTED,
        /** {@code --jit-check}: a compiled block and the interpreter disagreed ({@link #jitCheckReport()}). */
        JIT_MISMATCH
    }

    /** Observes exceptions and interrupts as they are delivered (statistics, tracing, debugger). */
    public interface EventObserver {
        /** A processor exception is about to be delivered; {@code eip} is the faulting instruction's. */
        default void exception(int vector, int errorCode, boolean hasErrorCode, int eip, int cr2) {
        }

        /** A hardware interrupt or INT n is about to be delivered. */
        default void interrupt(int vector, boolean external, int eip) {
        }

        /**
         * Asked before an exception is delivered: true keeps it undelivered and stops the run loop at
         * the faulting instruction, until {@link InterruptDelivery#deliverHeldException()} (a debugger's
         * {@code catch exception}).
         */
        default boolean holdException(int vector, int errorCode, boolean hasErrorCode) {
            return false;
        }
    }

    /**
     * Consulted at every instruction boundary while installed (a debugger with breakpoints,
     * watchpoints or tracing). Without one the run loop pays nothing.
     */
    public interface BoundaryHook {
        /** True stops the run loop before the instruction at {@code eip} executes. */
        boolean stopBefore(int eip);
    }

    public final CpuState state = new CpuState();
    public final Mmu mmu;
    public final PortBus ports;
    public final Segmentation segmentation;
    public final InterruptDelivery interrupts;
    public final SystemInstructions system;
    final TaskSwitch tasks;
    private final Interpreter interpreter;
    InterruptController interruptController = InterruptController.NONE;
    EventObserver observer = new EventObserver() { };
    BoundaryHook boundaryHook;
    Stop stop = Stop.NONE;
    String stopDetail = "";

    public Cpu(Mmu mmu, PortBus ports) {
        this.mmu = mmu;
        this.ports = ports;
        this.segmentation = new Segmentation(this);
        this.interrupts = new InterruptDelivery(this);
        this.system = new SystemInstructions(this);
        this.tasks = new TaskSwitch(this);
        this.interpreter = new Interpreter(this);
    }

    /**
     * Installs the bytecode tier (or with null removes it): hot blocks are compiled by {@code
     * compiler} and kept up to {@code codeCacheBytes} bytes of generated code.
     */
    public void setBlockCompiler(BlockCompiler compiler, long codeCacheBytes) {
        interpreter.cache.setCompiler(compiler, codeCacheBytes);
    }

    /**
     * Runs every compiled block entered from now on twice, compiled and interpreted, and stops at
     * the first difference ({@link Stop#JIT_MISMATCH}); {@code describer} renders a block's guest
     * code and bytecode for the report. For developing the bytecode tier: much slower.
     */
    public void enableJitCheck(Function<CompiledBlock, String> describer) {
        interpreter.enableJitCheck(describer);
    }

    /** The JIT check's report of the difference that stopped the CPU; empty when there is none. */
    public String jitCheckReport() {
        return interpreter.check == null ? "" : interpreter.check.report;
    }

    /** Block entries the JIT check compared, and those it ran unchecked (not replayable): {checked, unchecked}. */
    public long[] jitCheckCounts() {
        JitCheck c = interpreter.check;
        return c == null ? new long[2] : new long[] {c.checkedRuns, c.uncheckedRuns};
    }

    /** What compiled blocks call back into: operand access, flags, the interpreter's operations. */
    public BlockRuntime blockRuntime() {
        return interpreter.runtime;
    }

    public JitStatistics jitStatistics() {
        return interpreter.cache.stats;
    }

    public void setInterruptController(InterruptController controller) {
        this.interruptController = controller;
    }

    public InterruptController interruptController() {
        return interruptController;
    }

    public void setEventObserver(EventObserver observer) {
        this.observer = observer;
    }

    public EventObserver eventObserver() {
        return observer;
    }

    /** Installs (or with null removes) the per-instruction hook; see {@link BoundaryHook}. */
    public void setBoundaryHook(BoundaryHook hook) {
        this.boundaryHook = hook;
        state.attention = true;
    }

    /**
     * Executes up to {@code budget} instructions. Returns early when the CPU halts, stops for good
     * ({@link #stop()}), or {@link CpuState#stopRequested} is set.
     */
    public void run(long budget) {
        interpreter.run(budget);
    }

    public Stop stop() {
        return stop;
    }

    /** One line explaining {@link #stop()}. */
    public String stopDetail() {
        return stopDetail;
    }

    void stopFor(Stop why, String detail) {
        stop = why;
        stopDetail = detail;
        stopAtNextBoundary();
    }

    /**
     * Makes the current {@link #run} return at the next instruction boundary, so that its caller
     * looks at what changed (a device event, an exit, a pause). Safe to call from any thread.
     */
    public void stopAtNextBoundary() {
        state.stopRequested = true;
        state.attention = true;
    }

    /** Changes the current privilege level; ordinary memory accesses are user accesses at CPL 3. */
    public void setCpl(int cpl) {
        state.cpl = cpl;
        mmu.setUserMode(cpl == 3);
    }

    /** CS was loaded: the interpreter's view of the code segment must be refreshed. */
    void codeSegmentLoaded() {
        interpreter.codeSegmentLoaded();
    }

    /** Drops decoded instructions and compiled blocks (after the loader wrote code, or a snapshot was put back). */
    public void flushDecodedCode() {
        interpreter.flushDecodedCode();
    }

    /**
     * Drops what is kept of the frame holding {@code physical}, before a debugger writes there:
     * the statistics then count the blocks dropped as the debugger's, not as the guest's.
     */
    public void flushDecodedCode(long physical) {
        interpreter.cache.flush((int) (physical >>> 12));
    }

    /**
     * Takes the processor state of {@code other}, a CPU of a machine with the same configuration
     * whose memory this one's already holds: registers, delivery state, why it stopped. Decoded
     * and compiled code is dropped, to be made again from the memory as it is now.
     */
    public void copyStateFrom(Cpu other) {
        restore(other.save());
    }

    /** The processor state as {@link #restore} takes it back (the debugger's snapshots keep it). */
    public static final class Saved {
        private final CpuState state = new CpuState();
        private InterruptDelivery.Saved interrupts;
        private Stop stop;
        private String stopDetail;

        private Saved() {
        }
    }

    public Saved save() {
        Saved saved = new Saved();
        saved.state.copyStateFrom(state);
        saved.interrupts = interrupts.save();
        saved.stop = stop;
        saved.stopDetail = stopDetail;
        return saved;
    }

    /** Takes back a {@link #save}d state; decoded and compiled code is dropped, to be made again from memory. */
    public void restore(Saved saved) {
        state.copyStateFrom(saved.state);
        interrupts.restore(saved.interrupts);
        stop = saved.stop;
        stopDetail = saved.stopDetail;
        flushDecodedCode();
    }
}
