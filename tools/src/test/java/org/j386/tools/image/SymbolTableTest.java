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
}
