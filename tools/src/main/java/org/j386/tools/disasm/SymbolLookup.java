package org.j386.tools.disasm;

import org.j386.tools.image.SymbolTable;

/**
 * Names for addresses, used to annotate branch targets and absolute memory operands in
 * disassembly ({@code call 0x101040 ; kmain}).
 */
@FunctionalInterface
public interface SymbolLookup {

    /** No names at all. */
    SymbolLookup NONE = address -> null;

    /** {@code "name"} or {@code "name+0x12"} for the address, or null when nothing names it. */
    String nameFor(long address);

    /** The names of an ELF symbol table (nearest symbol at or below the address). */
    static SymbolLookup of(SymbolTable table) {
        return address -> address < 0 || address > 0xFFFFFFFFL ? null : table.nameFor((int) address).orElse(null);
    }
}
