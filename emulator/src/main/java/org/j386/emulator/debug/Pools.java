package org.j386.emulator.debug;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

import org.j386.guest.reference.PoolSnapshot;
import org.j386.tools.image.Symbol;

/**
 * {@code pools}: the bundled guest kernel's memory manager, read from guest memory through its
 * symbols. For the Lab2 kernel (it has {@code kmem_freelist}): the free list's length and the
 * address spaces it keeps, see {@link #lab2}. For the MP4 kernel: its frame pools and virtual-memory pools, read from guest
 * memory through its symbols ({@code pool_list}, {@code current_pt}) and its structure layouts:
 * a frame pool is {base frame, frame count, first info frame, next} with one state byte per frame
 * in its info frames (0 free, 1 used, 2 head of a sequence, 3 inaccessible); a page table is
 * {directory frame, first VM pool}; a VM pool is {base, size, frame pool, page table, next}, with
 * its region table in its own first page: count, allocated count, then (start, pages | 1 << 31).
 * When the debugger has a reference to compare with ({@code --check-reference}), the pools read
 * are then compared with the reference's and the differences listed.
 */
final class Pools {
    private static final int FREE = 0, USED = 1, HEAD = 2, INACCESSIBLE = 3;
    private static final long ALLOCATED = 0x80000000L;
    private static final int MAX_POOLS = 64, MAX_REGIONS = 511, MAX_FRAMES = 1 << 20;
    /** The most runs of frames printed for one pool (a pool of garbage alternates at every frame). */
    static final int MAX_RUN_LINES = 2000;

    private final Debugger debugger;
    private final GuestMemory memory;

    Pools(Debugger debugger) {
        this.debugger = debugger;
        this.memory = debugger.memory();
    }

    private long symbol(String name) throws DebugException {
        return debugger.symbols().lookup(name).map(Symbol::value).map(v -> v & 0xFFFFFFFFL)
                .orElseThrow(() -> new DebugException("pools needs the j386 guest kernel's symbol '" + name
                        + "' (this kernel has none)"));
    }

    private long dword(long linear) throws DebugException {
        Long v = memory.readValue(linear, false, 4);
        if (v == null) {
            throw new DebugException(String.format("cannot read 0x%08x: not mapped", linear));
        }
        return v;
    }

    void print(PrintWriter out) throws DebugException {
        if (debugger.symbols().lookup("kmem_freelist").isPresent()) {
            lab2(out);
            return;
        }
        List<PoolSnapshot.FramePool> frames = framePools(out);
        List<PoolSnapshot.VmPool> vms = new ArrayList<>();
        int directory = vmPools(out, vms);
        PoolSnapshot reference = debugger.referencePools();
        if (reference == null) {
            return;
        }
        String caveat = debugger.referenceCaveat();
        if (caveat != null) {
            out.println("reference: note: " + caveat);
        }
        List<String> differences = PoolComparison.differences(new PoolSnapshot(frames, directory, vms), reference);
        if (differences.isEmpty()) {
            out.println("reference agrees");
        } else {
            out.printf("reference differs in %d field%s:%n", differences.size(), differences.size() == 1 ? "" : "s");
            differences.forEach(d -> out.println("  " + d));
        }
    }

    private List<PoolSnapshot.FramePool> framePools(PrintWriter out) throws DebugException {
        List<PoolSnapshot.FramePool> snapshot = new ArrayList<>();
        long pool = dword(symbol("pool_list"));
        if (pool == 0) {
            out.println("frame pools: none constructed yet");
            return snapshot;
        }
        for (int n = 0; pool != 0 && n < MAX_POOLS; n++) {
            long base = dword(pool), count = dword(pool + 4), info = dword(pool + 8);
            byte[] states = new byte[(int) Math.min(count, MAX_FRAMES)];
            out.printf("frame pool%s: frames 0x%05x-0x%05x (%d), info frame 0x%05x%n", debugger.symbolSuffix(pool), base,
                    base + count - 1, count, info);
            int[] totals = new int[4];
            long sequences = 0;
            StringBuilder runs = new StringBuilder();
            // Runs of one kind: consecutive allocated sequences (HEAD, then USED frames) make one run.
            long runStart = 0, runHeads = 0;
            int runKind = -1;
            long runLines = 0;
            // A corrupted pool may claim billions of frames: only the first MAX_FRAMES are read.
            long examined = Math.min(count, MAX_FRAMES);
            for (long f = 0; f <= examined; f++) {
                int state = f == examined ? -2 : stateOf(info, f);
                if (f < states.length) {
                    states[(int) f] = (byte) state;
                }
                if (state >= 0 && state < 4) {
                    totals[state]++;
                }
                int kind = state == USED ? HEAD : state;
                if (kind != runKind) {
                    if (runKind != -1 && ++runLines <= MAX_RUN_LINES) {
                        runs.append(String.format("    0x%05x-0x%05x %-12s %d frame%s%s%n", base + runStart, base + f - 1,
                                name(runKind), f - runStart, f - runStart == 1 ? "" : "s",
                                runKind == HEAD ? " in " + runHeads + " sequence" + (runHeads == 1 ? "" : "s") : ""));
                    }
                    runStart = f;
                    runKind = kind;
                    runHeads = 0;
                }
                if (state == HEAD) {
                    sequences++;
                    runHeads++;
                }
            }
            out.printf("  free %d, allocated %d in %d sequence%s, inaccessible %d%n", totals[FREE], totals[USED] + totals[HEAD],
                    sequences, sequences == 1 ? "" : "s", totals[INACCESSIBLE]);
            out.print(runs);
            if (runLines > MAX_RUN_LINES) {
                out.printf("    (%d more runs not shown: pools prints at most %d per pool)%n", runLines - MAX_RUN_LINES,
                        MAX_RUN_LINES);
            }
            if (examined < count) {
                out.printf("    (only the first %d of the %d frames it claims were read)%n", examined, count);
            }
            snapshot.add(new PoolSnapshot.FramePool((int) base, (int) count, (int) info, states));
            pool = dword(pool + 12);
        }
        return snapshot;
    }

    private int stateOf(long infoFrame, long frame) throws DebugException {
        long physical = (infoFrame << 12) + frame;
        Long v = memory.readValue(physical, true, 1);
        if (v == null) {
            throw new DebugException(String.format("info frame byte at physical 0x%08x is outside RAM", physical));
        }
        return v.intValue();
    }

    private static String name(int state) {
        switch (state) {
            case FREE: return "free";
            case HEAD: return "allocated";
            case INACCESSIBLE: return "inaccessible";
            default: return "state " + state + "?";
        }
    }

    /** Prints the current page table's VM pools, adds them to {@code snapshot}; returns its directory frame. */
    private int vmPools(PrintWriter out, List<PoolSnapshot.VmPool> snapshot) throws DebugException {
        long pt = dword(symbol("current_pt"));
        if (pt == 0) {
            out.println("VM pools: no page table is current yet");
            return 0;
        }
        long pool = dword(pt + 4);
        out.printf("VM pools of the current page table%s (directory frame 0x%05x):%s%n", debugger.symbolSuffix(pt),
                dword(pt), pool == 0 ? " none" : "");
        for (int n = 0; pool != 0 && n < MAX_POOLS; n++) {
            long base = dword(pool), size = dword(pool + 4);
            out.printf("VM pool%s: 0x%08x-0x%08x (%s), frames from%s%n", debugger.symbolSuffix(pool), base, base + size - 1,
                    Paging.size(size), debugger.symbolSuffix(dword(pool + 8)));
            Long regions = memory.readValue(base, false, 4);
            List<PoolSnapshot.Region> table = new ArrayList<>();
            long allocatedRegions = 0;
            if (regions == null) {
                out.println("  region table page not mapped yet (nothing allocated so far)");
            } else {
                long allocated = dword(base + 4);
                allocatedRegions = allocated;
                out.printf("  %d region%s, %d allocated%n", regions, regions == 1 ? "" : "s", allocated);
                for (long i = 0; i < Math.min(regions, MAX_REGIONS); i++) {
                    long start = dword(base + 8 + i * 8), word = dword(base + 12 + i * 8);
                    long pages = word & ~ALLOCATED;
                    String range = pages == 0 ? String.format("0x%08x (empty)      ", start)
                            : String.format("0x%08x-0x%08x", start, (start + pages * 4096 - 1) & 0xFFFFFFFFL);
                    out.printf("    %s %-9s %d page%s%n", range, (word & ALLOCATED) != 0 ? "allocated" : "free", pages,
                            pages == 1 ? "" : "s");
                    table.add(new PoolSnapshot.Region((int) start, (int) pages, (word & ALLOCATED) != 0));
                }
            }
            snapshot.add(new PoolSnapshot.VmPool((int) base, (int) size, (int) dword(dword(pool + 8)), regions != null,
                    regions == null ? 0 : regions.intValue(), (int) allocatedRegions, table));
            pool = dword(pool + 16);
        }
        return (int) dword(pt);
    }

    private static final long KERNBASE = 0x80000000L;
    /** The longest free list walked: past it the list is taken to run in a circle. */
    private static final int MAX_FREE_PAGES = 1 << 20;

    /**
     * The Lab2 kernel: its free list ({@code kmem_freelist}, each free page's first dword the next
     * one's kernel address) and its address spaces: the kernel's directory ({@code kpgdir}), the
     * scenario's spaces ({@code scn_spaces}) and whichever CR3 holds, each with its page tables and
     * mapped pages. Directories and tables are read at their physical addresses (kernel virtual
     * less KERNBASE), so the view works whatever directory is loaded.
     */
    private void lab2(PrintWriter out) throws DebugException {
        long phystop = dword(symbol("phystop"));
        long page = dword(symbol("kmem_freelist"));
        long first = page;
        int pages = 0;
        while (page != 0 && pages < MAX_FREE_PAGES) {
            Long next = memory.readValue(page - KERNBASE & 0xFFFFFFFFL, true, 4);
            if (next == null) {
                out.printf("free list: page 0x%08x (after %d) is outside RAM%n", page, pages);
                break;
            }
            pages++;
            page = next;
        }
        out.printf("free list: %d page%s%s, PHYSTOP 0x%08x%s%n", pages, pages == 1 ? "" : "s",
                first == 0 ? "" : String.format(" from 0x%08x", first), phystop,
                pages == MAX_FREE_PAGES ? " (stopped: a list this long runs in a circle)" : "");
        long cr3 = debugger.state().cr3 & 0xFFFFF000L;
        boolean cr3Shown = false;
        List<long[]> spaces = new ArrayList<>();
        spaces.add(new long[] {dword(symbol("kpgdir")), -1});
        long slots = symbol("scn_spaces");
        for (int i = 0; i < 4; i++) {
            spaces.add(new long[] {dword(slots + 4L * i), i});
        }
        for (long[] space : spaces) {
            if (space[0] == 0) {
                continue;
            }
            boolean loaded = (space[0] - KERNBASE & 0xFFFFFFFFL) == cr3;
            cr3Shown |= loaded;
            out.printf("%s: directory 0x%08x, %s%s%n", space[1] < 0 ? "kernel address space (kpgdir)"
                    : "scenario address space " + space[1], space[0], mappings(space[0] - KERNBASE & 0xFFFFFFFFL),
                    loaded ? ", loaded" : "");
        }
        if (!cr3Shown) {
            out.printf("CR3: directory at physical 0x%08x, %s%n", cr3, mappings(cr3));
        }
    }

    /** "T page tables, P pages mapped" for the directory at physical {@code dir}. */
    private String mappings(long dir) throws DebugException {
        long tables = 0, mapped = 0;
        for (int i = 0; i < 1024; i++) {
            Long pde = memory.readValue(dir + 4L * i, true, 4);
            if (pde == null) {
                return String.format("directory outside RAM at physical 0x%08x", dir);
            }
            if ((pde & 1) == 0) {
                continue;
            }
            if ((pde & 0x80) != 0) {
                mapped += 1024;
                continue;
            }
            tables++;
            for (int j = 0; j < 1024; j++) {
                Long pte = memory.readValue((pde & 0xFFFFF000L) + 4L * j, true, 4);
                if (pte != null && (pte & 1) != 0) {
                    mapped++;
                }
            }
        }
        return tables + " page table" + (tables == 1 ? "" : "s") + ", " + mapped + " page" + (mapped == 1 ? "" : "s")
                + " mapped";
    }
}
