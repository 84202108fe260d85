package org.j386.tools.image;

import static org.j386.tools.image.Bytes.put32;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds an ELF32 i386 relocatable object (ET_REL) for a linker: the sections, a symbol table with
 * a FILE symbol, one SECTION symbol per section and the caller's symbols (locals first, as ELF
 * requires), and one {@code .rel} section of REL entries per section with relocations, the addend
 * being already in the relocated field.
 *
 * <p>The layout is the one nasm writes, so that the same source gives the same file: the section
 * headers right after the ELF header, then each section's contents at a 16-byte boundary in the
 * order user sections, .shstrtab, .symtab, .strtab, the .rel sections; the string table holds
 * names in the order the symbols were added.
 */
public final class Elf32ObjectWriter {
    public static final int SHT_PROGBITS = 1, SHT_NOTE = 7, SHT_NOBITS = 8, SHT_REL = 9, SHT_INIT_ARRAY = 14,
        SHT_FINI_ARRAY = 15, SHT_PREINIT_ARRAY = 16;
    public static final int SHF_WRITE = 1, SHF_ALLOC = 2, SHF_EXECINSTR = 4, SHF_TLS = 0x400;
    public static final int SHN_COMMON = 0xFFF2;
    public static final int R_386_32 = 1, R_386_PC32 = 2, R_386_16 = 20, R_386_PC16 = 21, R_386_8 = 22,
        R_386_PC8 = 23;
    private static final int FILE_ALIGN = 16;
    private static final int SYM_SIZE = 16, REL_SIZE = 8;

    /** A section of the object; {@code data} is empty for NOBITS, whose size is {@code size}. */
    public record Section(String name, int type, int flags, int align, int entsize, byte[] data, int size) {
    }

    /** A symbol as the caller adds it; {@link #symbol} returns its handle for relocations. */
    private record Entry(String name, int value, int size, int type, int binding, int section) {
    }

    private record Relocation(int section, int offset, int symbolHandle, int type) {
    }

    private final String fileName;
    private final List<Section> sections = new ArrayList<>();
    private final List<Entry> symbols = new ArrayList<>();
    private final List<Relocation> relocations = new ArrayList<>();

    /** @param fileName the source file's name, for the FILE symbol */
    public Elf32ObjectWriter(String fileName) {
        this.fileName = fileName;
    }

    /** Adds a section; returns its ELF index (from 1). */
    public int section(Section s) {
        sections.add(s);
        return sections.size();
    }

    /** Adds a symbol (section: an index from {@link #section}, or SHN_UNDEF/ABS/COMMON); returns its handle. */
    public int symbol(String name, int value, int size, int type, int binding, int section) {
        symbols.add(new Entry(name, value, size, type, binding, section));
        return symbols.size() - 1;
    }

    /** The handle of the SECTION symbol of the section with ELF index {@code section}. */
    public static int sectionSymbol(int section) {
        return -section;
    }

    /** A relocation of {@code type} at {@code offset} in {@code section} against a symbol handle. */
    public void relocation(int section, int offset, int symbolHandle, int type) {
        relocations.add(new Relocation(section, offset, symbolHandle, type));
    }

    public byte[] toBytes() {
        // symbol table indices: null, FILE, one per section, the locals, the globals
        int[] index = new int[symbols.size()];
        int next = 2 + sections.size();
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < symbols.size(); i++) {
                if ((symbols.get(i).binding() == Symbol.STB_LOCAL) == (pass == 0)) {
                    index[i] = next++;
                }
            }
        }
        int firstGlobal = 2 + sections.size();
        for (Entry e : symbols) {
            firstGlobal += e.binding() == Symbol.STB_LOCAL ? 1 : 0;
        }
        Elf32Writer.StringTable strtab = new Elf32Writer.StringTable();
        byte[] symtab = new byte[(2 + sections.size() + symbols.size()) * SYM_SIZE];
        putSymbol(symtab, 1, strtab.add(fileName), 0, 0, Symbol.STT_FILE, Symbol.STB_LOCAL, Symbol.SHN_ABS);
        for (int s = 1; s <= sections.size(); s++) {
            putSymbol(symtab, 1 + s, 0, 0, 0, Symbol.STT_SECTION, Symbol.STB_LOCAL, s);
        }
        for (int i = 0; i < symbols.size(); i++) {
            Entry e = symbols.get(i);
            putSymbol(symtab, index[i], strtab.add(e.name()), e.value(), e.size(), e.type(), e.binding(), e.section());
        }

        List<byte[]> rels = new ArrayList<>();
        List<Integer> relTargets = new ArrayList<>();
        for (int s = 1; s <= sections.size(); s++) {
            int target = s;
            List<Relocation> here = relocations.stream().filter(r -> r.section() == target).toList();
            if (here.isEmpty()) {
                continue;
            }
            byte[] rel = new byte[here.size() * REL_SIZE];
            for (int k = 0; k < here.size(); k++) {
                Relocation r = here.get(k);
                int sym = r.symbolHandle() < 0 ? 1 - r.symbolHandle() : index[r.symbolHandle()];
                put32(rel, k * REL_SIZE, r.offset());
                put32(rel, k * REL_SIZE + 4, sym << 8 | r.type());
            }
            rels.add(rel);
            relTargets.add(s);
        }

        int shstrtabIndex = sections.size() + 1;
        int symtabIndex = shstrtabIndex + 1;
        int strtabIndex = symtabIndex + 1;
        int count = strtabIndex + 1 + rels.size();
        Elf32Writer.StringTable shstrtab = new Elf32Writer.StringTable();
        int[] names = new int[count];
        for (int s = 1; s <= sections.size(); s++) {
            names[s] = shstrtab.add(sections.get(s - 1).name());
        }
        names[shstrtabIndex] = shstrtab.add(".shstrtab");
        names[symtabIndex] = shstrtab.add(".symtab");
        names[strtabIndex] = shstrtab.add(".strtab");
        for (int k = 0; k < rels.size(); k++) {
            names[strtabIndex + 1 + k] = shstrtab.add(".rel" + sections.get(relTargets.get(k) - 1).name());
        }

        Elf32Writer.Output out = new Elf32Writer.Output();
        out.skip(0x40 + count * Elf32File.SHDR_SIZE);
        List<byte[]> headers = new ArrayList<>();
        headers.add(new byte[Elf32File.SHDR_SIZE]);
        for (int s = 1; s <= sections.size(); s++) {
            Section sec = sections.get(s - 1);
            int offset = place(out, sec.type() == SHT_NOBITS ? new byte[0] : sec.data());
            headers.add(Elf32Writer.sectionHeader(names[s], sec.type(), sec.flags(), 0, offset,
                sec.type() == SHT_NOBITS ? sec.size() : sec.data().length, 0, 0, sec.align(), sec.entsize()));
        }
        byte[] shstr = shstrtab.bytes();
        headers.add(Elf32Writer.sectionHeader(names[shstrtabIndex], SectionHeader.SHT_STRTAB, 0, 0, place(out, shstr),
            shstr.length, 0, 0, 1, 0));
        headers.add(Elf32Writer.sectionHeader(names[symtabIndex], SectionHeader.SHT_SYMTAB, 0, 0, place(out, symtab),
            symtab.length, strtabIndex, firstGlobal, 4, SYM_SIZE));
        byte[] str = strtab.bytes();
        headers.add(Elf32Writer.sectionHeader(names[strtabIndex], SectionHeader.SHT_STRTAB, 0, 0, place(out, str),
            str.length, 0, 0, 1, 0));
        for (int k = 0; k < rels.size(); k++) {
            byte[] rel = rels.get(k);
            headers.add(Elf32Writer.sectionHeader(names[strtabIndex + 1 + k], SHT_REL, 0, 0, place(out, rel),
                rel.length, symtabIndex, relTargets.get(k), 4, REL_SIZE));
        }
        out.align(FILE_ALIGN);
        byte[] file = out.toByteArray();
        Elf32Writer.writeElfHeader(file, Elf32File.ET_REL, 0, 0, 0x40, count, shstrtabIndex);
        for (int h = 0; h < headers.size(); h++) {
            System.arraycopy(headers.get(h), 0, file, 0x40 + h * Elf32File.SHDR_SIZE, Elf32File.SHDR_SIZE);
        }
        return file;
    }

    /** Appends {@code data} at the next 16-byte boundary and returns its offset. */
    private static int place(Elf32Writer.Output out, byte[] data) {
        out.align(FILE_ALIGN);
        int offset = out.size();
        out.write(data);
        return offset;
    }

    private static void putSymbol(byte[] table, int index, int name, int value, int size, int type, int binding,
                                  int section) {
        int at = index * SYM_SIZE;
        put32(table, at, name);
        put32(table, at + 4, value);
        put32(table, at + 8, size);
        table[at + 12] = (byte) (binding << 4 | type);
        table[at + 14] = (byte) section;
        table[at + 15] = (byte) (section >>> 8);
    }
}
