package org.j386.tools.image;

/** One ELF section header with its name resolved; numbers are unsigned 32-bit values in ints. */
public record SectionHeader(int index, String name, int type, int flags, int addr, int offset, int size,
                            int link, int info, int addralign, int entsize) {
    public static final int SHT_NULL = 0, SHT_PROGBITS = 1, SHT_SYMTAB = 2, SHT_STRTAB = 3, SHT_NOBITS = 8;
    public static final int SHF_WRITE = 1, SHF_ALLOC = 2, SHF_EXECINSTR = 4;

    /** Whether the section occupies bytes in the file (everything but NOBITS and the null section). */
    public boolean hasFileData() {
        return type != SHT_NOBITS && type != SHT_NULL;
    }
}
