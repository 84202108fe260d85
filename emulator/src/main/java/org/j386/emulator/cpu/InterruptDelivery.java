package org.j386.emulator.cpu;

import static org.j386.emulator.cpu.CpuState.*;

import org.j386.emulator.memory.PageFault;

/**
 * Delivery of exceptions and interrupts through the IDT (32- and 16-bit interrupt and trap gates,
 * with a stack switch from the TSS when entering a more privileged ring) or, in real-address mode,
 * the interrupt vector table; IRET; and the escalation of a fault during delivery into #DF and
 * then a triple fault.
 *
 * <p>Virtual-8086 mode is left by every interrupt and exception taken in it (to a ring-0 handler,
 * with the data segment registers saved in the frame) and entered by IRET from ring 0.
 *
 * <p>A task gate switches tasks ({@link TaskSwitch}), and so does IRET with NT set.
 */
public final class InterruptDelivery {
    private static final int SOFTWARE = 0, EXTERNAL = 1, EXCEPTION = 2;
    private static final int GATE_TASK = 0x5, GATE_INT16 = 0x6, GATE_TRAP16 = 0x7, GATE_INT32 = 0xE, GATE_TRAP32 = 0xF;
    private static final int RECENT = 8;
    /** The segment registers an interrupt from virtual-8086 mode pushes, in the order it pushes them. */
    private static final int[] V86_SAVED = {GS, FS, DS, ES};

    private final Cpu cpu;
    private final CpuState s;
    private final SystemStack stack;
    private final InnerStack innerStack;
    private final Segment newCodeSegment = new Segment();

    /** The last exceptions delivered (or attempted), oldest first once the ring wraps: for diagnostics. */
    private final int[] recentVector = new int[RECENT], recentCode = new int[RECENT], recentEip = new int[RECENT];
    private long recentCount;
    private final long[] countByVector = new long[256];

    InterruptDelivery(Cpu cpu) {
        this.cpu = cpu;
        this.s = cpu.state;
        this.stack = new SystemStack(cpu);
        this.innerStack = new InnerStack(cpu);
    }

    /**
     * Delivers a processor exception. For a fault {@link CpuState#eip} (and every register the
     * instruction changed) must already be back at the faulting instruction; for a trap it is
     * the next instruction. A fault during delivery escalates as the processor does.
     */
    public void exception(int vector, int errorCode, boolean hasErrorCode) {
        // An instruction that faults is not single-stepped: the fault is reported instead.
        s.singleStepPending = false;
        if (cpu.observer.holdException(vector, errorCode, hasErrorCode)) {
            held = true;
            heldVector = vector;
            heldErrorCode = errorCode;
            heldHasErrorCode = hasErrorCode;
            s.stopRequested = true;
            s.attention = true;
            return;
        }
        deliverException(vector, errorCode, hasErrorCode);
    }

    /** Whether an exception is being held back at an observer's request (see {@link Cpu.EventObserver#holdException}). */
    public boolean hasHeldException() {
        return held;
    }

    /** Vector of the held exception, or -1. */
    public int heldVector() {
        return held ? heldVector : -1;
    }

    /** Error code of the held exception; meaningful only while {@link #hasHeldException()}. */
    public int heldErrorCode() {
        return heldErrorCode;
    }

    /** Delivers the exception held back by the observer, if any. */
    public void deliverHeldException() {
        if (held) {
            held = false;
            deliverException(heldVector, heldErrorCode, heldHasErrorCode);
        }
    }

    /** Drops a held exception without delivering it (a debugger changed EIP past the fault). */
    public void discardHeldException() {
        held = false;
    }

    private boolean held;
    private int heldVector, heldErrorCode;
    private boolean heldHasErrorCode;

    private void deliverException(int vector, int errorCode, boolean hasErrorCode) {
        int kind = EXCEPTION;
        while (true) {
            note(vector, errorCode);
            cpu.observer.exception(vector, errorCode, hasErrorCode, s.eip, s.cr2);
            int second, secondCode;
            boolean secondHasCode;
            try {
                deliver(vector, errorCode, hasErrorCode, kind, s.eip);
                return;
            } catch (CpuFault f) {
                second = f.vector();
                secondCode = f.errorCode();
                secondHasCode = f.hasErrorCode();
            } catch (PageFault pf) {
                s.cr2 = pf.linearAddress();
                second = Vectors.PF;
                secondCode = pf.errorCode();
                secondHasCode = true;
            }
            if (vector == Vectors.DF) {
                note(second, secondCode);
                cpu.stopFor(Cpu.Stop.TRIPLE_FAULT, "triple fault: " + Vectors.name(second)
                        + (secondHasCode ? String.format("(0x%x)", secondCode) : "")
                        + " while delivering #DF at eip=" + String.format("0x%08x", s.eip));
                return;
            }
            if (kind != EXTERNAL && makesDoubleFault(vector, second)) {
                vector = Vectors.DF;
                errorCode = 0;
                hasErrorCode = true;
            } else {
                // Benign combinations are handled serially: the second exception is delivered instead.
                vector = second;
                errorCode = secondCode;
                hasErrorCode = secondHasCode;
            }
            kind = EXCEPTION;
        }
    }

    /** INT n, INT3, INTO: checks the gate's DPL against CPL. {@code nextEip} is the return address. */
    public void softwareInterrupt(int vector, int nextEip) {
        cpu.observer.interrupt(vector, false, s.eip);
        countByVector[vector & 0xFF]++;
        // A fault here is a fault of the INT instruction itself: it propagates to the interpreter.
        deliver(vector, 0, false, SOFTWARE, nextEip);
    }

    /**
     * The single-step trap owed for the instruction that just completed: DR6.BS is set (the other
     * DR6 bits are left as they are) and #DB is delivered with EIP at the next instruction.
     */
    void singleStepTrap() {
        s.dr[6] |= DR6_BS;
        exception(Vectors.DB, 0, false);
    }

    /** A hardware interrupt acknowledged from the PIC, taken at an instruction boundary. */
    public void externalInterrupt(int vector) {
        cpu.observer.interrupt(vector, true, s.eip);
        countByVector[vector & 0xFF]++;
        s.halted = false;
        try {
            deliver(vector, 0, false, EXTERNAL, s.eip);
        } catch (CpuFault | PageFault f) {
            fault(f);
        }
    }

    /**
     * Delivers an exception raised while executing, by either tier, or while delivering an
     * external interrupt: a page fault sets CR2 first. The caller has already put EIP and ESP
     * back to the start of the faulting instruction.
     */
    void fault(RuntimeException f) {
        if (f instanceof PageFault) {
            PageFault pf = (PageFault) f;
            s.cr2 = pf.linearAddress();
            exception(Vectors.PF, pf.errorCode(), true);
        } else {
            CpuFault cf = (CpuFault) f;
            exception(cf.vector(), cf.errorCode(), cf.hasErrorCode());
        }
    }

    private static boolean contributory(int vector) {
        return vector == Vectors.DE || (vector >= Vectors.TS && vector <= Vectors.GP);
    }

    private static boolean makesDoubleFault(int first, int second) {
        if (contributory(first)) {
            return contributory(second);
        }
        return first == Vectors.PF && (second == Vectors.PF || contributory(second));
    }

    private void note(int vector, int errorCode) {
        int slot = (int) (recentCount++ % RECENT);
        recentVector[slot] = vector;
        recentCode[slot] = errorCode;
        recentEip[slot] = s.eip;
        countByVector[vector & 0xFF]++;
    }

    private void deliver(int vector, int errorCode, boolean hasErrorCode, int kind, int returnEip) {
        if (!s.protectedMode()) {
            deliverReal(vector, returnEip);
            return;
        }
        int ext = kind == SOFTWARE ? 0 : 1;
        int gateCode = vector * 8 + 2 + ext;
        if (vector * 8 + 7 > s.idtLimit) {
            throw s.fault.generalProtection(gateCode);
        }
        int low = cpu.mmu.readAs(s.idtBase + vector * 8, 4, false);
        int high = cpu.mmu.readAs(s.idtBase + vector * 8 + 4, 4, false);
        int type = (high >>> 8) & 0x1F; // includes the S bit: gates are system descriptors
        boolean gate32 = type == GATE_INT32 || type == GATE_TRAP32;
        boolean trapGate = type == GATE_TRAP32 || type == GATE_TRAP16;
        if (!gate32 && type != GATE_INT16 && type != GATE_TRAP16 && type != GATE_TASK) {
            throw s.fault.generalProtection(gateCode);
        }
        if (kind == SOFTWARE && ((high >>> 13) & 3) < s.cpl) {
            throw s.fault.generalProtection(vector * 8 + 2);
        }
        if ((high & Segmentation.D_PRESENT) == 0) {
            throw s.fault.notPresent(gateCode);
        }
        if (type == GATE_TASK) {
            cpu.tasks.throughGate(low >>> 16, ext, returnEip, errorCode, hasErrorCode);
            s.halted = false;
            return;
        }
        int selector = low >>> 16;
        int offset = gate32 ? (low & 0xFFFF) | (high & 0xFFFF0000) : low & 0xFFFF;
        if ((selector & 0xFFFC) == 0) {
            throw s.fault.generalProtection(ext);
        }
        long d = cpu.segmentation.readDescriptor(selector, ext);
        int dHigh = (int) (d >>> 32);
        int selCode = (selector & 0xFFFC) | ext;
        if ((dHigh & (Segmentation.D_S | Segmentation.D_CODE)) != (Segmentation.D_S | Segmentation.D_CODE)) {
            throw s.fault.generalProtection(selCode);
        }
        int dpl = (dHigh >>> 13) & 3;
        if (dpl > s.cpl) {
            throw s.fault.generalProtection(selCode);
        }
        if ((dHigh & Segmentation.D_PRESENT) == 0) {
            throw s.fault.notPresent(selCode);
        }
        boolean conforming = (dHigh & Segmentation.D_CONFORMING) != 0;
        boolean fromV86 = s.flags.vm();
        if (fromV86 && (conforming || dpl != 0)) {
            // Virtual-8086 mode is left only for ring 0.
            throw s.fault.generalProtection(selCode);
        }
        int newCpl = conforming ? s.cpl : dpl;
        newCodeSegment.load((selector & 0xFFFC) | newCpl, (int) d, dHigh);
        if (Integer.compareUnsigned(offset, newCodeSegment.limit) > 0) {
            throw s.fault.generalProtection(ext);
        }
        int size = gate32 ? 4 : 2;
        int eflags = s.flags.get();
        int oldCs = s.segs[CS].selector;
        boolean stackSwitch = newCpl < s.cpl;
        if (stackSwitch) {
            innerStack.load(newCpl, ext);
            int oldSs = s.segs[SS].selector;
            int oldEsp = s.regs[ESP];
            stack.begin(innerStack.segment, innerStack.esp, newCpl == 3, (innerStack.segment.selector & 0xFFFC) | ext);
            if (fromV86) {
                for (int sreg : V86_SAVED) {
                    stack.push(size, s.segs[sreg].selector);
                }
            }
            stack.push(size, oldSs);
            stack.push(size, oldEsp);
        } else {
            stack.begin(s.segs[SS], s.regs[ESP], newCpl == 3, ext);
        }
        stack.push(size, eflags);
        stack.push(size, oldCs);
        stack.push(size, returnEip);
        if (hasErrorCode) {
            stack.push(size, errorCode);
        }
        // Every check passed and the frame is written: commit.
        if (stackSwitch) {
            s.segs[SS].copyFrom(innerStack.segment);
            s.regs[ESP] = stack.esp();
        } else {
            s.regs[ESP] = stack.espFor(s.regs[ESP]);
        }
        s.segs[CS].copyFrom(newCodeSegment);
        if (fromV86) {
            // The handler must not run with real-mode bases in its data segment registers.
            for (int sreg : V86_SAVED) {
                s.segs[sreg].setNull(0);
            }
            s.flags.setVm(false);
        }
        cpu.codeSegmentLoaded();
        cpu.setCpl(newCpl);
        s.eip = offset;
        s.flags.setBit(Flags.TF, false);
        // The handler starts afresh: a trap owed for the interrupted instruction (INT n, INTO,
        // INT3 with TF set) is dropped with TF.
        s.singleStepPending = false;
        s.flags.setBit(Flags.NT, false);
        s.flags.setBit(Flags.RF, false);
        if (!trapGate) {
            s.flags.setBit(Flags.IF, false);
        }
        s.halted = false;
    }

    /**
     * Real-address mode: the far pointer at IDTR.base + vector × 4 (the interrupt vector table,
     * wherever LIDT put it) receives control with FLAGS, CS and IP on the stack; no error code is
     * pushed. An entry beyond IDTR.limit is #GP.
     */
    private void deliverReal(int vector, int returnEip) {
        if (Integer.compareUnsigned(vector * 4 + 3, s.idtLimit) > 0) {
            throw s.fault.generalProtection(0);
        }
        int target = cpu.mmu.readAs(s.idtBase + vector * 4, 4, false);
        stack.current();
        stack.push(2, s.flags.get());
        stack.push(2, s.segs[CS].selector);
        stack.push(2, returnEip);
        cpu.segmentation.enterRealCode(target >>> 16, target & 0xFFFF);
        s.regs[ESP] = stack.espFor(s.regs[ESP]);
        s.flags.set(s.flags.get() & ~(Flags.IF | Flags.TF | Flags.AC | Flags.RF));
        s.singleStepPending = false;
        s.halted = false;
    }

    /** IRET / IRETD in every mode: real, virtual-8086, protected, a task return, a return into V86 mode. */
    public void iret(boolean operand32) {
        if (!s.protectedMode()) {
            iretReal(operand32, false);
            return;
        }
        if (s.flags.vm()) {
            // In virtual-8086 mode IRET works as in real mode, but only under IOPL 3.
            if (s.flags.iopl() < 3) {
                throw s.fault.generalProtection(0);
            }
            iretReal(operand32, true);
            return;
        }
        if ((s.flags.get() & Flags.NT) != 0) {
            cpu.tasks.nestedReturn();
            return;
        }
        int size = operand32 ? 4 : 2;
        stack.current();
        int eip = stack.read(0, size);
        int cs = stack.read(size, size) & 0xFFFF;
        int eflags = stack.read(2 * size, size);
        int rpl = cs & 3;
        if (rpl < s.cpl) {
            throw s.fault.generalProtection(cs & 0xFFFC);
        }
        if (operand32 && s.cpl == 0 && (eflags & Flags.VM) != 0) {
            returnToV86(eip, cs, eflags);
            return;
        }
        long d = cpu.segmentation.checkReturnTarget(cs);
        int oldCpl = s.cpl;
        if (rpl == s.cpl) {
            stack.release(3 * size);
            cpu.segmentation.enterCode(cs, d, eip);
            s.regs[ESP] = stack.espFor(s.regs[ESP]);
        } else {
            int esp = stack.read(3 * size, size);
            int ss = stack.read(4 * size, size) & 0xFFFF;
            cpu.segmentation.returnToOuterRing(cs, d, eip, ss, esp);
        }
        int mask = Flags.CF | Flags.PF | Flags.AF | Flags.ZF | Flags.SF | Flags.TF | Flags.DF | Flags.OF | Flags.NT;
        if (operand32) {
            mask |= Flags.RF | Flags.AC | Flags.ID;
        }
        if (oldCpl == 0) {
            mask |= Flags.IOPL | Flags.IF;
        } else if (oldCpl <= s.flags.iopl()) {
            mask |= Flags.IF;
        }
        s.flags.set((s.flags.get() & ~mask) | (eflags & mask));
        if (s.flags.interruptsEnabled()) {
            s.attention = true;
        }
    }

    /**
     * IRET from ring 0 to a frame with VM set: below EIP, CS and EFLAGS lie ESP, SS, ES, DS, FS and
     * GS, all loaded as virtual-8086 mode loads them; every flag comes from the frame, and CPL is 3.
     */
    private void returnToV86(int eip, int cs, int eflags) {
        int[] selectors = new int[6];
        int[] order = {SS, ES, DS, FS, GS};
        int esp = stack.read(12, 4);
        for (int i = 0; i < order.length; i++) {
            selectors[order[i]] = stack.read(16 + 4 * i, 4) & 0xFFFF;
        }
        // Everything is read: commit.
        s.flags.set(eflags);
        s.flags.setVm(true);
        selectors[CS] = cs;
        for (int sreg = 0; sreg < 6; sreg++) {
            cpu.segmentation.loadV86(sreg, selectors[sreg]);
        }
        s.regs[ESP] = esp;
        s.eip = eip & 0xFFFF;
        cpu.setCpl(3);
        cpu.codeSegmentLoaded();
        if (s.flags.interruptsEnabled()) {
            s.attention = true;
        }
    }

    /**
     * Real-address mode IRET: IP, CS and FLAGS (or EIP, CS and EFLAGS) from the stack, every flag
     * writable; a 32-bit IRET keeps VM, VIF and VIP as they are. In virtual-8086 mode ({@code
     * v86}) IOPL is kept too.
     */
    private void iretReal(boolean operand32, boolean v86) {
        int size = operand32 ? 4 : 2;
        stack.current();
        int eip = stack.read(0, size);
        int cs = stack.read(size, size) & 0xFFFF;
        int eflags = stack.read(2 * size, size);
        cpu.segmentation.enterRealCode(cs, eip);
        stack.release(3 * size);
        s.regs[ESP] = stack.espFor(s.regs[ESP]);
        int mask = (operand32 ? 0x257FD5 : 0xFFFF) & (v86 ? ~Flags.IOPL : -1);
        s.flags.set((s.flags.get() & ~mask) | (eflags & mask));
        if (s.flags.interruptsEnabled()) {
            s.attention = true;
        }
    }

    // ---- implicit supervisor accesses for the other system units ----

    int readSupervisor16(int linear) {
        return cpu.mmu.readAs(linear, 2, false) & 0xFFFF;
    }

    // ---- diagnostics ----

    /** The last exceptions attempted, oldest first, one per line ("#PF(0x2) at eip=0x00101234"). */
    public java.util.List<String> recentExceptions() {
        java.util.List<String> lines = new java.util.ArrayList<>();
        long first = Math.max(0, recentCount - RECENT);
        for (long i = first; i < recentCount; i++) {
            int slot = (int) (i % RECENT);
            lines.add(String.format("%s(0x%x) at eip=0x%08x", Vectors.name(recentVector[slot]), recentCode[slot],
                    recentEip[slot]));
        }
        return lines;
    }

    /** How many times each vector was delivered or attempted (exceptions, INT n and hardware interrupts). */
    public long deliveries(int vector) {
        return countByVector[vector & 0xFF];
    }

    /** Takes {@code other}'s state: one machine's copied into another of the same configuration. */
    void copyStateFrom(InterruptDelivery other) {
        restore(other.save());
    }

    /** What {@link #restore} takes back: the recent exceptions, the counts per vector, a held exception. */
    record Saved(int[] recentVector, int[] recentCode, int[] recentEip, long recentCount, long[] countByVector,
            boolean held, int heldVector, int heldErrorCode, boolean heldHasErrorCode) {
    }

    Saved save() {
        return new Saved(recentVector.clone(), recentCode.clone(), recentEip.clone(), recentCount,
                countByVector.clone(), held, heldVector, heldErrorCode, heldHasErrorCode);
    }

    void restore(Saved saved) {
        System.arraycopy(saved.recentVector(), 0, recentVector, 0, RECENT);
        System.arraycopy(saved.recentCode(), 0, recentCode, 0, RECENT);
        System.arraycopy(saved.recentEip(), 0, recentEip, 0, RECENT);
        recentCount = saved.recentCount();
        System.arraycopy(saved.countByVector(), 0, countByVector, 0, countByVector.length);
        held = saved.held();
        heldVector = saved.heldVector();
        heldErrorCode = saved.heldErrorCode();
        heldHasErrorCode = saved.heldHasErrorCode();
    }
}
