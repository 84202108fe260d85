package org.j386.emulator.memory;

import static org.j386.emulator.memory.PageEntry.*;

/**
 * Linear-to-physical translation: two-level IA-32 paging with 4 KiB and (with CR4.PSE) 4 MiB
 * pages, a software TLB, and the accessed/dirty bits set as QEMU and the processor set them.
 *
 * <p>The TLB is a direct map from every linear page to a packed entry: the physical frame plus
 * the rights already checked for each kind of access. The common access is then one array load
 * and one mask test. A write to a page whose dirty bit is not yet set misses on purpose, so the
 * walk sets the bit exactly once, as the hardware does.
 *
 * <p>The MMU knows nothing of the CPU: the CPU tells it the paging configuration (CR0, CR3, CR4)
 * and the privilege of ordinary accesses, and catches {@link PageFault}.
 */
public final class Mmu {
    // TLB entry bits (low 12 bits of the entry; the frame address fills the high 20).
    private static final int VALID = 1, SUP_WRITE = 2, USER_READ = 4, USER_WRITE = 8, DIRTY = 16, GLOBAL = 32;
    private static final int NEED_READ = VALID, NEED_WRITE = VALID | SUP_WRITE | DIRTY;
    private static final int NEED_USER_READ = VALID | USER_READ, NEED_USER_WRITE = VALID | USER_WRITE | DIRTY;
    /**
     * The frame is installed RAM: compiled code's inline accesses ({@link #inlineReadNeed}) may go
     * straight to the RAM array. Frames beyond it (the empty bus, a firmware ROM) take the call.
     */
    private static final int IN_RAM = 64;
    /**
     * Writes to the frame need no notice ({@link PhysicalMemory#frameFlags} clear): compiled
     * code's inline stores through the TLB may write the RAM array directly, with no test of
     * their own. Set when the entry is filled and the frame's flags are clear, taken off every
     * entry whose frame's flags have since been raised ({@link #withdrawUnheardWrites}), and put
     * back by {@link #allowUnheardWrite} when the write that clears them is heard (on the entry
     * filled last with the frame), or when a later write through another entry finds them clear.
     */
    private static final int UNHEARD_WRITES = 128;
    /** A bit no entry has: the need of an inline access that must always take the call. */
    private static final int NO_INLINE_ACCESS = 1 << 11;

    // Page-table entry bits.

    private final PhysicalMemory ram;
    private TranslationListener[] translationListeners = new TranslationListener[0];
    private final PageFault fault = new PageFault();
    private final int[] tlb = new int[1 << 20];
    /** Linear pages with a TLB entry, so a flush clears only those. */
    private int[] filled = new int[1024];
    private int filledCount;
    /** For each frame of RAM, the linear page whose TLB entry was filled with it last. */
    private final int[] pageOfFrame;
    /** 4 MiB regions that have entries filled from a large page: INVLPG there drops the whole region. */
    private final boolean[] largeRegion = new boolean[1024];

    /**
     * Sees every CPU access to the pages it {@linkplain #watches watches}: a debugger's
     * watchpoints. Watched pages are never cached in the TLB, so each access to them comes
     * through the miss path; the hit path is unchanged.
     */
    public interface AccessObserver {
        /** Whether accesses to this linear page or physical frame (both page-aligned) must be reported. */
        boolean watches(int linearPage, int physicalFrame);

        /** An access at {@code linear} (physical {@code physical}) that passed the checks. */
        void access(int linear, int physical, boolean write);
    }

    private boolean paging, writeProtect, pageSizeExtensions, globalPages;
    /** Paging off, A20 on and nobody watching: the linear address is the physical one. */
    private boolean identity = true;
    /**
     * Applied to every physical address: with the A20 gate closed, bit 20 is forced to zero and
     * addresses wrap at 1 MiB as on an 8086.
     */
    private int a20Mask = -1;
    private AccessObserver watcher;
    /** The stale-translation sanitizer, or null (the usual case, which costs nothing). */
    private TlbAudit audit;
    private boolean markingAccessed;
    private int cr3;
    private boolean userMode;
    /** The TLB bits a read and a write at the current privilege need: see {@link #read32}. */
    private int readNeed = NEED_READ, writeNeed = NEED_WRITE;

    private long tlbHits, tlbMisses, pageFaults;

    public Mmu(PhysicalMemory ram) {
        this.ram = ram;
        this.pageOfFrame = new int[ram.frameCount()];
        ram.addNoticeListener(new PhysicalMemory.NoticeListener() {
            @Override
            public void noticeRaised() {
                withdrawUnheardWrites();
            }

            @Override
            public void noticeDropped(int frame) {
                // The page filled last with the frame: the one its next stores most likely use.
                allowUnheardWrite(pageOfFrame[frame] << 12);
            }
        });
    }

    /** Takes {@link #UNHEARD_WRITES} off every cached entry whose frame's writes now need notice. */
    private void withdrawUnheardWrites() {
        byte[] flags = ram.frameFlags();
        for (int i = 0; i < filledCount; i++) {
            int page = filled[i];
            int e = tlb[page];
            if ((e & UNHEARD_WRITES) != 0 && flags[e >>> 12] != 0) {
                tlb[page] = e & ~UNHEARD_WRITES;
            }
        }
    }

    /**
     * Gives the entry of {@code linear} back {@link #UNHEARD_WRITES} if its frame's writes need no
     * notice any more (the first write after a snapshot, say, has been heard), so that compiled
     * code's next stores there go inline again.
     */
    void allowUnheardWrite(int linear) {
        int page = linear >>> 12;
        int e = tlb[page];
        if ((e & (IN_RAM | UNHEARD_WRITES)) == IN_RAM && ram.frameFlags()[e >>> 12] == 0) {
            tlb[page] = e | UNHEARD_WRITES;
        }
    }

    public PhysicalMemory physical() {
        return ram;
    }

    /**
     * Registers who must hear of every change that may alter a translation or its rights: a TLB
     * flush of any extent, a paging-mode change, a privilege change. The CPU keeps a shortcut to
     * the current code page and drops it then.
     */
    public void addTranslationListener(TranslationListener listener) {
        translationListeners = java.util.Arrays.copyOf(translationListeners, translationListeners.length + 1);
        translationListeners[translationListeners.length - 1] = listener;
    }

    private void translationsChanged(TranslationChange why) {
        for (TranslationListener listener : translationListeners) {
            listener.allTranslationsChanged(why);
        }
    }

    private void pageTranslationsChanged(int firstPage, int count, TranslationChange why) {
        for (TranslationListener listener : translationListeners) {
            listener.pageTranslationsChanged(firstPage, count, why);
        }
    }

    // ---- configuration, driven by the CPU's control-register writes ----

    /** CR0.PG, CR0.WP, CR4.PSE, CR4.PGE changed: every cached translation is dropped. */
    public void configure(boolean paging, boolean writeProtect, boolean pse, boolean pge) {
        this.paging = paging;
        this.writeProtect = writeProtect;
        this.pageSizeExtensions = pse;
        this.globalPages = pge;
        updateIdentity();
        flushAll(TranslationChange.PAGING_MODE);
    }

    /**
     * As {@link #configure(boolean, boolean, boolean, boolean)}, taking CR3 as the control registers
     * hold it: one change, heard as a change of paging mode, not as a CR3 load the guest never made.
     */
    public void configure(int cr3, boolean paging, boolean writeProtect, boolean pse, boolean pge) {
        this.cr3 = cr3;
        configure(paging, writeProtect, pse, pge);
    }

    /** Installs (or with null removes) the access observer; drops every cached translation. */
    public void setAccessObserver(AccessObserver observer) {
        this.watcher = observer;
        updateIdentity();
        flushAll(TranslationChange.EMULATOR);
    }

    /** Opens or closes the A20 gate; drops every cached translation. */
    public void setA20(boolean enabled) {
        a20Mask = enabled ? -1 : ~(1 << 20);
        updateIdentity();
        flushAll(TranslationChange.PAGING_MODE);
    }

    public boolean a20Enabled() {
        return a20Mask == -1;
    }

    private void updateIdentity() {
        identity = !paging && watcher == null && a20Mask == -1;
    }

    /** Installs the stale-translation audit; drops every cached translation, so that it sees each one filled. */
    public void setAudit(TlbAudit audit) {
        this.audit = audit;
        audit.attach(this);
        flushAll(TranslationChange.EMULATOR);
    }

    /** Takes {@code page}'s translation out of the TLB for the audit, which keeps it as stale. */
    int takeEntry(int page) {
        int e = tlb[page];
        tlb[page] = 0;
        pageTranslationsChanged(page, 1, TranslationChange.EMULATOR);
        return e;
    }

    boolean holdsGlobal(int page) {
        return (tlb[page] & GLOBAL) != 0;
    }

    /** A MOV to CR3: drops every translation not marked global. */
    public void setCr3(int cr3) {
        this.cr3 = cr3;
        flushNonGlobal();
    }

    public boolean pagingEnabled() {
        return paging;
    }

    /** Ordinary accesses are checked as user accesses while this is set (CPL 3). */
    public void setUserMode(boolean user) {
        // Every delivery and return sets the privilege, most often to what it was: no change then.
        if (user != userMode) {
            setPrivilege(user);
            translationsChanged(TranslationChange.PRIVILEGE);
        }
    }

    private void setPrivilege(boolean user) {
        userMode = user;
        readNeed = user ? NEED_USER_READ : NEED_READ;
        writeNeed = user ? NEED_USER_WRITE : NEED_WRITE;
    }

    public boolean userMode() {
        return userMode;
    }

    /** INVLPG: drops the translation of {@code linear}'s page, or of its 4 MiB region where a large page was cached. */
    public void invalidatePage(int linear) {
        invalidatePage(linear, TranslationChange.INVLPG);
    }

    /** As {@link #invalidatePage(int)}, for {@code why} rather than the guest's INVLPG. */
    public void invalidatePage(int linear, TranslationChange why) {
        int page = linear >>> 12;
        if (largeRegion[page >>> 10]) {
            int first = page & ~0x3FF;
            pageTranslationsChanged(first, 1024, why);
            for (int i = 0; i < 1024; i++) {
                tlb[first + i] = 0;
                if (audit != null) {
                    audit.flushed(first + i);
                }
            }
        } else {
            pageTranslationsChanged(page, 1, why);
            tlb[page] = 0;
            if (audit != null) {
                audit.flushed(page);
            }
        }
    }

    private void flushAll(TranslationChange why) {
        translationsChanged(why);
        if (audit != null) {
            audit.flushedAll(false, GLOBAL);
        }
        for (int i = 0; i < filledCount; i++) {
            tlb[filled[i]] = 0;
        }
        filledCount = 0;
        java.util.Arrays.fill(largeRegion, false);
    }

    private void flushNonGlobal() {
        translationsChanged(TranslationChange.CR3_LOAD);
        if (audit != null) {
            audit.flushedAll(true, GLOBAL);
        }
        int kept = 0;
        for (int i = 0; i < filledCount; i++) {
            int page = filled[i];
            if ((tlb[page] & GLOBAL) != 0) {
                filled[kept++] = page;
            } else {
                tlb[page] = 0;
            }
        }
        filledCount = kept;
        if (kept == 0) {
            java.util.Arrays.fill(largeRegion, false);
        }
    }

    // ---- translation ----

    /** Physical address for a read with the current privilege; throws {@link PageFault}. */
    public int translateRead(int linear) {
        return translate(linear, false, userMode);
    }

    /**
     * Translation for an instruction fetch: as {@link #translateRead}, walking and faulting alike,
     * but a hit is not counted. Fetches are not counted because how often code is fetched depends
     * on how it is executed (decoded once and cached, or compiled), while data accesses are the
     * program's own: counting only those makes the statistics the same under either CPU tier.
     */
    public int translateFetch(int linear) {
        if (identity) {
            return linear;
        }
        int need = userMode ? NEED_USER_READ : NEED_READ;
        int e = tlb[linear >>> 12];
        if ((e & need) == need) {
            return (e & 0xFFFFF000) | (linear & 0xFFF);
        }
        if (audit != null) {
            int stale = audit.staleEntry(linear, need, TlbAudit.Access.FETCH, linear);
            if (stale != 0) {
                return (stale & 0xFFFFF000) | (linear & 0xFFF);
            }
        }
        return miss(linear, false, userMode);
    }

    /** A byte of an instruction, fetched through {@link #translateFetch}. */
    public int fetch8(int linear) {
        return ram.read8(translateFetch(linear));
    }

    public int translateWrite(int linear) {
        return translate(linear, true, userMode);
    }

    /**
     * The first access of a run of accesses to one page that a string instruction makes at once,
     * translated as {@link #translateRead} or {@link #translateWrite} would; -1, with nothing done,
     * while an observer must see every access. The rest of the run is counted by {@link
     * #countRunHits}.
     */
    public int translateRun(int linear, boolean write) {
        return watcher != null ? -1 : translate(linear, write, userMode);
    }

    /** Counts the accesses of a run after its first: each would have hit the TLB the first filled. */
    public void countRunHits(int accesses) {
        if (paging) {
            tlbHits += accesses;
        }
    }

    public int translate(int linear, boolean write, boolean user) {
        if (identity) {
            return linear;
        }
        int need = user ? (write ? NEED_USER_WRITE : NEED_USER_READ) : (write ? NEED_WRITE : NEED_READ);
        int e = tlb[linear >>> 12];
        if ((e & need) == need) {
            tlbHits++;
            if (write && (e & UNHEARD_WRITES) == 0) {
                allowUnheardWrite(linear);
            }
            return (e & 0xFFFFF000) | (linear & 0xFFF);
        }
        if (audit != null) {
            int stale = audit.staleEntry(linear, need, write ? TlbAudit.Access.WRITE : TlbAudit.Access.READ,
                    audit.currentEip());
            if (stale != 0) {
                tlbHits++;
                return (stale & 0xFFFFF000) | (linear & 0xFFF);
            }
        }
        return miss(linear, write, user);
    }

    private int miss(int linear, boolean write, boolean user) {
        if (!paging) {
            int physical = linear & a20Mask;
            if (watcher != null) {
                watcher.access(linear, physical, write);
            }
            return physical;
        }
        tlbMisses++;
        int physical = walk(linear, write, user);
        if (watcher != null) {
            watcher.access(linear, physical, write);
        }
        return physical;
    }

    private int walk(int linear, boolean write, boolean user) {
        int pdeAddr = ((cr3 & 0xFFFFF000) | ((linear >>> 22) << 2)) & a20Mask;
        int pde = ram.read32(pdeAddr);
        if ((pde & P) == 0) {
            throw raise(linear, write, user, 0);
        }
        if ((pde & PS) != 0 && pageSizeExtensions) {
            int rights = rights(pde, write, user);
            if (rights < 0) {
                throw raise(linear, write, user, PageFault.PRESENT);
            }
            int updated = pde | A | (write ? D : 0);
            if (updated != pde) {
                markingAccessed(pdeAddr, updated);
            }
            int frame = ((pde & 0xFFC00000) | (linear & 0x003FF000)) & a20Mask;
            largeRegion[linear >>> 22] = true;
            fill(linear, frame, rights, (updated & D) != 0, (pde & G) != 0);
            if (audit != null) {
                audit.filled(linear >>> 12, pdeAddr, updated, -1, 0);
            }
            return frame | (linear & 0xFFF);
        }
        // The directory entry is used (and marked accessed) before the table entry is even read,
        // so a fault on the table entry still leaves PDE.A set.
        if ((pde & A) == 0) {
            markingAccessed(pdeAddr, pde | A);
        }
        int pteAddr = ((pde & 0xFFFFF000) | (((linear >>> 12) & 0x3FF) << 2)) & a20Mask;
        int pte = ram.read32(pteAddr);
        if ((pte & P) == 0) {
            throw raise(linear, write, user, 0);
        }
        int rights = rights(pde & pte, write, user);
        if (rights < 0) {
            throw raise(linear, write, user, PageFault.PRESENT);
        }
        int updated = pte | A | (write ? D : 0);
        if (updated != pte) {
            markingAccessed(pteAddr, updated);
        }
        int frame = pte & 0xFFFFF000 & a20Mask;
        fill(linear, frame, rights, (updated & D) != 0, (pte & G) != 0);
        if (audit != null) {
            audit.filled(linear >>> 12, pdeAddr, pde | A, pteAddr, updated);
        }
        return frame | (linear & 0xFFF);
    }

    /** The walk's own write of an entry's accessed and dirty bits; {@link #markingAccessed()} while it is made. */
    private void markingAccessed(int entryAddress, int entry) {
        markingAccessed = true;
        try {
            ram.write32(entryAddress, entry);
        } finally {
            markingAccessed = false;
        }
    }

    /**
     * Whether the write being made is the page walk's setting of accessed or dirty bits, not an
     * instruction's store (for observers of writes to page tables).
     */
    public boolean markingAccessed() {
        return markingAccessed;
    }

    /** The TLB rights for combined U/S and R/W bits, or -1 if this access is not allowed. */
    private int rights(int combined, boolean write, boolean user) {
        boolean w = (combined & RW) != 0;
        boolean u = (combined & US) != 0;
        int r = VALID;
        if (w || !writeProtect) {
            r |= SUP_WRITE;
        }
        if (u) {
            r |= USER_READ;
            if (w) {
                r |= USER_WRITE;
            }
        }
        if (user && (!u || (write && !w))) {
            return -1;
        }
        if (!user && write && (r & SUP_WRITE) == 0) {
            return -1;
        }
        return r;
    }

    private void fill(int linear, int frame, int rights, boolean dirty, boolean global) {
        int page = linear >>> 12;
        if (watcher != null && watcher.watches(linear & 0xFFFFF000, frame)) {
            return;
        }
        if (tlb[page] == 0) {
            if (filledCount == filled.length) {
                filled = java.util.Arrays.copyOf(filled, filledCount * 2);
            }
            filled[filledCount++] = page;
        }
        boolean inRam = Integer.compareUnsigned(frame, ram.size()) < 0;
        if (inRam) {
            pageOfFrame[frame >>> 12] = page;
        }
        tlb[page] = frame | rights | (dirty ? DIRTY : 0) | (global && globalPages ? GLOBAL : 0) | (inRam ? IN_RAM : 0)
                | (inRam && ram.frameFlags()[frame >>> 12] == 0 ? UNHEARD_WRITES : 0);
    }

    private PageFault raise(int linear, boolean write, boolean user, int present) {
        pageFaults++;
        return fault.set(linear, present | (write ? PageFault.WRITE : 0) | (user ? PageFault.USER : 0));
    }

    /**
     * Translation for observers (debugger, loaders): no accessed/dirty bits, no TLB fill, no fault.
     * Returns the physical address, or -1 when the page is not mapped.
     */
    public long peek(int linear) {
        if (!paging) {
            return linear & a20Mask & 0xFFFFFFFFL;
        }
        int pde = ram.read32(((cr3 & 0xFFFFF000) | ((linear >>> 22) << 2)) & a20Mask);
        if ((pde & P) == 0) {
            return -1;
        }
        if ((pde & PS) != 0 && pageSizeExtensions) {
            return ((pde & 0xFFC00000) | (linear & 0x3FFFFF)) & a20Mask & 0xFFFFFFFFL;
        }
        int pte = ram.read32(((pde & 0xFFFFF000) | (((linear >>> 12) & 0x3FF) << 2)) & a20Mask);
        if ((pte & P) == 0) {
            return -1;
        }
        return ((pte & 0xFFFFF000) | (linear & 0xFFF)) & a20Mask & 0xFFFFFFFFL;
    }

    /** Receives the TLB's cached translations; see {@link #forEachCachedTranslation}. */
    public interface TlbVisitor {
        void entry(int linearPage, int physicalFrame, boolean supervisorWrite, boolean userRead, boolean userWrite,
                boolean dirty, boolean global);
    }

    /** Lists the cached translations in the order they were filled (for a debugger's {@code tlb}). */
    public void forEachCachedTranslation(TlbVisitor visitor) {
        for (int i = 0; i < filledCount; i++) {
            int page = filled[i];
            int e = tlb[page];
            if (e != 0) {
                visitor.entry(page << 12, e & 0xFFFFF000, (e & SUP_WRITE) != 0, (e & USER_READ) != 0,
                        (e & USER_WRITE) != 0, (e & DIRTY) != 0, (e & GLOBAL) != 0);
            }
        }
    }

    // ---- linear accesses with the current privilege ----

    public int read8(int linear) {
        return ram.read8(translateRead(linear));
    }

    public int read16(int linear) {
        if ((linear & 0xFFF) == 0xFFF) {
            int lo = translateRead(linear);
            int hi = translateRead(linear + 1);
            return ram.read8(lo) | (ram.read8(hi) << 8);
        }
        return ram.read16(translateRead(linear));
    }

    /**
     * The common case first, in few bytecodes so that the JVM inlines it into every access site
     * (compiled blocks have many): a TLB entry that allows the access, within one page. Everything
     * else (paging off, a miss, a watched page, a page crossing) takes the full path.
     */
    public int read32(int linear) {
        int e = tlb[linear >>> 12];
        if ((e & readNeed) == readNeed && (linear & 0xFFF) <= 0xFFC) {
            tlbHits++;
            return ram.read32((e & 0xFFFFF000) | (linear & 0xFFF));
        }
        return read32Slow(linear);
    }

    private int read32Slow(int linear) {
        if ((linear & 0xFFF) > 0xFFC) {
            return read16Split(linear) | (read16Split(linear + 2) << 16);
        }
        return ram.read32(translateRead(linear));
    }

    private int read16Split(int linear) {
        return ram.read8(translateRead(linear)) | (ram.read8(translateRead(linear + 1)) << 8);
    }

    public void write8(int linear, int value) {
        ram.write8(translateWrite(linear), value);
    }

    public void write16(int linear, int value) {
        if ((linear & 0xFFF) == 0xFFF) {
            // Both pages are checked before either byte is written, so a fault leaves memory unchanged.
            int lo = translateWrite(linear);
            int hi = translateWrite(linear + 1);
            ram.write8(lo, value);
            ram.write8(hi, value >>> 8);
            return;
        }
        ram.write16(translateWrite(linear), value);
    }

    /** As {@link #read32}: the common case first. */
    public void write32(int linear, int value) {
        int e = tlb[linear >>> 12];
        if ((e & writeNeed) == writeNeed && (linear & 0xFFF) <= 0xFFC) {
            tlbHits++;
            ram.write32((e & 0xFFFFF000) | (linear & 0xFFF), value);
            if ((e & UNHEARD_WRITES) == 0) {
                allowUnheardWrite(linear);
            }
            return;
        }
        write32Slow(linear, value);
    }

    private void write32Slow(int linear, int value) {
        if ((linear & 0xFFF) > 0xFFC) {
            // Both pages are checked before any byte is written.
            int first = translateWrite(linear);
            int nextPage = (linear & 0xFFFFF000) + 0x1000;
            int second = translateWrite(nextPage);
            for (int i = 0; i < 4; i++) {
                int lin = linear + i;
                int phys = Integer.compareUnsigned(lin - nextPage, 4) < 0 ? second + (lin - nextPage) : first + i;
                ram.write8(phys, value >>> (8 * i));
            }
            return;
        }
        ram.write32(translateWrite(linear), value);
    }

    /**
     * A read with an explicit privilege rather than the current one: the processor's implicit
     * supervisor accesses (descriptor tables, the TSS) and the new ring's stack during a privilege
     * change. {@code size} is 1, 2 or 4.
     */
    public int readAs(int linear, int size, boolean user) {
        boolean saved = userMode;
        setPrivilege(user);
        try {
            return size == 4 ? read32(linear) : size == 2 ? read16(linear) : read8(linear);
        } finally {
            setPrivilege(saved);
        }
    }

    /** A write with an explicit privilege; see {@link #readAs}. */
    public void writeAs(int linear, int size, int value, boolean user) {
        boolean saved = userMode;
        setPrivilege(user);
        try {
            if (size == 4) {
                write32(linear, value);
            } else if (size == 2) {
                write16(linear, value);
            } else {
                write8(linear, value);
            }
        } finally {
            setPrivilege(saved);
        }
    }

    /** Checks that a write of {@code size} bytes at {@code linear} would not fault, without writing. */
    public void probeWrite(int linear, int size) {
        translateWrite(linear);
        if (((linear & 0xFFF) + size - 1) > 0xFFF) {
            translateWrite(linear + size - 1);
        }
    }

    // ---- statistics ----

    // ---- what compiled code's inline accesses use (see the JIT's BlockEmitter) ----

    /**
     * What compiled code's inline accesses look their linear page up in: an entry
     * is the frame address with the rights bits below it. With paging on, the TLB itself. With
     * paging off (and A20 on, nobody watching), a fixed table that maps each page of RAM to itself
     * with every right, for the TLB is not used then; its hits are no TLB hits ({@link
     * #countHits}). Each block reads the table it was compiled with as a constant; the code cache
     * compiles a block again when it meets it under the other table. Read it, never write it.
     */
    public int[] inlineEntries() {
        if (!identity) {
            return tlb;
        }
        if (identityEntries == null) {
            identityEntries = IDENTITY_ENTRIES.computeIfAbsent(ram.size(), size -> {
                int[] entries = new int[1 << 20];
                for (int page = 0; page < size >>> 12; page++) {
                    entries[page] = page << 12 | VALID | SUP_WRITE | USER_READ | USER_WRITE | DIRTY | IN_RAM;
                }
                return entries;
            });
        }
        return identityEntries;
    }

    private int[] identityEntries;

    /** The identity tables of {@link #inlineEntries} by RAM size: read only, so machines share them. */
    private static final java.util.Map<Integer, int[]> IDENTITY_ENTRIES = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The bits an entry needs for an inline read at the current privilege to take the RAM array
     * directly: those of {@link #read32}'s hit, and the frame in RAM. Fixed while a block runs, as
     * only block-ending instructions change the privilege.
     */
    public int inlineReadNeed() {
        return readNeed | IN_RAM;
    }

    /**
     * As {@link #inlineReadNeed} for a write, which must also find its frame's write flags clear
     * ({@link PhysicalMemory#frameFlags}): a TLB entry says so itself ({@link #UNHEARD_WRITES}), an
     * identity entry does not, and compiled code tests the flags ({@link #inlineStoresTestFrames}).
     * While something records every write (the JIT check's journal) no entry qualifies and every
     * write takes the call.
     */
    public int inlineWriteNeed() {
        return ram.journaling() ? NO_INLINE_ACCESS : writeNeed | IN_RAM | (identity ? 0 : UNHEARD_WRITES);
    }

    /**
     * Whether compiled code's inline stores must test their frame's write flags themselves: under
     * the identity table, which is shared and fixed; not under the TLB, whose entries say it.
     */
    public boolean inlineStoresTestFrames() {
        return identity;
    }

    /** Hits counted by compiled code's inline accesses, which count them in a local meanwhile. */
    public void countHits(long hits) {
        if (!identity) {
            tlbHits += hits;
        }
    }

    /**
     * Accesses that found their translation in the TLB: the interpreter's, and compiled code's
     * unless its machine leaves them uncounted (MachineConfig#countTlbHits).
     */
    public long tlbHits() {
        return tlbHits;
    }

    public long tlbMisses() {
        return tlbMisses;
    }

    public long pageFaults() {
        return pageFaults;
    }

    /**
     * Takes {@code other}'s paging configuration, privilege, statistics and cached translations
     * as they are: a TLB may hold stale entries a guest still uses, so they are copied too.
     */
    public void copyStateFrom(Mmu other) {
        restore(other.save());
    }

    /**
     * The MMU's state as {@link #restore} takes it back: the paging configuration, the cached
     * translations (stale ones included, which a guest can observe) and the statistics. Kept by
     * the debugger's snapshots, so it holds only the filled TLB entries, not the whole map.
     */
    public record Saved(boolean paging, boolean writeProtect, boolean pageSizeExtensions, boolean globalPages,
            int a20Mask, int cr3, boolean userMode, int[] pages, int[] entries, boolean[] largeRegion,
            long tlbHits, long tlbMisses, long pageFaults) {
        /** Roughly the bytes this state occupies. */
        public long bytes() {
            return 64 + 8L * pages.length + largeRegion.length;
        }
    }

    public Saved save() {
        int[] pages = new int[filledCount];
        int[] entries = new int[filledCount];
        int n = 0;
        for (int i = 0; i < filledCount; i++) {
            if (tlb[filled[i]] != 0) {
                pages[n] = filled[i];
                entries[n++] = tlb[filled[i]];
            }
        }
        return new Saved(paging, writeProtect, pageSizeExtensions, globalPages, a20Mask, cr3, userMode,
                java.util.Arrays.copyOf(pages, n), java.util.Arrays.copyOf(entries, n), largeRegion.clone(),
                tlbHits, tlbMisses, pageFaults);
    }

    /**
     * Takes back a {@link #save}d state. Pages that the access observer watches get no entry, as
     * they never do here.
     */
    public void restore(Saved saved) {
        flushAll(TranslationChange.EMULATOR);
        paging = saved.paging();
        writeProtect = saved.writeProtect();
        pageSizeExtensions = saved.pageSizeExtensions();
        globalPages = saved.globalPages();
        a20Mask = saved.a20Mask();
        updateIdentity();
        cr3 = saved.cr3();
        setPrivilege(saved.userMode());
        for (int i = 0; i < saved.pages().length; i++) {
            int page = saved.pages()[i];
            int entry = saved.entries()[i];
            boolean watched = watcher != null && watcher.watches(page << 12, entry & 0xFFFFF000);
            if (tlb[page] == 0 && !watched) {
                if (filledCount == filled.length) {
                    filled = java.util.Arrays.copyOf(filled, filledCount * 2);
                }
                filled[filledCount++] = page;
                tlb[page] = entry;
            }
        }
        System.arraycopy(saved.largeRegion(), 0, largeRegion, 0, largeRegion.length);
        withdrawUnheardWrites(); // the frames' flags now are not those of the saved entries' time
        tlbHits = saved.tlbHits();
        tlbMisses = saved.tlbMisses();
        pageFaults = saved.pageFaults();
        translationsChanged(TranslationChange.EMULATOR);
    }
}
