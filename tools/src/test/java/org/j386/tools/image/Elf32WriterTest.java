package org.j386.tools.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class Elf32WriterTest {
    static final byte[] CODE = {(byte) 0xFA, (byte) 0xF4, (byte) 0xEB, (byte) 0xFD}; // cli; hlt; jmp $-1

    /** A small kernel: .text at 1 MiB, .data after it, .bss after that, with a few symbols. */
    static byte[] sampleKernel() {
        return new Elf32Writer(0x100000)
                .segment(Elf32Writer.Segment.text(0x100000, CODE))
                .segment(Elf32Writer.Segment.data(0x101000, new byte[] {1, 2, 3, 4, 5}))
                .segment(Elf32Writer.Segment.bss(0x102000, 0x3000))
                .symbol("start", 0x100000, 0, Symbol.STT_FUNC, Symbol.STB_GLOBAL)
                .symbol("halt", 0x100001, 3, Symbol.STT_NOTYPE, Symbol.STB_LOCAL)
                .symbol("table", 0x101000, 5, Symbol.STT_OBJECT, Symbol.STB_GLOBAL)
                .symbol("stack_top", 0x105000, 0, Symbol.STT_NOTYPE, Symbol.STB_GLOBAL)
                .toBytes();
    }

    @Test
    void everyLoadSegmentSitsAtAFileOffsetCongruentToItsAddress() throws ImageFormatException {
        // Including the .bss segment, which has no file bytes and whose address is odd here.
        byte[] file = new Elf32Writer(0x100000)
                .segment(Elf32Writer.Segment.text(0x100000, CODE))
                .segment(Elf32Writer.Segment.bss(0x100074, 0x1000))
                .toBytes();
        for (ProgramHeader p : Elf32File.parse("k.elf", file).loadSegments()) {
            assertEquals(p.vaddr() & 0xFFF, p.offset() & 0xFFF, () -> "segment at " + Integer.toHexString(p.vaddr()));
        }
    }

    @Test
    void writeThenReadGivesTheSameSegments() throws ImageFormatException {
        Elf32File elf = Elf32File.parse("k.elf", sampleKernel());

        assertEquals(0x100000, elf.entry());
        List<ProgramHeader> load = elf.loadSegments();
        assertEquals(3, load.size());
        assertEquals(0x100000, load.get(0).vaddr());
        assertEquals(0x100000, load.get(0).paddr());
        assertEquals(ProgramHeader.PF_R | ProgramHeader.PF_X, load.get(0).flags());
        assertArrayEquals(CODE, elf.segmentData(load.get(0)));
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, elf.segmentData(load.get(1)));
        assertEquals(0, load.get(2).filesz());
        assertEquals(0x3000, load.get(2).memsz());
    }

    @Test
    void writeThenReadGivesTheSameSymbolsInTheirSections() throws ImageFormatException {
        Elf32File elf = Elf32File.parse("k.elf", sampleKernel());
        int text = elf.section(".text").orElseThrow().index();
        int data = elf.section(".data").orElseThrow().index();

        // Locals come first in the table, as ELF requires; otherwise the order given.
        assertEquals(List.of(
                new Symbol("halt", 0x100001, 3, Symbol.STT_NOTYPE, Symbol.STB_LOCAL, text),
                new Symbol("start", 0x100000, 0, Symbol.STT_FUNC, Symbol.STB_GLOBAL, text),
                new Symbol("table", 0x101000, 5, Symbol.STT_OBJECT, Symbol.STB_GLOBAL, data),
                new Symbol("stack_top", 0x105000, 0, Symbol.STT_NOTYPE, Symbol.STB_GLOBAL, Symbol.SHN_ABS)),
                elf.symbols());
    }

    @Test
    void sectionsAreNamedAndTypedAfterTheirSegments() throws ImageFormatException {
        Elf32File elf = Elf32File.parse("k.elf", sampleKernel());

        assertEquals(List.of("", ".text", ".data", ".bss", ".symtab", ".strtab", ".shstrtab"),
                elf.sections().stream().map(SectionHeader::name).toList());
        assertEquals(SectionHeader.SHT_NOBITS, elf.section(".bss").orElseThrow().type());
        assertEquals(0x3000, elf.section(".bss").orElseThrow().size());
        assertEquals(SectionHeader.SHF_ALLOC | SectionHeader.SHF_EXECINSTR,
                elf.section(".text").orElseThrow().flags());
    }

    @Test
    void segmentOffsetsAreCongruentToTheirAddressesModuloThePageSize() throws ImageFormatException {
        Elf32File elf = Elf32File.parse("k.elf", new Elf32Writer(0x100010)
                .segment(Elf32Writer.Segment.text(0x100010, CODE))
                .segment(Elf32Writer.Segment.data(0x1017F0, new byte[8]))
                .toBytes());

        for (ProgramHeader ph : elf.loadSegments()) {
            assertEquals(ph.vaddr() & 0xFFF, ph.offset() & 0xFFF);
        }
    }

    @Test
    void higherHalfSegmentsKeepDistinctVirtualAndPhysicalAddresses() throws ImageFormatException {
        byte[] file = new Elf32Writer(0xC0100000)
                .segment(new Elf32Writer.Segment(".text", 0xC0100000, 0x100000, CODE, 0x2000,
                        ProgramHeader.PF_R | ProgramHeader.PF_X))
                .symbol("kmain", 0xC0100002, 2, Symbol.STT_FUNC, Symbol.STB_GLOBAL)
                .toBytes();
        Elf32File elf = Elf32File.parse("k.elf", file);

        ProgramHeader ph = elf.loadSegments().get(0);
        assertEquals(0xC0100000, ph.vaddr());
        assertEquals(0x100000, ph.paddr());
        assertEquals(0x2000, ph.memsz());
        assertEquals(1, elf.symbols().get(0).sectionIndex());
    }
}
