package org.j386.emulator.debug;

import java.util.ArrayDeque;
import java.util.Deque;

import org.j386.emulator.cpu.CpuState;
import org.j386.emulator.machine.Machine;

/**
 * The calls still open at an instruction, found by replaying the run up to it in a replica and
 * watching the stack pointer at every boundary, as {@code next} and {@code finish} do: a CALL
 * leaves ESP four bytes lower with a return address just past itself on top; the call has
 * returned once ESP is above that slot again. What {@code reverse-finish} and {@code
 * reverse-next} need: where the current function was called, and whether the instruction just
 * executed was a return.
 */
final class CallHistory {
    /** A call: the instruction count once it had executed, and the stack slot of its return address. */
    record Call(long after, long slot) {
    }

    private final Deque<Call> open = new ArrayDeque<>();
    /** The call whose return was the last instruction before the target, or null. */
    private Call returnedLast;

    private final Machine m;
    private final CpuState s;
    private long previousEip = -1, previousEsp = -1;
    /** The instruction count of the last boundary seen: the run loop stops before it asks about the last one. */
    private long seen = -1;

    private CallHistory(Machine m) {
        this.m = m;
        this.s = m.cpu().state;
    }

    /** Replays {@code m}, a fresh replica, to instruction {@code target}. */
    static CallHistory replay(Machine m, long target) {
        CallHistory h = new CallHistory(m);
        m.cpu().setBoundaryHook(eip -> {
            h.boundary(eip);
            return false;
        });
        try {
            TimeTravel.runTo(m, target);
        } finally {
            m.cpu().setBoundaryHook(null);
        }
        h.boundary(h.s.eip);
        return h;
    }

    private void boundary(int eip) {
        if (seen == s.instructions) {
            return;
        }
        seen = s.instructions;
        long esp = s.regs[CpuState.ESP] & 0xFFFFFFFFL;
        returnedLast = null;
        while (!open.isEmpty() && esp > open.peek().slot()) {
            returnedLast = open.pop();
        }
        if (previousEip >= 0 && esp == previousEsp - 4) {
            long top = m.mmu().peek((int) esp);
            long ret = top < 0 || top + 4 > m.ram().size() ? -1 : m.ram().read32((int) top) & 0xFFFFFFFFL;
            long length = ret - previousEip;
            if (length >= 2 && length <= 7 && (eip & 0xFFFFFFFFL) != ret) {
                open.push(new Call(s.instructions, esp));
            }
        }
        previousEip = eip & 0xFFFFFFFFL;
        previousEsp = esp;
    }

    /** The call of the function executing at the target, or null when none is known. */
    Call current() {
        return open.peek();
    }

    /** The call the instruction just before the target returned from, or null. */
    Call justReturnedFrom() {
        return returnedLast;
    }
}
