package org.j386.emulator.cpu;

import org.j386.emulator.memory.Mmu;

/**
 * What compiled blocks call: operand access with the interpreter's segment and paging checks, the
 * lazy-flag record, and the interpreter's implementation of every operation the translator does
 * not inline. Each method is the interpreter's own code path, so both tiers share one
 * implementation of each operation; the methods are small so that the JVM inlines them into the
 * compiled blocks.
 */
public final class BlockRuntime {
    public final CpuState state;
    public final int[] regs;
    /**
     * For compiled code's inline memory accesses (flat operands whose entry in {@link
     * #inlineEntries} allows them): guest RAM and the per-frame write flags, read directly.
     */
    public final byte[] ram;
    public final byte[] frameFlags;
    private final Operands x;
    private final Flags flags;
    private final Executor executor;
    private final CodeCache cache;
    private final Shifts shifts;

    BlockRuntime(CpuState state, Operands x, Executor executor, CodeCache cache) {
        this.state = state;
        this.regs = state.regs;
        this.x = x;
        this.flags = state.flags;
        this.executor = executor;
        this.cache = cache;
        this.shifts = new Shifts(x, state);
        this.ram = x.mmu.physical().array();
        this.frameFlags = x.mmu.physical().frameFlags();
    }

    // ---- what an inline access needs of a TLB entry; its hits ----

    /** The table a block's inline accesses look pages up in (see Mmu#inlineEntries), fixed while it runs. */
    public int[] inlineEntries() {
        return x.mmu.inlineEntries();
    }

    public int inlineReadNeed() {
        return x.mmu.inlineReadNeed();
    }

    public int inlineWriteNeed() {
        return x.mmu.inlineWriteNeed();
    }

    /** See PhysicalMemory#indexMask: asked as a block is compiled. */
    public int ramIndexMask() {
        return x.mmu.physical().indexMask();
    }

    /** See Mmu#inlineStoresTestFrames: asked as a block is compiled. */
    public boolean inlineStoresTestFrames() {
        return x.mmu.inlineStoresTestFrames();
    }

    /** A compiled block's class hands its instance over here as it is initialized. */
    public void handOff(CompiledBlock b) {
        handedOff = b;
    }

    /** The block whose class was initialized last, taken: the translator's, once it defined it. */
    public CompiledBlock takeHandedOff() {
        CompiledBlock b = handedOff;
        handedOff = null;
        return b;
    }

    private CompiledBlock handedOff;

    public void countTlbHits(int hits) {
        x.mmu.countHits(hits);
    }

    /**
     * The mask compiled code's inline accesses apply to the frame of a page entry that allows them,
     * for RAM with this index mask (-1: none): RAM's index mask without the page offset where RAM's
     * size is a power of two, else every frame below 2 GiB (a Java array's limit). Either leaves
     * such a frame, which is in RAM, unchanged; as a constant it tells the JVM's compiler the
     * index's range (BlockEmitter's inline index).
     */
    public static int inlineFrameMask(int ramIndexMask) {
        return (ramIndexMask >= 0 ? ramIndexMask : Integer.MAX_VALUE) & ~0xFFF;
    }

    // ---- memory, by segment and offset ----

    public int read8(int sreg, int offset) {
        return x.readMem(sreg, offset, 0);
    }

    public int read16(int sreg, int offset) {
        return x.readMem(sreg, offset, 1);
    }

    public int read32(int sreg, int offset) {
        return x.read32(sreg, offset);
    }

    public void write8(int sreg, int offset, int v) {
        x.writeMem(sreg, offset, 0, v);
    }

    public void write16(int sreg, int offset, int v) {
        x.writeMem(sreg, offset, 1, v);
    }

    public void write32(int sreg, int offset, int v) {
        x.write32(sreg, offset, v);
    }

    /**
     * The first half of a read-modify-write: the linear address, checked for writing, of {@code
     * size} (0 byte, 1 word, 2 dword) at {@code offset}. Then {@link #readLinear} and {@link
     * #writeLinear}, as the interpreter's ALU forms do.
     */
    public int linearForWrite(int sreg, int offset, int size) {
        return x.linearWrite(sreg, offset, Operands.bytes(size));
    }

    public int linearForRead(int sreg, int offset, int size) {
        return x.linearRead(sreg, offset, Operands.bytes(size));
    }

    public int readLinear(int linear, int size) {
        return x.read(linear, size);
    }

    public void writeLinear(int linear, int size, int v) {
        x.write(linear, size, v);
    }

    /**
     * Whether DS, ES and SS are flat, as blocks compiled for flat data require before they are
     * entered: they then pass offsets straight to {@link #readLinear} and {@link #writeLinear}.
     */
    public boolean flatData() {
        return x.flatData();
    }

    // ---- stack ----

    public void push(int v, boolean operand32) {
        x.push(v, operand32);
    }

    public int pop(boolean operand32) {
        return x.pop(operand32);
    }

    // ---- the lazy flags ----

    /**
     * Kinds of flag record that compiled code keeps in its locals: the operands and result of the
     * last flag-setting operation, or (eager) the six arithmetic flags as EFLAGS bits.
     */
    public static final int FLAGS_IN_MEMORY = 0, FLAGS_ADD = 1, FLAGS_SUB = 2, FLAGS_SBB = 3, FLAGS_LOGIC = 4,
            FLAGS_INC = 5, FLAGS_DEC = 6, FLAGS_EAGER = 7;

    /**
     * Writes a record whose kind is known only at run time (where paths with different records
     * meet): {@code a} and {@code b} the operands, {@code r} the result (the flag bits for an
     * eager record), {@code carry} the CF an INC or DEC keeps.
     */
    public void record(int kind, int size, int a, int b, int r, int carry) {
        switch (kind) {
            case FLAGS_ADD -> flags.add(size, a, b, r);
            case FLAGS_SUB, FLAGS_SBB -> flags.sub(size, a, b, r);
            case FLAGS_LOGIC -> flags.logic(size, r);
            case FLAGS_INC, FLAGS_DEC -> flags.incDec(kind == FLAGS_INC, size, a, r, carry);
            case FLAGS_EAGER -> flags.setArith(r);
            default -> { } // already in memory
        }
    }

    /**
     * Whether the record in the processor's flags is of the compiled {@code kind} and {@code size}
     * (any size for an eager one), so that a block can take it into its locals: {@link #recordA},
     * {@link #recordB}, {@link #recordR} and {@link #recordCarry} give them as {@link #record} takes
     * them. SBB has no such test: a block's SBB record is the interpreter's SUB or SBB, whichever
     * its result makes it (Flags#sub). A logic record of a result r passes for an addition or a
     * subtraction of the same size, as r + 0 or r - 0, which give the same six flags.
     */
    public boolean recordIs(int kind, int size) {
        if (flags.kind == Flags.LOGIC && (kind == FLAGS_ADD || kind == FLAGS_SUB)) {
            return flags.size == size;
        }
        int recorded = switch (kind) {
            case FLAGS_ADD -> Flags.ADD;
            case FLAGS_SUB -> Flags.SUB;
            case FLAGS_LOGIC -> Flags.LOGIC;
            case FLAGS_INC -> Flags.INC;
            case FLAGS_DEC -> Flags.DEC;
            case FLAGS_EAGER -> Flags.EAGER;
            default -> throw new IllegalArgumentException("no record of kind " + kind + " is taken from memory");
        };
        return flags.kind == recorded && (kind == FLAGS_EAGER || flags.size == size);
    }

    public int recordA() {
        return flags.kind == Flags.LOGIC ? flags.res : flags.dst;
    }

    public int recordB() {
        return flags.kind == Flags.LOGIC ? 0 : flags.src;
    }

    /** The result, or for an eager record the six arithmetic flags. */
    public int recordR() {
        return flags.kind == Flags.EAGER ? flags.arith() : flags.res;
    }

    public int recordCarry() {
        return flags.carryIn;
    }

    public void recordAdd(int size, int a, int b, int r) {
        flags.add(size, a, b, r);
    }

    public void recordSub(int size, int a, int b, int r) {
        flags.sub(size, a, b, r);
    }

    public void recordLogic(int size, int r) {
        flags.logic(size, r);
    }

    public void recordIncDec(boolean inc, int size, int a, int r, int carry) {
        flags.incDec(inc, size, a, r, carry);
    }

    /** CF as the flags now stand, 0 or 1. */
    public int carry() {
        return flags.cfBit();
    }

    public boolean condition(int cc) {
        return flags.condition(cc);
    }

    /** Replaces the six arithmetic flags with {@code bits} (EFLAGS positions). */
    public void setArith(int bits) {
        flags.setArith(bits);
    }

    /**
     * A dword shift or rotate of {@code v} by {@code count} (1-31) as the interpreter computes it;
     * its flags, which rotates take partly from the flags as they stand, are then {@link
     * #shiftFlags}.
     */
    public int shift32(int op, int v, int count) {
        return shifts.shift(op, 2, v, count);
    }

    public int shiftFlags() {
        return shifts.newFlags;
    }

    /**
     * The flags SHL, SHR or SAR of dword {@code v} by {@code count} (1-31) leaves, as the
     * interpreter computes them: they depend on nothing else, so a block computes them itself.
     */
    public static int plainShiftFlags32(int op, int v, int count) {
        return Shifts.plainShiftFlags(op, 2, v, count);
    }

    /**
     * The six arithmetic flags of a record a block keeps in its locals, of a {@code kind} other than
     * {@link #FLAGS_IN_MEMORY} and with its values as {@link #record} takes them.
     */
    public static int arithOf(int kind, int size, int a, int b, int r, int carry) {
        switch (kind) {
            case FLAGS_ADD: return Flags.arithOf(Flags.ADD, size, a, b, r, 0);
            case FLAGS_SUB: case FLAGS_SBB: return Flags.arithOf(Flags.SUB, size, a, b, r, 0);
            case FLAGS_LOGIC: return Flags.arithOf(Flags.LOGIC, size, 0, 0, r, 0);
            case FLAGS_INC: return Flags.arithOf(Flags.INC, size, a, 1, r, carry);
            case FLAGS_DEC: return Flags.arithOf(Flags.DEC, size, a, 1, r, carry);
            case FLAGS_EAGER: return r & Flags.ARITH;
            default: throw new IllegalArgumentException("no record of kind " + kind + " in a block's locals");
        }
    }

    /**
     * The flags ROL or ROR of a dword by {@code count} (0-31) leaves, {@code r} its result and
     * {@code before} the arithmetic flags before it: a count of 0 leaves them all.
     */
    public static int rotateFlags32(int op, int r, int count, int before) {
        return count == 0 ? before : Shifts.rotateFlags(op, 2, r, before);
    }

    /** The flags IMUL r32 leaves for the product of {@code a} and {@code b}. */
    public static int multiplyFlags32(int a, int b) {
        long p = (long) a * b;
        return Arithmetic.multiplyFlagBits(2, (int) p, p != (int) p);
    }

    public static int carryOfAdd(int size, int a, int b, int r) {
        return Flags.carryOfAdd(size, a, b, r);
    }

    public static int borrowOfSub(int size, int a, int b, int r) {
        return Flags.borrowOfSub(size, a, b, r);
    }

    // ---- control ----

    /** RET: pops the return address (and {@code imm} more bytes) and returns it. */
    public int ret(boolean operand32, int imm) {
        return executor.returnTarget(operand32, imm);
    }

    // ---- everything else: the interpreter's implementation ----

    /**
     * Executes one instruction as the interpreter does; EIP must already point past it and the
     * instruction count include it.
     */
    public void execute(Insn d) {
        executor.execute(d);
    }

    /** As {@link #execute} for a string instruction or port I/O, without the interpreter's dispatch. */
    public void executeStringOrPort(Insn d) {
        executor.stringOrPort(d);
    }

    /** Whether a frame holding cached code was written since the block was entered. */
    public boolean codeWritten() {
        return cache.codeWritten;
    }
}
