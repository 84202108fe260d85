package org.j386.tools.image;

import static org.j386.tools.image.Bytes.i32;
import static org.j386.tools.image.Bytes.requireInFile;
import static org.j386.tools.image.Bytes.u16;
import static org.j386.tools.image.Bytes.u8;
import static org.j386.tools.image.Bytes.unsigned;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A parsed ELF32 little-endian i386 executable (or, through {@link #parseAny}, relocatable object). Parsing validates every field the loader and the
 * debugger rely on and checks every offset and size against the file before reading, so a
 * truncated or corrupt file gives an {@link ImageFormatException} naming what is wrong.
 */
public final class Elf32File {
    public static final int EHDR_SIZE = 52, PHDR_SIZE = 32, SHDR_SIZE = 40, SYM_SIZE = 16;
    public static final int ET_REL = 1, ET_EXEC = 2, EM_386 = 3, EV_CURRENT = 1;
    public static final int ELFCLASS32 = 1, ELFDATA2LSB = 1;
    static final int SHT_REL = 9;
    static final byte[] MAGIC = {0x7F, 'E', 'L', 'F'};

    private final String name;
    private final byte[] data;
    private final int type;
    private final int entry;
    private final int flags;
    private final List<ProgramHeader> programHeaders;
    private final List<SectionHeader> sections;
    private final List<Symbol> symbols;

    private Elf32File(String name, byte[] data, int type, int entry, int flags, List<ProgramHeader> programHeaders,
                      List<SectionHeader> sections, List<Symbol> symbols) {
        this.name = name;
        this.data = data;
        this.type = type;
        this.entry = entry;
        this.flags = flags;
        this.programHeaders = programHeaders;
        this.sections = sections;
        this.symbols = symbols;
    }

    /** Whether the bytes start with the ELF magic number (whatever follows). */
    public static boolean looksLikeElf(byte[] data) {
        return data.length >= MAGIC.length && Arrays.equals(data, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    /**
     * Parses {@code data}; {@code name} (usually the file name) starts every error message. The
     * array is kept, not copied: callers must not change it afterwards.
     */
    public static Elf32File parse(String name, byte[] data) throws ImageFormatException {
        return parse(name, data, false);
    }

    /** Parses an executable or a relocatable object (ET_REL), as a disassembler reads either. */
    public static Elf32File parseAny(String name, byte[] data) throws ImageFormatException {
        return parse(name, data, true);
    }

    private static Elf32File parse(String name, byte[] data, boolean relocatable) throws ImageFormatException {
        if (!looksLikeElf(data)) {
            throw ImageFormatException.of(name, "not an ELF file (no \\x7fELF magic at offset 0)");
        }
        if (data.length < EHDR_SIZE) {
            throw ImageFormatException.of(name, "ELF header is cut off: the file has %d bytes, the header needs %d",
                    data.length, EHDR_SIZE);
        }
        expect(name, "EI_CLASS", u8(data, 4), ELFCLASS32, "32-bit", classDescription(u8(data, 4)));
        expect(name, "EI_DATA", u8(data, 5), ELFDATA2LSB, "little-endian", u8(data, 5) == 2 ? "big-endian" : null);
        expect(name, "EI_VERSION", u8(data, 6), EV_CURRENT, "current", null);
        int type = u16(data, 16);
        if (!(relocatable && type == ET_REL)) {
            expect(name, "e_type", type, ET_EXEC, "executable", typeDescription(type));
        }
        expect(name, "e_machine", u16(data, 18), EM_386, "i386", machineDescription(u16(data, 18)));
        expect(name, "e_version", i32(data, 20), EV_CURRENT, "current", null);

        int entry = i32(data, 24);
        int phoff = i32(data, 28);
        int shoff = i32(data, 32);
        int flags = i32(data, 36);
        int phentsize = u16(data, 42);
        int phnum = u16(data, 44);
        int shentsize = u16(data, 46);
        int shnum = u16(data, 48);
        int shstrndx = u16(data, 50);

        List<ProgramHeader> phdrs = readProgramHeaders(name, data, phoff, phentsize, phnum);
        List<SectionHeader> sections = readSections(name, data, shoff, shentsize, shnum, shstrndx);
        List<Symbol> symbols = readSymbols(name, data, sections);
        return new Elf32File(name, data, type, entry, flags, phdrs, sections, symbols);
    }

    private static void expect(String file, String field, int actual, int expected, String expectedMeaning,
                               String actualMeaning) throws ImageFormatException {
        if (actual != expected) {
            String shown = actualMeaning == null ? Integer.toString(actual) : actual + " (" + actualMeaning + ")";
            throw ImageFormatException.of(file, "%s is %s, expected %d (%s)", field, shown, expected, expectedMeaning);
        }
    }

    private static String classDescription(int elfClass) {
        return elfClass == 2 ? "64-bit" : null;
    }

    private static String typeDescription(int type) {
        return switch (type) {
            case 0 -> "none";
            case 1 -> "relocatable";
            case 3 -> "shared object";
            case 4 -> "core";
            default -> null;
        };
    }

    private static String machineDescription(int machine) {
        return switch (machine) {
            case 40 -> "ARM";
            case 62 -> "x86-64";
            case 183 -> "AArch64";
            case 243 -> "RISC-V";
            default -> null;
        };
    }

    private static List<ProgramHeader> readProgramHeaders(String file, byte[] data, int phoff, int phentsize,
                                                          int phnum) throws ImageFormatException {
        if (phnum == 0) {
            return List.of();
        }
        if (phentsize != PHDR_SIZE) {
            throw ImageFormatException.of(file, "e_phentsize is %d, expected %d", phentsize, PHDR_SIZE);
        }
        requireInFile(file, "program header table", phoff, (long) phnum * PHDR_SIZE, data.length);
        List<ProgramHeader> list = new ArrayList<>(phnum);
        for (int i = 0; i < phnum; i++) {
            int at = phoff + i * PHDR_SIZE;
            ProgramHeader ph = new ProgramHeader(i, i32(data, at), i32(data, at + 4), i32(data, at + 8),
                    i32(data, at + 12), i32(data, at + 16), i32(data, at + 20), i32(data, at + 24), i32(data, at + 28));
            if (ph.isLoad()) {
                checkLoadSegment(file, data, ph);
            }
            list.add(ph);
        }
        return List.copyOf(list);
    }

    private static void checkLoadSegment(String file, byte[] data, ProgramHeader ph) throws ImageFormatException {
        String what = "program header " + ph.index();
        requireInFile(file, what, ph.offset(), unsigned(ph.filesz()), data.length);
        if (Integer.compareUnsigned(ph.filesz(), ph.memsz()) > 0) {
            throw ImageFormatException.of(file, "%s has p_filesz 0x%x larger than p_memsz 0x%x",
                    what, unsigned(ph.filesz()), unsigned(ph.memsz()));
        }
        if (unsigned(ph.paddr()) + unsigned(ph.memsz()) > 1L << 32
                || unsigned(ph.vaddr()) + unsigned(ph.memsz()) > 1L << 32) {
            throw ImageFormatException.of(file, "%s wraps around the 4 GiB address space (address 0x%x + 0x%x)",
                    what, unsigned(ph.paddr()), unsigned(ph.memsz()));
        }
    }

    private static List<SectionHeader> readSections(String file, byte[] data, int shoff, int shentsize, int shnum,
                                                    int shstrndx) throws ImageFormatException {
        if (shnum == 0) {
            return List.of();
        }
        if (shentsize != SHDR_SIZE) {
            throw ImageFormatException.of(file, "e_shentsize is %d, expected %d", shentsize, SHDR_SIZE);
        }
        requireInFile(file, "section header table", shoff, (long) shnum * SHDR_SIZE, data.length);
        if (shstrndx >= shnum) {
            throw ImageFormatException.of(file, "e_shstrndx is %d, but there are only %d sections", shstrndx, shnum);
        }
        int[][] raw = new int[shnum][10];
        for (int i = 0; i < shnum; i++) {
            int at = shoff + i * SHDR_SIZE;
            for (int f = 0; f < 10; f++) {
                raw[i][f] = i32(data, at + 4 * f);
            }
            if (raw[i][1] != SectionHeader.SHT_NOBITS && raw[i][1] != SectionHeader.SHT_NULL) {
                requireInFile(file, "section " + i, raw[i][4], unsigned(raw[i][5]), data.length);
            }
        }
        int namesOffset = 0;
        int namesSize = 0;
        if (shstrndx != 0) {
            if (raw[shstrndx][1] != SectionHeader.SHT_STRTAB) {
                throw ImageFormatException.of(file, "section %d (e_shstrndx) has type %d, expected %d (string table)",
                        shstrndx, raw[shstrndx][1], SectionHeader.SHT_STRTAB);
            }
            namesOffset = raw[shstrndx][4];
            namesSize = raw[shstrndx][5];
        }
        List<SectionHeader> list = new ArrayList<>(shnum);
        for (int i = 0; i < shnum; i++) {
            int[] s = raw[i];
            String sectionName = shstrndx == 0 ? "" : Bytes.string(file, "section " + i, data, namesOffset, namesSize, s[0]);
            list.add(new SectionHeader(i, sectionName, s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9]));
        }
        return List.copyOf(list);
    }

    /** The symbols of the first SYMTAB section (the null entry left out); none without one. */
    private static List<Symbol> readSymbols(String file, byte[] data, List<SectionHeader> sections)
            throws ImageFormatException {
        Optional<SectionHeader> found = sections.stream()
                .filter(s -> s.type() == SectionHeader.SHT_SYMTAB).findFirst();
        if (found.isEmpty()) {
            return List.of();
        }
        SectionHeader symtab = found.get();
        String what = "symbol table (section " + symtab.index() + ")";
        if (symtab.entsize() != SYM_SIZE) {
            throw ImageFormatException.of(file, "%s has sh_entsize %d, expected %d", what,
                    unsigned(symtab.entsize()), SYM_SIZE);
        }
        if (symtab.size() % SYM_SIZE != 0) {
            throw ImageFormatException.of(file, "%s size 0x%x is not a multiple of %d", what,
                    unsigned(symtab.size()), SYM_SIZE);
        }
        if (Integer.compareUnsigned(symtab.link(), sections.size()) >= 0
                || sections.get(symtab.link()).type() != SectionHeader.SHT_STRTAB) {
            throw ImageFormatException.of(file, "%s has sh_link %d, which is not a string table section", what,
                    unsigned(symtab.link()));
        }
        SectionHeader strtab = sections.get(symtab.link());
        int count = symtab.size() / SYM_SIZE;
        List<Symbol> list = new ArrayList<>(Math.max(0, count - 1));
        for (int i = 1; i < count; i++) {
            int at = symtab.offset() + i * SYM_SIZE;
            int info = u8(data, at + 12);
            String symbolName = Bytes.string(file, "symbol " + i, data, strtab.offset(), strtab.size(), i32(data, at));
            list.add(new Symbol(symbolName, i32(data, at + 4), i32(data, at + 8), info & 0xF, info >>> 4,
                    u16(data, at + 14)));
        }
        return List.copyOf(list);
    }

    public String name() {
        return name;
    }

    /** Whether this is a relocatable object (ET_REL): sections at 0, addresses left to a linker. */
    public boolean relocatable() {
        return type == ET_REL;
    }

    /** A REL entry: the field at {@code offset} of its section, relocated by {@code type} against {@code symbol}. */
    public record Relocation(int offset, int type, Symbol symbol) {
        /** The name readelf and objdump give the type. */
        public String typeName() {
            return switch (type) {
                case 1 -> "R_386_32";
                case 2 -> "R_386_PC32";
                case 20 -> "R_386_16";
                case 21 -> "R_386_PC16";
                case 22 -> "R_386_8";
                case 23 -> "R_386_PC8";
                default -> "R_386_" + type;
            };
        }

        /** The symbol's name, or for a SECTION symbol the section's. */
        public String symbolName(List<SectionHeader> sections) {
            if (symbol.type() == Symbol.STT_SECTION && symbol.sectionIndex() < sections.size()) {
                return sections.get(symbol.sectionIndex()).name();
            }
            return symbol.name();
        }
    }

    /**
     * The REL entries that apply to {@code target}, by offset; an
     * entry whose symbol index lies outside the symbol table is a format error.
     */
    public List<Relocation> relocations(SectionHeader target) throws ImageFormatException {
        List<Relocation> out = new ArrayList<>();
        for (SectionHeader rel : sections) {
            if (rel.type() != SHT_REL || rel.info() != target.index()) {
                continue;
            }
            for (int at = rel.offset(); at + 8 <= rel.offset() + rel.size(); at += 8) {
                int info = i32(data, at + 4);
                int symbol = info >>> 8;
                if (symbol == 0 || symbol > symbols.size()) {
                    throw ImageFormatException.of(name, "relocation in section %d names symbol %d, which does not exist",
                            rel.index(), symbol);
                }
                out.add(new Relocation(i32(data, at), info & 0xFF, symbols.get(symbol - 1)));
            }
        }
        out.sort(java.util.Comparator.comparingLong(r -> Integer.toUnsignedLong(r.offset())));
        return out;
    }

    /** e_entry: a virtual address. */
    public int entry() {
        return entry;
    }

    public int flags() {
        return flags;
    }

    public List<ProgramHeader> programHeaders() {
        return programHeaders;
    }

    /** The PT_LOAD program headers, in file order. */
    public List<ProgramHeader> loadSegments() {
        return programHeaders.stream().filter(ProgramHeader::isLoad).toList();
    }

    /** The file bytes of a PT_LOAD segment (p_filesz of them; the rest up to p_memsz is zero). */
    public byte[] segmentData(ProgramHeader ph) {
        return Arrays.copyOfRange(data, ph.offset(), ph.offset() + ph.filesz());
    }

    public List<SectionHeader> sections() {
        return sections;
    }

    public Optional<SectionHeader> section(String sectionName) {
        return sections.stream().filter(s -> s.name().equals(sectionName)).findFirst();
    }

    /** Every entry of .symtab except the null one, in table order. */
    public List<Symbol> symbols() {
        return symbols;
    }

    public SymbolTable symbolTable() {
        return new SymbolTable(symbols, sections);
    }
}
