package org.j386.emulator.debug;

import org.j386.emulator.cpu.Cpu;
import org.j386.emulator.cpu.CpuState;
import org.j386.emulator.memory.Mmu;
import org.j386.emulator.memory.PhysicalMemory;

/**
 * The debugger's view of guest memory: physical reads and writes, and linear ones through the
 * current page tables without touching the TLB or the accessed/dirty bits.
 */
public final class GuestMemory {
    private final Cpu cpu;
    private final Mmu mmu;
    private final PhysicalMemory ram;
    private final CpuState state;

    public GuestMemory(Cpu cpu) {
        this.cpu = cpu;
        this.mmu = cpu.mmu;
        this.ram = mmu.physical();
        this.state = cpu.state;
    }

    public PhysicalMemory ram() {
        return ram;
    }

    public CpuState state() {
        return state;
    }

    /** Physical address of a linear one under the current CR3, or -1 when not mapped. */
    public long translate(int linear) {
        return mmu.peek(linear);
    }

    /** Whether the physical address lies in installed RAM. */
    public boolean inRam(long physical) {
        return physical >= 0 && physical < ram.size();
    }

    public int readPhysical32(long physical) {
        return ram.read32((int) physical);
    }

    /**
     * Reads {@code length} bytes at a linear (or, with {@code physical}, physical) address into
     * {@code into}; returns how many could be read before an unmapped page or the end of RAM.
     */
    public int read(long address, boolean physical, byte[] into, int length) {
        for (int i = 0; i < length; i++) {
            long p = physical ? address + i : translate((int) (address + i));
            if (p < 0 || !ram.backed(p)) {
                return i;
            }
            into[i] = (byte) ram.read8((int) p);
        }
        return length;
    }

    /** A little-endian value of 1, 2 or 4 bytes, or null when any byte is unreadable. */
    public Long readValue(long address, boolean physical, int size) {
        byte[] b = new byte[size];
        if (read(address, physical, b, size) < size) {
            return null;
        }
        long v = 0;
        for (int i = size - 1; i >= 0; i--) {
            v = (v << 8) | (b[i] & 0xFF);
        }
        return v;
    }

    /**
     * Writes bytes (a debugger's {@code set} or gdb's M/X packets). Linear addresses go through the
     * page tables without checking rights or marking pages dirty. Returns how many were written.
     */
    public int write(long address, boolean physical, byte[] bytes, int length) {
        for (int i = 0; i < length; i++) {
            long p = physical ? address + i : translate((int) (address + i));
            if (p < 0 || !inRam(p)) {
                return i;
            }
            cpu.flushDecodedCode(p);
            // Through PhysicalMemory, so that snapshots, watched frames and the ROM see it as any write.
            ram.write8((int) p, bytes[i]);
        }
        return length;
    }
}
