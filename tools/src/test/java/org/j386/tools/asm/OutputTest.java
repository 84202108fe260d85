package org.j386.tools.asm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.j386.tools.disasm.Disassembler;
import org.j386.tools.disasm.Instruction;
import org.j386.tools.disasm.SymbolLookup;
import org.j386.tools.image.Elf32File;
import org.j386.tools.image.ProgramHeader;
import org.j386.tools.image.SectionHeader;
import org.j386.tools.image.Symbol;
import org.junit.jupiter.api.Test;

/** ELF executables and listings: the same layout as the flat binary, described for loaders and people. */
class OutputTest {
    private static final String KERNEL = String.join("\n",
        "        bits 32",
        "        org 0x200000",
        "COUNT   equ 3",
        "        section .text",
        "        global _start",
        "helper: ret",
        "_start: mov ecx, COUNT",
        ".again: call helper",
        "        loop .again",
        "        mov [counter], ecx",
        "        hlt",
        "        section .data",
        "counter: dd 0x11223344",
        "        section .bss",
        "buffer: resb 256",
        "buffer_end:",
        "");

    private static Assembler.Result assemble(String source, OutputFormat format) {
        Assembler.Result r = Assembler.assemble("k.asm", source, null, new Assembler.Options(List.of(), format).withListing());
        assertTrue(r.ok(), () -> r.diagnostics().toString());
        return r;
    }

    private static Symbol symbol(Elf32File elf, String name) {
        return elf.symbols().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow(
            () -> new AssertionError("no symbol " + name + " in " + elf.symbols()));
    }

    @Test
    void elfOutputLoadsTheSectionsWhereTheFlatBinaryPutsThem() throws Exception {
        byte[] flat = assemble(KERNEL, new BinFormat()).output();
        Elf32File elf = Elf32File.parse("k.elf", assemble(KERNEL, new ElfFormat()).output());
        List<ProgramHeader> load = elf.loadSegments();
        assertEquals(3, load.size());
        ProgramHeader text = load.get(0);
        assertEquals(0x200000, text.vaddr());
        assertEquals(0x200000, text.paddr());
        assertTrue(text.executable());
        ProgramHeader data = load.get(1);
        assertArrayEquals(Arrays.copyOfRange(flat, 0, text.filesz()), elf.segmentData(text));
        assertArrayEquals(Arrays.copyOfRange(flat, data.vaddr() - 0x200000, data.vaddr() - 0x200000 + 4),
            elf.segmentData(data));
        assertEquals(0, data.flags() & ProgramHeader.PF_X);
        ProgramHeader bss = load.get(2);
        assertEquals(0, bss.filesz());
        assertEquals(256, bss.memsz());
        assertEquals(SectionHeader.SHT_NOBITS, elf.section(".bss").orElseThrow().type());
    }

    @Test
    void elfEntryIsStartAndEveryLabelIsInTheSymbolTable() throws Exception {
        Elf32File elf = Elf32File.parse("k.elf", assemble(KERNEL, new ElfFormat()).output());
        assertEquals(0x200001, elf.entry());
        assertEquals(Symbol.STB_GLOBAL, symbol(elf, "_start").binding());
        assertEquals(Symbol.STB_LOCAL, symbol(elf, "helper").binding());
        assertEquals(0x200006, symbol(elf, "_start.again").value());
        assertEquals(".data", elf.sections().get(symbol(elf, "counter").sectionIndex()).name());
        assertEquals(".bss", elf.sections().get(symbol(elf, "buffer").sectionIndex()).name());
        assertFalse(elf.symbols().stream().anyMatch(s -> s.name().equals("COUNT")), "constants are no addresses");
        assertEquals(".bss", elf.sections().get(symbol(elf, "buffer_end").sectionIndex()).name(),
            "a label just past the end of a section still belongs to it");
    }

    @Test
    void elfSymbolsNameBranchTargetsInTheDisassembly() throws Exception {
        Elf32File elf = Elf32File.parse("k.elf", assemble(KERNEL, new ElfFormat()).output());
        ProgramHeader text = elf.loadSegments().get(0);
        List<Instruction> code = Disassembler.standard().decodeAll(elf.segmentData(text), text.vaddr(), 32,
            SymbolLookup.of(elf.symbolTable()));
        assertEquals("call 0x200000 ; helper", code.get(2).text());
        assertEquals("loop 0x200006 ; _start.again", code.get(3).text());
        assertEquals("mov [0x200014],ecx ; counter", code.get(4).text());
    }

    @Test
    void elfOutputWithoutOrgStartsAtOneMebibyte() throws Exception {
        Elf32File elf = Elf32File.parse("k.elf", assemble("bits 32\nstart: jmp start\n", new ElfFormat()).output());
        assertEquals(0x100000, elf.entry());
        assertEquals(0x100000, elf.loadSegments().get(0).vaddr());
    }

    @Test
    void aGlobalThatIsNeverDefinedIsAWarning() {
        Assembler.Result r = assemble("global missing\nnop\n", new ElfFormat());
        assertEquals(List.of("k.asm:1: warning: symbol `missing' declared global but not defined"),
            r.diagnostics().stream().map(Object::toString).toList());
    }

    @Test
    void listingShowsLineNumberOffsetBytesAndSourceInNasmsColumns() {
        String listing = assemble("bits 32\nstart: mov eax, start\n  db 1,2,3,4,5,6,7,8,9,10\n", new BinFormat())
            .listing();
        assertEquals(List.of(
            "     1                                  bits 32",
            "     2 00000000 B8[00000000]            start: mov eax, start",
            "     3 00000005 010203040506070809-       db 1,2,3,4,5,6,7,8,9,10",
            "     3 0000000E 0A                 "), listing.lines().toList());
    }

    @Test
    void listingShowsTheFirstRoundOfARepetitionAndItsCount() {
        String listing = assemble("times 100 db 0\nresb 300\n", new BinFormat()).listing();
        assertEquals(List.of(
            "     1 00000000 00<rep 64h>             times 100 db 0",
            "     2 00000064 <res 12Ch>              resb 300",
            "     2          ******************       warning: uninitialized space declared in .text section: zeroing"
                + " [-w+zeroing]"), listing.lines().toList());
    }
}
