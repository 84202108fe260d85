package org.j386.tools.asm;

import java.util.List;
import org.j386.tools.image.Elf32Writer;
import org.j386.tools.image.ProgramHeader;
import org.j386.tools.image.Symbol;

/**
 * An ELF32 i386 executable, ready to load: the sections are laid out exactly as for the flat
 * binary ({@link BinFormat}: {@code .text} at ORG, the others after it aligned), and each
 * non-empty one becomes a PT_LOAD segment and a section of the same name; sections without
 * contents ({@code .bss}) take memory but no file bytes. Every label is in the symbol table,
 * GLOBAL ones with global binding, so a debugger can name addresses. The entry point is
 * {@code _start}, else {@code start}, else the first byte of {@code .text}.
 *
 * <p>Without ORG the image starts at 1 MiB ({@code 0x100000}), where Multiboot loaders put
 * kernels. There is no linking: every symbol must be defined in the source.
 */
public final class ElfFormat implements OutputFormat {
    /** Where the first section goes when the source has no ORG. */
    public static final long DEFAULT_ORIGIN = 0x100000;

    private final BinFormat layout = new BinFormat();

    @Override
    public long defaultOrigin() {
        return DEFAULT_ORIGIN;
    }

    @Override
    public void place(List<Section> sections, long origin) {
        layout.place(sections, origin);
    }

    @Override
    public byte[] write(String source, List<Section> sections, long origin, List<Label> labels) {
        long entry = BinFormat.order(sections).get(0).start;
        for (String name : new String[] {"start", "_start"}) {
            for (Label l : labels) {
                if (l.name().equals(name) && l.isAddress()) {
                    entry = l.value();
                }
            }
        }
        Elf32Writer w = new Elf32Writer((int) entry);
        for (Section s : BinFormat.order(sections)) {
            if (s.size() == 0) {
                continue;
            }
            int flags = ProgramHeader.PF_R;
            if (s.name.startsWith(".text")) {
                flags |= ProgramHeader.PF_X;
            } else if (!s.name.startsWith(".rodata")) {
                flags |= ProgramHeader.PF_W;
            }
            int addr = (int) s.start;
            w.segment(new Elf32Writer.Segment(s.name, addr, addr, s.contents(), (int) s.size(), flags));
        }
        for (Label l : labels) {
            if (l.isAddress() && !l.name().startsWith("..@")) {
                Section home = sections.get(l.section());
                w.symbol(l.name(), (int) l.value(), 0, Symbol.STT_NOTYPE,
                    l.global() ? Symbol.STB_GLOBAL : Symbol.STB_LOCAL, home.size() == 0 ? null : home.name);
            }
        }
        return w.toBytes();
    }
}
