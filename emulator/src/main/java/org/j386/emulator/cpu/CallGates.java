package org.j386.emulator.cpu;

import static org.j386.emulator.cpu.CpuState.*;
import static org.j386.emulator.cpu.Segmentation.D_CODE;
import static org.j386.emulator.cpu.Segmentation.D_CONFORMING;
import static org.j386.emulator.cpu.Segmentation.D_PRESENT;
import static org.j386.emulator.cpu.Segmentation.D_S;

/**
 * Far JMP and CALL through a call gate (a 16-bit gate, type 4, or a 32-bit one, type 0xC), as the
 * 80386 manual's CALL and JMP pages describe them. The gate names a code segment and an offset;
 * the offset of the far pointer is ignored.
 *
 * <p>A CALL to a more privileged non-conforming segment switches to the stack the TSS holds for
 * the new ring, copies the gate's parameter count of words (16-bit gate) or dwords (32-bit gate)
 * from the caller's stack, and pushes the caller's SS:ESP and CS:EIP with the gate's size;
 * RET to the outer ring undoes it ({@link Segmentation#farReturn}). Any other CALL, and every JMP,
 * stays at the current privilege level: a more privileged conforming segment runs at the caller's
 * CPL, which is also the RPL CS gets.
 *
 * <p>Every check and every stack write happens before anything is committed, so a fault leaves
 * the registers as they were (bytes written below the new stack's ESP are not state).
 */
final class CallGates {
    private static final int CALL_GATE16 = 4, CALL_GATE32 = 12;
    /** The parameter count field of a gate is five bits wide. */
    private static final int MAX_PARAMETERS = 31;

    private final Cpu cpu;
    private final CpuState s;
    private final Segmentation segmentation;
    private final SystemStack stack;
    private final InnerStack innerStack;
    /** The target code segment, checked, with its RPL the new CPL; committed last. */
    private final Segment target = new Segment();
    private final int[] parameters = new int[MAX_PARAMETERS];

    /** The gate {@link #passGate} went through, and the descriptor of the code segment it names. */
    private int gateSelector, codeSelector;
    private long gate, code;

    CallGates(Cpu cpu, Segmentation segmentation) {
        this.cpu = cpu;
        this.s = cpu.state;
        this.segmentation = segmentation;
        this.stack = new SystemStack(cpu);
        this.innerStack = new InnerStack(cpu);
    }

    /** JMP through the call gate {@code selector}; false, with nothing done, when it names none. */
    boolean jump(int selector) {
        if (!passGate(selector)) {
            return false;
        }
        int high = (int) (code >>> 32);
        int dpl = (high >>> 13) & 3;
        boolean conforming = (high & D_CONFORMING) != 0;
        // A jump never changes the privilege level: only a conforming segment may be more privileged.
        if (conforming ? dpl > s.cpl : dpl != s.cpl) {
            throw s.fault.generalProtection(codeSelector & 0xFFFC);
        }
        requireCodePresent(high);
        target.load((codeSelector & 0xFFFC) | s.cpl, (int) code, high | Segmentation.D_ACCESSED);
        segmentation.enterCode(target, codeSelector, code, gateOffset());
        return true;
    }

    /**
     * CALL through the call gate {@code selector}, {@code returnOffset} being the EIP to push;
     * false, with nothing done, when it names none.
     */
    boolean call(int selector, int returnOffset) {
        if (!passGate(selector)) {
            return false;
        }
        int high = (int) (code >>> 32);
        int dpl = (high >>> 13) & 3;
        if (dpl > s.cpl) {
            throw s.fault.generalProtection(codeSelector & 0xFFFC);
        }
        requireCodePresent(high);
        boolean inward = (high & D_CONFORMING) == 0 && dpl < s.cpl;
        int newCpl = inward ? dpl : s.cpl;
        target.load((codeSelector & 0xFFFC) | newCpl, (int) code, high | Segmentation.D_ACCESSED);
        int size = gateType() == CALL_GATE32 ? 4 : 2;
        int oldCs = s.segs[CS].selector;
        if (inward) {
            innerStack.load(newCpl, 0);
            int count = (int) (gate >>> 32) & MAX_PARAMETERS;
            // Read from the caller's stack (with the caller's privilege) before writing the new one.
            stack.current();
            for (int i = 0; i < count; i++) {
                parameters[i] = stack.read(i * size, size);
            }
            stack.begin(innerStack.segment, innerStack.esp, false, innerStack.segment.selector & 0xFFFC);
            stack.push(size, s.segs[SS].selector);
            stack.push(size, s.regs[ESP]);
            for (int i = count - 1; i >= 0; i--) {
                stack.push(size, parameters[i]);
            }
        } else {
            stack.current();
        }
        stack.push(size, oldCs);
        stack.push(size, returnOffset);
        // The frame is written; only the offset can still fault (#GP(0), in enterCode).
        int newEsp = stack.espFor(inward ? innerStack.esp : s.regs[ESP]);
        segmentation.enterCode(target, codeSelector, code, gateOffset());
        if (inward) {
            s.segs[SS].copyFrom(innerStack.segment);
            cpu.setCpl(newCpl);
        }
        s.regs[ESP] = newEsp;
        return true;
    }

    /**
     * Reads the descriptor {@code selector} names and, when it is a call gate, checks the gate and
     * reads the descriptor of its code segment (checked to be one); false when it is no call gate.
     */
    private boolean passGate(int selector) {
        if (!readGate(selector)) {
            return false;
        }
        codeSelector = checkGate();
        code = readTargetCode(codeSelector);
        return true;
    }

    /** Reads the descriptor {@code selector} names; true when it is a call gate. */
    private boolean readGate(int selector) {
        if ((selector & 0xFFFC) == 0) {
            return false;
        }
        long descriptor = segmentation.readDescriptor(selector, 0);
        int type = (int) (descriptor >>> 40) & 0x1F; // with S: segments are never gates
        if (type != CALL_GATE16 && type != CALL_GATE32) {
            return false;
        }
        gateSelector = selector;
        gate = descriptor;
        return true;
    }

    private int gateType() {
        return (int) (gate >>> 40) & 0x1F;
    }

    /** The gate's entry point: 32 bits in a 32-bit gate, the low 16 in a 16-bit one. */
    private int gateOffset() {
        int low = (int) gate & 0xFFFF;
        return gateType() == CALL_GATE32 ? low | ((int) (gate >>> 32) & 0xFFFF0000) : low;
    }

    /**
     * The gate's own checks: its DPL must admit both CPL and the selector's RPL (#GP naming the
     * gate), and it must be present (#NP naming it). Returns the code selector it holds.
     */
    private int checkGate() {
        int high = (int) (gate >>> 32);
        int dpl = (high >>> 13) & 3;
        int gateCode = gateSelector & 0xFFFC;
        if (dpl < s.cpl || dpl < (gateSelector & 3)) {
            throw s.fault.generalProtection(gateCode);
        }
        if ((high & D_PRESENT) == 0) {
            throw s.fault.notPresent(gateCode);
        }
        return ((int) gate >>> 16) & 0xFFFF;
    }

    /**
     * The descriptor of the gate's code segment: #GP(0) for a null selector, #GP naming it when it
     * lies beyond its table or is no code segment.
     */
    private long readTargetCode(int selector) {
        if ((selector & 0xFFFC) == 0) {
            throw s.fault.generalProtection(0);
        }
        long descriptor = segmentation.readDescriptor(selector, 0);
        if (((int) (descriptor >>> 32) & (D_S | D_CODE)) != (D_S | D_CODE)) {
            throw s.fault.generalProtection(selector & 0xFFFC);
        }
        return descriptor;
    }

    /** #NP naming the gate's code segment unless it is present. */
    private void requireCodePresent(int high) {
        if ((high & D_PRESENT) == 0) {
            throw s.fault.notPresent(codeSelector & 0xFFFC);
        }
    }
}
