package org.j386.emulator.debug;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;

import org.j386.emulator.cpu.CpuState;
import org.j386.emulator.cpu.Vectors;

/**
 * The interrupt and exception frames on the guest's stacks, so that a backtrace taken inside a
 * handler can step over the frame into the code it interrupted. Each delivery is noted as it
 * begins (with the interrupted EIP, ESP and EBP); whether its frame is still on the stack is
 * decided when asked, by reading the frame back — IRET is never watched, so noting costs the run
 * nothing but the deliveries themselves.
 */
final class InterruptFrames {
    /**
     * One delivery: {@code slot} is where the pushed EIP lies (the lowest word of the frame, above
     * any error code); {@code esp}, {@code ebp}, {@code eip} and {@code cs} are the interrupted context's.
     */
    record Frame(int vector, boolean external, long slot, long eip, long esp, long ebp, int cs) {
        String describe() {
            return (external ? "interrupt " + Vectors.name(vector) : Vectors.name(vector)) + " (vector " + vector + ")";
        }
    }

    /** Deeper nesting than this is not worth following. */
    private static final int KEPT = 32;

    private final CpuState s;
    private final GuestMemory memory;
    /** Newest first; a newer frame always lies below the older ones still live. */
    private final Deque<Frame> frames = new ArrayDeque<>();

    InterruptFrames(CpuState s, GuestMemory memory) {
        this.s = s;
        this.memory = memory;
    }

    /**
     * A delivery begins: nothing is pushed yet; EIP is where the interrupted code stands. Returns
     * the slot the frame's EIP will go to, or -1 when it cannot be known (no readable TSS).
     */
    long delivering(int vector, boolean external, int eip) {
        long esp = s.regs[CpuState.ESP] & 0xFFFFFFFFL;
        long slot;
        if (!s.protectedMode()) {
            // Real mode: FLAGS, CS, IP, a word each.
            slot = esp - 6;
        } else if (s.cpl == 0) {
            // Same privilege: EFLAGS, CS, EIP go below the current ESP.
            slot = esp - 12;
        } else {
            // To ring 0: SS, ESP, EFLAGS, CS, EIP go below ESP0 of the TSS.
            Long esp0 = memory.readValue((s.tr.base & 0xFFFFFFFFL) + 4, false, 4);
            if (esp0 == null) {
                return -1;
            }
            slot = esp0 - 20;
        }
        // Frames at or below the new one were popped long ago (the stack has been above them since).
        frames.removeIf(f -> f.slot() <= slot && sameStack(f, slot));
        frames.addFirst(new Frame(vector, external, slot, eip & 0xFFFFFFFFL, esp,
                s.regs[CpuState.EBP] & 0xFFFFFFFFL, s.segs[CpuState.CS].selector));
        if (frames.size() > KEPT) {
            frames.removeLast();
        }
        return slot;
    }

    private static boolean sameStack(Frame f, long slot) {
        return Math.abs(f.slot() - slot) < 0x100000;
    }

    /** The frames still on the stack now, innermost (lowest) first. */
    List<Frame> live() {
        long esp = s.regs[CpuState.ESP] & 0xFFFFFFFFL;
        List<Frame> live = new ArrayList<>();
        for (Iterator<Frame> it = frames.iterator(); it.hasNext();) {
            Frame f = it.next();
            Long pushedEip = memory.readValue(f.slot(), false, 4);
            Long pushedCs = memory.readValue(f.slot() + 4, false, 4);
            // The word pushed is the interrupted EIP, or past it for INT n (the next instruction).
            boolean intact = pushedEip != null && pushedCs != null && (pushedCs & 0xFFFF) == f.cs()
                    && pushedEip >= f.eip() && pushedEip - f.eip() <= 15;
            if (intact && (f.slot() >= esp || !sameStack(f, esp))) {
                live.add(f);
            }
        }
        live.sort((a, b) -> Long.compare(a.slot(), b.slot()));
        return live;
    }

    void clear() {
        frames.clear();
    }
}
