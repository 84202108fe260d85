package org.j386.emulator.debug;

import static org.j386.emulator.memory.PageEntry.*;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.j386.emulator.cpu.CpuState;
import org.j386.emulator.memory.Mmu;
import org.j386.emulator.memory.PageTables;
import org.j386.emulator.memory.PageTables.Mapping;
import org.j386.emulator.memory.PageTables.Run;

/**
 * The paging views: {@code walk}, {@code pagetable}, {@code tlb}, {@code frames}. Everything is
 * read from physical memory directly, so no accessed or dirty bit changes.
 */
final class Paging {
    private final GuestMemory memory;
    private final CpuState s;
    private final Mmu mmu;

    Paging(GuestMemory memory, Mmu mmu) {
        this.memory = memory;
        this.s = memory.state();
        this.mmu = mmu;
    }

    private boolean pagingOn() {
        return (s.cr0 & CpuState.CR0_PG) != 0;
    }

    private boolean pse() {
        return (s.cr4 & CpuState.CR4_PSE) != 0;
    }

    private static String rights(int r) {
        return ((r & RW) != 0 ? "RW" : "RO") + " " + ((r & US) != 0 ? "U" : "S");
    }

    private static String rightsInWords(int r) {
        return ((r & US) != 0 ? "user" : "supervisor-only") + ", " + ((r & RW) != 0 ? "read/write" : "read-only");
    }

    void walk(long linear, PrintWriter out) {
        if (!pagingOn()) {
            out.printf("paging is off: linear 0x%08x is physical 0x%08x%n", linear, linear);
            return;
        }
        long dir = s.cr3 & 0xFFFFF000L;
        out.printf("walk 0x%08x: cr3=0x%08x, PSE %s%n", linear, s.cr3, pse() ? "on" : "off");
        int pdIndex = (int) (linear >>> 22);
        long pdeAddr = dir + pdIndex * 4L;
        int pde = memory.readPhysical32(pdeAddr);
        out.printf("  PDE 0x%03x at phys 0x%08x = 0x%08x  %s", pdIndex, pdeAddr, pde, Describe.entryFlags(pde, true));
        if ((pde & P) == 0) {
            out.printf("%n  not present: translation stops at the PDE (#PF with P=0)%n");
            return;
        }
        if ((pde & PS) != 0 && pse()) {
            long frame = pde & 0xFFC00000L;
            out.printf("  -> 4 MiB page at 0x%08x%n", frame);
            out.printf("  linear 0x%08x -> physical 0x%08x (%s)%n", linear, frame | (linear & 0x3FFFFF),
                    rightsInWords(pde));
            return;
        }
        long table = pde & 0xFFFFF000L;
        out.printf("  -> page table at 0x%08x%n", table);
        int ptIndex = (int) ((linear >>> 12) & 0x3FF);
        long pteAddr = table + ptIndex * 4L;
        int pte = memory.readPhysical32(pteAddr);
        out.printf("  PTE 0x%03x at phys 0x%08x = 0x%08x  %s", ptIndex, pteAddr, pte, Describe.entryFlags(pte, false));
        if ((pte & P) == 0) {
            out.printf("%n  not present: translation stops at the PTE (#PF with P=0)%n");
            return;
        }
        long frame = pte & 0xFFFFF000L;
        out.printf("  -> frame 0x%08x%n", frame);
        out.printf("  linear 0x%08x -> physical 0x%08x (%s)%n", linear, frame | (linear & 0xFFF), rightsInWords(pde & pte));
    }

    private List<Mapping> mappings(long cr3) {
        return PageTables.mappings(memory.ram(), cr3, pse());
    }

    static String size(long bytes) {
        if (bytes % (1L << 20) == 0) {
            return (bytes >> 20) + " MiB";
        }
        return (bytes >> 10) + " KiB";
    }

    void pagetable(long cr3, PrintWriter out) {
        if (!pagingOn() && cr3 == (s.cr3 & 0xFFFFFFFFL)) {
            out.println("paging is off (CR0.PG=0); give a directory address to read one anyway");
            return;
        }
        List<Mapping> maps = mappings(cr3);
        List<Run> runs = PageTables.runs(maps, (run, next) -> run.rights() == next.rights());
        long total = maps.stream().mapToLong(Mapping::size).sum();
        out.printf("page directory at 0x%08x: %s mapped in %d run%s%n", cr3 & 0xFFFFF000L, size(total), runs.size(),
                runs.size() == 1 ? "" : "s");
        for (Run r : runs.subList(0, Math.min(runs.size(), MAX_RUNS))) {
            out.printf("  0x%08x-0x%08x -> 0x%08x-0x%08x  %8s  %s%n", r.linear(), r.linearEnd(), r.physical(),
                    r.physicalEnd(), size(r.size()), rights(r.rights()));
        }
        if (runs.size() > MAX_RUNS) {
            out.printf("  (%d more runs not shown: pagetable prints at most %d)%n", runs.size() - MAX_RUNS, MAX_RUNS);
        }
    }

    /** The most runs {@link #pagetable} prints (a directory of garbage can make a million). */
    static final int MAX_RUNS = 2000;
    /** The most linear pages {@link #frames} lists for one frame mapped more than once. */
    static final int MAX_ALIASES = 16;

    void frames(PrintWriter out) {
        if (!pagingOn()) {
            out.println("paging is off: every frame is seen at its own address");
            return;
        }
        // Physical 4 KiB frame -> the linear pages that map it.
        TreeMap<Long, List<Long>> byFrame = new TreeMap<>();
        for (Mapping m : mappings(s.cr3 & 0xFFFFFFFFL)) {
            for (long off = 0; off < m.size(); off += 4096) {
                byFrame.computeIfAbsent(m.physical() + off, k -> new ArrayList<>()).add(m.linear() + off);
            }
        }
        long aliased = byFrame.values().stream().filter(l -> l.size() > 1).count();
        long beyondRam = byFrame.keySet().stream().filter(f -> !memory.inRam(f)).count();
        out.printf("%d frames mapped (%s of %s RAM), %d mapped more than once, %d outside RAM%n", byFrame.size(),
                size(byFrame.size() * 4096L), size(memory.ram().size()), aliased, beyondRam);
        // Runs: consecutive frames mapped once each, at consecutive linear pages.
        PrintWriter all = out;
        LineLimit limit = new LineLimit(all, MAX_RUNS);
        out = new PrintWriter(limit);
        long runStart = -1, runLinear = -1, runLength = 0;
        for (Map.Entry<Long, List<Long>> e : byFrame.entrySet()) {
            long frame = e.getKey();
            List<Long> pages = e.getValue();
            boolean single = pages.size() == 1;
            if (single && runStart >= 0 && runStart + runLength == frame && runLinear + runLength == pages.get(0)) {
                runLength += 4096;
                continue;
            }
            if (runStart >= 0) {
                printFrameRun(out, runStart, runLinear, runLength);
                runStart = -1;
            }
            if (single) {
                runStart = frame;
                runLinear = pages.get(0);
                runLength = 4096;
            } else {
                StringBuilder at = new StringBuilder();
                for (long p : pages.subList(0, Math.min(pages.size(), MAX_ALIASES))) {
                    at.append(String.format(" 0x%08x", p));
                }
                if (pages.size() > MAX_ALIASES) {
                    at.append(" and ").append(pages.size() - MAX_ALIASES).append(" more pages");
                }
                out.printf("  0x%08x-0x%08x <-%s%n", frame, frame + 4095, at);
            }
        }
        if (runStart >= 0) {
            printFrameRun(out, runStart, runLinear, runLength);
        }
        out.flush();
        out = all;
        if (limit.dropped > 0) {
            out.printf("  (%d more lines not shown: frames prints at most %d)%n", limit.dropped, MAX_RUNS);
        }
        long dir = s.cr3 & 0xFFFFF000L;
        StringBuilder tables = new StringBuilder();
        for (long table : PageTables.tables(memory.ram(), dir, pse())) {
            if (table >= 0) {
                tables.append(String.format(" 0x%08x", table));
            }
        }
        out.printf("paging structures: directory 0x%08x, tables%s%n", dir, tables.length() == 0 ? " none" : tables);
    }

    /** Passes the first {@code most} lines on and counts the lines after them. */
    private static final class LineLimit extends java.io.Writer {
        private final PrintWriter to;
        private final int most;
        private int lines;
        long dropped;

        LineLimit(PrintWriter to, int most) {
            this.to = to;
            this.most = most;
        }

        @Override
        public void write(char[] chars, int offset, int length) {
            for (int i = offset; i < offset + length; i++) {
                if (lines < most) {
                    to.write(chars[i]);
                }
                if (chars[i] == '\n' && ++lines > most) {
                    dropped++;
                }
            }
        }

        @Override
        public void flush() {
            to.flush();
        }

        @Override
        public void close() {
        }
    }

    private static void printFrameRun(PrintWriter out, long frame, long linear, long length) {
        out.printf("  0x%08x-0x%08x <- 0x%08x-0x%08x%n", frame, frame + length - 1, linear, linear + length - 1);
    }

    void tlb(PrintWriter out) {
        TreeMap<Long, long[]> entries = new TreeMap<>();
        mmu.forEachCachedTranslation((page, frame, supWrite, userRead, userWrite, dirty, global) -> {
            int bits = (supWrite ? 1 : 0) | (userRead ? 2 : 0) | (userWrite ? 4 : 0) | (dirty ? 8 : 0) | (global ? 16 : 0);
            entries.put(page & 0xFFFFFFFFL, new long[] {frame & 0xFFFFFFFFL, bits});
        });
        if (entries.isEmpty()) {
            out.println(pagingOn() ? "the TLB is empty" : "the TLB is empty (paging is off)");
            return;
        }
        out.printf("%d cached translation%s%n", entries.size(), entries.size() == 1 ? "" : "s");
        long start = -1, phys = -1, length = 0, bits = -1;
        for (Map.Entry<Long, long[]> e : entries.entrySet()) {
            long page = e.getKey();
            long[] v = e.getValue();
            if (start >= 0 && start + length == page && phys + length == v[0] && bits == v[1]) {
                length += 4096;
                continue;
            }
            if (start >= 0) {
                printTlbRun(out, start, phys, length, bits);
            }
            start = page;
            phys = v[0];
            length = 4096;
            bits = v[1];
        }
        printTlbRun(out, start, phys, length, bits);
    }

    private static void printTlbRun(PrintWriter out, long linear, long physical, long length, long bits) {
        StringBuilder b = new StringBuilder();
        b.append((bits & 1) != 0 ? "sup-write" : "sup-read-only");
        b.append((bits & 4) != 0 ? " user-write" : (bits & 2) != 0 ? " user-read" : " no-user");
        b.append((bits & 8) != 0 ? " dirty" : "");
        b.append((bits & 16) != 0 ? " global" : "");
        out.printf("  0x%08x-0x%08x -> 0x%08x  %s%n", linear, linear + length - 1, physical, b);
    }
}
