package org.j386.tools.image;

import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The symbols of a program that name addresses, sorted by address, for turning names into
 * addresses (breakpoints) and addresses into {@code name+0x12} (disassembly, backtraces).
 */
public final class SymbolTable {
    private static final SymbolTable EMPTY = new SymbolTable(List.of());

    /** Sorted by unsigned address; at equal addresses the preferred name for that address first. */
    private final Symbol[] byAddress;
    private final Map<String, Symbol> byName = new HashMap<>();

    public SymbolTable(List<Symbol> symbols) {
        byAddress = symbols.stream().filter(Symbol::namesAnAddress)
                .sorted(Comparator.comparing((Symbol s) -> Integer.toUnsignedLong(s.value()))
                        .thenComparing(SymbolTable::preference)
                        .thenComparing(Symbol::name))
                .toArray(Symbol[]::new);
        // The first definition of a name wins: a global over a same-named local comes from preference().
        Arrays.stream(byAddress).sorted(Comparator.comparing(SymbolTable::preference))
                .forEach(s -> byName.putIfAbsent(s.name(), s));
    }

    public static SymbolTable empty() {
        return EMPTY;
    }

    /** Lower is preferred: globals over weak over locals, then functions and objects over plain labels. */
    private static int preference(Symbol s) {
        int binding = switch (s.binding()) {
            case Symbol.STB_GLOBAL -> 0;
            case Symbol.STB_WEAK -> 1;
            default -> 2;
        };
        int type = s.type() == Symbol.STT_FUNC || s.type() == Symbol.STT_OBJECT ? 0 : 1;
        return binding * 2 + type;
    }

    public int size() {
        return byAddress.length;
    }

    public boolean isEmpty() {
        return byAddress.length == 0;
    }

    /** All symbols that name addresses, in address order. */
    public List<Symbol> symbols() {
        return List.of(byAddress);
    }

    public Optional<Symbol> lookup(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /**
     * The symbol that contains {@code address}: the nearest one at or below it, unless that one has
     * a size and the address lies beyond its end. Labels without a size (as assemblers emit them)
     * cover everything up to the next symbol.
     */
    public Optional<Symbol> symbolAt(int address) {
        long target = Integer.toUnsignedLong(address);
        int lo = 0;
        int hi = byAddress.length - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long value = Integer.toUnsignedLong(byAddress[mid].value());
            if (value <= target) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        if (found < 0) {
            return Optional.empty();
        }
        // Several symbols may share the address; the first of them is the preferred one.
        long value = Integer.toUnsignedLong(byAddress[found].value());
        while (found > 0 && Integer.toUnsignedLong(byAddress[found - 1].value()) == value) {
            found--;
        }
        Symbol s = byAddress[found];
        long size = Integer.toUnsignedLong(s.size());
        if (size != 0 && target - value >= size) {
            return Optional.empty();
        }
        return Optional.of(s);
    }

    /** {@code "name"} or {@code "name+0x12"} for the symbol containing the address, else empty. */
    public Optional<String> nameFor(int address) {
        return symbolAt(address).map(s -> {
            int offset = address - s.value();
            return offset == 0 ? s.name() : s.name() + "+0x" + Integer.toHexString(offset);
        });
    }
}
