package org.j386.emulator.memory;

/**
 * The bits of a page-directory or page-table entry, as the MMU reads them and the debugger shows
 * them. Bit 7 is PS in a directory entry (a 4 MiB page when CR4.PSE is on) and PAT in a table entry.
 */
public final class PageEntry {
    private PageEntry() {
    }

    public static final int P = 1, RW = 2, US = 4, PWT = 8, PCD = 0x10, A = 0x20, D = 0x40, PS = 0x80, G = 0x100;
}
