package org.j386.tools.image;

import static org.j386.tools.image.Bytes.put16;
import static org.j386.tools.image.Bytes.put32;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Builds a minimal ELF32 i386 executable: one PT_LOAD program header and one section per segment,
 * then .symtab, .strtab and .shstrtab. Used by tests to make kernels without binary fixtures, and
 * by the assembler to write its output.
 *
 * <p>Segment data is placed at file offsets congruent to the virtual address modulo 4 KiB, as
 * linkers do, so that tools which map segments (gdb, objdump, QEMU) accept the file.
 */
public final class Elf32Writer {
    private static final int PAGE = 0x1000;

    /**
     * A loadable segment. {@code data} is the file part; the segment occupies {@code memsz} bytes in
     * memory, the tail beyond the data being zero (bss). A segment without data becomes a NOBITS
     * section.
     */
    public record Segment(String sectionName, int vaddr, int paddr, byte[] data, int memsz, int flags) {
        public Segment {
            if (Integer.compareUnsigned(data.length, memsz) > 0) {
                throw new IllegalArgumentException(sectionName + ": data is longer than memsz");
            }
        }

        /** Code at {@code address} (virtual = physical), readable and executable. */
        public static Segment text(int address, byte[] code) {
            return new Segment(".text", address, address, code, code.length,
                    ProgramHeader.PF_R | ProgramHeader.PF_X);
        }

        /** Initialised data at {@code address}, readable and writable. */
        public static Segment data(int address, byte[] bytes) {
            return new Segment(".data", address, address, bytes, bytes.length,
                    ProgramHeader.PF_R | ProgramHeader.PF_W);
        }

        /** Zero-filled memory at {@code address}, present in memory only. */
        public static Segment bss(int address, int size) {
            return new Segment(".bss", address, address, new byte[0], size, ProgramHeader.PF_R | ProgramHeader.PF_W);
        }
    }

    /** {@code section} names the segment the symbol belongs to; null: the one containing its value. */
    private record SymbolSpec(String name, int value, int size, int type, int binding, String section) {
    }

    private final int entry;
    private final List<Segment> segments = new ArrayList<>();
    private final List<SymbolSpec> symbols = new ArrayList<>();

    /** @param entry e_entry, a virtual address */
    public Elf32Writer(int entry) {
        this.entry = entry;
    }

    public Elf32Writer segment(Segment segment) {
        segments.add(segment);
        return this;
    }

    /**
     * Adds a symbol; its section index is that of the segment whose memory contains {@code value}
     * (SHN_ABS if none does).
     */
    public Elf32Writer symbol(String name, int value, int size, int type, int binding) {
        symbols.add(new SymbolSpec(name, value, size, type, binding, null));
        return this;
    }

    /**
     * Adds a symbol of the segment named {@code sectionName}, even where its value lies just past
     * that segment's end (a label after the last byte of a section, such as a stack top).
     */
    public Elf32Writer symbol(String name, int value, int size, int type, int binding, String sectionName) {
        symbols.add(new SymbolSpec(name, value, size, type, binding, sectionName));
        return this;
    }

    public byte[] toBytes() {
        Output out = new Output();
        out.skip(Elf32File.EHDR_SIZE + segments.size() * Elf32File.PHDR_SIZE);

        int[] dataOffsets = new int[segments.size()];
        for (int i = 0; i < segments.size(); i++) {
            Segment s = segments.get(i);
            if (s.data().length > 0) {
                out.skip(Math.floorMod(s.vaddr() - out.size(), PAGE));
                dataOffsets[i] = out.size();
                out.write(s.data());
            } else {
                // No file bytes (.bss): any offset will do, but ELF wants it congruent to the
                // address as well, so take the last such offset not beyond what is written.
                int offset = out.size() - Math.floorMod(out.size() - s.vaddr(), PAGE);
                dataOffsets[i] = offset >= 0 ? offset : offset + PAGE;
            }
        }

        StringTable shstrtab = new StringTable();
        StringTable strtab = new StringTable();
        // Section indices: 0 null, 1..n segments, then .symtab, .strtab, .shstrtab.
        int symtabIndex = segments.size() + 1;
        List<SymbolSpec> ordered = new ArrayList<>(symbols);
        ordered.sort(Comparator.comparing((SymbolSpec s) -> s.binding() != Symbol.STB_LOCAL)); // locals first, as ELF requires
        out.align(4);
        int symtabOffset = out.size();
        out.skip(Elf32File.SYM_SIZE);
        for (SymbolSpec sym : ordered) {
            byte[] entryBytes = new byte[Elf32File.SYM_SIZE];
            put32(entryBytes, 0, strtab.add(sym.name()));
            put32(entryBytes, 4, sym.value());
            put32(entryBytes, 8, sym.size());
            entryBytes[12] = (byte) (sym.binding() << 4 | sym.type() & 0xF);
            put16(entryBytes, 14, sym.section() != null ? sectionIndexOf(sym.section()) : sectionIndexOf(sym.value()));
            out.write(entryBytes);
        }
        int symtabSize = out.size() - symtabOffset;
        int firstGlobal = 1 + (int) ordered.stream().filter(s -> s.binding() == Symbol.STB_LOCAL).count();
        int strtabOffset = out.size();
        out.write(strtab.bytes());
        int shstrtabOffset = out.size();
        // Names are added to shstrtab while the headers are built below, so its size is only known then.
        List<byte[]> headers = new ArrayList<>();
        headers.add(new byte[Elf32File.SHDR_SIZE]);
        for (int i = 0; i < segments.size(); i++) {
            Segment s = segments.get(i);
            boolean nobits = s.data().length == 0;
            int flags = SectionHeader.SHF_ALLOC
                    | ((s.flags() & ProgramHeader.PF_X) != 0 ? SectionHeader.SHF_EXECINSTR : 0)
                    | ((s.flags() & ProgramHeader.PF_W) != 0 ? SectionHeader.SHF_WRITE : 0);
            headers.add(sectionHeader(shstrtab.add(s.sectionName()),
                    nobits ? SectionHeader.SHT_NOBITS : SectionHeader.SHT_PROGBITS, flags, s.vaddr(),
                    dataOffsets[i], nobits ? s.memsz() : s.data().length, 0, 0, 4, 0));
        }
        headers.add(sectionHeader(shstrtab.add(".symtab"), SectionHeader.SHT_SYMTAB, 0, 0, symtabOffset,
                symtabSize, symtabIndex + 1, firstGlobal, 4, Elf32File.SYM_SIZE));
        headers.add(sectionHeader(shstrtab.add(".strtab"), SectionHeader.SHT_STRTAB, 0, 0, strtabOffset,
                strtab.size(), 0, 0, 1, 0));
        int shstrtabName = shstrtab.add(".shstrtab");
        headers.add(sectionHeader(shstrtabName, SectionHeader.SHT_STRTAB, 0, 0, shstrtabOffset,
                shstrtab.size(), 0, 0, 1, 0));
        out.write(shstrtab.bytes());
        out.align(4);
        int shoff = out.size();
        headers.forEach(out::write);

        byte[] file = out.toByteArray();
        writeElfHeader(file, Elf32File.ET_EXEC, entry, segments.size(), shoff, headers.size(), symtabIndex + 2);
        for (int i = 0; i < segments.size(); i++) {
            Segment s = segments.get(i);
            int at = Elf32File.EHDR_SIZE + i * Elf32File.PHDR_SIZE;
            put32(file, at, ProgramHeader.PT_LOAD);
            put32(file, at + 4, dataOffsets[i]);
            put32(file, at + 8, s.vaddr());
            put32(file, at + 12, s.paddr());
            put32(file, at + 16, s.data().length);
            put32(file, at + 20, s.memsz());
            put32(file, at + 24, s.flags());
            put32(file, at + 28, PAGE);
        }
        return file;
    }

    private int sectionIndexOf(String sectionName) {
        for (int i = 0; i < segments.size(); i++) {
            if (segments.get(i).sectionName().equals(sectionName)) {
                return i + 1;
            }
        }
        return Symbol.SHN_ABS;
    }

    private int sectionIndexOf(int address) {
        long a = Integer.toUnsignedLong(address);
        for (int i = 0; i < segments.size(); i++) {
            Segment s = segments.get(i);
            long start = Integer.toUnsignedLong(s.vaddr());
            if (a >= start && a < start + Integer.toUnsignedLong(s.memsz())) {
                return i + 1;
            }
        }
        return Symbol.SHN_ABS;
    }

    /** The ELF header at the start of {@code file}; program headers, if any, follow it directly. */
    static void writeElfHeader(byte[] file, int type, int entry, int phnum, int shoff, int shnum, int shstrndx) {
        System.arraycopy(Elf32File.MAGIC, 0, file, 0, Elf32File.MAGIC.length);
        file[4] = Elf32File.ELFCLASS32;
        file[5] = Elf32File.ELFDATA2LSB;
        file[6] = Elf32File.EV_CURRENT;
        put16(file, 16, type);
        put16(file, 18, Elf32File.EM_386);
        put32(file, 20, Elf32File.EV_CURRENT);
        put32(file, 24, entry);
        put32(file, 28, phnum == 0 ? 0 : Elf32File.EHDR_SIZE);
        put32(file, 32, shoff);
        put16(file, 40, Elf32File.EHDR_SIZE);
        put16(file, 42, type == Elf32File.ET_EXEC ? Elf32File.PHDR_SIZE : 0);
        put16(file, 44, phnum);
        put16(file, 46, Elf32File.SHDR_SIZE);
        put16(file, 48, shnum);
        put16(file, 50, shstrndx);
    }

    static byte[] sectionHeader(int name, int type, int flags, int addr, int offset, int size, int link,
                                        int info, int align, int entsize) {
        byte[] h = new byte[Elf32File.SHDR_SIZE];
        int[] fields = {name, type, flags, addr, offset, size, link, info, align, entsize};
        for (int i = 0; i < fields.length; i++) {
            put32(h, 4 * i, fields[i]);
        }
        return h;
    }

    /** A growing file image. */
    static final class Output extends ByteArrayOutputStream {
        void skip(int count) {
            write(new byte[count], 0, count);
        }

        void align(int alignment) {
            skip(Math.floorMod(-size(), alignment));
        }

        @Override
        public void write(byte[] bytes) {
            write(bytes, 0, bytes.length);
        }
    }

    /** An ELF string table: starts with the empty string, each name NUL-terminated. */
    static final class StringTable {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        StringTable() {
            bytes.write(0);
        }

        int add(String s) {
            if (s.isEmpty()) {
                return 0;
            }
            int offset = bytes.size();
            bytes.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            bytes.write(0);
            return offset;
        }

        int size() {
            return bytes.size();
        }

        byte[] bytes() {
            return bytes.toByteArray();
        }
    }
}
