package org.j386.tools.image;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The symbols of a program that name addresses, sorted by address, for turning names into
 * addresses (breakpoints) and addresses into {@code name+0x12} (disassembly, backtraces).
 *
 * <p>C++ names are shown demangled ({@code PageTable::handle_fault(REGS*)}); a name can be looked
 * up mangled, demangled, or demangled without its parameter list ({@code PageTable::handle_fault}).
 *
 * <p>A symbol names an address only when it lies within the symbol's size or, for a symbol
 * without a size (an assembler's label, a linker script's {@code end}), before the next symbol
 * of the same section and inside that section: an address far past the last label of
 * {@code .bss} is not {@code end+0x2fa000}.
 */
public final class SymbolTable {
    private static final SymbolTable EMPTY = new SymbolTable(List.of());
    /** How far back {@link #symbolAt} looks for a symbol that covers an address the nearest one does not. */
    private static final int OVERLAP_SEARCH = 32;

    /**
     * What the queries read, built on first use: demangling and sorting a kernel's symbols costs a
     * boot several milliseconds, and most runs never name an address.
     */
    private final Supplier<Index> build;
    private volatile Index index;

    /**
     * @param byAddress sorted by unsigned address; at equal addresses the preferred name for that
     *                  address first; names demangled
     * @param ends      the unsigned end (exclusive) of the addresses each symbol of {@code byAddress} names
     */
    private record Index(Symbol[] byAddress, long[] ends, Map<String, Symbol> byName) {
    }

    /** Symbols whose sections are unknown: a label without a size covers everything up to the next symbol. */
    public SymbolTable(List<Symbol> symbols) {
        this(symbols, null);
    }

    /**
     * Symbols with the section headers of their file ({@code null} if unknown), which bound the
     * labels without a size.
     */
    public SymbolTable(List<Symbol> symbols, List<SectionHeader> sections) {
        List<Symbol> kept = List.copyOf(symbols);
        List<SectionHeader> bounds = sections == null ? null : List.copyOf(sections);
        this.build = () -> index(kept, bounds);
    }

    private SymbolTable(Supplier<Index> build) {
        this.build = build;
    }

    /**
     * A table read from its source only when first queried ({@code source} runs once, on the
     * querying thread): for symbols that are a bonus of a file, read for a debugger or a
     * diagnostic that may never come.
     */
    public static SymbolTable deferred(Supplier<SymbolTable> source) {
        return new SymbolTable(() -> source.get().index());
    }

    private Index index() {
        Index built = index;
        if (built == null) {
            synchronized (this) {
                built = index;
                if (built == null) {
                    built = build.get();
                    index = built;
                }
            }
        }
        return built;
    }

    private static Index index(List<Symbol> symbols, List<SectionHeader> sections) {
        List<Symbol> named = new ArrayList<>();
        Map<Symbol, String> mangled = new IdentityHashMap<>(); // C1 and C2 constructors are equal records
        for (Symbol s : symbols) {
            if (s.namesAnAddress()) {
                Symbol shown = new Symbol(Demangler.demangle(s.name()), s.value(), s.size(), s.type(), s.binding(),
                        s.sectionIndex());
                named.add(shown);
                mangled.put(shown, s.name());
            }
        }
        Symbol[] byAddress = named.stream()
                .sorted(Comparator.comparing((Symbol s) -> Integer.toUnsignedLong(s.value()))
                        .thenComparing(SymbolTable::preference)
                        .thenComparing(Symbol::name))
                .toArray(Symbol[]::new);
        long[] ends = coverage(byAddress, sections);
        // The first definition of a name wins: a global over a same-named local comes from preference().
        Symbol[] preferred = Arrays.stream(byAddress).sorted(Comparator.comparing(SymbolTable::preference))
                .toArray(Symbol[]::new);
        Map<String, Symbol> byName = new HashMap<>();
        for (Symbol s : preferred) {
            byName.putIfAbsent(s.name(), s);
            byName.putIfAbsent(mangled.get(s), s);
        }
        for (Symbol s : preferred) {
            String bare = withoutParameters(s.name());
            if (bare != null) {
                byName.putIfAbsent(bare, s);
            }
        }
        return new Index(byAddress, ends, byName);
    }

    /** {@code A::f} for {@code A::f(int) const}; null when the name has no parameter list. */
    private static String withoutParameters(String name) {
        String n = name;
        while (n.endsWith(" const") || n.endsWith(" volatile") || n.endsWith(" &")) {
            n = n.substring(0, n.lastIndexOf(' '));
        }
        if (!n.endsWith(")")) {
            return null;
        }
        // The parameter list is the last balanced (...): operator()() and lambdas have others before it.
        int depth = 0;
        for (int i = n.length() - 1; i > 0; i--) {
            char c = n.charAt(i);
            if (c == ')') {
                depth++;
            } else if (c == '(' && --depth == 0) {
                return n.substring(0, i);
            }
        }
        return null;
    }

    private static long[] coverage(Symbol[] sorted, List<SectionHeader> sections) {
        long[] ends = new long[sorted.length];
        // Walking down from the top, remember the lowest address seen so far in each section.
        Map<Integer, Long> nextInSection = new HashMap<>();
        long nextAny = 1L << 32;
        for (int i = sorted.length - 1; i >= 0; i--) {
            Symbol s = sorted[i];
            long value = Integer.toUnsignedLong(s.value());
            long size = Integer.toUnsignedLong(s.size());
            if (size != 0) {
                ends[i] = value + size;
            } else if (sections == null) {
                ends[i] = nextDistinct(sorted, i, nextAny);
            } else {
                long end = nextInSection.getOrDefault(s.sectionIndex(), value + 1);
                SectionHeader home = s.sectionIndex() > 0 && s.sectionIndex() < sections.size()
                        ? sections.get(s.sectionIndex()) : null;
                if (home != null && (home.flags() & SectionHeader.SHF_ALLOC) != 0) {
                    long sectionEnd = Integer.toUnsignedLong(home.addr()) + Integer.toUnsignedLong(home.size());
                    end = nextInSection.containsKey(s.sectionIndex()) ? Math.min(end, sectionEnd) : sectionEnd;
                }
                ends[i] = Math.max(end, value + 1);
            }
            if (i == 0 || Integer.toUnsignedLong(sorted[i - 1].value()) != value) {
                nextAny = value;
            }
            nextInSection.merge(s.sectionIndex(), value, Math::min);
        }
        return ends;
    }

    /** The next address above {@code sorted[i]}'s at which another symbol starts, or {@code fallback}. */
    private static long nextDistinct(Symbol[] sorted, int i, long fallback) {
        long value = Integer.toUnsignedLong(sorted[i].value());
        for (int j = i + 1; j < sorted.length; j++) {
            long v = Integer.toUnsignedLong(sorted[j].value());
            if (v != value) {
                return v;
            }
        }
        return fallback;
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
        return index().byAddress().length;
    }

    public boolean isEmpty() {
        return size() == 0;
    }

    /** All symbols that name addresses, in address order. */
    public List<Symbol> symbols() {
        return List.of(index().byAddress());
    }

    public Optional<Symbol> lookup(String name) {
        return Optional.ofNullable(index().byName().get(name));
    }

    /**
     * The symbol that names {@code address}: the preferred one of the nearest symbols at or below
     * it whose extent (its size, or up to the next symbol of its section) contains it.
     */
    public Optional<Symbol> symbolAt(int address) {
        Index at = index();
        Symbol[] byAddress = at.byAddress();
        long[] ends = at.ends();
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
        // Several symbols may share an address; the first of them is the preferred one.
        long value = Integer.toUnsignedLong(byAddress[found].value());
        while (found > 0 && Integer.toUnsignedLong(byAddress[found - 1].value()) == value) {
            found--;
        }
        int last = found;
        while (last + 1 < byAddress.length && Integer.toUnsignedLong(byAddress[last + 1].value()) == value) {
            last++;
        }
        for (int i = found; i <= last; i++) {
            if (target < ends[i]) {
                return Optional.of(byAddress[i]);
            }
        }
        // A sized symbol may enclose a shorter one that ends before the address.
        for (int i = found - 1; i >= 0 && i >= found - OVERLAP_SEARCH; i--) {
            if (target < ends[i]) {
                return Optional.of(byAddress[i]);
            }
        }
        return Optional.empty();
    }

    /** {@code "name"} or {@code "name+0x12"} for the symbol containing the address, else empty. */
    public Optional<String> nameFor(int address) {
        return symbolAt(address).map(s -> {
            int offset = address - s.value();
            return offset == 0 ? s.name() : s.name() + "+0x" + Integer.toHexString(offset);
        });
    }
}
