package org.j386.emulator.debug;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.j386.emulator.cpu.CpuState;
import org.j386.emulator.machine.Machine;
import org.j386.emulator.memory.Mmu;
import org.j386.emulator.memory.PhysicalMemory;

/**
 * {@code last-write} and {@code history}: every write to a dword of memory since the machine
 * started, found by running the same boot again, silently and in a second machine, up to the
 * instruction where the debugged one stands. Virtual time makes a run exactly repeatable, so the
 * replay sees the same writes; to be sure of it, the replay's registers and RAM are compared
 * with the debugged machine's at the end, and a difference is reported rather than hidden (the
 * run then depended on something a replay does not have, such as a change made from the
 * debugger).
 */
final class WriteHistory {
    /**
     * One write: the instruction count and EIP of the writing instruction, the dword before and
     * after; {@code byWalk} when it was the page walk setting accessed or dirty bits while
     * translating for that instruction, not the instruction's own store.
     */
    record Write(long instruction, int eip, int physical, int before, int after, boolean byWalk) {
    }

    /** The writes found, in order, and whether the replay reached the debugged machine's state. */
    record Result(List<Write> writes, boolean faithful, long upTo) {
    }

    private WriteHistory() {
    }

    /**
     * The writes to the dword at {@code address} (physical when {@code physical}) up to {@code
     * live}'s instruction count, found by running {@code m}, a fresh replica, that far.
     */
    static Result writes(Machine m, Machine live, int address, boolean physical) {
        CpuState s = m.cpu().state;
        s.trackInstructionEip = true;
        PhysicalMemory ram = m.ram();
        List<Write> writes = new ArrayList<>();
        if (physical) {
            int[] last = {ram.read32(address)};
            ram.watchFrameWrites(address >>> 12);
            if (((address + 3) >>> 12) != (address >>> 12)) {
                ram.watchFrameWrites((address + 3) >>> 12);
            }
            ram.addFrameWriteListener((at, length) -> {
                if (at < address + 4 && address < at + length) {
                    int now = ram.read32(address);
                    writes.add(new Write(s.instructions, s.instructionEip, address, last[0], now, m.mmu().markingAccessed()));
                    last[0] = now;
                }
            });
        }
        Runnable completeLast = physical ? () -> { } : watchLinear(m, address, writes);
        long target = live.cpu().state.instructions;
        TimeTravel.runTo(m, target);
        completeLast.run();
        m.cpu().setBoundaryHook(null);
        return new Result(writes, sameState(m, live), target);
    }

    /**
     * Linear writes are seen as the MMU checks them (before the bytes change): each is completed
     * at the next instruction boundary, where the dword holds what it wrote. Returns what completes
     * the last one when the replay stops.
     */
    private static Runnable watchLinear(Machine m, int address, List<Write> writes) {
        PendingWrite pending = new PendingWrite(m.cpu().state, m.ram(), writes);
        m.mmu().setAccessObserver(new Mmu.AccessObserver() {
            @Override
            public boolean watches(int linearPage, int physicalFrame) {
                return linearPage == ((address - 3) & ~0xFFF) || linearPage == ((address + 3) & ~0xFFF);
            }

            @Override
            public void access(int linear, int physicalAddress, boolean write) {
                int from = linear - address;
                if (write && from >= -3 && from <= 3) {
                    pending.complete();
                    pending.begin(physicalAddress - from, from >= 0);
                }
            }
        });
        m.cpu().setBoundaryHook(eip -> {
            pending.complete();
            return false;
        });
        return pending::complete;
    }

    /** A linear write the MMU has allowed, waiting for the boundary after it to know what it wrote. */
    private static final class PendingWrite {
        private final CpuState s;
        private final PhysicalMemory ram;
        private final List<Write> writes;
        private boolean open;
        private long instruction;
        private int eip, physical, before;
        /** Whether the write begins inside the dword rather than reaching into it from below. */
        private boolean inside;

        PendingWrite(CpuState s, PhysicalMemory ram, List<Write> writes) {
            this.s = s;
            this.ram = ram;
            this.writes = writes;
        }

        void begin(int physicalOfDword, boolean beginsInside) {
            open = true;
            instruction = s.instructions;
            eip = s.instructionEip;
            physical = physicalOfDword;
            before = ram.read32(physicalOfDword);
            inside = beginsInside;
        }

        void complete() {
            if (!open) {
                return;
            }
            open = false;
            int after = ram.read32(physical);
            // A write that begins before the dword reaches into it only if it changed it: the
            // MMU names an access by its first byte, not its size.
            if (inside || after != before) {
                writes.add(new Write(instruction, eip, physical, before, after, false));
            }
        }
    }

    /** Registers, EIP, EFLAGS, the control registers and all of RAM. */
    private static boolean sameState(Machine a, Machine b) {
        CpuState x = a.cpu().state;
        CpuState y = b.cpu().state;
        return x.instructions == y.instructions && x.eip == y.eip && Arrays.equals(x.regs, y.regs)
                && x.flags.get() == y.flags.get() && x.cr0 == y.cr0 && x.cr3 == y.cr3
                && Arrays.equals(a.ram().array(), b.ram().array());
    }
}
