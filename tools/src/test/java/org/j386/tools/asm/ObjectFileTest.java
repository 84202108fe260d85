package org.j386.tools.asm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.j386.tools.image.Elf32File;
import org.j386.tools.image.SectionHeader;

import org.junit.jupiter.api.Test;

/** Relocatable objects (-f elf32) read back: what a linker will be told. The byte-level proof is the nasm corpus. */
class ObjectFileTest {

    private static Assembler.Result assemble(String source) {
        return Assembler.assemble("m.asm", source, Path.of("."),
            new Assembler.Options(List.of(), new ElfObjectFormat()));
    }

    @Test
    void fieldsHoldingAddressesBecomeRelocationsAgainstTheirSectionOrSymbol() throws Exception {
        Assembler.Result r = assemble(String.join("\n",
            "bits 32",
            "extern puts",
            "section .text",
            "main: call puts",
            "      mov eax, [value + 2]",
            "section .data",
            "value: dd main",
            ""));
        assertTrue(r.ok(), r.diagnostics().toString());
        Elf32File o = Elf32File.parseAny("m.o", r.output());
        assertTrue(o.relocatable());
        SectionHeader text = o.section(".text").orElseThrow();
        List<String> relocations = o.relocations(text).stream()
            .map(x -> x.offset() + " " + x.typeName() + " " + x.symbolName(o.sections())).toList();
        assertEquals(List.of("1 R_386_PC32 puts", "6 R_386_32 .data"), relocations);
        assertEquals(List.of("0 R_386_32 .text"), o.relocations(o.section(".data").orElseThrow()).stream()
            .map(x -> x.offset() + " " + x.typeName() + " " + x.symbolName(o.sections())).toList());
    }

    @Test
    void aValueNoRelocationCanExpressIsAnErrorAtItsLine() {
        Assembler.Result r = assemble("extern a, b\ndd 1\ndd a - b\ndd a * 2\n");
        assertFalse(r.ok());
        assertEquals(List.of("m.asm:3: error: expression is not simple or relocatable",
            "m.asm:4: error: expression is not simple or relocatable"),
            r.diagnostics().stream().map(Object::toString).toList());
    }

    @Test
    void aFlatBinaryStillNeedsEverySymbolDefined() {
        Assembler.Result r = Assembler.assemble("m.asm", "extern a\ndd a\n", Path.of("."), Assembler.Options.defaults());
        assertFalse(r.ok());
        assertTrue(r.diagnostics().get(0).toString().startsWith("m.asm:2: error: symbol `a' not defined"),
            r.diagnostics().toString());
    }
}
