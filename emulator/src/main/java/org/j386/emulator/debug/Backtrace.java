package org.j386.emulator.debug;

import java.util.ArrayList;
import java.util.List;

import org.j386.emulator.cpu.CpuState;

/**
 * {@code backtrace}: the calls that led to EIP. Kernels built with EBP frames are followed along
 * the frame chain; where there is none (-O2 code, or a chain that leaves the stack), the stack is
 * scanned for words that can only be return addresses — they point just past a CALL instruction
 * inside the kernel's code — and those frames are marked as guesses, as Linux marks them with '?'.
 * Reads go through {@link GuestMemory}, so no accessed bit changes.
 */
final class Backtrace {
    /**
     * One line of the backtrace; {@code slot} is where on the stack the return address was found,
     * {@code interrupted} names the interrupt or exception whose frame leads to this one, or null.
     */
    record Frame(long eip, long slot, boolean guessed, String interrupted) {
    }

    /** How far a frame may lie above the previous one, and how many words a scan looks at. */
    private static final long MAX_FRAME = 0x10000;
    private static final int SCAN_WORDS = 1024;

    private final Debugger debugger;
    private final GuestMemory memory;

    Backtrace(Debugger debugger) {
        this.debugger = debugger;
        this.memory = debugger.memory();
    }

    List<Frame> frames(int limit) {
        CpuState s = debugger.state();
        List<Frame> frames = new ArrayList<>();
        List<InterruptFrames.Frame> interrupts = debugger.interruptFrames().live();
        long eip = s.eip & 0xFFFFFFFFL;
        long esp = s.regs[CpuState.ESP] & 0xFFFFFFFFL;
        long ebp = s.regs[CpuState.EBP] & 0xFFFFFFFFL;
        frames.add(new Frame(eip, -1, false, null));
        for (int next = 0; frames.size() < limit; next++) {
            // Unwind this context up to the next interrupt frame, then go on in the code it interrupted.
            InterruptFrames.Frame above = next < interrupts.size() ? interrupts.get(next) : null;
            unwind(frames, limit, eip, esp, ebp, above == null ? Long.MAX_VALUE : above.slot());
            if (above == null || frames.size() >= limit) {
                break;
            }
            eip = above.eip();
            esp = above.esp();
            ebp = above.ebp();
            frames.add(new Frame(eip, above.slot(), false, above.describe()));
        }
        return frames;
    }

    /** The callers of the function at {@code eip}, from return addresses below {@code boundary}. */
    private void unwind(List<Frame> frames, int limit, long eip, long esp, long ebp, long boundary) {
        if (debugger.symbols().symbolAt((int) eip).map(sym -> (sym.value() & 0xFFFFFFFFL) == eip).orElse(false)) {
            // Before the prologue: the return address is on top and EBP still holds the caller's frame.
            Long ret = debugger.readLinear32(esp);
            if (esp < boundary && ret != null && isReturnAddress(ret)) {
                frames.add(new Frame(ret, esp, false, null));
                esp += 4;
            }
        }
        long scanFrom = esp;
        boolean chained = false;
        // The chain: [EBP] is the caller's EBP, [EBP+4] the return address.
        while (frames.size() < limit && ebp >= esp && ebp - esp < MAX_FRAME && ebp + 4 < boundary) {
            Long ret = debugger.readLinear32(ebp + 4);
            Long next = debugger.readLinear32(ebp);
            if (ret == null || next == null || !isReturnAddress(ret)) {
                break;
            }
            frames.add(new Frame(ret, ebp + 4, false, null));
            chained = true;
            esp = ebp + 8;
            ebp = next;
        }
        if (!chained) {
            // No usable chain: guess from the stack's contents.
            for (int i = 0; i < SCAN_WORDS && frames.size() < limit; i++) {
                long slot = scanFrom + 4L * i;
                Long word = slot < boundary ? debugger.readLinear32(slot) : null;
                if (word == null) {
                    break;
                }
                if (isReturnAddress(word)) {
                    frames.add(new Frame(word, slot, true, null));
                }
            }
        }
    }

    /**
     * Whether {@code address} lies just past a near CALL (E8 rel32, or FF /2), and inside the
     * kernel's symbols when it has any.
     */
    private boolean isReturnAddress(long address) {
        boolean named = debugger.symbols().isEmpty() || debugger.symbolName(address).isPresent();
        if (!named || address < 7) {
            return false;
        }
        byte[] b = new byte[7];
        if (memory.read(address - 7, false, b, 7) < 7) {
            return false;
        }
        if ((b[2] & 0xFF) == 0xE8) { // call rel32
            return true;
        }
        // call r/m32: FF /2 with ModRM ending 2, 3, 6 or 7 bytes before the return address.
        for (int length : new int[] {2, 3, 6, 7}) {
            int at = 7 - length;
            int modrm = b[at + 1] & 0xFF;
            if ((b[at] & 0xFF) == 0xFF && ((modrm >> 3) & 7) == 2 && lengthOfCallRm(modrm, b[Math.min(at + 2, 6)]) == length) {
                return true;
            }
        }
        return false;
    }

    /** The length of FF /2 with this ModRM (and SIB, when there is one) in 32-bit code. */
    private static int lengthOfCallRm(int modrm, byte sib) {
        int mod = modrm >> 6;
        int rm = modrm & 7;
        if (mod == 3) {
            return 2;
        }
        int length = 2 + (rm == 4 ? 1 : 0);
        if (mod == 1) {
            return length + 1;
        }
        if (mod == 2 || (mod == 0 && rm == 5) || (mod == 0 && rm == 4 && (sib & 7) == 5)) {
            return length + 4;
        }
        return length;
    }

    /** "#0  0x00100d63 <vm_allocate>" lines, guessed frames marked and their stack slot named. */
    String describe(int limit) {
        StringBuilder out = new StringBuilder();
        List<Frame> frames = frames(limit);
        for (int i = 0; i < frames.size(); i++) {
            Frame f = frames.get(i);
            if (f.interrupted() != null) {
                out.append("--- ").append(f.interrupted()).append(" interrupted the code at ")
                        .append(debugger.location(f.eip())).append(" ---\n");
            }
            out.append(String.format("#%-2d %s", i, debugger.location(f.eip())));
            if (f.guessed()) {
                out.append(String.format("  ? (return address found at 0x%08x)", f.slot()));
            }
            out.append('\n');
        }
        if (frames.stream().anyMatch(Frame::guessed)) {
            out.append("(no EBP frame chain here: frames marked ? are words on the stack that point past a CALL)\n");
        }
        return out.toString();
    }
}
