package org.j386.emulator.report;

import static org.j386.emulator.memory.PageEntry.RW;
import static org.j386.emulator.memory.PageEntry.US;

import java.util.ArrayList;
import java.util.List;

import org.j386.emulator.cpu.CpuState;
import org.j386.emulator.memory.PageTables;
import org.j386.emulator.memory.PhysicalMemory;

/**
 * The linear address space as the current page tables map it: ranges of pages of one size and
 * one set of rights, contiguous both linearly and physically, with the recursive windows (a
 * directory entry pointing back at its own directory) marked.
 */
final class AddressSpace {
    /** A mapped range; {@code recursive} when it lies in a recursive window. */
    record Range(long linear, long physical, long size, boolean large, boolean user, boolean writable, boolean recursive) {
        long linearEnd() {
            return linear + size - 1;
        }

        long physicalEnd() {
            return physical + size - 1;
        }
    }

    final boolean paging;
    final long directory;
    final List<Range> ranges;
    /** Directory indexes of the recursive windows; window i covers linear i &lt;&lt; 22 for 4 MiB. */
    final List<Integer> windows;

    private AddressSpace(boolean paging, long directory, List<Range> ranges, List<Integer> windows) {
        this.paging = paging;
        this.directory = directory;
        this.ranges = ranges;
        this.windows = windows;
    }

    static AddressSpace of(PhysicalMemory ram, CpuState s) {
        long directory = s.cr3 & 0xFFFFF000L;
        if ((s.cr0 & CpuState.CR0_PG) == 0) {
            return new AddressSpace(false, directory, List.of(), List.of());
        }
        return read(ram, directory, (s.cr4 & CpuState.CR4_PSE) != 0);
    }

    static AddressSpace read(PhysicalMemory ram, long directory, boolean pse) {
        long[] tables = PageTables.tables(ram, directory, pse);
        List<Integer> windows = new ArrayList<>();
        for (int i = 0; i < tables.length; i++) {
            if (tables[i] == directory) {
                windows.add(i);
            }
        }
        List<Range> ranges = new ArrayList<>();
        var runs = PageTables.runs(PageTables.mappings(ram, directory, pse), (run, next) -> run.rights() == next.rights()
                && run.large() == next.large() && inWindow(tables, directory, run.linear()) == inWindow(tables, directory,
                        next.linear()));
        for (PageTables.Run r : runs) {
            ranges.add(new Range(r.linear(), r.physical(), r.size(), r.large(), (r.rights() & US) != 0, (r.rights() & RW) != 0,
                    inWindow(tables, directory, r.linear())));
        }
        return new AddressSpace(true, directory, ranges, windows);
    }

    private static boolean inWindow(long[] tables, long directory, long linear) {
        return tables[(int) (linear >>> 22)] == directory;
    }

    long mappedBytes() {
        return ranges.stream().mapToLong(Range::size).sum();
    }
}
