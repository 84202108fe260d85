package org.j386.emulator.jit;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.j386.emulator.cpu.BlockRuntime;
import org.j386.emulator.cpu.CpuState;
import org.j386.emulator.cpu.Flags;
import org.j386.emulator.cpu.Insn;
import org.j386.emulator.cpu.Op;
import org.j386.emulator.cpu.OpInfo;
import org.j386.emulator.memory.RamWords;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Generates the class of one block: a subclass of {@code CompiledBlock} whose {@code run} method
 * executes the block's instructions.
 *
 * <p><b>Registers</b> live in JVM locals inside the block, and are written back at each exit,
 * before each call into the interpreter's implementation (ESP also before the runtime's stack
 * helpers, which read it again after), and by the exception handler of each instruction that can
 * fault.
 *
 * <p><b>Flags</b> are the interpreter's lazy record, kept in locals: each flag-setting instruction
 * stores its operands and result, and only the kind of record is known while generating. Branches
 * test the operands directly (a compare and a jump become one JVM comparison); the record is
 * written to {@code Flags} only where something outside the block may read it. Records nobody
 * reads cost nothing once the JVM removes the dead stores.
 *
 * <p><b>Faults.</b> Every instruction that can fault has its own exception-table range. Its
 * handler writes back the registers and the flag record as they stood at the instruction's start,
 * sets EIP to it and counts it, then rethrows: the run loop delivers the fault exactly as the
 * interpreter's. Instructions therefore commit nothing to locals before their last possible
 * fault.
 *
 * <p><b>Memory</b> operands of flat segments, and the stack, go straight to the RAM array when the
 * TLB already holds a translation that allows the access: see "the inline memory path" below.
 *
 * <p><b>Everything else</b> goes to the interpreter's implementation ({@code BlockRuntime.execute})
 * with the state written back first: both tiers share one implementation of every operation.
 */
final class BlockEmitter implements Opcodes {
    /**
     * A block's class is named after its entry EIP ({@code BlockAt00100c03}), so that profilers
     * (JFR, perf maps) and the JVM's own diagnostics tell which guest code a compiled method runs.
     */
    private static String className(int entryEip) {
        // Not String.format: its parser runs regular expressions, which the JVM would then compile
        // for the translator's sake while the guest runs.
        String hex = Integer.toHexString(entryEip);
        return "org/j386/emulator/jit/BlockAt" + "0".repeat(8 - hex.length()) + hex;
    }

    private final String name;
    /**
     * Memory accesses call the interpreter's path and go on, instead of taking the inline path and
     * leaving the block for what it does not take: for the JIT check, which journals every write,
     * and on a host without {@link RamWords}.
     */
    private final boolean callAccesses;
    private static final String SUPER = "org/j386/emulator/cpu/CompiledBlock";
    private static final String RT = "org/j386/emulator/cpu/BlockRuntime";
    private static final String STATE = "org/j386/emulator/cpu/CpuState";
    private static final String INSN = "org/j386/emulator/cpu/Insn";
    private static final String PAGE_FAULT = "org/j386/emulator/memory/PageFault";
    private static final String CPU_FAULT = "org/j386/emulator/cpu/CpuFault";

    // JVM locals of run(long limit)
    private static final int THIS = 0, LIMIT = 1, L_RT = 3, L_S = 4, L_REGS = 5, R0 = 6, BASE = 14,
            FA = 16, FB = 17, FR = 18, FC = 19, T1 = 20, T2 = 21, LIN = 22, SAVED_ESP = 23, EXC = 24,
            TA = 25, TB = 26, TR = 27, TC = 28, FK = 29, FS = 30,
            // the inline memory path: the TLB, RAM, frame flags, the hits so far, and
            // its scratch: address, value, RAM index, the pushed ESP
            TLB = 31, RAM = 32, FRAME_FLAGS = 33, HITS = 34, MA = 35,
            MV = 36, MP = 37, MSP = 38,
            /** Whether a store that took the call wrote a frame holding cached code. */
            CODE_WRITTEN = 39,
            /** The inline path's page entry (then frame) and offset in the page. */
            ENTRY = 40, OFFSET = 41,
            /** RAM's access for words and dwords (RamWords#blockAccess), where RAM has an index mask. */
            RAM_ACCESS = 42;
    private static final String RAM_WORDS = "org/j386/emulator/memory/RamWords";
    private static final String UNSAFE = "sun/misc/Unsafe";
    private static final int ESP = 4;
    /** Every register kept in a local. */
    private static final int LOCAL_REGS = 0xFF;
    private static final int[] MASK = {0xFF, 0xFFFF, -1};

    // Kinds of flag record, as known while generating (BlockRuntime.record reads the same codes).
    private static final int MEMORY = BlockRuntime.FLAGS_IN_MEMORY, ADD = BlockRuntime.FLAGS_ADD,
            SUB = BlockRuntime.FLAGS_SUB, SBB = BlockRuntime.FLAGS_SBB, LOGIC = BlockRuntime.FLAGS_LOGIC,
            INC = BlockRuntime.FLAGS_INC, DEC = BlockRuntime.FLAGS_DEC;
    /** The six flags computed outright (shifts, multiplies), their EFLAGS bits in FR. */
    private static final int EAGER = BlockRuntime.FLAGS_EAGER;
    /**
     * Known only while running: after a jump target, where paths with different records meet. The
     * kind and size are in FK and FS, the record in the flag locals as for that kind.
     */
    private static final int DYNAMIC = 8;

    /** What reaches a jump target, as the first pass saw it: no jump yet, or records of several kinds. */
    private static final int NO_ARRIVAL = -1, MIXED = -2;
    /**
     * For each jump target, the kind and size of flag record every jump to it brings ({@link
     * #kindCode}), or {@link #NO_ARRIVAL} or {@link #MIXED}: the first pass finds it, and the second
     * keeps at the target the record those jumps bring rather than one known only while running.
     */
    private final int[] arrivals;
    /** The second pass: the first pass's {@link #arrivals}, or null where it keeps none. */
    private final int[] headKinds;

    private final int entryEip;
    private final List<Insn> insns;
    private final List<Integer> eips;
    /** Each EIP's place in {@link #eips} ({@link #positions(List)}). */
    private final Map<Integer, Integer> positions;
    private final MethodVisitor mv;
    private final List<Runnable> handlers = new ArrayList<>();
    /** A label before each instruction; those that are branch targets inside the block are bound. */
    private final boolean flatData;
    private final InlineMemory memory;
    private final Label[] labels;
    private final boolean[] isTarget;
    /** For each RET, the return address of the call the trace went through to reach it, or -1. */
    private final int[] predictedReturn;
    /**
     * For each indirect transfer, the EIPs in the block it was seen to reach (tested in this
     * order); null for the other instructions.
     */
    private final int[][] indirectTargets;

    /** The arithmetic flags some later reader may see, after each instruction of the block. */
    private final int[] liveAfter;

    /** Whether some instruction calls the interpreter's implementation ({@link #callOut}). */
    private boolean callsOut;

    private int flagKind = MEMORY;
    private int flagSize;
    /** Registers written since they were last stored to the state. */
    private int dirty;
    /**
     * The registers that live in locals: those the block's own code reads or writes (found by a
     * first pass). The others are only ever in the state.
     */
    private final int used;
    /** The registers the generated code has read or written so far (the first pass's answer). */
    private int touched;

    // The instruction being generated, and its state at the start (for its fault handler).
    private int k;
    private Label faultStart;
    /** Inline accesses generated so far for the current instruction. */
    private int accessesInInstruction;
    private int startKind;
    private int startSize;

    private BlockEmitter(int entryEip, List<Insn> insns, List<Integer> eips, Map<Integer, Integer> positions,
            Map<Integer, Integer> segmentStarts,
            Map<Integer, int[]> indirectTargets, boolean flatData, InlineMemory memory, boolean checked,
            MethodVisitor mv, int used, int[] headKinds) {
        this.used = used;
        this.headKinds = headKinds;
        this.flatData = flatData;
        this.memory = memory;
        // Where RAM words cannot be read directly, no access goes inline: calling the interpreter's
        // path keeps blocks running whole, where leaving before each access would end them there.
        this.callAccesses = checked || !RamWords.AVAILABLE;
        this.entryEip = entryEip;
        this.name = className(entryEip);
        this.insns = insns;
        this.eips = eips;
        this.positions = positions;
        this.mv = new MethodVisitor(ASM9, mv) {
            @Override
            public void visitMethodInsn(int opcode, String owner, String method, String descriptor, boolean itf) {
                if (!cannotFault(opcode, owner, method)) {
                    callsThatMayFault++;
                }
                super.visitMethodInsn(opcode, owner, method, descriptor, itf);
            }
        };
        this.labels = new Label[insns.size()];
        this.isTarget = new boolean[insns.size()];
        this.arrivals = new int[insns.size()];
        Arrays.fill(arrivals, NO_ARRIVAL);
        this.predictedReturn = predictReturns(insns, eips, segmentStarts);
        this.liveAfter = liveness();
        this.indirectTargets = new int[insns.size()][];
        for (int i = 0; i < insns.size(); i++) {
            labels[i] = new Label();
        }
        for (int i = 0; i < insns.size(); i++) {
            Insn d = insns.get(i);
            if (d.op() == Op.JCC) {
                markTarget(branchTarget(d, eips.get(i)));
            }
            if (leavesIndirectly(d)) {
                int[] seen = indirectTargets.getOrDefault(eips.get(i), new int[0]);
                this.indirectTargets[i] = Arrays.stream(seen).filter(positions::containsKey).distinct().toArray();
                for (int target : this.indirectTargets[i]) {
                    markTarget(target);
                }
            }
            // Control that goes on to anything but the next instruction of the trace arrives by a jump.
            int successor = successor(i);
            if (goesOn(i) && (i + 1 == insns.size() || eips.get(i + 1) != successor)) {
                markTarget(successor);
            }
        }
    }

    /** The return address each RET of the trace is expected to pop: that of the call it came through. */
    private static int[] predictReturns(List<Insn> insns, List<Integer> eips, Map<Integer, Integer> segmentStarts) {
        int[] predicted = new int[insns.size()];
        Deque<Integer> calls = new ArrayDeque<>();
        for (int i = 0; i < insns.size(); i++) {
            Insn d = insns.get(i);
            Integer returnAddress = segmentStarts.get(i);
            if (returnAddress != null) {
                calls.clear(); // each trace of the block starts with no call of its own but an indirect one
                if (returnAddress >= 0) {
                    calls.push(returnAddress);
                }
            }
            predicted[i] = -1;
            if (d.op() == Op.CALL_REL) {
                calls.push(eips.get(i) + d.length());
            } else if (d.op() == Op.RET && !calls.isEmpty()) {
                predicted[i] = calls.pop();
            }
        }
        return predicted;
    }

    /**
     * Whether the instruction is an indirect jump or call, whose targets seen may be in the
     * block (a return goes on in the block only where the trace predicts it).
     */
    static boolean leavesIndirectly(Insn d) {
        return d.op() == Op.JMP_RM || d.op() == Op.CALL_RM;
    }

    /**
     * Goes on inside the block when the target in T1 of an indirect transfer is one seen before and
     * compiled in, and falls through otherwise.
     */
    private void toTargetsSeen() {
        int[] targets = indirectTargets[k].clone();
        if (targets.length < 3) {
            for (int target : targets) {
                Label other = new Label();
                mv.visitVarInsn(ILOAD, T1);
                push(target);
                mv.visitJumpInsn(IF_ICMPNE, other);
                branchTo(target);
                mv.visitLabel(other);
            }
            return;
        }
        // More: one switch, which the JVM compiles to a search or a table rather than a chain.
        Arrays.sort(targets);
        Label other = new Label();
        Label[] cases = new Label[targets.length];
        for (int i = 0; i < cases.length; i++) {
            cases[i] = new Label();
        }
        mv.visitVarInsn(ILOAD, T1);
        mv.visitLookupSwitchInsn(other, targets, cases);
        for (int i = 0; i < cases.length; i++) {
            mv.visitLabel(cases[i]);
            branchTo(targets[i]);
        }
        mv.visitLabel(other);
    }

    /** Whether control may go on past instruction {@code i} inside the block. */
    private boolean goesOn(int i) {
        return !BlockTranslator.endsBlock(insns.get(i)) || predictedReturn[i] >= 0;
    }

    /** Where control goes after instruction {@code i} when it does not branch off. */
    private int successor(int i) {
        Insn d = insns.get(i);
        int op = d.op();
        if (op == Op.JMP_REL || op == Op.CALL_REL) {
            return branchTarget(d, eips.get(i));
        }
        return op == Op.RET ? predictedReturn[i] : eips.get(i) + d.length();
    }

    private void markTarget(int eip) {
        int j = position(eip);
        if (j >= 0) {
            isTarget[j] = true;
        }
    }

    /**
     * Each EIP's place in a block's list of them (a block holds each EIP once: a trace stops where
     * it comes back to one it has), for looking targets up without searching the list.
     */
    static Map<Integer, Integer> positions(List<Integer> eips) {
        Map<Integer, Integer> positions = new HashMap<>(2 * eips.size());
        for (int j = 0; j < eips.size(); j++) {
            positions.put(eips.get(j), j);
        }
        return positions;
    }

    /** Where {@code eip} is in the block's instructions, or -1. */
    private int position(int eip) {
        Integer j = positions.get(eip);
        return j == null ? -1 : j;
    }

    /**
     * Backward flag liveness over the block. Everything that leaves the block or hands it to the
     * interpreter (an exit, a side exit, a call-out, an instruction that may fault and so reach a
     * handler) sees every flag; the other instructions read and write what the operation table says.
     * The records that instructions keep in locals are nearly free, so this matters for the
     * instructions whose flags cost real work: shifts and multiplies.
     *
     * <p>What is live after an instruction is what is live where control goes next, which is not
     * always the next instruction of the list: a trace that ends by coming back to an instruction
     * the block holds (a loop's jump back) is followed in the list by the block's next trace. So
     * the flags live at each instruction are found over the block's own jumps, again until nothing
     * changes (loops).
     */
    private int[] liveness() {
        int n = insns.size();
        int[] next = new int[n]; // where control goes on in the block after each instruction, or -1
        for (int i = 0; i < n; i++) {
            next[i] = goesOn(i) ? position(successor(i)) : -1;
        }
        int[] liveBefore = new int[n];
        int[] liveAfterEach = new int[n];
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int i = n - 1; i >= 0; i--) {
                liveAfterEach[i] = next[i] >= 0 ? liveBefore[next[i]] : Flags.ARITH;
                Insn d = insns.get(i);
                int before = seesEveryFlag(d) ? Flags.ARITH
                        : (liveAfterEach[i] & ~OpInfo.flagsWritten(d)) | OpInfo.flagsRead(d);
                if (before != liveBefore[i]) {
                    liveBefore[i] = before;
                    changed = true;
                }
            }
        }
        return liveAfterEach;
    }

    private static boolean seesEveryFlag(Insn d) {
        int op = d.op();
        if (op == Op.JCC || op == Op.RET || op == Op.JMP_RM || op == Op.CALL_RM || !inline(d)) {
            return true;
        }
        return accessesMemory(d);
    }

    /** Whether the instruction's own code is generated here rather than called in the interpreter. */
    private static boolean inline(Insn d) {
        switch (d.op()) {
            case Op.XCHG:
                return d.rm() >= 0;
            case Op.IMUL_R_RM:
            case Op.IMUL_R_RM_I:
                return d.size() == 2;
            case Op.SHIFT_CL:
                return d.rm() >= 0 && dwordShiftByCl(d);
            case Op.NOP: case Op.MOV32_RR: case Op.MOV32_RI: case Op.MOV32_LOAD: case Op.MOV32_STORE:
            case Op.MOV_RM_R: case Op.MOV_R_RM: case Op.MOV_RM_I: case Op.MOVZX: case Op.MOVSX: case Op.LEA:
            case Op.CBW: case Op.CWD: case Op.ALU_RM_R: case Op.ALU_RM_I: case Op.ALU_R_RM: case Op.TEST_RM_R:
            case Op.TEST_RM_I: case Op.TEST32_RR: case Op.INC: case Op.INC32: case Op.DEC: case Op.DEC32:
            case Op.NOT: case Op.NEG: case Op.PUSH_R: case Op.PUSH_I: case Op.POP_R: case Op.SETCC:
            case Op.CMOVCC: case Op.JCC: case Op.JMP_REL: case Op.CALL_REL: case Op.SHIFT32_RI:
            case Op.RET: case Op.JMP_RM: case Op.CALL_RM:
                return true;
            default:
                return d.op() >= Op.ALU32_RR && d.op() < Op.ALU32_RI + 8;
        }
    }

    /** A shift or rotation by CL the block makes itself: of a dword, and not through CF (RCL, RCR). */
    private static boolean dwordShiftByCl(Insn d) {
        return d.size() == 2 && d.sub() != Op.RCL && d.sub() != Op.RCR;
    }

    /** Whether the instruction reads or writes memory (its r/m operand, or the stack). */
    private static boolean accessesMemory(Insn d) {
        switch (d.op()) {
            case Op.LEA:
                return false;
            case Op.PUSH_R: case Op.PUSH_I: case Op.POP_R: case Op.MOV32_LOAD: case Op.MOV32_STORE: case Op.CALL_REL:
            case Op.RET: case Op.CALL_RM:
                return true;
            default:
                return OpInfo.has(d.op(), OpInfo.MEMORY) && d.rm() < 0;
        }
    }

    /**
     * What the inline memory path is compiled for: whether a store tests its frame's write flags
     * itself (under the identity table) or finds them in the TLB entry's rights (see
     * Mmu#inlineWriteNeed), RAM's index mask (PhysicalMemory#indexMask), with which the block
     * makes its word and dword accesses itself (RamWords#blockAccess), or -1 for none, when
     * RamWords' helpers check each index against RAM's end instead, and the
     * bits a TLB entry needs for a read and for a write to go inline (Mmu#inlineReadNeed): constants
     * of the block, which the code cache enters only while the MMU asks for the same. And whether
     * the block counts its inline accesses as the MMU's TLB hits (BlockTranslator#leaveTlbHitsUncounted).
     */
    record InlineMemory(boolean storesTestFrames, int ramMask, int readNeed, int writeNeed, boolean countsHits) {
    }

    /**
     * The class file of a block. {@code segmentStarts}: the indices where a new trace of the block
     * begins, each with the return address its first unmatched RET is predicted to pop (that of the
     * indirect call whose target begins the trace), or -1. {@code indirectTargets}: by the EIP of
     * each indirect transfer, the EIPs seen after it; it goes straight to those the block holds.
     * {@code flatData}: DS, ES and SS are flat (the block is entered only while they are),
     * so accesses through them skip the segment check. {@code checked}: the block is for the JIT
     * check, which journals every write and so lets no access go inline; its accesses then call the
     * interpreter's path and go on, rather than leave the block before each one, so that it runs
     * whole as the block it checks would. {@code memory}: what the inline path is compiled for.
     */
    static Generated emit(int entryEip, List<Insn> insns, List<Integer> eips, Map<Integer, Integer> segmentStarts,
            Map<Integer, int[]> indirectTargets, boolean flatData, InlineMemory memory, boolean checked) {
        try {
            return emit(entryEip, insns, eips, segmentStarts, indirectTargets, flatData, memory, checked, true);
        } catch (KindMismatch e) {
            return emit(entryEip, insns, eips, segmentStarts, indirectTargets, flatData, memory, checked, false);
        }
    }

    private static Generated emit(int entryEip, List<Insn> insns, List<Integer> eips,
            Map<Integer, Integer> segmentStarts, Map<Integer, int[]> indirectTargets, boolean flatData,
            InlineMemory memory, boolean checked, boolean keepRecords) {
        // Class file version 49, the last the JVM verifies by inferring the types itself: a later
        // one needs stack map frames, and ASM's analysis that computes them cost more of each
        // translation (a sixth) than the JVM's inference adds to defining the class. Measured: the
        // page-table test's translation 47 ms against 52 ms, the compiled-C bench kernel 1.6% sooner.
        // Nothing a block uses is newer: no interface, invokedynamic or nest-mate access.
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        String name = className(entryEip);
        cw.visit(V1_5, ACC_FINAL | ACC_SUPER, name, null, SUPER, null);
        for (ClassData item : ClassData.values()) {
            cw.visitField(ACC_PRIVATE | ACC_STATIC | ACC_FINAL, item.field, item.descriptor, null, null).visitEnd();
        }

        // The block makes its one instance as its class is initialized, which defining it does,
        // and hands it to the runtime: no method handle to find and call per class.
        MethodVisitor init = cw.visitMethod(ACC_PRIVATE, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(ALOAD, 0);
        init.visitLdcInsn(entryEip);
        init.visitLdcInsn(maxLength(insns));
        init.visitMethodInsn(INVOKESPECIAL, SUPER, "<init>", "(II)V", false);
        ClassData.RUNTIME.load(init, name);
        init.visitVarInsn(ALOAD, 0);
        init.visitMethodInsn(INVOKEVIRTUAL, RT, "handOff", "(Lorg/j386/emulator/cpu/CompiledBlock;)V", false);
        init.visitInsn(RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();
        // The class data goes into static final fields, once, with plain calls: the JVM's compilers
        // fold a static final of an initialized class as they fold a dynamic constant, and no
        // bootstrap method runs per constant (six per block, each linked through the JDK's method
        // handles, in the JVM's interpreter while a run is young).
        MethodVisitor clinit = cw.visitMethod(ACC_STATIC, "<clinit>", "()V", null, null);
        clinit.visitCode();
        clinit.visitMethodInsn(INVOKESTATIC, "java/lang/invoke/MethodHandles", "lookup",
                "()Ljava/lang/invoke/MethodHandles$Lookup;", false);
        clinit.visitLdcInsn("_");
        clinit.visitLdcInsn(Type.getType(Object[].class));
        clinit.visitMethodInsn(INVOKESTATIC, "java/lang/invoke/MethodHandles", "classData",
                "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/Class;)Ljava/lang/Object;", false);
        clinit.visitTypeInsn(CHECKCAST, "[Ljava/lang/Object;");
        for (ClassData item : ClassData.values()) {
            clinit.visitInsn(DUP);
            clinit.visitIntInsn(BIPUSH, item.ordinal());
            clinit.visitInsn(AALOAD);
            clinit.visitTypeInsn(CHECKCAST, Type.getType(item.descriptor).getInternalName());
            clinit.visitFieldInsn(PUTSTATIC, name, item.field, item.descriptor);
        }
        clinit.visitInsn(POP);
        clinit.visitTypeInsn(NEW, name);
        clinit.visitMethodInsn(INVOKESPECIAL, name, "<init>", "()V", false);
        clinit.visitInsn(RETURN);
        clinit.visitMaxs(0, 0);
        clinit.visitEnd();

        // A first pass generates nothing and finds the registers the block's own code uses: only those
        // get locals, loaded at entry and written back at exits. The others stay in the state, where
        // the interpreter's implementations read and write them anyway. It also finds the record each
        // jump target is reached with.
        Map<Integer, Integer> positions = positions(eips);
        BlockEmitter survey = new BlockEmitter(entryEip, insns, eips, positions, segmentStarts, indirectTargets,
                flatData, memory, checked, new MethodVisitor(ASM9) { }, LOCAL_REGS, null);
        survey.body();
        MethodVisitor run = cw.visitMethod(ACC_PUBLIC, "run", "(J)V", null, null);
        BlockEmitter emitter = new BlockEmitter(entryEip, insns, eips, positions, segmentStarts, indirectTargets,
                flatData, memory, checked, run, survey.touched, keepRecords ? survey.arrivals : null);
        emitter.body();
        cw.visitEnd();
        return new Generated(cw.toByteArray(), emitter.end.getOffset(), emitter.callsOut);
    }

    /**
     * A block's class file, the length of its method's bytecode, and whether it calls the
     * interpreter's implementation of any operation ({@link org.j386.emulator.cpu.CompiledBlock#callsOut}).
     */
    record Generated(byte[] classFile, int codeLength, boolean callsOut) {
    }

    /** After the method's last instruction: its offset is the length of the bytecode. */
    private final Label end = new Label();

    /** A negative limit ({@code CompiledBlock.PRIMING}): the translator's call, which returns at once. */
    private void returnWhenPriming() {
        Label run = new Label();
        mv.visitVarInsn(LLOAD, LIMIT);
        mv.visitInsn(LCONST_0);
        mv.visitInsn(LCMP);
        mv.visitJumpInsn(IFGE, run);
        mv.visitInsn(RETURN);
        mv.visitLabel(run);
    }

    /**
     * What the run loop's budget check counts: one pass over every instruction. Exits and forward
     * jumps only make a pass shorter; a backward jump checks the budget again before the next one.
     */
    private static int maxLength(List<Insn> insns) {
        return insns.size();
    }

    // ---- the method ----

    private void body() {
        mv.visitCode();
        returnWhenPriming();
        ClassData.RUNTIME.load(mv, name);
        mv.visitVarInsn(ASTORE, L_RT);
        ClassData.CPU_STATE.load(mv, name);
        mv.visitVarInsn(ASTORE, L_S);
        ClassData.REGISTERS.load(mv, name);
        mv.visitVarInsn(ASTORE, L_REGS);
        loadAllRegisters();
        mv.visitVarInsn(ALOAD, L_S);
        mv.visitFieldInsn(GETFIELD, STATE, "instructions", "J");
        mv.visitVarInsn(LSTORE, BASE);
        for (int local : new int[] {FA, FB, FR, FC, T1, T2, LIN, SAVED_ESP, TA, TB, TR, TC, FK, FS, HITS, MA, MV,
                MP, MSP, CODE_WRITTEN}) {
            mv.visitInsn(ICONST_0);
            mv.visitVarInsn(ISTORE, local);
        }
        loadInlineMemoryState();
        mv.visitInsn(ACONST_NULL);
        mv.visitVarInsn(ASTORE, EXC);
        boolean open = true;
        for (k = 0; k < insns.size(); k++) {
            if (isTarget[k]) {
                // Jumps inside the block arrive with any register written, and with a record of the
                // kind they all bring, or else of any kind (named in FK and FS). A loop thus keeps its
                // flags in locals from one pass to the next.
                int head = headKind(k);
                if (k > 0) {
                    if (open) {
                        arrive(k);
                    }
                } else if (head >= 0) {
                    takeRecord(kindOf(head), sizeOf(head)); // from outside: the record is in memory
                } else {
                    toDynamic();
                }
                flagKind = kindOf(head);
                flagSize = sizeOf(head);
                dirty = used;
                open = true;
            }
            mv.visitLabel(labels[k]);
            if (!open) {
                continue; // reached only by jumps, and none targets it: never runs
            }
            Insn d = insns.get(k);
            accessesInInstruction = 0;
            open = instruction(d);
            int successor = successor(k);
            if (open && (k + 1 == insns.size() || eips.get(k + 1) != successor)) {
                branchTo(successor);
                open = false;
            }
        }
        for (int i = 0; i < handlers.size(); i++) {
            handlers.get(i).run(); // (one may add another: a back edge's check its exit)
        }
        mv.visitLabel(end);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    static int branchTarget(Insn d, int eip) {
        int target = eip + d.length() + d.imm();
        return d.operand32() ? target : target & 0xFFFF;
    }

    private int eip() {
        return eips.get(k);
    }

    private int next() {
        return eips.get(k) + insns.get(k).length();
    }

    /** Generates instruction {@link #k}; false when control cannot fall through past it. */
    private boolean instruction(Insn d) {
        int op = d.op();
        switch (op) {
            case Op.NOP:
                return true;
            case Op.MOV32_RR:
                loadReg32(d.reg());
                storeReg32(d.rm());
                return true;
            case Op.MOV32_RI:
                push(d.imm());
                storeReg32(d.rm());
                return true;
            case Op.MOV32_LOAD:
                beginFaultable();
                readMemory(d, 2);
                endFaultable();
                storeReg32(d.reg());
                return true;
            case Op.MOV32_STORE:
                loadReg32(d.reg());
                writeMemory(d, 2);
                return true;
            case Op.MOV_RM_R:
                readReg(d.reg(), d.size());
                writeRm(d, d.size());
                return true;
            case Op.MOV_R_RM:
                readRm(d, d.size());
                endFaultableIfMemory(d);
                writeReg(d.reg(), d.size());
                return true;
            case Op.MOV_RM_I:
                push(d.imm());
                writeRm(d, d.size());
                return true;
            case Op.MOVZX:
                readRm(d, d.sub());
                endFaultableIfMemory(d);
                writeReg(d.reg(), d.size());
                return true;
            case Op.MOVSX:
                readRm(d, d.sub());
                endFaultableIfMemory(d);
                mv.visitInsn(d.sub() == 0 ? I2B : I2S);
                writeReg(d.reg(), d.size());
                return true;
            case Op.LEA:
                effectiveAddress(d);
                writeReg(d.reg(), d.size());
                return true;
            case Op.XCHG:
                if (d.rm() < 0) {
                    return callOut(d);
                }
                readReg(d.reg(), d.size());
                mv.visitVarInsn(ISTORE, TB);
                readReg(d.rm(), d.size());
                mv.visitVarInsn(ISTORE, TA);
                mv.visitVarInsn(ILOAD, TB);
                writeReg(d.rm(), d.size());
                mv.visitVarInsn(ILOAD, TA);
                writeReg(d.reg(), d.size());
                return true;
            case Op.CBW:
                loadReg32(0);
                mv.visitInsn(d.size() == 2 ? I2S : I2B);
                writeReg(0, d.size());
                return true;
            case Op.CWD:
                loadReg32(0);
                if (d.size() != 2) {
                    mv.visitInsn(I2S);
                }
                push(31);
                mv.visitInsn(ISHR);
                writeReg(2, d.size());
                return true;

            case Op.ALU_RM_R:
                return aluToRm(d, d.sub(), () -> readReg(d.reg(), d.size()), d.sub() != Op.CMP);
            case Op.ALU_RM_I:
                return aluToRm(d, d.sub(), () -> push(d.imm()), d.sub() != Op.CMP);
            case Op.TEST_RM_R:
                return aluToRm(d, Op.AND, () -> readReg(d.reg(), d.size()), false);
            case Op.TEST_RM_I:
                return aluToRm(d, Op.AND, () -> push(d.imm() & MASK[d.size()]), false);
            case Op.TEST32_RR:
                return aluToRm(d, Op.AND, () -> loadReg32(d.reg()), false);
            case Op.ALU_R_RM:
                return aluToRegister(d);
            case Op.INC:
            case Op.INC32:
                return incDec(d, true);
            case Op.DEC:
            case Op.DEC32:
                return incDec(d, false);
            case Op.NOT:
                return notNeg(d, false);
            case Op.NEG:
                return notNeg(d, true);

            case Op.PUSH_R:
                beginFaultable();
                readReg(d.reg(), d.size());
                pushCall(d);
                endFaultable();
                checkCodeWritten();
                return true;
            case Op.PUSH_I:
                beginFaultable();
                push(d.imm());
                pushCall(d);
                endFaultable();
                checkCodeWritten();
                return true;
            case Op.POP_R:
                beginFaultable();
                if (flatData && d.operand32()) {
                    popFlat();
                } else {
                    espToState();
                    mv.visitVarInsn(ALOAD, L_RT);
                    push(d.operand32() ? 1 : 0);
                    mv.visitMethodInsn(INVOKEVIRTUAL, RT, "pop", "(Z)I", false);
                    espFromState();
                }
                endFaultable();
                writeReg(d.reg(), d.size());
                return true;

            case Op.SETCC:
                conditionValue(d.sub());
                writeRm(d, 0);
                return true;
            case Op.CMOVCC: {
                readRm(d, d.size());
                endFaultableIfMemory(d);
                mv.visitVarInsn(ISTORE, TA);
                Label skip = new Label();
                jumpIf(d.sub() ^ 1, skip);
                // The register counts as written on both paths: storing an unchanged one is harmless.
                mv.visitVarInsn(ILOAD, TA);
                writeReg(d.reg(), d.size());
                mv.visitLabel(skip);
                return true;
            }

            case Op.JCC: {
                Label notTaken = new Label();
                jumpIf(d.sub() ^ 1, notTaken);
                branchTo(branchTarget(d, eip()));
                mv.visitLabel(notTaken);
                return true;
            }
            case Op.JMP_REL:
                return true; // the body goes on at the target
            case Op.JMP_RM:
                readRm(d, d.size());
                endFaultableIfMemory(d);
                truncateTarget(d);
                mv.visitVarInsn(ISTORE, T1);
                toTargetsSeen();
                exitTo(T1);
                return false;
            case Op.CALL_RM:
                if (d.rm() >= 0) {
                    beginFaultable();
                }
                readRm(d, d.size());
                truncateTarget(d);
                mv.visitVarInsn(ISTORE, T1);
                push(next());
                pushCall(d);
                endFaultable();
                if (indirectTargets[k].length > 0) {
                    // The push may have written code the block holds: then only the run loop goes on.
                    Label fine = new Label();
                    mv.visitVarInsn(ILOAD, CODE_WRITTEN);
                    mv.visitJumpInsn(IFEQ, fine);
                    exitTo(T1);
                    mv.visitLabel(fine);
                    toTargetsSeen();
                }
                exitTo(T1);
                return false;
            case Op.RET: {
                beginFaultable();
                if (flatData && d.operand32()) {
                    // CS is flat in compiled code: any return address is within its limit.
                    popFlat();
                    if (d.imm() != 0) {
                        loadReg32(ESP);
                        push(d.imm());
                        mv.visitInsn(IADD);
                        storeReg32(ESP);
                    }
                } else {
                    espToState();
                    mv.visitVarInsn(ALOAD, L_RT);
                    push(d.operand32() ? 1 : 0);
                    push(d.imm());
                    mv.visitMethodInsn(INVOKEVIRTUAL, RT, "ret", "(ZI)I", false);
                    espFromState();
                }
                endFaultable();
                mv.visitVarInsn(ISTORE, T1);
                int predicted = predictedReturn[k];
                if (predicted < 0) {
                    exitTo(T1);
                    return false;
                }
                Label asPredicted = new Label();
                mv.visitVarInsn(ILOAD, T1);
                push(predicted);
                mv.visitJumpInsn(IF_ICMPEQ, asPredicted);
                exitTo(T1);
                mv.visitLabel(asPredicted);
                return true; // the body goes on at the predicted return address
            }
            case Op.CALL_REL: {
                int target = branchTarget(d, eip());
                beginFaultable();
                push(next());
                pushCall(d);
                endFaultable();
                checkCodeWritten(target);
                return true; // the body goes on at the target
            }

            case Op.SHIFT32_RI:
                return shiftByImmediate(d);
            case Op.SHIFT_CL:
                // Memory only where nothing can fault after the read: the flags then need no undoing.
                return inline(d) || dwordShiftByCl(d) && updatesInPlace(d) ? shiftByCl(d) : callOut(d);
            case Op.IMUL_R_RM:
            case Op.IMUL_R_RM_I:
                return multiply(d);

            default:
                if ((op >= Op.ALU32_RR && op < Op.ALU32_RR + 8)) {
                    return aluToRm(d, op - Op.ALU32_RR, () -> loadReg32(d.reg()), op - Op.ALU32_RR != Op.CMP);
                }
                if ((op >= Op.ALU32_RI && op < Op.ALU32_RI + 8)) {
                    return aluToRm(d, op - Op.ALU32_RI, () -> push(d.imm()), op - Op.ALU32_RI != Op.CMP);
                }
                return callOut(d);
        }
    }

    // ---- arithmetic ----

    /**
     * A dword register shifted by a non-zero immediate. When nobody sees its flags the JVM's own
     * shift does; else SHL, SHR and SAR compute theirs from the operand and count alone, a rotation
     * from the record in locals where the block keeps one ({@link #rotatesFromLocals}), and
     * otherwise the interpreter's code computes result and flags (the record going to memory first,
     * as rotations keep some of the old flags).
     */
    private boolean shiftByImmediate(Insn d) {
        int sub = d.sub();
        boolean flagsSeen = (liveAfter[k] & OpInfo.flagsWritten(d)) != 0;
        if (!flagsSeen && sub != Op.RCL && sub != Op.RCR) {
            loadReg32(d.rm());
            push(d.imm());
            shiftWithoutFlags(sub);
            storeReg32(d.rm());
            return true;
        }
        if (sub == Op.SHL || sub == Op.SAL || sub == Op.SHR || sub == Op.SAR) {
            // Their flags come from the operand and the count alone: computed here, with no call.
            push(sub);
            loadReg32(d.rm());
            push(d.imm());
            mv.visitMethodInsn(INVOKESTATIC, RT, "plainShiftFlags32", "(III)I", false);
            loadReg32(d.rm());
            push(d.imm());
            shiftWithoutFlags(sub);
            storeReg32(d.rm());
            mv.visitVarInsn(ISTORE, FR);
            flagKind = EAGER;
            return true;
        }
        if (rotatesFromLocals(sub)) {
            loadReg32(d.rm());
            push(d.imm());
            rotateWithFlags(sub);
            mv.visitVarInsn(ILOAD, TR);
            storeReg32(d.rm());
            return true;
        }
        flagsToMemory();
        shiftByInterpreter(sub, () -> {
            loadReg32(d.rm());
            push(d.imm());
        }, () -> storeReg32(d.rm()));
        flagKind = EAGER;
        return true;
    }

    /**
     * Whether a ROL or ROR whose flags are seen computes them here: when the flags before it are a
     * record in locals of a kind known here, whose other four flags it keeps.
     */
    private boolean rotatesFromLocals(int sub) {
        return (sub == Op.ROL || sub == Op.ROR) && flagKind != MEMORY && flagKind != DYNAMIC;
    }

    /** [value, count of 0-31] to []: ROL or ROR of a dword into TR, and the flags it leaves into FR. */
    private void rotateWithFlags(int sub) {
        mv.visitVarInsn(ISTORE, T1);
        mv.visitVarInsn(ILOAD, T1);
        shiftWithoutFlags(sub);
        mv.visitVarInsn(ISTORE, TR);
        push(sub);
        mv.visitVarInsn(ILOAD, TR);
        mv.visitVarInsn(ILOAD, T1);
        push(flagKind);
        push(flagSize);
        mv.visitVarInsn(ILOAD, FA);
        mv.visitVarInsn(ILOAD, FB);
        loadResult(flagKind);
        mv.visitVarInsn(ILOAD, FC);
        mv.visitMethodInsn(INVOKESTATIC, RT, "arithOf", "(IIIIII)I", false);
        mv.visitMethodInsn(INVOKESTATIC, RT, "rotateFlags32", "(IIII)I", false);
        mv.visitVarInsn(ISTORE, FR);
        flagKind = EAGER;
    }

    /**
     * A dword shift or rotation by the interpreter's implementation, which reads the flags it keeps
     * from the record in memory: {@code operands} pushes the value and the count (1-31), {@code
     * store} takes the result; the flags it leaves go to FR.
     */
    private void shiftByInterpreter(int sub, Runnable operands, Runnable store) {
        mv.visitVarInsn(ALOAD, L_RT);
        push(sub);
        operands.run();
        mv.visitMethodInsn(INVOKEVIRTUAL, RT, "shift32", "(III)I", false);
        store.run();
        fromRuntime("shiftFlags", FR);
    }

    /** Calls the runtime's {@code int} getter {@code method} into {@code local}. */
    private void fromRuntime(String method, int local) {
        mv.visitVarInsn(ALOAD, L_RT);
        mv.visitMethodInsn(INVOKEVIRTUAL, RT, method, "()I", false);
        mv.visitVarInsn(ISTORE, local);
    }

    /**
     * [value, count] to [value shifted]: SHL, SHR, SAR, ROL or ROR of a dword. The JVM's shifts and
     * rotations take the count modulo 32, as the processor does.
     */
    private void shiftWithoutFlags(int sub) {
        switch (sub) {
            case Op.ROL: mv.visitMethodInsn(INVOKESTATIC, "java/lang/Integer", "rotateLeft", "(II)I", false); break;
            case Op.ROR: mv.visitMethodInsn(INVOKESTATIC, "java/lang/Integer", "rotateRight", "(II)I", false); break;
            case Op.SHR: mv.visitInsn(IUSHR); break;
            case Op.SAR: mv.visitInsn(ISHR); break;
            default: mv.visitInsn(ISHL); break; // SHL, SAL
        }
    }

    /**
     * SHL, SHR, SAR, ROL, ROR of a dword by CL: a register, or memory the update can make in place
     * ({@link #updatesInPlace}: nothing can fault once the value is read). A count of 0 (CL & 31)
     * changes nothing, flags included (memory is written back unchanged, as the interpreter does):
     * where the flags are seen, a rotation takes the record in locals where the block keeps one
     * ({@link #rotatesFromLocals}); otherwise the record goes to memory first and only a shift by a
     * nonzero count writes its own there.
     */
    private boolean shiftByCl(Insn d) {
        int sub = d.sub();
        readForUpdate(d, true);
        if ((liveAfter[k] & OpInfo.flagsWritten(d)) == 0) {
            mv.visitVarInsn(ILOAD, TA);
            loadReg32(CpuState.ECX);
            shiftWithoutFlags(sub);
            mv.visitVarInsn(ISTORE, TR);
        } else if (rotatesFromLocals(sub)) {
            mv.visitVarInsn(ILOAD, TA);
            loadReg32(CpuState.ECX);
            push(31);
            mv.visitInsn(IAND);
            rotateWithFlags(sub);
        } else {
            flagsToMemory();
            Label unchanged = new Label();
            mv.visitVarInsn(ILOAD, TA);
            mv.visitVarInsn(ISTORE, TR);
            loadReg32(CpuState.ECX);
            andKept(31, T1);
            mv.visitJumpInsn(IFEQ, unchanged);
            shiftByInterpreter(sub, () -> {
                mv.visitVarInsn(ILOAD, TA);
                mv.visitVarInsn(ILOAD, T1);
            }, () -> mv.visitVarInsn(ISTORE, TR));
            materialize(EAGER, 0);
            mv.visitLabel(unchanged);
        }
        writeBack(d, true);
        afterUpdate(d, true);
        return true;
    }

    /**
     * Whether a read-modify-write of memory operand {@code d} goes inline and stores where it read,
     * so that once its value is read nothing of the instruction can fault.
     */
    private boolean updatesInPlace(Insn d) {
        return d.rm() < 0 && !callAccesses && flatOperand(d);
    }

    /** [value] to [value & {@code mask}], which {@code local} keeps as well. */
    private void andKept(int mask, int local) {
        push(mask);
        mv.visitInsn(IAND);
        mv.visitInsn(DUP);
        mv.visitVarInsn(ISTORE, local);
    }

    /** IMUL r32, r/m32 [, imm]; its flags (CF and OF say the product overflowed) only where seen. */
    private boolean multiply(Insn d) {
        if (!inline(d)) {
            return callOut(d);
        }
        readRm(d, 2);
        endFaultableIfMemory(d);
        mv.visitVarInsn(ISTORE, TA);
        if (d.op() == Op.IMUL_R_RM) {
            loadReg32(d.reg());
        } else {
            push(d.imm());
        }
        mv.visitVarInsn(ISTORE, TB);
        mv.visitVarInsn(ILOAD, TA);
        mv.visitVarInsn(ILOAD, TB);
        mv.visitInsn(IMUL);
        storeReg32(d.reg());
        if ((liveAfter[k] & OpInfo.flagsWritten(d)) != 0) {
            mv.visitVarInsn(ILOAD, TA);
            mv.visitVarInsn(ILOAD, TB);
            mv.visitMethodInsn(INVOKESTATIC, RT, "multiplyFlags32", "(II)I", false);
            mv.visitVarInsn(ISTORE, FR);
            flagKind = EAGER;
        }
        return true;
    }

    /**
     * The first half of a read-modify-write of the r/m operand (Bochs' read_RMW): its value into TA;
     * for memory, the fault range opens and the linear address, checked for writing (or only for
     * reading when {@code store} is false), goes to LIN, or for an update in place
     * ({@link #updatesInPlace}) its RAM index to MP.
     */
    private void readForUpdate(Insn d, boolean store) {
        int size = d.size();
        if (d.rm() >= 0) {
            readReg(d.rm(), size);
            mv.visitVarInsn(ISTORE, TA);
            return;
        }
        beginFaultable();
        if (flatOperand(d)) {
            effectiveAddress(d);
        } else {
            mv.visitVarInsn(ALOAD, L_RT);
            push(d.seg());
            effectiveAddress(d);
            push(size);
            mv.visitMethodInsn(INVOKEVIRTUAL, RT, store ? "linearForWrite" : "linearForRead", "(III)I", false);
        }
        if (store && updatesInPlace(d)) {
            // One test of the entry, for writing (which allows reading too), serves both accesses:
            // where it fails the block leaves before the instruction, and the interpreter makes
            // both accesses, so only the hit count needs both. The store needs no LIN: it goes to MP.
            mv.visitVarInsn(ISTORE, MA);
            Label slow = leaveBeforeAccess();
            accessesInInstruction++;
            inlineIndex(true, size, slow);
            countHit(1);
            loadAtIndex(size);
            updateInPlace = true;
        } else {
            mv.visitVarInsn(ISTORE, LIN);
            mv.visitVarInsn(ILOAD, LIN);
            load(size);
        }
        mv.visitVarInsn(ISTORE, TA);
    }

    /** The read-modify-write under way makes its store at the index its read tested (MP). */
    private boolean updateInPlace;

    /**
     * The second half: TR back to the operand (when {@code store}), closing the fault range of a
     * memory operand, which is the instruction's last possible fault.
     */
    private void writeBack(Insn d, boolean store) {
        int size = d.size();
        if (d.rm() >= 0) {
            if (store) {
                mv.visitVarInsn(ILOAD, TR);
                writeReg(d.rm(), size);
            }
            return;
        }
        if (store && updateInPlace) {
            mv.visitVarInsn(ILOAD, TR);
            mv.visitVarInsn(ISTORE, MV);
            storeAtIndex(size);
        } else if (store) {
            mv.visitVarInsn(ILOAD, LIN);
            mv.visitVarInsn(ILOAD, TR);
            store(size);
        }
        updateInPlace = false;
        endFaultable();
    }

    /** After an update of the r/m operand: a store may have hit a page holding code. */
    private void afterUpdate(Insn d, boolean store) {
        if (store && d.rm() < 0) {
            checkCodeWritten();
        }
    }

    /** ALU operation with the r/m operand as destination (or only read: CMP, TEST). */
    private boolean aluToRm(Insn d, int alu, Runnable source, boolean store) {
        readForUpdate(d, store);
        source.run();
        mv.visitVarInsn(ISTORE, TB);
        compute(alu, d.size());
        writeBack(d, store);
        commitFlags(alu, d.size());
        afterUpdate(d, store);
        return true;
    }

    /** ALU operation into a register from the r/m operand: the source is read first. */
    private boolean aluToRegister(Insn d) {
        int size = d.size();
        readRm(d, size);
        endFaultableIfMemory(d);
        mv.visitVarInsn(ISTORE, TB);
        readReg(d.reg(), size);
        mv.visitVarInsn(ISTORE, TA);
        compute(d.sub(), size);
        if (d.sub() != Op.CMP) {
            mv.visitVarInsn(ILOAD, TR);
            writeReg(d.reg(), size);
        }
        commitFlags(d.sub(), size);
        return true;
    }

    /** TR = TA op TB, unmasked, as the interpreter computes it (ADC and SBB take the carry in TC). */
    private void compute(int alu, int size) {
        if (alu == Op.ADC || alu == Op.SBB) {
            carry();
            mv.visitVarInsn(ISTORE, TC);
        }
        mv.visitVarInsn(ILOAD, TA);
        mv.visitVarInsn(ILOAD, TB);
        switch (alu) {
            case Op.ADD: mv.visitInsn(IADD); break;
            case Op.OR: mv.visitInsn(IOR); break;
            case Op.AND: mv.visitInsn(IAND); break;
            case Op.XOR: mv.visitInsn(IXOR); break;
            case Op.ADC:
                mv.visitInsn(IADD);
                mv.visitVarInsn(ILOAD, TC);
                mv.visitInsn(IADD);
                break;
            case Op.SBB:
                mv.visitInsn(ISUB);
                mv.visitVarInsn(ILOAD, TC);
                mv.visitInsn(ISUB);
                break;
            default: mv.visitInsn(ISUB); break; // SUB, CMP
        }
        mv.visitVarInsn(ISTORE, TR);
    }

    /** The flag record of an ALU operation, from TA, TB, TR (a subtraction's result is not kept: {@link #loadResult}). */
    private void commitFlags(int alu, int size) {
        mv.visitVarInsn(ILOAD, TA);
        mv.visitVarInsn(ISTORE, FA);
        mv.visitVarInsn(ILOAD, TB);
        mv.visitVarInsn(ISTORE, FB);
        if (alu != Op.SUB && alu != Op.CMP) {
            mv.visitVarInsn(ILOAD, TR);
            mv.visitVarInsn(ISTORE, FR);
        }
        switch (alu) {
            case Op.ADD: case Op.ADC: flagKind = ADD; break;
            case Op.SUB: case Op.CMP: flagKind = SUB; break;
            case Op.SBB: flagKind = SBB; break;
            default: flagKind = LOGIC; break;
        }
        flagSize = size;
    }

    private boolean incDec(Insn d, boolean inc) {
        // CF survives INC and DEC: take it from the record they replace.
        carry();
        mv.visitVarInsn(ISTORE, TC);
        readForUpdate(d, true);
        incremented(inc);
        writeBack(d, true);
        mv.visitVarInsn(ILOAD, TA);
        mv.visitVarInsn(ISTORE, FA);
        mv.visitVarInsn(ILOAD, TR);
        mv.visitVarInsn(ISTORE, FR);
        mv.visitVarInsn(ILOAD, TC);
        mv.visitVarInsn(ISTORE, FC);
        flagKind = inc ? INC : DEC;
        flagSize = d.size();
        afterUpdate(d, true);
        return true;
    }

    private void incremented(boolean inc) {
        mv.visitVarInsn(ILOAD, TA);
        mv.visitInsn(ICONST_1);
        mv.visitInsn(inc ? IADD : ISUB);
        mv.visitVarInsn(ISTORE, TR);
    }

    /** NOT (no flags) and NEG (flags of 0 - a). */
    private boolean notNeg(Insn d, boolean neg) {
        readForUpdate(d, true);
        mv.visitVarInsn(ILOAD, TA);
        if (neg) {
            mv.visitInsn(INEG);
        } else {
            mv.visitInsn(ICONST_M1);
            mv.visitInsn(IXOR);
        }
        mv.visitVarInsn(ISTORE, TR);
        writeBack(d, true);
        if (neg) {
            mv.visitInsn(ICONST_0);
            mv.visitVarInsn(ISTORE, FA);
            mv.visitVarInsn(ILOAD, TA);
            mv.visitVarInsn(ISTORE, FB);
            flagKind = SUB;
            flagSize = d.size();
        }
        afterUpdate(d, true);
        return true;
    }

    // ---- flags ----

    /** Pushes CF (0 or 1) as the flags stand. */
    private void carry() {
        switch (flagKind) {
            case ADD:
            case SUB:
            case SBB:
                push(flagSize);
                mv.visitVarInsn(ILOAD, FA);
                mv.visitVarInsn(ILOAD, FB);
                loadResult(flagKind);
                mv.visitMethodInsn(INVOKESTATIC, RT, flagKind == ADD ? "carryOfAdd" : "borrowOfSub", "(IIII)I", false);
                return;
            case LOGIC:
                mv.visitInsn(ICONST_0);
                return;
            case INC:
            case DEC:
                mv.visitVarInsn(ILOAD, FC);
                return;
            case EAGER:
                mv.visitVarInsn(ILOAD, FR);
                mv.visitInsn(ICONST_1);
                mv.visitInsn(IAND);
                return;
            default:
                // The record in memory (writing a dynamic one there first) is the interpreter's.
                flagsToMemory();
                mv.visitVarInsn(ALOAD, L_RT);
                mv.visitMethodInsn(INVOKEVIRTUAL, RT, "carry", "()I", false);
        }
    }

    /** Names the record's kind and size in FK and FS, for a jump to a target where paths meet. */
    private void toDynamic() {
        if (flagKind == DYNAMIC) {
            return;
        }
        if (flagKind == SUB) {
            loadResult(SUB); // a record known only while running keeps its result
            mv.visitVarInsn(ISTORE, FR);
        }
        push(flagKind);
        mv.visitVarInsn(ISTORE, FK);
        push(flagSize);
        mv.visitVarInsn(ISTORE, FS);
    }

    private static int kindCode(int kind, int size) {
        return kind | size << 4;
    }

    /** The kind a {@link #kindCode} names, or {@link #DYNAMIC} for -1 (no record kept). */
    private static int kindOf(int code) {
        return code >= 0 ? code & 0xF : DYNAMIC;
    }

    /** The size a {@link #kindCode} names, or 0 for -1. */
    private static int sizeOf(int code) {
        return code >= 0 ? code >> 4 : 0;
    }

    /**
     * The record kept at jump target {@code j} (a {@link #kindCode}), or -1 where it is known only
     * while running. The block's first instruction is also reached from outside, with the record in
     * memory: it is kept there only for kinds {@link #takeRecord} can take from memory.
     */
    private int headKind(int j) {
        if (headKinds == null || headKinds[j] < 0) {
            return -1;
        }
        int kind = kindOf(headKinds[j]);
        return j == 0 && kind == SBB ? -1 : headKinds[j];
    }

    /** Control goes to jump target {@code j} from here (a jump, or falling through to it). */
    private void arrive(int j) {
        boolean known = flagKind != MEMORY && flagKind != DYNAMIC;
        int code = known ? kindCode(flagKind, flagSize) : MIXED;
        arrivals[j] = meet(arrivals[j], code);
        int head = headKind(j);
        if (head < 0) {
            toDynamic();
        } else if (head != code) {
            if (meet(head, code) != head) {
                throw new KindMismatch();
            }
            logicAsArithmetic();
        }
    }

    /**
     * The record kept where jumps bringing records {@code earlier} and {@code code} meet. A logic
     * record of a result r is exactly the record of adding 0 to r, or of subtracting 0 from it (all
     * six flags alike: CF, OF and AF clear, ZF, SF and PF from r), so where a loop's jump back
     * brings an addition or a comparison and its way in a logic record (a counter zeroed with XOR
     * before the loop), the target keeps the arithmetic one: its kind known while generating, not
     * named in two more locals carried round the loop.
     */
    private static int meet(int earlier, int code) {
        if (earlier == NO_ARRIVAL || earlier == code) {
            return code;
        }
        if (earlier < 0 || code < 0 || sizeOf(earlier) != sizeOf(code)) {
            return MIXED;
        }
        if (kindOf(earlier) == LOGIC && takesLogic(kindOf(code))) {
            return code;
        }
        if (kindOf(code) == LOGIC && takesLogic(kindOf(earlier))) {
            return earlier;
        }
        return MIXED;
    }

    private static boolean takesLogic(int kind) {
        return kind == ADD || kind == SUB;
    }

    /**
     * The logic record in the flag locals rewritten as the addition or subtraction of 0 ({@link
     * #meet}); a block's entry takes one from the processor's flags the same way
     * (BlockRuntime#recordIs, #recordA, #recordB).
     */
    private void logicAsArithmetic() {
        mv.visitVarInsn(ILOAD, FR);
        mv.visitVarInsn(ISTORE, FA);
        mv.visitInsn(ICONST_0);
        mv.visitVarInsn(ISTORE, FB);
    }

    /**
     * The second pass found a record at a jump of a kind the first pass did not: an instruction's
     * record there depends on the one it found. The block is then generated again keeping the
     * record of no target.
     */
    private static final class KindMismatch extends RuntimeException {
        KindMismatch() {
            super(null, null, false, false);
        }
    }

    /**
     * At entry, where the block's first instruction is a jump target that keeps a record of {@code
     * kind}: the record in memory taken into the flag locals when it is of that kind. When it is
     * not, the block leaves before its first instruction, which the interpreter then runs; the next
     * entry (the loop's jump back, or the end of a slice) brings the kind.
     */
    private void takeRecord(int kind, int size) {
        Label taken = new Label();
        mv.visitVarInsn(ALOAD, L_RT);
        push(kind);
        push(size);
        mv.visitMethodInsn(INVOKEVIRTUAL, RT, "recordIs", "(II)Z", false);
        mv.visitJumpInsn(IFNE, taken);
        exit(entryEip, 0);
        mv.visitLabel(taken);
        boolean incDec = kind == INC || kind == DEC;
        if (kind == ADD || kind == SUB || incDec) {
            fromRuntime("recordA", FA);
        }
        if (kind == ADD || kind == SUB) {
            fromRuntime("recordB", FB);
        }
        if (kind != SUB) {
            fromRuntime("recordR", FR);
        }
        if (incDec) {
            fromRuntime("recordCarry", FC);
        }
    }

    /** Writes the record of kind {@code kind} from the flag locals into the processor's flags. */
    private void materialize(int kind, int size) {
        switch (kind) {
            case MEMORY:
                return;
            case DYNAMIC:
                mv.visitVarInsn(ALOAD, L_RT);
                mv.visitVarInsn(ILOAD, FK);
                mv.visitVarInsn(ILOAD, FS);
                mv.visitVarInsn(ILOAD, FA);
                mv.visitVarInsn(ILOAD, FB);
                mv.visitVarInsn(ILOAD, FR);
                mv.visitVarInsn(ILOAD, FC);
                mv.visitMethodInsn(INVOKEVIRTUAL, RT, "record", "(IIIIII)V", false);
                return;
            case ADD:
            case SUB:
            case SBB:
                mv.visitVarInsn(ALOAD, L_RT);
                push(size);
                mv.visitVarInsn(ILOAD, FA);
                mv.visitVarInsn(ILOAD, FB);
                loadResult(kind);
                mv.visitMethodInsn(INVOKEVIRTUAL, RT, kind == ADD ? "recordAdd" : "recordSub", "(IIII)V", false);
                return;
            case LOGIC:
                mv.visitVarInsn(ALOAD, L_RT);
                push(size);
                mv.visitVarInsn(ILOAD, FR);
                mv.visitMethodInsn(INVOKEVIRTUAL, RT, "recordLogic", "(II)V", false);
                return;
            case EAGER:
                mv.visitVarInsn(ALOAD, L_RT);
                mv.visitVarInsn(ILOAD, FR);
                mv.visitMethodInsn(INVOKEVIRTUAL, RT, "setArith", "(I)V", false);
                return;
            default:
                mv.visitVarInsn(ALOAD, L_RT);
                push(kind == INC ? 1 : 0);
                push(size);
                mv.visitVarInsn(ILOAD, FA);
                mv.visitVarInsn(ILOAD, FR);
                mv.visitVarInsn(ILOAD, FC);
                mv.visitMethodInsn(INVOKEVIRTUAL, RT, "recordIncDec", "(ZIIII)V", false);
        }
    }

    /** Materialises the record on the straight-line path: from here on the flags are in memory. */
    private void flagsToMemory() {
        materialize(flagKind, flagSize);
        flagKind = MEMORY;
    }

    /** Pushes 1 when condition {@code cc} holds, else 0. */
    private void conditionValue(int cc) {
        Label yes = new Label();
        Label done = new Label();
        jumpIf(cc, yes);
        mv.visitInsn(ICONST_0);
        mv.visitJumpInsn(GOTO, done);
        mv.visitLabel(yes);
        mv.visitInsn(ICONST_1);
        mv.visitLabel(done);
    }

    /** Jumps to {@code target} when condition {@code cc} (Jcc's low nibble) holds. */
    private void jumpIf(int cc, Label target) {
        if (flagKind != MEMORY && flagKind != DYNAMIC && directCondition(cc, target)) {
            return;
        }
        flagsToMemory();
        mv.visitVarInsn(ALOAD, L_RT);
        push(cc);
        mv.visitMethodInsn(INVOKEVIRTUAL, RT, "condition", "(I)Z", false);
        mv.visitJumpInsn(IFNE, target);
    }

    /** The conditions that come straight from the record's operands; false for the others. */
    private boolean directCondition(int cc, Label target) {
        if (flagKind == EAGER) {
            int bit = cc >> 1 == 1 ? Flags.CF : cc >> 1 == 2 ? Flags.ZF : cc >> 1 == 4 ? Flags.SF : 0;
            if (bit == 0) {
                return false;
            }
            mv.visitVarInsn(ILOAD, FR);
            push(bit);
            mv.visitInsn(IAND);
            mv.visitJumpInsn((cc & 1) == 0 ? IFNE : IFEQ, target);
            return true;
        }
        int size = flagSize;
        switch (cc) {
            case 0x4:
                maskedResult(size);
                mv.visitJumpInsn(IFEQ, target);
                return true;
            case 0x5:
                maskedResult(size);
                mv.visitJumpInsn(IFNE, target);
                return true;
            case 0x8:
                signedResult(size);
                mv.visitJumpInsn(IFLT, target);
                return true;
            case 0x9:
                signedResult(size);
                mv.visitJumpInsn(IFGE, target);
                return true;
            default:
                break;
        }
        if (flagKind == SUB) {
            switch (cc) {
                case 0x2: unsignedOperands(size); mv.visitJumpInsn(IF_ICMPLT, target); return true;
                case 0x3: unsignedOperands(size); mv.visitJumpInsn(IF_ICMPGE, target); return true;
                case 0x6: unsignedOperands(size); mv.visitJumpInsn(IF_ICMPLE, target); return true;
                case 0x7: unsignedOperands(size); mv.visitJumpInsn(IF_ICMPGT, target); return true;
                case 0xC: signedOperands(size); mv.visitJumpInsn(IF_ICMPLT, target); return true;
                case 0xD: signedOperands(size); mv.visitJumpInsn(IF_ICMPGE, target); return true;
                case 0xE: signedOperands(size); mv.visitJumpInsn(IF_ICMPLE, target); return true;
                case 0xF: signedOperands(size); mv.visitJumpInsn(IF_ICMPGT, target); return true;
                default: return false;
            }
        }
        if (flagKind == LOGIC) {
            // CF = OF = 0: the conditions reduce to ZF and SF.
            switch (cc) {
                case 0x0: case 0x2: return true;                                        // never
                case 0x1: case 0x3: mv.visitJumpInsn(GOTO, target); return true;       // always
                case 0x6: maskedResult(size); mv.visitJumpInsn(IFEQ, target); return true;
                case 0x7: maskedResult(size); mv.visitJumpInsn(IFNE, target); return true;
                case 0xC: signedResult(size); mv.visitJumpInsn(IFLT, target); return true;
                case 0xD: signedResult(size); mv.visitJumpInsn(IFGE, target); return true;
                case 0xE: signedResult(size); mv.visitJumpInsn(IFLE, target); return true;
                case 0xF: signedResult(size); mv.visitJumpInsn(IFGT, target); return true;
                default: return false;
            }
        }
        return false;
    }

    private void maskedResult(int size) {
        loadResult(flagKind);
        if (size != 2) {
            push(MASK[size]);
            mv.visitInsn(IAND);
        }
    }

    /**
     * Pushes the result of a record of {@code kind}. A subtraction's (and a comparison's) is its
     * operands' difference, computed where it is needed rather than kept: a loop closed by a
     * comparison then carries nothing of its record but the operands, which are most often the
     * guest registers' own values. (A record of SUB in the processor's flags always has that
     * result, Flags#sub; the other kinds keep theirs in FR.)
     */
    private void loadResult(int kind) {
        if (kind == SUB) {
            mv.visitVarInsn(ILOAD, FA);
            mv.visitVarInsn(ILOAD, FB);
            mv.visitInsn(ISUB);
        } else {
            mv.visitVarInsn(ILOAD, FR);
        }
    }

    private void signedResult(int size) {
        loadResult(flagKind);
        signExtend(size);
    }

    private void signed(int local, int size) {
        mv.visitVarInsn(ILOAD, local);
        signExtend(size);
    }

    private void signExtend(int size) {
        if (size == 1) {
            mv.visitInsn(I2S);
        } else if (size == 0) {
            mv.visitInsn(I2B);
        }
    }

    private void signedOperands(int size) {
        signed(FA, size);
        signed(FB, size);
    }

    /** Both operands, so that a signed comparison of them is the unsigned one of the originals. */
    private void unsignedOperands(int size) {
        for (int local : new int[] {FA, FB}) {
            mv.visitVarInsn(ILOAD, local);
            if (size == 2) {
                push(Integer.MIN_VALUE);
                mv.visitInsn(IXOR);
            } else {
                push(MASK[size]);
                mv.visitInsn(IAND);
            }
        }
    }

    // ---- control ----

    /**
     * Control goes to {@code target} after instruction {@link #k}: a jump inside the block when the
     * target is in it, else an exit. The count base moves so that instruction j still counts as
     * base + j + 1; a jump backwards first checks that another pass fits the budget and that nothing
     * asks for attention.
     */
    private void branchTo(int target) {
        int j = position(target);
        if (j < 0) {
            exit(target, k + 1);
            return;
        }
        arrive(j);
        if (k + 1 != j) {
            mv.visitVarInsn(LLOAD, BASE);
            mv.visitLdcInsn((long) (k + 1 - j));
            mv.visitInsn(LADD);
            mv.visitVarInsn(LSTORE, BASE);
        }
        mv.visitJumpInsn(GOTO, j > k ? labels[j] : backEdge(j));
    }

    /**
     * The check every backward jump to instruction {@code j} goes through: the budget for one more
     * pass, and attention. One per target, not per jump: the JVM's optimising compiler turns a
     * branch it never saw taken into a trap that throws its code away when taken, so a loop with
     * many back edges (a dispatch loop's handlers all jumping back to it) would lose its code once
     * per edge, each the first time a slice of the budget ended there.
     */
    private Label backEdge(int j) {
        return backEdges.computeIfAbsent(j, at -> {
            Label check = new Label();
            handlers.add(() -> {
                mv.visitLabel(check);
                Label leave = new Label();
                mv.visitVarInsn(ALOAD, L_S);
                mv.visitFieldInsn(GETFIELD, STATE, "attention", "Z");
                mv.visitJumpInsn(IFNE, leave);
                mv.visitVarInsn(LLOAD, BASE);
                mv.visitLdcInsn((long) insns.size());
                mv.visitInsn(LADD);
                mv.visitVarInsn(LLOAD, LIMIT);
                mv.visitInsn(LCMP);
                mv.visitJumpInsn(IFGT, leave);
                mv.visitJumpInsn(GOTO, labels[at]);
                mv.visitLabel(leave);
                push(eips.get(at));
                mv.visitVarInsn(ISTORE, T1);
                int head = headKind(at);
                leave(at, LOCAL_REGS, kindOf(head), sizeOf(head));
            });
            return check;
        });
    }

    private final Map<Integer, Label> backEdges = new HashMap<>();

    /** A near transfer with a 16-bit operand size keeps only IP. */
    private void truncateTarget(Insn d) {
        if (!d.operand32()) {
            push(0xFFFF);
            mv.visitInsn(IAND);
        }
    }

    /** Leaves the block after instruction {@link #k} at the EIP held in {@code local}. */
    private void exitTo(int local) {
        mv.visitVarInsn(ILOAD, local);
        mv.visitVarInsn(ISTORE, T1);
        leave(k + 1, dirty, flagKind, flagSize);
    }

    /** Leaves the block at {@code eip} with {@code count} instructions retired this round. */
    private void exit(int eip, int count) {
        push(eip);
        mv.visitVarInsn(ISTORE, T1);
        leave(count, dirty, flagKind, flagSize);
    }

    /**
     * Goes to the exit shared by every exit that writes back the same registers and the same kind
     * of flag record: it takes EIP from T1 and the count from T2. Sharing keeps blocks small, which
     * is what the JVM's compilers spend their time on.
     */
    private void leave(int count, int registers, int kind, int size) {
        push(count);
        mv.visitVarInsn(ISTORE, T2);
        mv.visitJumpInsn(GOTO, exitStub(registers, kind, size));
    }

    /** The exit shared by every exit that writes back these registers and this kind of flag record. */
    private Label exitStub(int registers, int kind, int size) {
        return sharedExits.computeIfAbsent(List.of(registers, kind, size), key -> {
            Label stub = new Label();
            handlers.add(() -> {
                mv.visitLabel(stub);
                countTlbHits();
                storeRegisters(registers);
                materialize(kind, size);
                setStateFromT1AndT2();
                mv.visitInsn(RETURN);
            });
            return stub;
        });
    }

    private final Map<List<Integer>, Label> sharedExits = new HashMap<>();

    /** EIP from T1, the instruction count from the base and T2. */
    private void setStateFromT1AndT2() {
        mv.visitVarInsn(ALOAD, L_S);
        mv.visitVarInsn(ILOAD, T1);
        mv.visitFieldInsn(PUTFIELD, STATE, "eip", "I");
        mv.visitVarInsn(ALOAD, L_S);
        mv.visitVarInsn(LLOAD, BASE);
        mv.visitVarInsn(ILOAD, T2);
        mv.visitInsn(I2L);
        mv.visitInsn(LADD);
        mv.visitFieldInsn(PUTFIELD, STATE, "instructions", "J");
    }

    /** After a store: if it hit a page holding code, the rest of the block may be stale. */
    private void checkCodeWritten() {
        checkCodeWritten(next());
    }

    /** As {@link #checkCodeWritten()}, for an instruction that continues at {@code resume}. */
    private void checkCodeWritten(int resume) {
        Label fine = new Label();
        mv.visitVarInsn(ILOAD, CODE_WRITTEN);
        mv.visitJumpInsn(IFEQ, fine);
        exit(resume, k + 1);
        mv.visitLabel(fine);
    }

    /** After a store that took the call: whether it wrote a frame holding cached code. */
    private void noteCodeWritten() {
        mv.visitVarInsn(ALOAD, L_RT);
        mv.visitMethodInsn(INVOKEVIRTUAL, RT, "codeWritten", "()Z", false);
        mv.visitVarInsn(ISTORE, CODE_WRITTEN);
    }

    /**
     * The interpreter's implementation, with the state written back first and read again after.
     * Operations that end a block end it here.
     */
    private boolean callOut(Insn d) {
        callsOut = true;
        boolean last = BlockTranslator.endsBlock(d);
        storeRegisters(dirty);
        dirty = 0;
        flagsToMemory();
        setInstructions(k + 1);
        setEip(next());
        mv.visitVarInsn(ALOAD, L_REGS);
        push(ESP);
        mv.visitInsn(IALOAD);
        mv.visitVarInsn(ISTORE, SAVED_ESP);
        Label start = new Label();
        Label end = new Label();
        Label handler = new Label();
        countTlbHits(); // the instruction may end the block, return or throw
        mv.visitLabel(start);
        mv.visitVarInsn(ALOAD, L_RT);
        ClassData.INSNS.load(mv, name);
        push(k);
        mv.visitInsn(AALOAD);
        // String instructions and port I/O, the commonest call-outs, skip the interpreter's dispatch.
        String implementation = Op.stringOrPort(d.op()) ? "executeStringOrPort" : "execute";
        mv.visitMethodInsn(INVOKEVIRTUAL, RT, implementation, "(L" + INSN + ";)V", false);
        mv.visitLabel(end);
        mv.visitTryCatchBlock(start, end, handler, PAGE_FAULT);
        mv.visitTryCatchBlock(start, end, handler, CPU_FAULT);
        int eip = eip();
        handlers.add(() -> {
            // The interpreter's contract: nothing but ESP is committed before a fault.
            mv.visitLabel(handler);
            mv.visitVarInsn(ASTORE, EXC);
            setEip(eip);
            mv.visitVarInsn(ALOAD, L_REGS);
            push(ESP);
            mv.visitVarInsn(ILOAD, SAVED_ESP);
            mv.visitInsn(IASTORE);
            mv.visitVarInsn(ALOAD, EXC);
            mv.visitInsn(ATHROW);
        });
        if (last) {
            mv.visitInsn(RETURN);
            return false;
        }
        loadAllRegisters();
        Label fine = new Label();
        mv.visitVarInsn(ALOAD, L_RT);
        mv.visitMethodInsn(INVOKEVIRTUAL, RT, "codeWritten", "()Z", false);
        mv.visitJumpInsn(IFEQ, fine);
        mv.visitInsn(RETURN); // state, EIP and count are already those after the instruction
        mv.visitLabel(fine);
        return true;
    }

    // ---- fault ranges ----

    /** Opens the range of code of instruction {@link #k} that can fault. */
    private void beginFaultable() {
        faultStart = new Label();
        mv.visitLabel(faultStart);
        startKind = flagKind;
        startSize = flagSize;
        callsThatMayFaultAtStart = callsThatMayFault;
    }

    /**
     * Calls generated so far that may throw a guest fault: the interpreter's implementations and
     * the runtime's accesses. A fault range with none in it (an instruction whose accesses all went
     * inline: a miss leaves the block, it does not throw) needs no handler, and without one the
     * JVM's compilers have no exception path to build for it.
     */
    private int callsThatMayFault;
    private int callsThatMayFaultAtStart;

    /** The calls the inline path and the flag computations make: none of them throws a guest fault. */
    private static boolean cannotFault(int opcode, String owner, String method) {
        if (owner.equals(RAM_WORDS) || owner.equals(UNSAFE) || owner.equals("java/lang/Integer")) {
            return true;
        }
        if (!owner.equals(RT)) {
            return false;
        }
        return opcode == INVOKESTATIC || method.equals("countTlbHits") || method.startsWith("record")
                || method.equals("shift32") || method.equals("shiftFlags");
    }

    /**
     * Closes it. Its handler notes the instruction's EIP and count and goes to the handler shared by
     * every instruction that starts with the same kind of flag record, which writes back every
     * register (the locals still hold their values at the instruction's start) and the record,
     * sets EIP and the count, and rethrows.
     */
    private void endFaultable() {
        if (callsThatMayFault == callsThatMayFaultAtStart) {
            return;
        }
        Label end = new Label();
        Label handler = new Label();
        mv.visitLabel(end);
        mv.visitTryCatchBlock(faultStart, end, handler, PAGE_FAULT);
        mv.visitTryCatchBlock(faultStart, end, handler, CPU_FAULT);
        Label shared = sharedHandler(startKind, startSize);
        int eip = eip();
        int count = k + 1;
        handlers.add(() -> {
            mv.visitLabel(handler);
            mv.visitVarInsn(ASTORE, EXC);
            push(eip);
            mv.visitVarInsn(ISTORE, T1);
            push(count);
            mv.visitVarInsn(ISTORE, T2);
            mv.visitJumpInsn(GOTO, shared);
        });
    }

    private final Map<Integer, Label> sharedHandlers = new HashMap<>();

    private Label sharedHandler(int kind, int size) {
        return sharedHandlers.computeIfAbsent(kind * 4 + size, key -> {
            Label shared = new Label();
            handlers.add(() -> {
                mv.visitLabel(shared);
                countTlbHits();
                storeRegisters(LOCAL_REGS);
                materialize(kind, size);
                setStateFromT1AndT2();
                mv.visitVarInsn(ALOAD, EXC);
                mv.visitInsn(ATHROW);
            });
            return shared;
        });
    }

    private void endFaultableIfMemory(Insn d) {
        if (d.rm() < 0) {
            endFaultable();
        }
    }

    // ---- operands ----

    /** The push of the value on the stack (the runtime below it), by the instruction's operand size. */
    private void pushCall(Insn d) {
        if (flatData && d.operand32()) {
            pushFlat();
        } else {
            mv.visitVarInsn(ISTORE, MV);
            espToState();
            mv.visitVarInsn(ALOAD, L_RT);
            mv.visitVarInsn(ILOAD, MV);
            push(d.operand32() ? 1 : 0);
            mv.visitMethodInsn(INVOKEVIRTUAL, RT, "push", "(IZ)V", false);
            espFromState();
            noteCodeWritten();
        }
    }

    /** Whether the memory operand's offset is its linear address, with no segment check due. */
    private boolean flatOperand(Insn d) {
        int seg = d.seg();
        return flatData && (seg == CpuState.DS || seg == CpuState.ES || seg == CpuState.SS);
    }

    private void effectiveAddress(Insn d) {
        push(d.disp());
        if (d.base() >= 0) {
            loadReg32(d.base());
            mv.visitInsn(IADD);
        }
        if (d.index() >= 0) {
            loadReg32(d.index());
            if (d.scale() != 0) {
                push(d.scale());
                mv.visitInsn(ISHL);
            }
            mv.visitInsn(IADD);
        }
        if (!d.address32()) {
            push(0xFFFF);
            mv.visitInsn(IAND);
        }
    }

    private static final String[] READ = {"read8", "read16", "read32"};
    private static final String[] WRITE = {"write8", "write16", "write32"};

    /** Pushes the memory operand; the caller has opened the fault range. */
    private void readMemory(Insn d, int size) {
        if (flatOperand(d)) {
            effectiveAddress(d);
            load(size);
            return;
        }
        mv.visitVarInsn(ALOAD, L_RT);
        push(d.seg());
        effectiveAddress(d);
        mv.visitMethodInsn(INVOKEVIRTUAL, RT, READ[size], "(II)I", false);
    }

    /** Writes the value on the stack to the memory operand, in a fault range of its own. */
    private void writeMemory(Insn d, int size) {
        mv.visitVarInsn(ISTORE, T1);
        beginFaultable();
        if (flatOperand(d)) {
            effectiveAddress(d);
            mv.visitVarInsn(ILOAD, T1);
            store(size);
        } else {
            mv.visitVarInsn(ALOAD, L_RT);
            push(d.seg());
            effectiveAddress(d);
            mv.visitVarInsn(ILOAD, T1);
            mv.visitMethodInsn(INVOKEVIRTUAL, RT, WRITE[size], "(III)V", false);
            noteCodeWritten();
        }
        endFaultable();
        checkCodeWritten();
    }

    // ---- the inline memory path ----
    //
    // An access at a linear address whose entry (Mmu.inlineEntries: the TLB, or with paging off an
    // identity table) allows it at the current privilege, within one page, to a frame of installed
    // RAM (and, for a store, a frame no one must hear of: no cached code, no watch, no ROM copy, no
    // snapshot tracking) reads or writes the RAM array right here, as Mmu.read32 and
    // PhysicalMemory.write32 would. Anything else leaves the block before the instruction
    // (leaveBeforeAccess). Hits are counted in a local and added to the MMU's count when the block
    // exits or calls out, so --stats is the interpreter's (on a machine whose count no one reads they
    // are not counted at all: InlineMemory#countsHits). Loops do not add them on their way round:
    // an entry runs at most a slice of instructions (CompiledBlock.SLICE), far fewer accesses than
    // an int counts, and a call in a loop, even one never taken, makes the JVM's optimising
    // compiler keep the loop's values in memory wherever it may not prune the path.

    private void loadInlineMemoryState() {
        // The arrays the inline path reads are constants of the block's class (its class data),
        // so C2 folds their addresses and lengths into the code: no register holds them and the
        // TLB's bounds check goes away (a page number is below its length).
        ClassData.ENTRIES.load(mv, name);
        mv.visitVarInsn(ASTORE, TLB);
        ClassData.RAM.load(mv, name);
        mv.visitVarInsn(ASTORE, RAM);
        ClassData.FRAME_FLAGS.load(mv, name);
        mv.visitVarInsn(ASTORE, FRAME_FLAGS);
        if (directRam()) {
            ClassData.RAM_ACCESS.load(mv, name);
            mv.visitVarInsn(ASTORE, RAM_ACCESS);
        }
    }

    /**
     * The items of a block's class data ({@link #classData}, in this order), each in a static final
     * field of the block's class that its {@code <clinit>} sets, with the field's name and type.
     */
    private enum ClassData {
        ENTRIES("tlb", "[I"), RAM("ram", "[B"), FRAME_FLAGS("frameFlags", "[B"), RUNTIME("rt", "L" + RT + ";"),
        INSNS("insns", "[L" + INSN + ";"), RAM_ACCESS("ramAccess", "L" + UNSAFE + ";"),
        CPU_STATE("state", "L" + STATE + ";"), REGISTERS("regs", "[I");

        final String field;
        final String descriptor;

        ClassData(String field, String descriptor) {
            this.field = field;
            this.descriptor = descriptor;
        }

        /** [] to [the item], in a method of the block's class {@code owner}. */
        void load(MethodVisitor v, String owner) {
            v.visitFieldInsn(GETSTATIC, owner, field, descriptor);
        }
    }

    /**
     * The class data of a block compiled now: the table its inline accesses look pages up in
     * (which the block may only run with: {@link org.j386.emulator.cpu.CompiledBlock#inlineEntries}),
     * guest RAM, the frames' write flags, the runtime and the block's decoded instructions (which
     * it hands to the interpreter's implementations it calls); where RAM's size is a power of
     * two, what its words and dwords are read and written through ({@link RamWords#blockAccess}),
     * else null; and the processor's state and its register array, which every entry and exit
     * reads and writes: as constants of the class C2 folds their addresses and the array's length,
     * where the runtime's fields cost two loads, a null check and a bounds check each time. By
     * {@link ClassData}'s ordinals.
     */
    static Object[] classData(BlockRuntime runtime, int[] entries, Insn[] insns) {
        int mask = runtime.ramIndexMask();
        Object[] data = new Object[ClassData.values().length];
        data[ClassData.ENTRIES.ordinal()] = entries;
        data[ClassData.RAM.ordinal()] = runtime.ram;
        data[ClassData.FRAME_FLAGS.ordinal()] = runtime.frameFlags;
        data[ClassData.RUNTIME.ordinal()] = runtime;
        data[ClassData.CPU_STATE.ordinal()] = runtime.state;
        data[ClassData.REGISTERS.ordinal()] = runtime.regs;
        data[ClassData.INSNS.ordinal()] = insns;
        data[ClassData.RAM_ACCESS.ordinal()] =
                RamWords.AVAILABLE && mask >= 0 ? RamWords.blockAccess(runtime.ram, mask) : null;
        return data;
    }

    /** Whether the block reads and writes RAM's words and dwords through RamWords#blockAccess. */
    private boolean directRam() {
        return !callAccesses && memory.ramMask() >= 0;
    }

    /** [] to [RAM's access, RAM, the array offset of MP masked into RAM] (see RamWords#blockAccess). */
    private void directAddress() {
        mv.visitVarInsn(ALOAD, RAM_ACCESS);
        mv.visitVarInsn(ALOAD, RAM);
        mv.visitVarInsn(ILOAD, MP);
        push(memory.ramMask());
        mv.visitInsn(IAND);
        mv.visitInsn(I2L);
        mv.visitLdcInsn(RamWords.ARRAY_BASE);
        mv.visitInsn(LADD);
    }

    /** Adds the hits counted so far to the MMU's and starts again from zero. */
    private void countTlbHits() {
        if (!memory.countsHits()) {
            return;
        }
        mv.visitVarInsn(ALOAD, L_RT);
        mv.visitVarInsn(ILOAD, HITS);
        mv.visitMethodInsn(INVOKEVIRTUAL, RT, "countTlbHits", "(I)V", false);
        mv.visitInsn(ICONST_0);
        mv.visitVarInsn(ISTORE, HITS);
    }

    /**
     * Goes to {@code slow} unless the access of {@code size} at MA may go inline: its page's entry
     * (in the table the block reads: the TLB, or the identity table) has the rights the access
     * needs, the access stays in the page and, for a store under the identity table, the frame's
     * writes need no notice. Else MP holds its RAM index, the entry's frame plus the offset, and
     * the access counts as a hit.
     *
     * <p>Generated here rather than called: the JVM's quick compiler does not inline a helper this
     * size, and in C2's code a helper's -1 for a miss left a test of the index on the hit path.
     * The frame mask ({@link BlockRuntime#inlineFrameMask}) is a constant that leaves an allowed
     * entry's frame, which is in RAM, unchanged, but tells C2 the index's range: the frame masked
     * plus an offset below 4096 (an add, not an or, which keeps the range), so that C2 drops the
     * mask of a direct access as an identity and a byte access's array check (RAM's array holds
     * RamWords#PAST_END bytes more, so the range lies inside it).
     */
    private void inlineIndex(boolean write, int size, Label slow) {
        int need = write ? memory.writeNeed() : memory.readNeed();
        mv.visitVarInsn(ALOAD, TLB);
        mv.visitVarInsn(ILOAD, MA);
        push(12);
        mv.visitInsn(IUSHR);
        mv.visitInsn(IALOAD);
        mv.visitInsn(DUP);
        mv.visitVarInsn(ISTORE, ENTRY);
        push(need);
        mv.visitInsn(IAND);
        push(need);
        mv.visitJumpInsn(IF_ICMPNE, slow);
        mv.visitVarInsn(ILOAD, MA);
        andKept(0xFFF, OFFSET);
        push(0x1000 - (1 << size));
        mv.visitJumpInsn(IF_ICMPGT, slow);
        mv.visitVarInsn(ILOAD, ENTRY);
        push(BlockRuntime.inlineFrameMask(memory.ramMask()));
        mv.visitInsn(IAND);
        mv.visitVarInsn(ISTORE, ENTRY);
        if (write && memory.storesTestFrames()) {
            mv.visitVarInsn(ALOAD, FRAME_FLAGS);
            mv.visitVarInsn(ILOAD, ENTRY);
            push(12);
            mv.visitInsn(IUSHR);
            mv.visitInsn(BALOAD);
            mv.visitJumpInsn(IFNE, slow);
        }
        mv.visitVarInsn(ILOAD, ENTRY);
        mv.visitVarInsn(ILOAD, OFFSET);
        mv.visitInsn(IADD);
        mv.visitVarInsn(ISTORE, MP);
        countHit(1);
    }

    /** Adds {@code n} to the hits counted in the local, where the block counts them at all. */
    private void countHit(int n) {
        if (n != 0 && memory.countsHits()) {
            mv.visitIincInsn(HITS, n);
        }
    }

    /**
     * Where an access the inline path does not take leaves the block: before the instruction, with
     * the registers and flag record of its start (nothing is committed before an access), so that
     * the run loop's interpreter runs it, as it would have run it without this block. Leaving
     * rather than calling the interpreter's access keeps the rare case out of the loop the JVM
     * compiles: it then has no call in it to keep registers across.
     */
    private Label leaveBeforeAccess() {
        Label slow = new Label();
        Label stub = exitStub(LOCAL_REGS, startKind, startSize);
        int eip = eip();
        int count = k;
        // The instruction's earlier accesses went inline and were counted; the interpreter makes
        // them again and counts them itself.
        int counted = accessesInInstruction++;
        handlers.add(() -> {
            mv.visitLabel(slow);
            countHit(-counted);
            push(eip);
            mv.visitVarInsn(ISTORE, T1);
            push(count);
            mv.visitVarInsn(ISTORE, T2);
            mv.visitJumpInsn(GOTO, stub);
        });
        return slow;
    }

    /** [linear] to [value of {@code size}], zero-extended; MA keeps the address. */
    private void load(int size) {
        mv.visitVarInsn(ISTORE, MA);
        if (callAccesses) {
            mv.visitVarInsn(ALOAD, L_RT);
            mv.visitVarInsn(ILOAD, MA);
            push(size);
            mv.visitMethodInsn(INVOKEVIRTUAL, RT, "readLinear", "(II)I", false);
            return;
        }
        Label slow = leaveBeforeAccess();
        inlineIndex(false, size, slow);
        loadAtIndex(size);
    }

    /** [] to [value of {@code size} at the RAM index MP], zero-extended. */
    private void loadAtIndex(int size) {
        if (size == 0) {
            // Where RAM's size is a power of two, the index's range (the inline index's frame mask)
            // lets the JVM's compiler drop the array's check.
            mv.visitVarInsn(ALOAD, RAM);
            mv.visitVarInsn(ILOAD, MP);
            mv.visitInsn(BALOAD);
            push(0xFF);
            mv.visitInsn(IAND);
        } else if (directRam()) {
            directAddress();
            mv.visitMethodInsn(INVOKEVIRTUAL, UNSAFE, size == 2 ? "getInt" : "getShort",
                    size == 2 ? "(Ljava/lang/Object;J)I" : "(Ljava/lang/Object;J)S", false);
            if (size == 1) {
                push(0xFFFF);
                mv.visitInsn(IAND);
            }
        } else {
            mv.visitVarInsn(ALOAD, RAM);
            mv.visitVarInsn(ILOAD, MP);
            mv.visitMethodInsn(INVOKESTATIC, RAM_WORDS, size == 2 ? "dword" : "word", "([BI)I", false);
        }
    }

    /** [linear, value] to []: stores the low {@code size} of the value; MA keeps the address. */
    private void store(int size) {
        mv.visitVarInsn(ISTORE, MV);
        mv.visitVarInsn(ISTORE, MA);
        if (callAccesses) {
            mv.visitVarInsn(ALOAD, L_RT);
            mv.visitVarInsn(ILOAD, MA);
            push(size);
            mv.visitVarInsn(ILOAD, MV);
            mv.visitMethodInsn(INVOKEVIRTUAL, RT, "writeLinear", "(III)V", false);
            noteCodeWritten();
            return;
        }
        Label slow = leaveBeforeAccess();
        inlineIndex(true, size, slow);
        storeAtIndex(size);
    }

    /** Stores the low {@code size} of MV at the RAM index MP. */
    private void storeAtIndex(int size) {
        int mask = memory.ramMask();
        if (size == 0) {
            mv.visitVarInsn(ALOAD, RAM);
            mv.visitVarInsn(ILOAD, MP);
            if (mask >= 0) {
                push(mask);
                mv.visitInsn(IAND);
            }
            mv.visitVarInsn(ILOAD, MV);
            mv.visitInsn(BASTORE);
        } else if (directRam()) {
            directAddress();
            mv.visitVarInsn(ILOAD, MV);
            if (size == 1) {
                mv.visitInsn(I2S);
            }
            mv.visitMethodInsn(INVOKEVIRTUAL, UNSAFE, size == 2 ? "putInt" : "putShort",
                    size == 2 ? "(Ljava/lang/Object;JI)V" : "(Ljava/lang/Object;JS)V", false);
        } else {
            mv.visitVarInsn(ALOAD, RAM);
            mv.visitVarInsn(ILOAD, MP);
            mv.visitVarInsn(ILOAD, MV);
            mv.visitMethodInsn(INVOKESTATIC, RAM_WORDS, size == 2 ? "setDword" : "setWord", "([BII)V", false);
        }
    }

    /** PUSH of the dword on the stack to a flat 32-bit stack: the store first, so a fault changes nothing. */
    private void pushFlat() {
        mv.visitVarInsn(ISTORE, MV);
        loadReg32(ESP);
        push(4);
        mv.visitInsn(ISUB);
        mv.visitVarInsn(ISTORE, MSP);
        mv.visitVarInsn(ILOAD, MSP);
        mv.visitVarInsn(ILOAD, MV);
        store(2);
        mv.visitVarInsn(ILOAD, MSP);
        storeReg32(ESP);
    }

    /** POP of a dword from a flat 32-bit stack, pushed; ESP moves after the read. */
    private void popFlat() {
        loadReg32(ESP);
        load(2);
        mv.visitVarInsn(ILOAD, MA);
        push(4);
        mv.visitInsn(IADD);
        storeReg32(ESP);
    }

    /** Pushes the r/m operand; for memory, opens the fault range, which the caller closes. */
    private void readRm(Insn d, int size) {
        if (d.rm() >= 0) {
            readReg(d.rm(), size);
            return;
        }
        beginFaultable();
        readMemory(d, size);
    }

    private void writeRm(Insn d, int size) {
        if (d.rm() >= 0) {
            writeReg(d.rm(), size);
            return;
        }
        writeMemory(d, size);
    }

    // ---- registers ----

    private void loadAllRegisters() {
        for (int r = 0; r < 8; r++) {
            if ((used & (1 << r)) != 0) {
                loadFromState(r);
            }
        }
    }

    private void loadFromState(int r) {
        mv.visitVarInsn(ALOAD, L_REGS);
        push(r);
        mv.visitInsn(IALOAD);
        mv.visitVarInsn(ISTORE, R0 + r);
    }

    /**
     * Around a runtime stack helper (the interpreter's push, pop or return, which work on ESP in
     * the state): ESP goes to the state before, and comes back from it after. A fault in the helper
     * finds the local still holding the instruction's ESP, which the handler writes back.
     */
    private void espToState() {
        if ((dirty & (1 << ESP)) != 0) {
            storeRegisters(1 << ESP);
            dirty &= ~(1 << ESP);
        }
    }

    private void espFromState() {
        touched |= 1 << ESP;
        loadFromState(ESP);
    }

    private void storeRegisters(int mask) {
        for (int r = 0; r < 8; r++) {
            if ((mask & used & (1 << r)) != 0) {
                mv.visitVarInsn(ALOAD, L_REGS);
                push(r);
                mv.visitVarInsn(ILOAD, R0 + r);
                mv.visitInsn(IASTORE);
            }
        }
    }

    private void loadReg32(int r) {
        touched |= 1 << r;
        mv.visitVarInsn(ILOAD, R0 + r);
    }

    /** Stores the value on the stack into register {@code r}. */
    private void storeReg32(int r) {
        touched |= 1 << r;
        mv.visitVarInsn(ISTORE, R0 + r);
        dirty |= 1 << r;
    }

    /** Pushes register {@code r} of width {@code size}, zero-extended (4-7 are AH..BH for bytes). */
    private void readReg(int r, int size) {
        if (size == 2) {
            loadReg32(r);
        } else if (size == 1) {
            loadReg32(r);
            push(0xFFFF);
            mv.visitInsn(IAND);
        } else if (r < 4) {
            loadReg32(r);
            push(0xFF);
            mv.visitInsn(IAND);
        } else {
            loadReg32(r - 4);
            push(8);
            mv.visitInsn(IUSHR);
            push(0xFF);
            mv.visitInsn(IAND);
        }
    }

    /** Stores the value on the stack into register {@code r} of width {@code size}. */
    private void writeReg(int r, int size) {
        if (size == 2) {
            storeReg32(r);
            return;
        }
        mv.visitVarInsn(ISTORE, T2);
        int target = size == 0 && r >= 4 ? r - 4 : r;
        loadReg32(target);
        push(size == 1 ? 0xFFFF0000 : r < 4 ? 0xFFFFFF00 : 0xFFFF00FF);
        mv.visitInsn(IAND);
        mv.visitVarInsn(ILOAD, T2);
        push(size == 1 ? 0xFFFF : 0xFF);
        mv.visitInsn(IAND);
        if (size == 0 && r >= 4) {
            push(8);
            mv.visitInsn(ISHL);
        }
        mv.visitInsn(IOR);
        storeReg32(target);
    }

    // ---- state ----

    private void setEip(int eip) {
        mv.visitVarInsn(ALOAD, L_S);
        push(eip);
        mv.visitFieldInsn(PUTFIELD, STATE, "eip", "I");
    }

    private void setInstructions(int count) {
        mv.visitVarInsn(ALOAD, L_S);
        mv.visitVarInsn(LLOAD, BASE);
        mv.visitLdcInsn((long) count);
        mv.visitInsn(LADD);
        mv.visitFieldInsn(PUTFIELD, STATE, "instructions", "J");
    }

    private void push(int v) {
        if (v >= -1 && v <= 5) {
            mv.visitInsn(ICONST_0 + v);
        } else if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
            mv.visitIntInsn(BIPUSH, v);
        } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
            mv.visitIntInsn(SIPUSH, v);
        } else {
            mv.visitLdcInsn(v);
        }
    }
}
