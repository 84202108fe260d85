package org.j386.emulator.memory;

import static org.j386.emulator.memory.PageEntry.*;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;

/**
 * The page tables as an observer reads them: every mapped page under a directory, read from
 * physical memory with no accessed or dirty bit set, no TLB fill and no fault. The debugger's
 * paging views and the memory report both read the tables through this class.
 */
public final class PageTables {
    private PageTables() {
    }

    /** One mapped page (4 KiB or 4 MiB) with its effective U/S and R/W rights (PDE and PTE combined). */
    public record Mapping(long linear, long physical, long size, int rights, boolean large) {
    }

    /** Consecutive mappings merged: linear and physical both contiguous, and alike by the caller's test. */
    public record Run(long linear, long physical, long size, int rights, boolean large) {
        public long linearEnd() {
            return linear + size - 1;
        }

        public long physicalEnd() {
            return physical + size - 1;
        }
    }

    /** Every present page under the directory at {@code cr3}, in linear order. */
    public static List<Mapping> mappings(PhysicalMemory ram, long cr3, boolean pse) {
        List<Mapping> list = new ArrayList<>();
        long dir = cr3 & 0xFFFFF000L;
        for (int i = 0; i < 1024; i++) {
            int pde = ram.read32((int) (dir + i * 4L));
            if ((pde & P) == 0) {
                continue;
            }
            long base = (long) i << 22;
            if ((pde & PS) != 0 && pse) {
                list.add(new Mapping(base, pde & 0xFFC00000L, 1 << 22, pde & (RW | US), true));
                continue;
            }
            long table = pde & 0xFFFFF000L;
            for (int j = 0; j < 1024; j++) {
                int pte = ram.read32((int) (table + j * 4L));
                if ((pte & P) != 0) {
                    list.add(new Mapping(base + ((long) j << 12), pte & 0xFFFFF000L, 4096, pde & pte & (RW | US), false));
                }
            }
        }
        return list;
    }

    /** Merges consecutive mappings into runs; {@code alike} decides whether the next may join the run. */
    public static List<Run> runs(List<Mapping> mappings, BiPredicate<Run, Mapping> alike) {
        List<Run> runs = new ArrayList<>();
        for (Mapping m : mappings) {
            Run last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
            if (last != null && last.linear() + last.size() == m.linear() && last.physical() + last.size() == m.physical()
                    && alike.test(last, m)) {
                runs.set(runs.size() - 1, new Run(last.linear(), last.physical(), last.size() + m.size(), last.rights(),
                        last.large()));
            } else {
                runs.add(new Run(m.linear(), m.physical(), m.size(), m.rights(), m.large()));
            }
        }
        return runs;
    }

    /**
     * The page table each directory entry points at, by entry index, or -1 where the entry is not
     * present or maps a 4 MiB page. An entry that points back at the directory itself makes a
     * recursive window.
     */
    public static long[] tables(PhysicalMemory ram, long cr3, boolean pse) {
        long[] tables = new long[1024];
        long dir = cr3 & 0xFFFFF000L;
        for (int i = 0; i < 1024; i++) {
            int pde = ram.read32((int) (dir + i * 4L));
            tables[i] = (pde & P) != 0 && !((pde & PS) != 0 && pse) ? pde & 0xFFFFF000L : -1;
        }
        return tables;
    }
}
