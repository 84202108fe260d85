package org.j386.emulator.cpu;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;
import org.j386.emulator.memory.Mmu;
import org.j386.emulator.memory.PhysicalMemory;
import org.j386.emulator.memory.TranslationChange;
import org.j386.emulator.memory.TranslationListener;

/**
 * Everything the processor keeps about code it has seen: decoded instructions and compiled blocks
 * by physical frame, how often each block entry was reached, and the fetch shortcut.
 *
 * <p><b>By physical frame.</b> Entries are kept per physical 4 KiB frame, indexed by the offset of
 * their first byte, so a page mapped at several linear addresses is decoded once and a change of
 * mapping needs no flush: every entry into a block translates CS:EIP afresh (or finds it in the
 * shortcut, which every change of translation drops). The frame is marked in {@link
 * PhysicalMemory}; the first write to it drops everything kept for it (self-modifying code,
 * loaders) and raises {@link #codeWritten}, which compiled code polls after each store so that a
 * block that rewrote itself stops after the store. An instruction that crosses into the next page
 * is never cached: its tail may be remapped or rewritten independently.
 *
 * <p><b>The fetch shortcut</b> is the page last fetched from, by linear page, set up only under a
 * flat CS (limit 4 GiB). Straight-line code and loops then find their next instruction with one
 * comparison. It is dropped whenever anything it summarises may have changed: a CS load, any TLB
 * flush or privilege change, a write to a frame holding code, and every entry to the run loop.
 */
final class CodeCache {
    static final int PAGE_SIZE = 4096;

    /** What is kept for one physical frame. */
    static final class CodePage {
        final int frame;
        /** Decoded instructions by offset; each remembers the CS size it was decoded under. */
        final Insn[] insns = new Insn[PAGE_SIZE];
        /** Compiled blocks by the offset of their entry; null until the first is compiled. */
        CompiledBlock[] blocks;
        /** Entries reached per offset before compilation; negative: not compilable there. */
        int[] heat;
        /**
         * By the EIP of an indirect transfer of the page, the EIPs seen after it, first seen first
         * (at most {@link #TARGETS_KEPT}); null until one is seen.
         */
        Map<Integer, Set<Integer>> targetsSeen;

        CodePage(int frame) {
            this.frame = frame;
        }
    }

    private final CpuState s;
    private final Mmu mmu;
    private final PhysicalMemory ram;
    private final Decoder decoder;
    /** Where instructions are decoded before they are cached, or when they cannot be. */
    private final Insn scratch = new Insn();
    /** The CS register (the object is fixed; loads change its fields). */
    private final Segment cs;
    private final CodePage[] frames;

    CodePage fetchPage;
    /** The shortcut page's decoded instructions, one load nearer for the interpreter's fetch. */
    Insn[] fetchInsns;
    /** Linear address of the shortcut's page, or 1 (never page-aligned) when there is none. */
    int fetchPageLinear = 1;
    /** The CS size when the shortcut was set up: a page may also hold entries of the other size. */
    boolean fetchCode32;

    /** Set when a frame holding cached code is written; compiled code polls and clears it. */
    boolean codeWritten;

    /**
     * Counts the events that may change which block an EIP leads to: the fetch shortcut's drops (a
     * CS load, a change of translation or privilege, a write to code, each entry to the run loop)
     * and every drop of compiled blocks. A block's successor slots hold only under the generation
     * they were filled in, so one increment unchains every block.
     */
    long linkGeneration;
    /** Pages kept in {@link #pagesInUse}; code seldom runs from more pages between two changes. */
    private static final int PAGES_TRACKED = 8;
    /**
     * The linear pages (numbers) whose translations the fetch shortcut and the links of this
     * generation were made through, up to {@link #PAGES_TRACKED}; past that, any page counts.
     */
    private final int[] pagesInUse = new int[PAGES_TRACKED];
    private int pagesInUseCount;
    private boolean pagesInUseOverflowed;
    /** CS as it stood when the links of this generation began (CodeCache#codeSegmentLoaded). */
    private int csSelector = -1, csBase, csLimit, csAttributes;

    private BlockCompiler compiler;
    /** Upper bound on the bytes of compiled code kept; past it every block is dropped. */
    private long codeLimit = Long.MAX_VALUE;
    private long codeBytes;
    final JitStatistics stats = new JitStatistics();

    CodeCache(CpuState s, Mmu mmu) {
        this.s = s;
        this.mmu = mmu;
        this.ram = mmu.physical();
        this.decoder = new Decoder(mmu, s);
        this.cs = s.segs[CpuState.CS];
        this.frames = new CodePage[ram.size() / PAGE_SIZE];
        ram.addCodeWriteListener(this::frameWritten);
        mmu.addTranslationListener(new TranslationListener() {
            @Override
            public void allTranslationsChanged(TranslationChange why) {
                cutLinks(why);
            }

            @Override
            public void pageTranslationsChanged(int firstPage, int count, TranslationChange why) {
                if (inUse(firstPage, count)) {
                    cutLinks(why);
                }
            }
        });
    }

    /**
     * Drops the shortcut and every link for a change of translation, counting the cut by its cause
     * when there was something to cut: each link of a generation was made through a lookup that set
     * the shortcut up, so without the shortcut there is none. That leaves out the changes made
     * before anything ran (the loader's), and the second of two changes one instruction makes.
     */
    private void cutLinks(TranslationChange why) {
        if (fetchPage != null) {
            switch (why) {
                case CR3_LOAD -> stats.linksCutAtCr3Loads++;
                case INVLPG -> stats.linksCutAtInvlpg++;
                case PAGING_MODE -> stats.linksCutAtPagingChanges++;
                case PRIVILEGE -> stats.linksCutAtCsOrPrivilegeChanges++;
                case EMULATOR -> {
                }
            }
        }
        forgetFetchPage();
    }

    void setCompiler(BlockCompiler compiler, long codeLimitBytes) {
        this.compiler = compiler;
        this.codeLimit = codeLimitBytes;
        dropCompiledBlocks();
    }

    BlockCompiler compiler() {
        return compiler;
    }

    private void frameWritten(int frame) {
        if (frame < frames.length && frames[frame] != null) {
            CodePage page = frames[frame];
            if (page.blocks != null) {
                stats.invalidatedBySelfModification++;
                dropBlocksOf(page);
            }
            frames[frame] = null;
        }
        codeWritten = true;
        forgetFetchPage();
    }

    /** Drops everything (after the loader wrote code, or a snapshot was put back). */
    void flush() {
        for (int frame = 0; frame < frames.length; frame++) {
            drop(frame);
        }
        forgetFetchPage();
    }

    /**
     * Drops what is kept for one frame before a debugger writes to it: the write then finds nothing
     * left to drop, and the blocks are counted as dropped by a debugger's write, not a guest's.
     */
    void flush(int frame) {
        if (frame >= 0 && frame < frames.length && frames[frame] != null) {
            drop(frame);
            forgetFetchPage();
        }
    }

    private void drop(int frame) {
        CodePage page = frames[frame];
        if (page != null && page.blocks != null) {
            stats.invalidatedByFlush++;
            dropBlocksOf(page);
        }
        frames[frame] = null;
    }

    /** Drops compiled code only, keeping decoded instructions (the cache's bound was reached). */
    private void dropCompiledBlocks() {
        for (CodePage page : frames) {
            if (page != null) {
                if (page.blocks != null) {
                    dropBlocksOf(page);
                }
                page.heat = null;
            }
        }
        codeBytes = 0;
        linkGeneration++;
    }

    private void dropBlocksOf(CodePage page) {
        linkGeneration++;
        for (CompiledBlock b : page.blocks) {
            if (b != null) {
                codeBytes -= b.codeBytes;
            }
        }
        page.blocks = null;
    }

    /** Called when CS, the translation of code addresses or the privilege level may have changed. */
    void forgetFetchPage() {
        linkGeneration++;
        fetchPageLinear = 1;
        fetchPage = null;
        fetchInsns = null;
        pagesInUseCount = 0;
        pagesInUseOverflowed = false;
        Segment cs = this.cs;
        csSelector = cs.selector;
        csBase = cs.base;
        csLimit = cs.limit;
        csAttributes = cs.attributes;
    }

    /**
     * CS was loaded. Each interrupt's delivery and return loads it, most often with just what it
     * held (the same selector, so the same privilege level too): the shortcut and the links stay
     * then, and are dropped only when something a fetch depends on differs.
     */
    void codeSegmentLoaded() {
        Segment cs = this.cs;
        if (cs.selector != csSelector || cs.base != csBase || cs.limit != csLimit || cs.attributes != csAttributes) {
            if (fetchPage != null) { // only a cut of something counts, as in cutLinks
                stats.linksCutAtCsOrPrivilegeChanges++;
            }
            forgetFetchPage();
        }
    }

    /** Whether one of the {@code count} pages from {@code firstPage} is one a shortcut or link was made through. */
    private boolean inUse(int firstPage, int count) {
        if (pagesInUseOverflowed) {
            return true;
        }
        for (int i = 0; i < pagesInUseCount; i++) {
            int past = pagesInUse[i] - firstPage;
            if (past >= 0 && past < count) {
                return true;
            }
        }
        return false;
    }

    // ---- the interpreter's fetch ----

    /** The decoded instruction at CS:eip, from the cache when possible. */
    Insn fetch(int eip) {
        Segment cs = this.cs;
        boolean code32 = (cs.attributes & Segment.DEFAULT_BIG) != 0;
        int linear = cs.base + eip;
        int physical = mmu.translateFetch(linear);
        int frame = physical >>> 12;
        Insn d;
        if (frame < frames.length) {
            CodePage page = frames[frame];
            if (page != null) {
                d = page.insns[physical & (PAGE_SIZE - 1)];
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
                d = cache(pageOf(frame), physical & (PAGE_SIZE - 1), d);
            }
        } else {
            d = decode(linear, code32);
        }
        if (cs.limit != -1) {
            checkCodeLimit(cs, eip, d.length);
        }
        return d;
    }

    private void rememberFetchPage(int linear, CodePage page, boolean code32) {
        int number = linear >>> 12;
        if (!inUse(number, 1)) {
            if (pagesInUseCount < PAGES_TRACKED) {
                pagesInUse[pagesInUseCount++] = number;
            } else {
                pagesInUseOverflowed = true;
            }
        }
        fetchPage = page;
        fetchInsns = page.insns;
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

    private CodePage pageOf(int frame) {
        CodePage page = frames[frame];
        if (page == null) {
            page = new CodePage(frame);
            frames[frame] = page;
        }
        return page;
    }

    private Insn cache(CodePage page, int offset, Insn decoded) {
        ram.markCodeFrame(page.frame);
        Insn d = new Insn();
        d.copyFrom(decoded);
        page.insns[offset] = d;
        return d;
    }

    // ---- compiled blocks ----

    /** Successors a block keeps by EIP beyond its two newest (a power of two). */
    private static final int MORE_LINKS = 8;

    /** Functions and switch cases are usually aligned to 16 bytes, or at least 4. */
    private static int moreLinkSlot(int eip) {
        return (eip >>> 4 ^ eip >>> 2) & (MORE_LINKS - 1);
    }

    /**
     * The block entered at CS:eip after {@code previous}: from one of its successor slots when they
     * hold, else through {@link #blockAt}, and then kept in a slot. A slot is only a shortcut for
     * the lookup, as valid as the fetch shortcut: translating EIP again would find the same frame
     * through a TLB hit, which changes nothing.
     */
    CompiledBlock successor(CompiledBlock previous, int eip) {
        CompiledBlock next = follow(previous, eip);
        if (--previous.exitsBeforeRetrace == 0) {
            retrace(previous);
        }
        return next;
    }

    private CompiledBlock follow(CompiledBlock previous, int eip) {
        if (previous.linkGeneration == linkGeneration) {
            CompiledBlock b = previous.link0;
            if (b != null && b.eip == eip) {
                stats.linksFollowed++;
                return b;
            }
            b = previous.link1;
            if (b != null && b.eip == eip) {
                stats.linksFollowed++;
                return b;
            }
            CompiledBlock[] more = previous.moreLinks;
            if (more != null) {
                b = more[moreLinkSlot(eip)];
                if (b != null && b.eip == eip) {
                    stats.linksFollowed++;
                    return b;
                }
            }
        } else {
            previous.link0 = null;
            previous.link1 = null;
            previous.moreLinks = null;
        }
        if (previous.indirectExits.length > 0) {
            noteIndirectTarget(previous, eip);
        }
        CompiledBlock b = blockAt(eip);
        if (b != null) {
            // The newest link in the first slot, the one before it in the second; a block with
            // more successors than that (an indirect jump or call) keeps them by EIP as well.
            CompiledBlock dropped = previous.link1;
            previous.link1 = previous.link0;
            previous.link0 = b;
            if (dropped != null) {
                if (previous.moreLinks == null) {
                    previous.moreLinks = new CompiledBlock[MORE_LINKS];
                }
                previous.moreLinks[moreLinkSlot(dropped.eip)] = dropped;
            }
            previous.linkGeneration = linkGeneration;
            stats.linksMade++;
        }
        return b;
    }

    /**
     * Exits through the run loop after which a block that leaves by an indirect transfer is
     * compiled again with the targets seen: only a block left that often costs enough at its
     * exits to be worth a bigger block, which the JVM's compilers take on from the start again.
     */
    static final int RETRACE_AFTER_EXITS = 1024;
    /** Targets kept per indirect transfer. */
    static final int TARGETS_KEPT = 16;

    /** Files {@code eip} as a target of {@code b}'s indirect transfer, when the block has only one. */
    private static void noteIndirectTarget(CompiledBlock b, int eip) {
        if (b.indirectExits.length != 1 || b.home == null || b.retraced) {
            return;
        }
        CodePage page = b.home;
        if (page.targetsSeen == null) {
            page.targetsSeen = new HashMap<>();
        }
        Set<Integer> targets = page.targetsSeen.computeIfAbsent(b.indirectExits[0], at -> new LinkedHashSet<>());
        if (targets.size() < TARGETS_KEPT) {
            targets.add(eip);
        }
    }

    /**
     * Compiles {@code b} again with the targets its indirect transfers have been seen to reach
     * (by any block that has them), so that they go on inside the block where they were seen to
     * go, and files the new block in its place. Only while the block's slots hold under the
     * present generation, so that its page is still where its EIP leads.
     */
    private void retrace(CompiledBlock b) {
        b.exitsBeforeRetrace = Integer.MAX_VALUE;
        if (b.retraced || b.indirectExits.length == 0) {
            return;
        }
        if (b.linkGeneration != linkGeneration) {
            b.exitsBeforeRetrace = 1; // at the next exit, when its slots hold again
            return;
        }
        b.retraced = true;
        CodePage page = b.home;
        int linear = cs.base + b.eip;
        int offset = linear & (PAGE_SIZE - 1);
        if (page == null || frames[page.frame] != page || page.blocks == null || page.blocks[offset] != b) {
            return;
        }
        Map<Integer, Set<Integer>> seen = page.targetsSeen;
        if (seen == null) {
            return;
        }
        // The old block's code counts as dropped before the new one is added: should the new one
        // take the cache past its bound, the eviction starts the count again from it alone.
        codeBytes -= b.codeBytes;
        CompiledBlock again = compile(page, linear, b.eip, at -> {
            Set<Integer> targets = seen.get(at);
            return targets == null ? null : targets.stream().mapToInt(Integer::intValue).toArray();
        });
        if (again == null) {
            codeBytes += b.codeBytes; // still filed
            return;
        }
        again.retraced = true;
        again.exitsBeforeRetrace = Integer.MAX_VALUE;
        for (int target : again.targetsCompiledIn) {
            int at = cs.base + target;
            if ((at & ~(PAGE_SIZE - 1)) == (linear & ~(PAGE_SIZE - 1)) && page.blocks[at & (PAGE_SIZE - 1)] != null) {
                page.blocks[at & (PAGE_SIZE - 1)].retraced = true;
            }
        }
        stats.blocksRetraced++;
        // Blocks whose slots hold the old block go to the new one once the slots are cut.
        linkGeneration++;
    }

    /**
     * The compiled block entered at CS:eip, compiling it when it has become hot; null when there is
     * none yet. Only under a flat 32-bit CS. Translating EIP may raise the page fault the
     * instruction fetch would raise.
     */
    CompiledBlock blockAt(int eip) {
        int linear = cs.base + eip;
        CodePage page;
        if ((linear & ~(PAGE_SIZE - 1)) == fetchPageLinear && fetchCode32) {
            page = fetchPage;
        } else {
            int frame = mmu.translateFetch(linear) >>> 12;
            if (frame >= frames.length) {
                return null;
            }
            page = pageOf(frame);
            rememberFetchPage(linear, page, true);
        }
        int offset = linear & (PAGE_SIZE - 1);
        CompiledBlock[] blocks = page.blocks;
        if (blocks != null) {
            CompiledBlock b = blocks[offset];
            if (b != null && b.eip == eip) {
                if (b.inlineEntries == null || b.inlineEntries == mmu.inlineEntries()
                        && b.inlineReadNeed == mmu.inlineReadNeed() && b.inlineWriteNeed == mmu.inlineWriteNeed()) {
                    return b;
                }
                // Compiled with paging off and met with it on, or the other way round, or at
                // another privilege level (links are cut by each change, so only here): compiled
                // again for the table and privilege now in use.
                codeBytes -= b.codeBytes;
                blocks[offset] = null;
                return compile(page, linear, eip, null);
            }
        }
        int[] heat = page.heat;
        if (heat == null) {
            heat = new int[PAGE_SIZE];
            page.heat = heat;
        }
        int h = heat[offset];
        if (h == NEVER) {
            return null;
        }
        if (h < compiler.threshold()) {
            heat[offset] = h + 1;
            return null;
        }
        return compile(page, linear, eip, null);
    }

    /**
     * An EIP inside a compiled loop ({@link CompiledBlock#loopInterior}) needs this many more times
     * the threshold's entries before it is compiled: entered only by the returns of the odd
     * interrupt or fault, it is left to the interpreter, which soon reaches the loop's head; entered
     * often (the return of a call the trace did not follow), it gets its block all the same.
     */
    private static final int COLDER_INSIDE_A_LOOP = 15;
    /** The heat of an EIP where no block could be compiled. */
    private static final int NEVER = Integer.MIN_VALUE;

    /**
     * Compiles the block at {@code eip} and files it; with {@code targetsSeen}, again with the
     * targets its indirect transfers were seen to reach, where failing leaves the old block filed.
     */
    private CompiledBlock compile(CodePage page, int linear, int eip, IntFunction<int[]> targetsSeen) {
        int pageLinear = linear & ~(PAGE_SIZE - 1);
        int offset = linear & (PAGE_SIZE - 1);
        long started = System.nanoTime();
        BlockCompiler.BlockSource source = new BlockCompiler.BlockSource() {
            @Override
            public Insn at(int at) {
                int off = offsetInPage(at);
                if (off < 0) {
                    return null;
                }
                Insn d = page.insns[off];
                if (d != null && d.code32) {
                    return d;
                }
                if (!decoder.decodeWithinFrame(scratch, (page.frame << 12) | off, pageLinear | off, true)) {
                    return null;
                }
                return cache(page, off, scratch);
            }

            @Override
            public boolean entered(int at) {
                int off = offsetInPage(at);
                return off >= 0
                        && (page.heat != null && page.heat[off] > 0 || page.blocks != null && page.blocks[off] != null);
            }

            /** Where {@code eip} lies in the block's page, or -1 outside it. */
            private int offsetInPage(int eip) {
                int lin = cs.base + eip;
                return (lin & ~(PAGE_SIZE - 1)) == pageLinear ? lin & (PAGE_SIZE - 1) : -1;
            }
        };
        CompiledBlock b = targetsSeen == null ? compiler.compile(source, eip)
                : compiler.compileWithTargets(source, eip, targetsSeen);
        stats.compileNanos += System.nanoTime() - started;
        if (frames[page.frame] != page) {
            return null; // decoding ahead cannot write memory, but be safe against a dropped page
        }
        if (b == null) {
            if (targetsSeen == null) {
                page.heat[offset] = NEVER;
            }
            return null;
        }
        b.home = page;
        stats.blocksCompiled++;
        stats.bytecodeBytes += b.codeBytes;
        codeBytes += b.codeBytes;
        if (codeBytes > codeLimit) {
            stats.evictions++;
            dropCompiledBlocks();
            codeBytes = b.codeBytes;
        }
        ram.markCodeFrame(page.frame);
        if (page.blocks == null) {
            page.blocks = new CompiledBlock[PAGE_SIZE];
        }
        page.blocks[offset] = b;
        if (page.heat == null) {
            page.heat = new int[PAGE_SIZE];
        }
        for (int inside : b.loopInterior) {
            int lin = cs.base + inside;
            if ((lin & ~(PAGE_SIZE - 1)) == pageLinear && page.blocks[lin & (PAGE_SIZE - 1)] == null) {
                page.heat[lin & (PAGE_SIZE - 1)] = -COLDER_INSIDE_A_LOOP * compiler.threshold();
            }
        }
        return b;
    }
}
