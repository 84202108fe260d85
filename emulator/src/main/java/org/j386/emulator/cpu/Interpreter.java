package org.j386.emulator.cpu;

import java.util.Arrays;
import org.j386.emulator.memory.Mmu;
import org.j386.emulator.memory.PageFault;
import org.j386.emulator.memory.PhysicalMemory;

/**
 * The fetch-decode-execute loop with a decode cache.
 *
 * <p><b>Decode cache.</b> Decoded instructions are kept per physical 4 KiB frame, indexed by the
 * offset of their first byte, so a page mapped at several linear addresses is decoded once and a
 * change of mapping needs no flush. The frame is marked in {@link PhysicalMemory}; the first write
 * to it drops the frame's decoded instructions (self-modifying code, loaders). An instruction that
 * crosses into the next page is never cached: its tail may be remapped or rewritten independently,
 * so it is decoded afresh each time (through the MMU, which raises the right page fault). Each
 * entry remembers the CS default size it was decoded under and is re-decoded if that changed.
 *
 * <p><b>Faults.</b> EIP and ESP are saved at each instruction start; instructions are written so
 * that nothing else is committed before their last possible fault. On a fault both are restored
 * and the exception is delivered.
 */
final class Interpreter {
    private static final int PAGE_SIZE = 4096;

    private final Cpu cpu;
    private final CpuState s;
    private final Mmu mmu;
    private final PhysicalMemory ram;
    private final Decoder decoder;
    private final Executor executor;
    /** Decoded instructions by physical frame, then by offset in the frame; null when none. */
    private final Insn[][] frames;
    /** Where instructions are decoded before they are cached, or when they cannot be. */
    private final Insn scratch = new Insn();
    /** The CS register (the object is fixed; loads change its fields). */
    private final Segment cs;

    /*
     * The fetch shortcut: the decoded instructions of the code page last fetched from, by linear
     * page. Straight-line code and loops then find their next instruction with one comparison
     * instead of a segment check, a TLB lookup and a frame lookup. It is only set up for a flat
     * CS (limit 4 GiB) and is dropped whenever anything it summarises may have changed: a CS load,
     * any TLB flush or privilege change, a write to a frame holding code, and every entry to run.
     */
    private Insn[] fetchPage;
    /** Linear address of that page, or 1 (never page-aligned) when there is none. */
    private int fetchPageLinear = 1;
    /** The CS size when the shortcut was set up: a page may also hold entries of the other size. */
    private boolean fetchCode32;

    Interpreter(Cpu cpu) {
        this.cpu = cpu;
        this.s = cpu.state;
        this.mmu = cpu.mmu;
        this.ram = mmu.physical();
        this.decoder = new Decoder(mmu, s);
        this.executor = new Executor(cpu);
        this.cs = s.segs[CpuState.CS];
        this.frames = new Insn[ram.size() / PAGE_SIZE][];
        ram.setCodeWriteListener(frame -> {
            if (frame < frames.length) {
                frames[frame] = null;
            }
            forgetFetchPage();
        });
    }

    void flushDecodedCode() {
        Arrays.fill(frames, null);
        forgetFetchPage();
    }

    /** Called when CS, the translation of code addresses or the privilege level may have changed. */
    void forgetFetchPage() {
        fetchPageLinear = 1;
        fetchPage = null;
    }

    void run(long budget) {
        final CpuState s = this.s;
        if (s.halted || s.flags.trap() || s.singleStepPending) {
            // Single-stepping also goes through the slow path at every boundary.
            s.attention = true;
        }
        // The budget is counted in retired instructions, so that a repeated string instruction
        // may retire several iterations in one dispatch (see StringOps) without overrunning it.
        final long end = s.instructions + budget;
        executor.setInstructionLimit(end);
        // The machine, a debugger or a test may have changed anything since the last call.
        forgetFetchPage();
        int eip = s.eip;
        int esp = s.regs[CpuState.ESP];
        while (s.instructions < end) {
            try {
                while (s.instructions < end) {
                    if (s.attention) {
                        // Delivery moves EIP and ESP; should it fault, those are the values to keep.
                        eip = s.eip;
                        esp = s.regs[CpuState.ESP];
                        if (attend()) {
                            return;
                        }
                    }
                    eip = s.eip;
                    esp = s.regs[CpuState.ESP];
                    int linear = cs.base + eip;
                    Insn d;
                    if ((linear & ~(PAGE_SIZE - 1)) == fetchPageLinear
                            && (d = fetchPage[linear & (PAGE_SIZE - 1)]) != null && d.code32 == fetchCode32) {
                        // Cached for this page under the current CS: size and limit already hold.
                    } else {
                        d = fetch(eip);
                    }
                    s.instructions++;
                    s.eip = eip + d.length;
                    executor.execute(d);
                }
            } catch (PageFault pf) {
                s.eip = eip;
                s.regs[CpuState.ESP] = esp;
                s.cr2 = pf.linearAddress();
                cpu.interrupts.exception(Vectors.PF, pf.errorCode(), true);
            } catch (CpuFault f) {
                s.eip = eip;
                s.regs[CpuState.ESP] = esp;
                cpu.interrupts.exception(f.vector(), f.errorCode(), f.hasErrorCode());
            }
        }
    }

    /**
     * The slow path at an instruction boundary: stop requests, the single-step trap, the
     * one-instruction interrupt shadow, external interrupts, halt. Returns true when the run loop
     * must return.
     */
    private boolean attend() {
        if (s.stopRequested) {
            return true;
        }
        boolean stop = attendEvents();
        Cpu.BoundaryHook hook = cpu.boundaryHook;
        if (hook != null) {
            // A debugger is watching: stay on this slow path at every boundary, and ask it about
            // the instruction that is about to run (after any delivery moved EIP).
            s.attention = true;
            if (!stop && hook.stopBefore(s.eip)) {
                s.stopRequested = true;
                return true;
            }
        }
        if (!stop && s.flags.trap()) {
            // The instruction about to run begins with TF set: it owes a trap when it completes.
            // Attention stays set, so the next boundary comes back here to deliver it.
            s.singleStepPending = true;
            s.attention = true;
        }
        return stop;
    }

    private boolean attendEvents() {
        // Traps of the previous instruction come before external interrupts; MOV SS and POP SS
        // hold the trap back until the instruction after them has completed too.
        if (s.singleStepPending && !s.trapShadow) {
            s.singleStepPending = false;
            cpu.interrupts.singleStepTrap();
            if (s.stopRequested) {
                return true; // an observer holds the #DB back, or its delivery ended the machine
            }
            // The handler is not in the shadow of an STI the stepped code executed.
            s.interruptShadow = false;
        }
        if (s.interruptShadow) {
            // Let exactly one instruction through; attention stays set to look again after it.
            s.interruptShadow = false;
            s.trapShadow = false;
            return s.halted;
        }
        InterruptController ic = cpu.interruptController();
        boolean pending = ic.pending();
        if (pending && s.flags.interruptsEnabled()) {
            s.halted = false;
            cpu.interrupts.externalInterrupt(ic.acknowledge());
            // Attention stays set: another request may be waiting behind this one.
            return false;
        }
        if (!pending && !s.halted) {
            s.attention = false;
        }
        return s.halted;
    }

    /** The decoded instruction at CS:eip, from the cache when possible. */
    private Insn fetch(int eip) {
        Segment cs = this.cs;
        boolean code32 = (cs.attributes & Segment.DEFAULT_BIG) != 0;
        int linear = cs.base + eip;
        int physical = mmu.translateRead(linear);
        int frame = physical >>> 12;
        Insn d;
        if (frame < frames.length) {
            Insn[] page = frames[frame];
            if (page != null) {
                d = page[physical & (PAGE_SIZE - 1)];
                if (d != null && d.code32 == code32) {
                    if (cs.limit != -1) {
                        checkCodeLimit(cs, eip, d.length);
                    } else {
                        rememberFetchPage(linear, page, code32);
                    }
                    return d;
                }
            }
            d = decode(linear, code32);
            if ((linear & (PAGE_SIZE - 1)) + d.length <= PAGE_SIZE) {
                d = cache(frame, physical & (PAGE_SIZE - 1), d);
            }
        } else {
            d = decode(linear, code32);
        }
        if (cs.limit != -1) {
            checkCodeLimit(cs, eip, d.length);
        }
        return d;
    }

    private void rememberFetchPage(int linear, Insn[] page, boolean code32) {
        fetchPage = page;
        fetchPageLinear = linear & ~(PAGE_SIZE - 1);
        fetchCode32 = code32;
    }

    /** Every byte of the instruction must lie within CS. */
    private void checkCodeLimit(Segment cs, int eip, int length) {
        long last = (eip & 0xFFFFFFFFL) + length - 1;
        if (last > (cs.limit & 0xFFFFFFFFL)) {
            throw s.fault.generalProtection(0);
        }
    }

    private Insn decode(int linear, boolean code32) {
        decoder.decode(scratch, linear, code32);
        return scratch;
    }

    private Insn cache(int frame, int offset, Insn decoded) {
        Insn[] page = frames[frame];
        if (page == null) {
            page = new Insn[PAGE_SIZE];
            frames[frame] = page;
            ram.markCodeFrame(frame);
        }
        Insn d = new Insn();
        d.copyFrom(decoded);
        page[offset] = d;
        return d;
    }
}
