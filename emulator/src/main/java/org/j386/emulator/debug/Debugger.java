package org.j386.emulator.debug;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import org.j386.emulator.cpu.Cpu;
import org.j386.emulator.cpu.CpuState;
import org.j386.emulator.cpu.Segment;
import org.j386.emulator.cpu.Vectors;
import org.j386.emulator.machine.Machine;
import org.j386.emulator.machine.RunResult;
import org.j386.emulator.memory.Mmu;
import org.j386.emulator.report.ReportCollector;
import org.j386.guest.reference.PoolSnapshot;
import org.j386.tools.image.SymbolTable;

/**
 * Run control over a {@link Machine}: continue, step, next, until, finish; breakpoints,
 * watchpoints and caught exceptions. The console and the gdb stub both drive the machine through
 * this class, on one thread at a time; {@link #interrupt()} may be called from any thread.
 */
public final class Debugger implements Expression.Context {
    private final Machine machine;
    private final java.util.concurrent.atomic.AtomicLong interrupts = new java.util.concurrent.atomic.AtomicLong();
    private final Cpu cpu;
    private final CpuState s;
    private final GuestMemory memory;
    private final SymbolTable symbols;
    private final Disassembly disassembly;
    /** Addresses at or above this lie past every symbol: no name+offset for them. */

    private final List<Breakpoint> breakpoints = new ArrayList<>();
    private final List<Watchpoint> watchpoints = new ArrayList<>();
    private final BitSet caught = new BitSet(256);
    private int nextBreakpointId = 1;
    private PrintWriter trace;
    private Supplier<PoolSnapshot> referencePools;
    private Supplier<String> referenceCaveat;
    private ReportCollector reportHistory;
    private TimeTravel timeTravel;
    private OutputGate outputGate;

    // ---- bookkeeping of the current run, written by the hooks ----
    private Stop pending;
    private Watchpoint watchHit;
    private long watchAt;
    private boolean watchWrite;
    private int watchInsn;
    /** Where the last stop left EIP and the instruction count: a breakpoint there is not hit again at once. */
    private int stoppedEip = -1;
    private long stoppedInstructions = -1;
    /** EIP at the boundary before the current instruction (REP iterations repeat it). */
    private int boundaryEip;
    private int previousBoundaryEip;
    /** A target of next/until/finish, or -1; reached when EIP equals it and ESP is above {@link #runToEspAbove}. */
    private long runTo = -1;
    private long runToEspAbove = -1;
    private String runToHeadline = "";
    /** During finish: ESP when it began (the function's return pops from at or above it), or -1. */
    private long finishEspAtLeast = -1;
    private int finishCpl;
    /** During finish: where return addresses were pushed since it began (theirs are nested returns). */
    private final java.util.Set<Long> pushedSlots = new java.util.HashSet<>();
    /** During finish: the slot the return instruction now executing pops from, or -1. */
    private long returnSlot = -1;

    private final InterruptFrames interruptFrames;
    private boolean watcherInstalled;
    private final Cpu.BoundaryHook hook = this::stopBefore;
    private final Mmu.AccessObserver watcher = new Mmu.AccessObserver() {
        @Override
        public boolean watches(int linearPage, int physicalFrame) {
            return watchesPage(linearPage, physicalFrame);
        }

        @Override
        public void access(int linear, int physical, boolean write) {
            accessed(linear, physical, write);
        }
    };

    public Debugger(Machine machine) {
        this.machine = machine;
        this.cpu = machine.cpu();
        this.s = cpu.state;
        this.memory = new GuestMemory(cpu);
        this.interruptFrames = new InterruptFrames(s, memory);
        this.symbols = machine.kernel() == null ? SymbolTable.empty() : machine.kernel().symbols();
        this.disassembly = new Disassembly(address -> symbolName(address).orElse(null));
        Cpu.EventObserver previous = cpu.eventObserver();
        cpu.setEventObserver(new Cpu.EventObserver() {
            @Override
            public void exception(int vector, int errorCode, boolean hasErrorCode, int eip, int cr2) {
                delivering(interruptFrames.delivering(vector, false, eip));
                previous.exception(vector, errorCode, hasErrorCode, eip, cr2);
            }

            @Override
            public void interrupt(int vector, boolean external, int eip) {
                delivering(interruptFrames.delivering(vector, external, eip));
                previous.interrupt(vector, external, eip);
            }

            @Override
            public boolean holdException(int vector, int errorCode, boolean hasErrorCode) {
                return catchException(vector, errorCode, hasErrorCode)
                        || previous.holdException(vector, errorCode, hasErrorCode);
            }
        });
    }

    /**
     * Lets {@code last-write} and {@code history} replay the run: {@code replica} boots a silent
     * machine as this one was booted.
     */
    public void enableReplay(Supplier<Machine> replica) {
        this.timeTravel = new TimeTravel(replica);
    }

    /** The memory snapshots may take unless told otherwise ({@code --record-limit}). */
    public static final long DEFAULT_RECORD_LIMIT = Recording.DEFAULT_LIMIT;

    /**
     * Keeps snapshots of the machine while it runs, within {@code limitBytes}, so that going back
     * replays from the newest one before the instruction wanted instead of from boot. Needs
     * {@link #enableReplay} first.
     */
    public void enableRecording(long limitBytes) {
        if (timeTravel == null) {
            throw new IllegalStateException("recording without a replica to restore snapshots into");
        }
        timeTravel.useSnapshots(new Recording(machine, limitBytes));
    }

    /** The replays of this session, or null when it cannot replay. */
    TimeTravel timeTravel() {
        return timeTravel;
    }

    /** What the recording holds (for {@code info record}). */
    public String recordingSummary() {
        Recording r = timeTravel == null ? null : timeTravel.recording();
        if (r == null) {
            return timeTravel == null ? "not recording: this session cannot go back"
                    : "not recording: going back replays the run from boot";
        }
        return r.describe();
    }

    /**
     * The debugger changed a register or memory (gdb's G, P, M, or a resume at another address):
     * the run from here differs from the recorded one, whose later snapshots are dropped.
     */
    public void changedByUser() {
        Recording r = timeTravel == null ? null : timeTravel.recording();
        if (r != null) {
            r.forgetFrom(s.instructions);
        }
    }

    /**
     * Keeps the guest's output from being written twice after going back: {@code gate} must be
     * what the machine's outputs were built behind.
     */
    public void gateOutput(OutputGate gate) {
        this.outputGate = gate;
        gate.follow(() -> s.instructions);
    }

    // ---- going back ----

    /** Whether this session can replay the run, and so go back. */
    public boolean canGoBack() {
        return timeTravel != null;
    }

    private void needReplay() throws DebugException {
        if (timeTravel == null) {
            throw new DebugException("this session cannot replay the run (j386 debug can)");
        }
    }

    /**
     * Moves to instruction {@code target}: forward by running (stopping early at breakpoints and
     * watchpoints, as {@code step} does), backward by replaying the run up to it.
     */
    public Stop goTo(long target) throws DebugException {
        long now = s.instructions;
        if (target > now) {
            return step(target - now);
        }
        needReplay();
        // A run that ended (a triple fault) ended inside an instruction that never retired: going
        // to its count means going back to before that instruction's fault was delivered.
        boolean back = target < now || ended();
        try {
            if (back && !timeTravel.rewind(machine, target)) {
                throw new DebugException("the replay ended before instruction " + target);
            }
        } catch (OutOfMemoryError e) {
            throw tooLargeToReplay();
        }
        pending = null;
        pushedSlots.clear();
        return afterStop(Stop.simple(Stop.Kind.STEP, "Went back to instruction " + target + " at " + location(s.eip)));
    }

    /**
     * Back to just before the CALL that entered the current function (the stack pointer says
     * which calls are still open, as for {@code finish}).
     */
    public Stop reverseFinish() throws DebugException {
        CallHistory.Call call = callsNow().current();
        if (call == null) {
            throw new DebugException("no call is open here: the stack shows no CALL that has not returned");
        }
        Stop back = goTo(call.after() - 1);
        return afterStop(Stop.simple(Stop.Kind.STEP, "Back at the call of the current function: " + back.headline()));
    }

    /** Back one instruction, or over a whole call when that instruction was its return. */
    public Stop reverseNext() throws DebugException {
        if (s.instructions == 0) {
            return goTo(0);
        }
        CallHistory.Call returned = callsNow().justReturnedFrom();
        return goTo(returned == null ? s.instructions - 1 : returned.after() - 1);
    }

    private CallHistory callsNow() throws DebugException {
        needReplay();
        try {
            return CallHistory.replay(timeTravel.fresh(), s.instructions);
        } catch (OutOfMemoryError e) {
            throw tooLargeToReplay();
        }
    }

    /** Back {@code count} instructions (to the start at most). */
    public Stop reverseStep(long count) throws DebugException {
        return goTo(Math.max(0, s.instructions - count));
    }

    /**
     * Back to the last stop before this instruction that continuing from the start would have
     * made: a breakpoint, watchpoint or caught exception (none: the start). The replay runs in a
     * second machine with the same breakpoints, watchpoints and catches.
     */
    public Stop reverseContinue() throws DebugException {
        needReplay();
        long now = s.instructions;
        Machine r;
        try {
            r = timeTravel.fresh();
        } catch (OutOfMemoryError e) {
            throw tooLargeToReplay();
        }
        Debugger scout = new Debugger(r);
        for (Breakpoint b : breakpoints) {
            if (b.enabled) {
                scout.addBreakpoint(b.address, b.physical, b.spec, false, b.condition);
            }
        }
        for (Watchpoint w : watchpoints) {
            if (w.enabled) {
                scout.addWatchpoint(w.address, w.length, w.physical, w.kind, w.spec);
            }
        }
        scout.catchVectors(caught, true);
        long last = -1;
        String headline = null;
        while (true) {
            Stop st = scout.continueRun();
            long at = r.cpu().state.instructions;
            // A stop at this very count lies before here only when the run ended inside its instruction.
            if (st.kind() == Stop.Kind.ENDED || at > now || at == now && !ended()) {
                break;
            }
            last = r.cpu().state.instructions;
            headline = st.headline();
        }
        if (last < 0) {
            Stop back = goTo(0);
            return Stop.simple(Stop.Kind.STEP, "No stop before instruction " + now + ": " + back.headline());
        }
        goTo(last);
        return afterStop(Stop.simple(Stop.Kind.STEP, headline + "  (back at instruction " + last + ")"));
    }

    /** The writes to the dword at {@code address} since the start; null when no replay is possible. */
    WriteHistory.Result writesTo(int address, boolean physical) throws DebugException {
        try {
            return timeTravel == null ? null : WriteHistory.writes(timeTravel.fresh(), machine, address, physical);
        } catch (OutOfMemoryError e) {
            throw tooLargeToReplay();
        }
    }

    /** A replay needs a second machine as large as this one, which the JVM may not have room for. */
    private DebugException tooLargeToReplay() {
        return new DebugException("not enough memory for a replay: it needs a second machine of "
                + (machine.ram().size() >> 20) + " MiB (give the JVM more with -Xmx, or the guest less with -m)");
    }

    /**
     * Has {@code pools} compare the guest's pools with a reference's: {@code pools} gives the
     * reference's now, {@code caveat} why they may rightly differ now (null: they should agree).
     */
    public void comparePoolsWith(Supplier<PoolSnapshot> pools, Supplier<String> caveat) {
        this.referencePools = pools;
        this.referenceCaveat = caveat;
    }

    /** The history the console's {@code report} draws (null: none was kept, the page shows the present only). */
    public void keepReportHistory(ReportCollector history) {
        this.reportHistory = history;
    }

    ReportCollector reportHistory() {
        return reportHistory;
    }

    /** The reference's pools now, or null when {@code pools} has nothing to compare with. */
    PoolSnapshot referencePools() {
        return referencePools == null ? null : referencePools.get();
    }

    String referenceCaveat() {
        return referenceCaveat == null ? null : referenceCaveat.get();
    }

    public Machine machine() {
        return machine;
    }

    public GuestMemory memory() {
        return memory;
    }

    public Disassembly disassembly() {
        return disassembly;
    }

    @Override
    public CpuState state() {
        return s;
    }

    /** The interrupt and exception frames delivered while this debugger watched. */
    InterruptFrames interruptFrames() {
        return interruptFrames;
    }

    @Override
    public SymbolTable symbols() {
        return symbols;
    }

    @Override
    public Long readLinear32(long linear) {
        return memory.readValue(linear, false, 4);
    }

    /** " <name+0x12>" for an address inside a symbol, else "". */
    public String symbolSuffix(long address) {
        return symbolName(address).map(n -> " <" + n + ">").orElse("");
    }

    /** "name+0x12" for an address a kernel symbol names (within its size, or before the next symbol of its section). */
    public Optional<String> symbolName(long address) {
        if (address < 0 || address > 0xFFFFFFFFL) {
            return Optional.empty();
        }
        return symbols.nameFor((int) address);
    }

    public Expression parse(String text) throws DebugException {
        return Expression.parse(text, symbols);
    }

    public long evaluate(String text) throws DebugException {
        return parse(text).evaluate(this);
    }

    // ---- breakpoints, watchpoints, catches ----

    public List<Breakpoint> breakpoints() {
        return List.copyOf(breakpoints);
    }

    public List<Watchpoint> watchpoints() {
        return List.copyOf(watchpoints);
    }

    public Breakpoint addBreakpoint(long address, boolean physical, String spec, boolean temporary, Expression condition) {
        Breakpoint b = new Breakpoint(nextBreakpointId++, address & 0xFFFFFFFFL, physical, spec, temporary, condition);
        breakpoints.add(b);
        return b;
    }

    public Watchpoint addWatchpoint(long address, int length, boolean physical, Watchpoint.Kind kind, String spec) {
        Watchpoint w = new Watchpoint(nextBreakpointId++, address & 0xFFFFFFFFL, length, physical, kind, spec);
        w.lastValue = memory.readValue(w.address, physical, length);
        watchpoints.add(w);
        return w;
    }

    /** Deletes breakpoints or watchpoints by number; false if there is none with that number. */
    public boolean delete(int id) {
        return breakpoints.removeIf(b -> b.id == id) | watchpoints.removeIf(w -> w.id == id);
    }

    public void deleteAll() {
        breakpoints.clear();
        watchpoints.clear();
    }

    /** Enables or disables a breakpoint or watchpoint; false if there is none with that number. */
    public boolean setEnabled(int id, boolean enabled) {
        boolean found = false;
        for (Breakpoint b : breakpoints) {
            if (b.id == id) {
                b.enabled = enabled;
                found = true;
            }
        }
        for (Watchpoint w : watchpoints) {
            if (w.id == id) {
                w.enabled = enabled;
                found = true;
            }
        }
        return found;
    }

    public Optional<Breakpoint> breakpoint(int id) {
        return breakpoints.stream().filter(b -> b.id == id).findFirst();
    }

    /** Stop before delivering these exception vectors. */
    public void catchVectors(BitSet vectors, boolean on) {
        if (on) {
            caught.or(vectors);
        } else {
            caught.andNot(vectors);
        }
    }

    public BitSet caughtVectors() {
        return (BitSet) caught.clone();
    }

    /** One line per executed instruction to {@code out}, or none with null. */
    public void setTrace(PrintWriter out) {
        this.trace = out;
    }

    public boolean tracing() {
        return trace != null;
    }

    // ---- run control ----

    /** Whether the machine can still run. */
    public boolean ended() {
        return machine.endResult() != null;
    }

    /** Stops a running machine at the next instruction boundary; from any thread. */
    public void interrupt() {
        interrupts.incrementAndGet();
        machine.requestPause();
    }

    /** How many interrupts (Ctrl-C) there have been: a console command that prints stops when it changes. */
    public long interrupts() {
        return interrupts.get();
    }

    /**
     * Drops an interrupt that came while the machine was stopped and was spent on stopping a
     * command's output, so that the next run is not stopped by it at once.
     */
    public void forgetInterrupt() {
        machine.cancelPause();
    }

    public Stop continueRun() {
        if (ended()) {
            return endedStop(machine.endResult());
        }
        deliverHeldException();
        return resume(Long.MAX_VALUE);
    }

    /** Executes {@code count} instructions (stopping early at breakpoints and watchpoints). */
    public Stop step(long count) {
        if (ended()) {
            return endedStop(machine.endResult());
        }
        if (cpu.interrupts.hasHeldException()) {
            int vector = cpu.interrupts.heldVector();
            deliverHeldException();
            if (--count == 0 || ended()) {
                return afterStop(Stop.simple(Stop.Kind.STEP, Vectors.name(vector) + " delivered to its handler at "
                        + here()));
            }
        }
        return resume(count);
    }

    /** Like {@link #step} with 1, but a CALL runs until it returns. */
    public Stop next() {
        int eip = s.eip;
        int esp = s.regs[CpuState.ESP];
        Stop st = step(1);
        if (st.kind() != Stop.Kind.STEP) {
            return st;
        }
        // A CALL pushed a return address just past itself and went elsewhere.
        Long ret = readLinear32(s.regs[CpuState.ESP] & 0xFFFFFFFFL);
        long length = ret == null ? -1 : ret - (eip & 0xFFFFFFFFL);
        if (s.regs[CpuState.ESP] == esp - 4 && length >= 2 && length <= 15 && (s.eip & 0xFFFFFFFFL) != ret) {
            return runTo(ret, esp - 4, "");
        }
        return st;
    }

    /** Runs until EIP reaches {@code address} (or something else stops the machine first). */
    public Stop until(long address) {
        return runTo(address & 0xFFFFFFFFL, -1, "Reached ");
    }

    /**
     * Runs until the current function returns. No frame pointer is needed: the function's return
     * address lies above today's ESP, in a slot that nothing run since has pushed. Every CALL
     * and every interrupt or exception delivered during the run records the slot its return
     * address goes to; the first RET, RETF or IRET at this privilege level that pops from a
     * slot at or above today's ESP and not so recorded is the function's own return.
     */
    public Stop finish() {
        if (ended()) {
            return endedStop(machine.endResult());
        }
        deliverHeldException();
        finishEspAtLeast = s.regs[CpuState.ESP] & 0xFFFFFFFFL;
        finishCpl = s.cpl;
        pushedSlots.clear();
        returnSlot = -1;
        try {
            return resume(Long.MAX_VALUE);
        } finally {
            finishEspAtLeast = -1;
            pushedSlots.clear();
        }
    }

    /**
     * During finish, an interrupt or exception frame is a nested call whose IRET pops {@code
     * slot}; and a return instruction that faulted has not returned.
     */
    private void delivering(long slot) {
        if (finishEspAtLeast >= 0) {
            returnSlot = -1;
            if (slot >= 0) {
                pushedSlots.add(slot);
            }
        }
    }

    /** At a boundary during finish: whether the instruction just executed was the function's return. */
    private boolean finishedReturn(int eip) {
        long esp = s.regs[CpuState.ESP] & 0xFFFFFFFFL;
        // A return popped its slot (a fault in it would have cleared returnSlot on delivery).
        if (returnSlot >= 0 && esp > returnSlot) {
            return true;
        }
        returnSlot = -1;
        byte[] b = new byte[3];
        int n = memory.read(eip & 0xFFFFFFFFL, false, b, 3);
        int at = n >= 1 && (b[0] & 0xFF) == 0x66 ? 1 : 0; // o16
        if (n < at + 2) {
            return false;
        }
        int op = b[at] & 0xFF;
        int reg = (b[at + 1] >> 3) & 7;
        if (op == 0xE8 || op == 0x9A || (op == 0xFF && (reg == 2 || reg == 3))) {
            // Near or far, 16- or 32-bit: the return address goes to one of these.
            pushedSlots.add(esp - 2);
            pushedSlots.add(esp - 4);
            pushedSlots.add(esp - 8);
        } else if ((op == 0xC3 || op == 0xC2 || op == 0xCB || op == 0xCA || op == 0xCF)
                && esp >= finishEspAtLeast && s.cpl == finishCpl && !pushedSlots.remove(esp)) {
            returnSlot = esp;
        }
        return false;
    }

    private Stop runTo(long address, long espAbove, String headline) {
        if (ended()) {
            return endedStop(machine.endResult());
        }
        deliverHeldException();
        runTo = address;
        runToEspAbove = espAbove;
        runToHeadline = headline;
        try {
            return resume(Long.MAX_VALUE);
        } finally {
            runTo = -1;
        }
    }

    private void deliverHeldException() {
        if (cpu.interrupts.hasHeldException()) {
            cpu.interrupts.deliverHeldException();
        }
    }

    private Stop resume(long instructions) {
        pending = null;
        watchHit = null;
        boolean watching = watchpoints.stream().anyMatch(w -> w.enabled);
        boolean needHook = watching || trace != null || runTo >= 0 || finishEspAtLeast >= 0 || breakpoints.stream().anyMatch(b -> b.enabled);
        if (watching != watcherInstalled) {
            // Changing the observer empties the TLB, so it is done only when watchpoints come or go:
            // a stop must not hide a guest's missing INVLPG.
            machine.mmu().setAccessObserver(watching ? watcher : null);
            watcherInstalled = watching;
        }
        cpu.setBoundaryHook(needHook ? hook : null);
        boundaryEip = s.eip;
        previousBoundaryEip = s.eip - 1;
        long before = s.instructions;
        RunResult result;
        try {
            result = machine.resume(instructions);
        } finally {
            cpu.setBoundaryHook(null);
            if (trace != null) {
                trace.flush();
            }
        }
        if (watchHit != null) {
            return afterStop(watchStop(watchHit, watchAt, watchWrite, watchInsn));
        }
        if (result != null) {
            return afterStop(endedStop(result));
        }
        if (pending != null) {
            return afterStop(pending);
        }
        if (s.instructions - before >= instructions) {
            return afterStop(Stop.simple(Stop.Kind.STEP, here()));
        }
        return afterStop(Stop.simple(Stop.Kind.INTERRUPTED, "Interrupted at " + here()));
    }

    private Stop afterStop(Stop stop) {
        stoppedEip = s.eip;
        stoppedInstructions = s.instructions;
        if (outputGate != null) {
            outputGate.reached(s.instructions);
        }
        return stop;
    }

    private Stop endedStop(RunResult r) {
        return new Stop(Stop.Kind.ENDED, "The machine has ended: " + r.message(), r.diagnostic(), -1, null, 0, r);
    }

    /** "0x00100234 <kmain+0x14>" */
    public String location(long address) {
        return String.format("0x%08x", address & 0xFFFFFFFFL) + symbolSuffix(address);
    }

    // ---- the hooks, called from inside the run loop ----

    /**
     * The linear address of the instruction at {@code eip} in the current code segment: EIP itself
     * under a flat CS, segment base + offset in real mode and under based segments. Breakpoints,
     * the stop line and the disassembly use it.
     */
    public long linear(int eip) {
        return (s.segs[CpuState.CS].base + eip) & 0xFFFFFFFFL;
    }

    /**
     * Where the machine stands, as {@link #location}; where CS has a base (real mode, a based
     * segment) the CS:IP pair comes first: "f000:fff0 = 0xfffffff0".
     */
    public String here() {
        Segment cs = s.segs[CpuState.CS];
        if (cs.base == 0) {
            return location(s.eip);
        }
        String offset = cs.big() ? String.format("%08x", s.eip) : String.format("%04x", s.eip & 0xFFFF);
        return String.format("%04x:%s = ", cs.selector, offset) + location(linear(s.eip));
    }

    private boolean stopBefore(int eip) {
        previousBoundaryEip = boundaryEip;
        boundaryEip = eip;
        if (watchHit != null) {
            // A watchpoint fired during the previous instruction.
            return true;
        }
        // Looked at on every boundary, the first included: finish may start on the RET itself.
        if (finishEspAtLeast >= 0 && finishedReturn(eip)) {
            pending = Stop.simple(Stop.Kind.STEP, "Returned to " + location(eip));
            machine.requestPause();
            return true;
        }
        boolean resumedHere = eip == stoppedEip && s.instructions == stoppedInstructions;
        // A repeated string instruction passes the same boundary once per iteration: one stop is enough.
        boolean repeating = eip == previousBoundaryEip && s.instructions != stoppedInstructions && isRepeated(eip);
        if (!resumedHere && !repeating) {
            if (runTo >= 0 && linear(eip) == runTo
                    && (runToEspAbove < 0 || (s.regs[CpuState.ESP] & 0xFFFFFFFFL) > runToEspAbove)) {
                pending = Stop.simple(Stop.Kind.STEP, runToHeadline + here());
                machine.requestPause();
                return true;
            }
            Stop hit = checkBreakpoints(eip);
            if (hit != null) {
                pending = hit;
                machine.requestPause();
                return true;
            }
        }
        if (trace != null) {
            trace.println(disassembly.line(memory, linear(eip), this));
        }
        return false;
    }

    private boolean isRepeated(int eip) {
        byte[] b = new byte[4];
        int n = memory.read(eip & 0xFFFFFFFFL, false, b, 4);
        for (int i = 0; i < n; i++) {
            int x = b[i] & 0xFF;
            if (x == 0xF3 || x == 0xF2) {
                return true;
            }
            if (x != 0x66 && x != 0x67 && x != 0x26 && x != 0x2E && x != 0x36 && x != 0x3E && x != 0x64 && x != 0x65) {
                return false;
            }
        }
        return false;
    }

    private Stop checkBreakpoints(int eip) {
        long linear = linear(eip);
        long physical = -2;
        for (int i = 0; i < breakpoints.size(); i++) {
            Breakpoint b = breakpoints.get(i);
            if (!b.enabled) {
                continue;
            }
            if (b.physical) {
                if (physical == -2) {
                    physical = memory.translate(s.segs[CpuState.CS].base + eip);
                }
                if (physical != b.address) {
                    continue;
                }
            } else if (linear != b.address) {
                continue;
            }
            if (b.condition != null) {
                try {
                    if (b.condition.evaluate(this) == 0) {
                        continue;
                    }
                } catch (DebugException e) {
                    b.hits++;
                    return Stop.simple(Stop.Kind.BREAKPOINT, "Breakpoint " + b.id + ", " + here()
                            + " (condition could not be evaluated: " + e.getMessage() + ")");
                }
            }
            b.hits++;
            if (b.temporary) {
                breakpoints.remove(i);
                return Stop.simple(Stop.Kind.BREAKPOINT, "Temporary breakpoint " + b.id + ", " + here());
            }
            return Stop.simple(Stop.Kind.BREAKPOINT, "Breakpoint " + b.id + ", " + here());
        }
        return null;
    }

    private boolean watchesPage(int linearPage, int physicalFrame) {
        for (Watchpoint w : watchpoints) {
            long page = w.physical ? physicalFrame & 0xFFFFFFFFL : linearPage & 0xFFFFFFFFL;
            long first = Math.max(0, w.address - 3) & ~0xFFFL;
            long last = (w.address + w.length - 1) & ~0xFFFL;
            if (w.enabled && page >= first && page <= last) {
                return true;
            }
        }
        return false;
    }

    private void accessed(int linear, int physical, boolean write) {
        if (watchHit != null || pending != null) {
            return;
        }
        for (Watchpoint w : watchpoints) {
            long at = (w.physical ? physical : linear) & 0xFFFFFFFFL;
            if (w.enabled && w.kind.matches(write) && w.touches(at)) {
                w.hits++;
                watchHit = w;
                watchAt = at;
                watchWrite = write;
                watchInsn = boundaryEip;
                machine.requestPause();
                return;
            }
        }
    }

    /** The report is made once the machine has stopped, after the accessing instruction completed. */
    private Stop watchStop(Watchpoint w, long at, boolean write, int insn) {
        Long now = memory.readValue(w.address, w.physical, w.length);
        String width = "%0" + (2 * w.length) + "x";
        StringBuilder d = new StringBuilder();
        d.append(String.format("  %s of 0x%08x by the instruction at %s%n", write ? "write" : "read", at, location(insn)));
        if (write) {
            d.append("  old value = ").append(w.lastValue == null ? "(unmapped)" : String.format("0x" + width, w.lastValue));
            d.append('\n');
            d.append("  new value = ").append(now == null ? "(unmapped)" : String.format("0x" + width, now));
        } else {
            d.append("  value = ").append(now == null ? "(unmapped)" : String.format("0x" + width, now));
        }
        d.append('\n');
        w.lastValue = now;
        String what = w.kind == Watchpoint.Kind.WRITE ? "Watchpoint" : w.kind == Watchpoint.Kind.READ
                ? "Read watchpoint" : "Access watchpoint";
        return new Stop(Stop.Kind.WATCHPOINT, what + " " + w.id + ": " + w.spec, d.toString(), -1, w, at, null);
    }

    private boolean catchException(int vector, int errorCode, boolean hasErrorCode) {
        if (!caught.get(vector & 0xFF)) {
            return false;
        }
        StringBuilder d = new StringBuilder();
        if (hasErrorCode) {
            d.append(String.format("  error code 0x%x", errorCode));
            if (vector == Vectors.PF) {
                d.append(": ").append(Describe.pageFaultCode(errorCode));
            } else if ((errorCode & 0xFFFC) != 0 || (errorCode & 3) != 0) {
                d.append(": ").append(Describe.selectorErrorCode(errorCode));
            }
            d.append('\n');
        }
        if (vector == Vectors.PF) {
            d.append(String.format("  cr2 = 0x%08x%s%n", s.cr2, symbolSuffix(s.cr2 & 0xFFFFFFFFL)));
        }
        pending = new Stop(Stop.Kind.EXCEPTION, "Exception " + Vectors.name(vector) + " (vector " + vector + ") at "
                + here() + ", before delivery", d.toString(), vector, null, 0, null);
        machine.requestPause();
        return true;
    }
}
