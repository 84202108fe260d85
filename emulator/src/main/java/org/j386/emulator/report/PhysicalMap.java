package org.j386.emulator.report;

import java.util.ArrayList;
import java.util.List;

import org.j386.emulator.boot.MultibootLoader;
import org.j386.emulator.cpu.CpuState;
import org.j386.emulator.memory.PageTables;
import org.j386.emulator.memory.PhysicalMemory;

/**
 * Physical memory by use, frame by frame: the page directory and page tables the current CR3
 * reaches, frames mapped once or more than once, frames never mapped, and what is not RAM to a
 * kernel: the VGA hole, the ROM area and what the memory map reserves.
 */
final class PhysicalMap {
    /** What a frame is used for, most telling first: a frame is shown as the first use that applies. */
    enum Use {
        DIRECTORY("page directory"), PAGE_TABLE("page table"), HOLE("hole (VGA memory)"), ROM("ROM area (BIOS)"),
        RESERVED("reserved in the memory map"), MAPPED_MORE("mapped more than once"), MAPPED_ONCE("mapped once"),
        NEVER_MAPPED("never mapped"), UNTRANSLATED("paging off: seen at its own address");

        final String label;

        Use(String label) {
            this.label = label;
        }
    }

    /** {@code frames} frames from frame number {@code first}, all of one use. */
    record Run(long first, long frames, Use use) {
    }

    static final long VGA_START = 0xA0000, ROM_START = 0xC0000, ROM_END = 0x100000;

    final long ramFrames;
    final List<Run> runs;
    final long[] framesByUse = new long[Use.values().length];
    /** Pages mapping a frame beyond installed RAM (device memory or nothing). */
    final long pagesOutsideRam;

    private PhysicalMap(long ramFrames, List<Run> runs, long pagesOutsideRam) {
        this.ramFrames = ramFrames;
        this.runs = runs;
        this.pagesOutsideRam = pagesOutsideRam;
        for (Run r : runs) {
            framesByUse[r.use().ordinal()] += r.frames();
        }
    }

    static PhysicalMap of(PhysicalMemory ram, CpuState s) {
        boolean paging = (s.cr0 & CpuState.CR0_PG) != 0;
        return classify(ram, paging, s.cr3 & 0xFFFFF000L, (s.cr4 & CpuState.CR4_PSE) != 0);
    }

    static PhysicalMap classify(PhysicalMemory ram, boolean paging, long directory, boolean pse) {
        int frames = ram.size() >>> 12;
        Use[] uses = new Use[frames];
        byte[] mapped = new byte[frames];
        long outside = 0;
        if (paging) {
            for (PageTables.Mapping m : PageTables.mappings(ram, directory, pse)) {
                for (long off = 0; off < m.size(); off += 4096) {
                    long frame = (m.physical() + off) >>> 12;
                    if (frame < frames) {
                        mapped[(int) frame] = (byte) Math.min(2, mapped[(int) frame] + 1);
                    } else {
                        outside++;
                    }
                }
            }
            for (long table : PageTables.tables(ram, directory, pse)) {
                if (table >= 0 && table >>> 12 < frames) {
                    uses[(int) (table >>> 12)] = Use.PAGE_TABLE;
                }
            }
            if (directory >>> 12 < frames) {
                uses[(int) (directory >>> 12)] = Use.DIRECTORY;
            }
        }
        boolean[] available = availableFrames(ram.size());
        List<Run> runs = new ArrayList<>();
        for (int f = 0; f < frames; f++) {
            Use use = uses[f] != null ? uses[f] : firmwareUse(f, available[f]);
            if (use == null) {
                use = !paging ? Use.UNTRANSLATED : mapped[f] == 0 ? Use.NEVER_MAPPED
                        : mapped[f] == 1 ? Use.MAPPED_ONCE : Use.MAPPED_MORE;
            }
            Run last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
            if (last != null && last.use() == use) {
                runs.set(runs.size() - 1, new Run(last.first(), last.frames() + 1, use));
            } else {
                runs.add(new Run(f, 1, use));
            }
        }
        return new PhysicalMap(frames, runs, outside);
    }

    /** Frames wholly inside an available region of the memory map the kernel is given. */
    private static boolean[] availableFrames(int ramSize) {
        boolean[] available = new boolean[ramSize >>> 12];
        for (MultibootLoader.MemoryRegion r : MultibootLoader.memoryMap(ramSize)) {
            if (!r.available()) {
                continue;
            }
            long first = (r.base() + 4095) >>> 12, end = Math.min((r.base() + r.length()) >>> 12, available.length);
            for (long f = first; f < end; f++) {
                available[(int) f] = true;
            }
        }
        return available;
    }

    private static Use firmwareUse(int frame, boolean available) {
        long address = (long) frame << 12;
        if (available) {
            return null;
        }
        if (address >= VGA_START && address < ROM_START) {
            return Use.HOLE;
        }
        if (address >= ROM_START && address < ROM_END) {
            return Use.ROM;
        }
        return Use.RESERVED;
    }

    /** The use of one frame (for tests and tooltips). */
    Use use(long frame) {
        for (Run r : runs) {
            if (frame >= r.first() && frame < r.first() + r.frames()) {
                return r.use();
            }
        }
        return null;
    }
}
