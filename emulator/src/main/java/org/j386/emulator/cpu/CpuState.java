package org.j386.emulator.cpu;

/**
 * All architectural state of the processor, as plain fields, in one place: the interpreter, the
 * system-instruction units, the debugger and (later) JIT-compiled code read and write these
 * same fields.
 */
public final class CpuState {
    public static final int EAX = 0, ECX = 1, EDX = 2, EBX = 3, ESP = 4, EBP = 5, ESI = 6, EDI = 7;
    public static final int ES = 0, CS = 1, SS = 2, DS = 3, FS = 4, GS = 5;
    public static final String[] REGISTER_NAMES = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
    public static final String[] SEGMENT_NAMES = {"es", "cs", "ss", "ds", "fs", "gs"};

    public static final int CR0_PE = 1, CR0_MP = 2, CR0_EM = 4, CR0_TS = 8, CR0_ET = 0x10, CR0_NE = 0x20,
            CR0_WP = 0x10000, CR0_AM = 0x40000, CR0_NW = 0x20000000, CR0_CD = 0x40000000, CR0_PG = 0x80000000;
    public static final int CR4_VME = 1, CR4_PVI = 2, CR4_TSD = 4, CR4_DE = 8, CR4_PSE = 0x10, CR4_PGE = 0x80;

    /** General registers indexed by their encoding: EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI. */
    public final int[] regs = new int[8];
    public int eip;
    public final Flags flags = new Flags();
    /** ES, CS, SS, DS, FS, GS, indexed by their encoding. */
    public final Segment[] segs = {new Segment(), new Segment(), new Segment(), new Segment(), new Segment(), new Segment()};
    public final Segment ldtr = new Segment();
    public final Segment tr = new Segment();
    public int gdtBase, gdtLimit, idtBase, idtLimit;
    public int cr0 = CR0_ET, cr2, cr3, cr4;
    /**
     * DR0-DR7. DR6 bits 4-11 and 16-31 read as ones and bit 12 as zero, whatever is written
     * ({@link #DR6_FIXED_ONES}); the processor only ever sets bits in it, software clears them.
     */
    public final int[] dr = new int[8];
    /** The DR6 bits that always read as one; also its value at reset. */
    public static final int DR6_FIXED_ONES = 0xFFFF0FF0;
    /** The DR6 bits software can change: B0-B3, BD, BS, BT. */
    public static final int DR6_WRITABLE = 0xE00F;
    /** DR6.BS: the debug exception was (also) a single-step trap. */
    public static final int DR6_BS = 0x4000;
    {
        dr[6] = DR6_FIXED_ONES;
    }

    /** Current privilege level: CS.RPL in protected mode. */
    public int cpl;

    /** Instructions retired (each iteration of a REP string instruction counts as one). */
    public long instructions;
    /**
     * The EIP of the instruction executing now, kept only while {@link #trackInstructionEip} is set
     * (by the interpreter: the bytecode tier does not run then), for observers of memory writes.
     */
    public int instructionEip;
    public boolean trackInstructionEip;
    /** Instruction slots that passed while halted: virtual time is instructions plus these. */
    private long idleSlots;

    /**
     * Virtual time in instruction slots: instructions retired plus slots skipped while halted.
     * Derived rather than counted so that the run loop keeps one counter per instruction.
     */
    public long cycles() {
        return instructions + idleSlots;
    }

    /** Lets virtual time pass while halted, up to {@code slot} (never backwards). */
    public void idleUntil(long slot) {
        idleSlots += Math.max(0, slot - cycles());
    }

    /** Set by HLT; cleared when an interrupt is delivered. */
    public boolean halted;
    /** An interrupt may not be taken before the next instruction completes (after STI, MOV SS). */
    public boolean interruptShadow;
    /**
     * After MOV SS and POP SS the single-step trap is held back too, until the instruction after
     * them completes (STI holds back interrupts only).
     */
    public boolean trapShadow;
    /**
     * The instruction now running began with EFLAGS.TF set: a single-step #DB is owed at the next
     * boundary unless it raises an exception or an interrupt first. Set only while {@link
     * #attention} is, so the run loop's fast path never looks at it.
     */
    public boolean singleStepPending;
    /**
     * Checked by the run loop at every instruction boundary: something outside the instruction
     * stream wants the CPU's attention (an interrupt request, a stop request).
     */
    public boolean attention;
    /** Set (with {@link #attention}) to make the run loop return at the next boundary. */
    public boolean stopRequested;

    /** The reusable exception object of this CPU. */
    public final CpuFault fault = new CpuFault();

    public void requestAttention() {
        attention = true;
    }

    public boolean protectedMode() {
        return (cr0 & CR0_PE) != 0;
    }

    /** Code segment D bit: 32-bit default operand and address size. */
    public boolean code32() {
        return segs[CS].big();
    }

    /** SS B bit: ESP (rather than SP) is the stack pointer. */
    public boolean stack32() {
        return segs[SS].big();
    }

    /**
     * Takes every architectural field of {@code other}, and its instruction count and virtual
     * time: the state of one machine copied into another of the same configuration. What only
     * steers the run loop (attention, a stop request, EIP tracking) stays as it is; attention is
     * raised so that the loop looks again at everything.
     */
    public void copyStateFrom(CpuState other) {
        System.arraycopy(other.regs, 0, regs, 0, regs.length);
        eip = other.eip;
        flags.copyFrom(other.flags);
        for (int i = 0; i < segs.length; i++) {
            segs[i].copyFrom(other.segs[i]);
        }
        ldtr.copyFrom(other.ldtr);
        tr.copyFrom(other.tr);
        gdtBase = other.gdtBase;
        gdtLimit = other.gdtLimit;
        idtBase = other.idtBase;
        idtLimit = other.idtLimit;
        cr0 = other.cr0;
        cr2 = other.cr2;
        cr3 = other.cr3;
        cr4 = other.cr4;
        System.arraycopy(other.dr, 0, dr, 0, dr.length);
        cpl = other.cpl;
        instructions = other.instructions;
        idleSlots = other.idleSlots;
        halted = other.halted;
        interruptShadow = other.interruptShadow;
        trapShadow = other.trapShadow;
        singleStepPending = other.singleStepPending;
        attention = true;
    }
}
