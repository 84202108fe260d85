package org.j386.tools.image;

/**
 * One ELF symbol table entry.
 *
 * @param value        the symbol's (virtual) address, unsigned
 * @param sectionIndex the st_shndx field: a section index or one of the SHN_ values
 */
public record Symbol(String name, int value, int size, int type, int binding, int sectionIndex) {
    public static final int STT_NOTYPE = 0, STT_OBJECT = 1, STT_FUNC = 2, STT_SECTION = 3, STT_FILE = 4;
    public static final int STB_LOCAL = 0, STB_GLOBAL = 1, STB_WEAK = 2;
    public static final int SHN_UNDEF = 0, SHN_ABS = 0xFFF1;

    /** Whether the symbol names a place in the program (not a file, section or undefined reference). */
    public boolean namesAnAddress() {
        return !name.isEmpty() && type != STT_SECTION && type != STT_FILE && sectionIndex != SHN_UNDEF;
    }
}
