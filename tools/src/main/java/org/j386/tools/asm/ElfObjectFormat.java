package org.j386.tools.asm;

import static org.j386.tools.image.Elf32ObjectWriter.SHF_ALLOC;
import static org.j386.tools.image.Elf32ObjectWriter.SHF_EXECINSTR;
import static org.j386.tools.image.Elf32ObjectWriter.SHF_TLS;
import static org.j386.tools.image.Elf32ObjectWriter.SHF_WRITE;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.j386.tools.image.Elf32ObjectWriter;
import org.j386.tools.image.Symbol;

/**
 * An ELF32 relocatable object, as {@code nasm -f elf32} writes it, for a linker to combine with
 * other objects. Every section starts at 0; a field that holds an address in a section becomes a
 * relocation against that section's symbol (the offset stays in the field), one that holds an
 * EXTERN or COMMON symbol a relocation against that symbol, and a branch to another section or
 * an external symbol a PC-relative one.
 *
 * <p>A section takes the type, flags and alignment NASM gives its name ({@code .text},
 * {@code .data}, {@code .bss}, {@code .rodata}, {@code .init_array}, {@code .comment}, ...; any
 * other name is allocated, read-only progbits aligned to 1), then the attribute words of its
 * SECTION directives, and ALIGN raises its alignment.
 */
public final class ElfObjectFormat implements OutputFormat {

    /** Type, flags and alignment of the section names NASM knows. */
    private record Defaults(int type, int flags, int align) { }

    private static final Map<String, Defaults> KNOWN = new HashMap<>();
    private static final Defaults OTHER = new Defaults(Elf32ObjectWriter.SHT_PROGBITS, SHF_ALLOC, 1);

    static {
        int progbits = Elf32ObjectWriter.SHT_PROGBITS;
        int nobits = Elf32ObjectWriter.SHT_NOBITS;
        KNOWN.put(".text", new Defaults(progbits, SHF_ALLOC | SHF_EXECINSTR, 16));
        for (String n : new String[] {".rodata", ".lrodata"}) {
            KNOWN.put(n, new Defaults(progbits, SHF_ALLOC, 4));
        }
        for (String n : new String[] {".data", ".ldata"}) {
            KNOWN.put(n, new Defaults(progbits, SHF_ALLOC | SHF_WRITE, 4));
        }
        for (String n : new String[] {".bss", ".lbss"}) {
            KNOWN.put(n, new Defaults(nobits, SHF_ALLOC | SHF_WRITE, 4));
        }
        KNOWN.put(".tdata", new Defaults(progbits, SHF_ALLOC | SHF_WRITE | SHF_TLS, 4));
        KNOWN.put(".tbss", new Defaults(nobits, SHF_ALLOC | SHF_WRITE | SHF_TLS, 4));
        KNOWN.put(".comment", new Defaults(progbits, 0, 1));
        KNOWN.put(".note", new Defaults(Elf32ObjectWriter.SHT_NOTE, 0, 4));
        KNOWN.put(".preinit_array", new Defaults(Elf32ObjectWriter.SHT_PREINIT_ARRAY, SHF_ALLOC, 4));
        KNOWN.put(".init_array", new Defaults(Elf32ObjectWriter.SHT_INIT_ARRAY, SHF_ALLOC, 4));
        KNOWN.put(".fini_array", new Defaults(Elf32ObjectWriter.SHT_FINI_ARRAY, SHF_ALLOC, 4));
    }

    /** Whether a section of this name holds no bytes unless its directive says progbits. */
    static boolean nobitsByName(String name) {
        Defaults d = KNOWN.get(name);
        return d != null && d.type() == Elf32ObjectWriter.SHT_NOBITS;
    }

    @Override
    public boolean relocatable() {
        return true;
    }

    @Override
    public void place(List<Section> sections, long origin) {
        for (Section s : sections) {
            s.start = 0;
        }
    }

    @Override
    public byte[] write(String source, List<Section> sections, long origin, List<Label> labels) {
        Elf32ObjectWriter w = new Elf32ObjectWriter(source);
        int[] elfIndex = new int[sections.size()];
        sections.stream().filter(s -> s.firstUse >= 0 || s.size() > 0)
            .sorted(java.util.Comparator.comparingInt(s -> s.firstUse >= 0 ? s.firstUse : Integer.MAX_VALUE))
            .forEach(s -> elfIndex[s.index] = w.section(elfSection(s)));
        Map<Integer, Integer> handles = new HashMap<>();
        for (Label l : labels) {
            int binding = l.global() ? Symbol.STB_GLOBAL : Symbol.STB_LOCAL;
            switch (l.kind()) {
                case EXTERN:
                    handles.put(l.section(), w.symbol(l.name(), 0, 0, Symbol.STT_NOTYPE, Symbol.STB_GLOBAL,
                        Symbol.SHN_UNDEF));
                    break;
                case COMMON:
                    handles.put(l.section(), w.symbol(l.name(), (int) l.value(), (int) l.size(), Symbol.STT_NOTYPE,
                        Symbol.STB_GLOBAL, Elf32ObjectWriter.SHN_COMMON));
                    break;
                default:
                    if (l.isAddress()) {
                        w.symbol(l.name(), (int) l.value(), 0, Symbol.STT_NOTYPE, binding, elfIndex[l.section()]);
                    } else if (l.section() == Value.ABSOLUTE) {
                        w.symbol(l.name(), (int) l.value(), 0, Symbol.STT_NOTYPE, binding, Symbol.SHN_ABS);
                    }
            }
        }
        for (Section s : sections) {
            for (Code.Fixup f : s.fixups) {
                int target = f.target().section();
                int symbol = target >= Value.EXTERNAL ? handles.get(target)
                    : Elf32ObjectWriter.sectionSymbol(elfIndex[target]);
                w.relocation(elfIndex[s.index], (int) f.offset(), symbol, relocationType(f));
            }
        }
        return w.toBytes();
    }

    private static int relocationType(Code.Fixup f) {
        switch (f.bytes()) {
            case 1: return f.relative() ? Elf32ObjectWriter.R_386_PC8 : Elf32ObjectWriter.R_386_8;
            case 2: return f.relative() ? Elf32ObjectWriter.R_386_PC16 : Elf32ObjectWriter.R_386_16;
            default: return f.relative() ? Elf32ObjectWriter.R_386_PC32 : Elf32ObjectWriter.R_386_32;
        }
    }

    private static Elf32ObjectWriter.Section elfSection(Section s) {
        Defaults d = KNOWN.getOrDefault(s.name, OTHER);
        int type = s.nobits ? Elf32ObjectWriter.SHT_NOBITS
            : d.type() == Elf32ObjectWriter.SHT_NOBITS ? Elf32ObjectWriter.SHT_PROGBITS : d.type();
        int flags = d.flags();
        for (String word : s.flags) {
            switch (word) {
                case "exec": flags |= SHF_EXECINSTR; break;
                case "noexec": flags &= ~SHF_EXECINSTR; break;
                case "write": flags |= SHF_WRITE; break;
                case "nowrite": flags &= ~SHF_WRITE; break;
                case "alloc": flags |= SHF_ALLOC; break;
                case "noalloc": flags &= ~SHF_ALLOC; break;
                case "tls": flags |= SHF_TLS; break;
                case "notls": flags &= ~SHF_TLS; break;
                case "note": type = Elf32ObjectWriter.SHT_NOTE; break;
                case "preinit_array": type = Elf32ObjectWriter.SHT_PREINIT_ARRAY; break;
                case "init_array": type = Elf32ObjectWriter.SHT_INIT_ARRAY; break;
                default: type = Elf32ObjectWriter.SHT_FINI_ARRAY; break;
            }
        }
        long align = s.alignGiven ? s.align : Math.max(d.align(), s.align);
        boolean array = type == Elf32ObjectWriter.SHT_INIT_ARRAY || type == Elf32ObjectWriter.SHT_FINI_ARRAY
            || type == Elf32ObjectWriter.SHT_PREINIT_ARRAY;
        return new Elf32ObjectWriter.Section(s.name, type, flags, (int) Math.max(align, 1), array ? 4 : 0,
            s.contents(), (int) s.size());
    }
}
