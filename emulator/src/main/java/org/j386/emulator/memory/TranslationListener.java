package org.j386.emulator.memory;

/**
 * Hears of every change that may alter a cached translation or its rights ({@link
 * Mmu#addTranslationListener}). Shortcuts to code pages (the fetch shortcut, chained blocks) hold
 * only while the translations they were made under do.
 */
public interface TranslationListener {
    /** Any translation may have changed: a flush, a paging-mode change, a privilege change. */
    void allTranslationsChanged(TranslationChange why);

    /**
     * Only the translations of the {@code count} linear pages from {@code firstPage} (page numbers,
     * linear address &gt;&gt;&gt; 12) may have changed, as after an INVLPG.
     */
    void pageTranslationsChanged(int firstPage, int count, TranslationChange why);
}
