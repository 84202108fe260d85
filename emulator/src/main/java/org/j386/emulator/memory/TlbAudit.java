package org.j386.emulator.memory;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * Finds stale translations in use (the sanitizer behind {@code --check tlb}): a guest changes a
 * page-directory or page-table entry that the TLB holds, then uses that linear page through the
 * cached translation with no INVLPG or CR3 reload in between.
 *
 * <p>The machine behaves exactly as without the audit: the stale translation is used, as a real
 * TLB would use it, and the TLB statistics are the same. The audit remembers which entries each
 * cached translation was read from and watches their frames. When a CPU write changes such an
 * entry (ignoring the accessed, dirty and available bits, which do not change a translation), the
 * translation moves out of the TLB's fast path into a shadow kept here; every later use of it
 * comes through the MMU's slow path, which asks the shadow and is reported. A walk of the page, a
 * flush of it, or a CR3 reload (for non-global pages) ends the shadow entry.
 */
public final class TlbAudit {
    /** A use of a stale translation, with the write that made it stale. */
    public record StaleUse(int linear, Access access, int accessEip, long accessCount, int entryAddress,
            boolean directoryEntry, int oldEntry, int newEntry, int writeEip, long writeCount) {
    }

    public enum Access {
        READ("read"), WRITE("write"), FETCH("instruction fetch");

        public final String text;

        Access(String text) {
            this.text = text;
        }
    }

    public interface Listener {
        void staleUse(StaleUse use);
    }

    /** Where a cached translation came from: its directory entry and (for a 4 KiB page) its table entry. */
    private record Source(int pdeAddress, int pde, int pteAddress, int pte) {
    }

    /** A translation taken out of the fast path because an entry it came from changed. */
    private record Stale(int tlbEntry, Source source, int entryAddress, int oldEntry, int newEntry, int writeEip,
            long writeCount) {
    }

    /** The bits of an entry that change no translation: accessed, dirty and those left to software. */
    private static final int IGNORED = 0x20 | 0x40 | 0xE00;

    private final PhysicalMemory ram;
    private final IntSupplier instructionEip;
    private final LongSupplier instructionCount;
    private final Listener listener;
    private Mmu mmu;
    private final Map<Integer, Source> sources = new HashMap<>();
    private final Map<Integer, Set<Integer>> pagesByEntry = new HashMap<>();
    private final Map<Integer, Stale> stale = new HashMap<>();
    /** Each distinct case once: page, write, access EIP and kind. */
    private final Set<String> reported = new HashSet<>();

    /**
     * {@code instructionEip} and {@code instructionCount} say which instruction is executing when
     * an entry is written or a translation used.
     */
    public TlbAudit(PhysicalMemory ram, IntSupplier instructionEip, LongSupplier instructionCount, Listener listener) {
        this.ram = ram;
        this.instructionEip = instructionEip;
        this.instructionCount = instructionCount;
        this.listener = listener;
    }

    void attach(Mmu mmu) {
        this.mmu = mmu;
        ram.addFrameWriteListener(this::written);
    }

    /** The MMU cached a translation of {@code page} read from these entries ({@code pteAddress} -1 for a 4 MiB page). */
    void filled(int page, int pdeAddress, int pde, int pteAddress, int pte) {
        forget(page);
        stale.remove(page);
        Source source = new Source(pdeAddress, pde, pteAddress, pte);
        sources.put(page, source);
        follow(pdeAddress, page);
        if (pteAddress >= 0) {
            follow(pteAddress, page);
        }
    }

    private void follow(int entryAddress, int page) {
        pagesByEntry.computeIfAbsent(entryAddress, a -> new HashSet<>()).add(page);
        ram.watchFrameWrites(entryAddress >>> 12);
    }

    private void forget(int page) {
        Source old = sources.remove(page);
        if (old != null) {
            unfollow(old.pdeAddress(), page);
            if (old.pteAddress() >= 0) {
                unfollow(old.pteAddress(), page);
            }
        }
    }

    private void unfollow(int entryAddress, int page) {
        Set<Integer> pages = pagesByEntry.get(entryAddress);
        if (pages != null) {
            pages.remove(page);
            if (pages.isEmpty()) {
                pagesByEntry.remove(entryAddress);
            }
        }
    }

    /** The TLB dropped its translation of {@code page} (INVLPG, a flush, a refill). */
    void flushed(int page) {
        forget(page);
        stale.remove(page);
    }

    /** The TLB dropped every translation, or (when {@code keepGlobal}) all but the global ones. */
    void flushedAll(boolean keepGlobal, int globalBit) {
        if (!keepGlobal) {
            sources.clear();
            pagesByEntry.clear();
            stale.clear();
            return;
        }
        stale.values().removeIf(s -> (s.tlbEntry() & globalBit) == 0);
        for (Integer page : Set.copyOf(sources.keySet())) {
            if (!mmu.holdsGlobal(page) && !stale.containsKey(page)) {
                forget(page);
            }
        }
    }

    /** The shadowed translation of {@code linear}'s page, or 0; reported as used when it allows {@code need}. */
    int staleEntry(int linear, int need, Access access, int accessEip) {
        int page = linear >>> 12;
        Stale s = stale.get(page);
        if (s == null || (s.tlbEntry() & need) != need) {
            return 0;
        }
        long count = instructionCount.getAsLong();
        if (reported.add(page + ":" + s.writeCount() + ":" + accessEip + ":" + access)) {
            boolean directory = s.entryAddress() == s.source().pdeAddress();
            listener.staleUse(new StaleUse(linear, access, accessEip, count, s.entryAddress(), directory,
                    s.oldEntry(), s.newEntry(), s.writeEip(), s.writeCount()));
        }
        return s.tlbEntry();
    }

    /** The EIP of the instruction executing now. */
    int currentEip() {
        return instructionEip.getAsInt();
    }

    /** A CPU write to a watched frame: the translations read from an entry it changed go stale. */
    private void written(int address, int length) {
        for (int entry = address & ~3; entry < address + length; entry += 4) {
            Set<Integer> pages = pagesByEntry.get(entry);
            if (pages == null) {
                continue;
            }
            int now = ram.read32(entry);
            for (Integer page : Set.copyOf(pages)) {
                Source source = sources.get(page);
                int then = entry == source.pdeAddress() ? source.pde() : source.pte();
                if (((then ^ now) & ~IGNORED) == 0 || stale.containsKey(page)) {
                    continue;
                }
                int tlbEntry = mmu.takeEntry(page);
                if (tlbEntry != 0) {
                    stale.put(page, new Stale(tlbEntry, source, entry, then, now, instructionEip.getAsInt(),
                            instructionCount.getAsLong()));
                }
            }
        }
    }
}
