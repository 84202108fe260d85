package org.j386.tools.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SymbolTableTest {
    private static Symbol sym(String name, int value, int size, int type, int binding) {
        return new Symbol(name, value, size, type, binding, 1);
    }

    private final SymbolTable table = new SymbolTable(List.of(
            sym("kmain", 0x100040, 0x20, Symbol.STT_FUNC, Symbol.STB_GLOBAL),
            sym("start", 0x100000, 0, Symbol.STT_NOTYPE, Symbol.STB_GLOBAL),
            sym(".loop", 0x100010, 0, Symbol.STT_NOTYPE, Symbol.STB_LOCAL),
            sym("high", 0xC0000000, 0x10, Symbol.STT_OBJECT, Symbol.STB_GLOBAL),
            new Symbol(".text", 0x100000, 0, Symbol.STT_SECTION, Symbol.STB_LOCAL, 1),
            new Symbol("kernel.asm", 0, 0, Symbol.STT_FILE, Symbol.STB_LOCAL, Symbol.SHN_ABS),
            new Symbol("printf", 0, 0, Symbol.STT_FUNC, Symbol.STB_GLOBAL, Symbol.SHN_UNDEF)));

    @Test
    void lookupFindsASymbolByName() {
        assertEquals(0x100040, table.lookup("kmain").orElseThrow().value());
        assertEquals(Optional.empty(), table.lookup("missing"));
    }

    @Test
    void anAddressInsideASymbolIsNamedWithItsOffset() {
        assertEquals(Optional.of("kmain+0x12"), table.nameFor(0x100052));
    }

    @Test
    void theSymbolsOwnAddressIsNamedWithoutOffset() {
        assertEquals(Optional.of("kmain"), table.nameFor(0x100040));
    }

    @Test
    void aLabelWithoutSizeCoversEverythingUpToTheNextSymbol() {
        assertEquals(Optional.of("start+0xf"), table.nameFor(0x10000F));
        assertEquals(Optional.of(".loop+0x2f"), table.nameFor(0x10003F));
    }

    @Test
    void anAddressPastTheEndOfASizedSymbolHasNoName() {
        assertEquals(Optional.empty(), table.nameFor(0x100060));
    }

    @Test
    void anAddressBelowEverySymbolHasNoName() {
        assertEquals(Optional.empty(), table.nameFor(0xFFFFF));
    }

    @Test
    void addressesAreOrderedUnsignedSoHigherHalfSymbolsWork() {
        assertEquals(Optional.of("high+0x4"), table.nameFor(0xC0000004));
    }

    @Test
    void sectionFileAndUndefinedSymbolsAreLeftOut() {
        assertEquals(4, table.size());
        assertEquals(Optional.empty(), table.lookup("printf"));
        assertEquals(Optional.of("start"), table.nameFor(0x100000));
    }

    @Test
    void atASharedAddressAGlobalFunctionIsPreferredToALocalLabel() {
        SymbolTable t = new SymbolTable(List.of(
                sym("_local", 0x2000, 0, Symbol.STT_NOTYPE, Symbol.STB_LOCAL),
                sym("entry", 0x2000, 0, Symbol.STT_FUNC, Symbol.STB_GLOBAL)));
        assertEquals(Optional.of("entry+0x4"), t.nameFor(0x2004));
    }

    private static SectionHeader section(int index, String name, int type, int addr, int size) {
        return new SectionHeader(index, name, type, SectionHeader.SHF_ALLOC, addr, 0, size, 0, 0, 4, 0);
    }

    private final List<SectionHeader> sections = List.of(
            new SectionHeader(0, "", SectionHeader.SHT_NULL, 0, 0, 0, 0, 0, 0, 0, 0),
            section(1, ".text", SectionHeader.SHT_PROGBITS, 0x100000, 0x1000),
            section(2, ".bss", SectionHeader.SHT_NOBITS, 0x101000, 0x2000));

    @Test
    void aLabelWithoutSizeEndsAtTheNextSymbolOfItsOwnSectionOrTheSectionsEnd() {
        SymbolTable t = new SymbolTable(List.of(
                new Symbol("code", 0x100000, 0, Symbol.STT_NOTYPE, Symbol.STB_GLOBAL, 1),
                new Symbol("pool", 0x101000, 0, Symbol.STT_NOTYPE, Symbol.STB_GLOBAL, 2),
                new Symbol("end", 0x103000, 0, Symbol.STT_NOTYPE, Symbol.STB_GLOBAL, 2),
                new Symbol("marker", 0x200000, 0, Symbol.STT_NOTYPE, Symbol.STB_GLOBAL, Symbol.SHN_ABS)),
                sections);
        assertEquals(Optional.of("code+0xfff"), t.nameFor(0x100FFF));
        assertEquals(Optional.of("pool+0x1fff"), t.nameFor(0x102FFF));
        assertEquals(Optional.of("end"), t.nameFor(0x103000));
        assertEquals(Optional.empty(), t.nameFor(0x103001), "past the end of .bss nothing is named");
        assertEquals(Optional.empty(), t.nameFor(0x3FD000));
        assertEquals(Optional.of("marker"), t.nameFor(0x200000));
        assertEquals(Optional.empty(), t.nameFor(0x200004), "an absolute symbol without size names only its address");
    }

    @Test
    void aSizedFunctionStillNamesItsAddressesPastAShortSymbolInsideIt() {
        SymbolTable t = new SymbolTable(List.of(
                new Symbol("outer", 0x100000, 0x100, Symbol.STT_FUNC, Symbol.STB_GLOBAL, 1),
                new Symbol("inner", 0x100010, 4, Symbol.STT_OBJECT, Symbol.STB_LOCAL, 1)), sections);
        assertEquals(Optional.of("inner+0x2"), t.nameFor(0x100012));
        assertEquals(Optional.of("outer+0x20"), t.nameFor(0x100020));
    }

    @Test
    void cxxNamesAreShownDemangledAndFoundMangledDemangledOrWithoutParameters() {
        SymbolTable t = new SymbolTable(List.of(
                new Symbol("_ZN9PageTable12handle_faultEP4REGS", 0x100100, 0x40, Symbol.STT_FUNC, Symbol.STB_GLOBAL, 1),
                new Symbol("_ZN9PageTableC2Ev", 0x100200, 0x10, Symbol.STT_FUNC, Symbol.STB_GLOBAL, 1),
                new Symbol("_ZN9PageTableC1Ev", 0x100200, 0x10, Symbol.STT_FUNC, Symbol.STB_GLOBAL, 1)), sections);
        assertEquals(Optional.of("PageTable::handle_fault(REGS*)+0x4"), t.nameFor(0x100104));
        for (String name : new String[] {"PageTable::handle_fault(REGS*)", "PageTable::handle_fault",
            "_ZN9PageTable12handle_faultEP4REGS"}) {
            assertEquals(0x100100, t.lookup(name).orElseThrow().value(), name);
        }
        assertEquals(0x100200, t.lookup("_ZN9PageTableC1Ev").orElseThrow().value());
        assertEquals(0x100200, t.lookup("_ZN9PageTableC2Ev").orElseThrow().value());
        assertEquals(0x100200, t.lookup("PageTable::PageTable").orElseThrow().value());
    }

    @Test
    void theParameterListDroppedForLookupIsTheLastOneEvenAfterOperatorCall() {
        SymbolTable t = new SymbolTable(List.of(
                new Symbol("_ZNK3FooclEi", 0x100100, 0x10, Symbol.STT_FUNC, Symbol.STB_GLOBAL, 1)), sections);
        assertEquals("Foo::operator()(int) const", t.symbols().get(0).name());
        assertEquals(0x100100, t.lookup("Foo::operator()").orElseThrow().value());
    }
}
