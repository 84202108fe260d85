package org.j386.tools.asm;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.j386.tools.isa.InstructionTable;
import org.j386.tools.isa.Register;

/**
 * The NASM-dialect assembler: preprocess, parse each line once, then lay out in passes until
 * every label keeps its address (jumps start long and become short once their targets are
 * known to be near), and write the sections through an {@link OutputFormat}.
 */
public final class Assembler {
    private static final int MAX_PASSES = 40;
    /** The most bytes a section with contents may hold (an image far larger than any kernel's). */
    static final long MAX_CONTENTS = 64L << 20;
    /** The most a section without contents may reserve: the 32-bit address space. */
    static final long MAX_NOBITS = 1L << 32;

    /**
     * Include folders ({@code -I}), the output format, macros defined before the first line
     * ({@code -D NAME=VALUE}; an empty value for {@code -D NAME}) and NASM's warning options in
     * order ({@code +zeroing}, {@code -number-overflow}, {@code +error=user}, ... as after {@code -w}).
     */
    public record Options(List<Path> includePaths, OutputFormat format, Map<String, String> defines,
                          List<String> warnings, boolean listing) {
        public Options {
            includePaths = List.copyOf(includePaths);
            defines = Map.copyOf(defines);
            warnings = List.copyOf(warnings);
        }

        public Options(List<Path> includePaths, OutputFormat format, Map<String, String> defines,
                       List<String> warnings) {
            this(includePaths, format, defines, warnings, false);
        }

        public Options(List<Path> includePaths, OutputFormat format, Map<String, String> defines) {
            this(includePaths, format, defines, List.of());
        }

        /** The same options, also making {@link Result#listing} (which costs memory on large expansions). */
        public Options withListing() {
            return new Options(includePaths, format, defines, warnings, true);
        }

        public Options(List<Path> includePaths, OutputFormat format) {
            this(includePaths, format, Map.of());
        }

        public static Options defaults() {
            return new Options(List.of(), new BinFormat());
        }
    }

    /**
     * What an assembly produced. {@code output} is null when there were errors.
     * {@code listing} is NASM's listing when {@link Options#withListing} asked for it, else empty;
     * {@code dependencies} are the files %include and INCBIN read, as found.
     */
    public record Result(byte[] output, List<Diagnostic> diagnostics, Map<String, Long> symbols, String listing,
                         List<Path> dependencies) {
        public Result {
            diagnostics = List.copyOf(diagnostics);
            dependencies = List.copyOf(dependencies);
        }

        public boolean ok() {
            return output != null;
        }

        public List<Diagnostic> errors() {
            return diagnostics.stream().filter(Diagnostic::isError).toList();
        }
    }

    private final InstructionTable table = InstructionTable.standard();
    private final Encoder encoder = new Encoder(table);
    private final Options options;
    private final Diagnostics diagnostics;
    private final List<Path> dependencies = new ArrayList<>();

    /** @throws IllegalArgumentException for a warning option NASM would refuse */
    private Assembler(Options options) {
        this.options = options;
        this.diagnostics = new Diagnostics(options.warnings());
    }

    private Result result(byte[] output, Map<String, Long> symbols, String listing) {
        return new Result(output, diagnostics.all(), symbols, listing, dependencies);
    }

    /** Assembles the file at {@code source}. */
    public static Result assemble(Path source, Options options) {
        Assembler a = new Assembler(options);
        String text;
        try {
            text = new String(InputFiles.read(source, source.toString(), "input file", 0, -1, InputFiles.MAX_SOURCE),
                StandardCharsets.ISO_8859_1);
        } catch (AsmException e) {
            a.diagnostics.error(new SourceLine(source.toString(), 0, ""), e.getMessage());
            return a.result(null, Map.of(), "");
        }
        return a.run(source.toString(), text, source.toAbsolutePath().getParent());
    }

    /** Assembles {@code text} as if read from a file called {@code name} in {@code folder}. */
    public static Result assemble(String name, String text, Path folder, Options options) {
        return new Assembler(options).run(name, text, folder);
    }

    // ------------------------------------------------------------------ passes

    private List<Syntax.Line> lines;
    private Preprocessor pp;
    /** The listing entry of each output line (its warnings are shown under it). */
    private Preprocessor.Listed[] listedLines = new Preprocessor.Listed[0];
    private Path folder;

    // state of the current pass
    private boolean finalPass;
    private int bits;
    private long origin;
    private boolean originSet;
    private List<Section> sections;
    private List<Section> lastPassSections = List.of();
    private Section current;
    private Map<String, Value> defined;
    private Map<String, Value> previous = new HashMap<>();
    private Map<String, Long> previousStarts = new HashMap<>();
    private SourceLine at;
    private long lineStart;
    private Listing listing;
    // STRUC and ISTRUC state
    private String strucName;
    private long strucOffset;
    private Section strucSaved;
    private String istrucName;
    private long istrucStart;
    private final Set<String> globals = new LinkedHashSet<>();
    /** EXTERN and COMMON names in the order first declared; a value's EXTERNAL number indexes this. */
    private final Map<String, Integer> externals = new LinkedHashMap<>();
    /** COMMON names with their size and alignment, as the current pass evaluated them. */
    private final Map<String, long[]> commons = new HashMap<>();
    /** Every label definition and EXTERN or COMMON declaration of the pass, in order. */
    private List<String> symbolOrder;
    private final Map<String, SourceLine> definedAt = new HashMap<>();
    /** Instructions (by their order in a pass) whose branch has grown from short to near. */
    /*
     * Branches that had to grow to their near form, by site: the source line (after
     * preprocessing) and the instruction's occurrence on that line (TIMES repeats one). Keyed by
     * line rather than by a running count so that a line that assembles nothing in one pass (an
     * operand not yet resolvable) cannot shift the marks onto other branches.
     */
    /**
     * Passes in which branch sizes may still shrink back; after them a branch that grew stays
     * grown, which guarantees that the sizes settle.
     */
    private static final int RESIZING_PASSES = 8;
    private final Set<Long> longBranches = new java.util.HashSet<>();
    private int lineIndex;
    private int occurrenceOnLine;
    private final Map<String, SourceLine> globalAt = new HashMap<>();

    private Result run(String name, String text, Path folder) {
        this.folder = folder;
        pp = new Preprocessor(diagnostics, options.includePaths(), folder);
        pp.listingWanted = options.listing();
        options.defines().forEach(pp::predefine);
        List<SourceLine> source = pp.process(name, text);
        listedLines = new Preprocessor.Listed[source.size()];
        for (Preprocessor.Listed l : pp.listed) {
            for (int index : l.outputs) {
                listedLines[index] = l;
            }
        }
        dependencies.addAll(pp.included);
        if (pp.ranAway()) {
            return result(null, Map.of(), "");
        }
        Parser parser = new Parser(table);
        lines = new ArrayList<>(source.size());
        for (SourceLine sl : source) {
            try {
                lines.add(parser.parse(sl));
            } catch (AsmException e) {
                lines.add(new Syntax.Line(sl, null, new Syntax.Invalid(e.getMessage())));
            }
        }
        // Pass 1 learns the labels. Every later pass reports errors as if it were the last; when
        // it leaves every label where it found it, it was the last, else its messages are dropped.
        for (int pass = 1; ; pass++) {
            finalPass = pass > 1;
            int mark = diagnostics.mark();
            Set<Long> longBefore = new java.util.HashSet<>(longBranches);
            if (pass <= RESIZING_PASSES) {
                // Size every branch afresh from the last pass's labels: code that shrank since
                // (an operand resolved to a short form) must not leave a branch long for good.
                longBranches.clear();
            }
            pass();
            boolean stable = defined.equals(previous) && startsOf().equals(previousStarts)
                && longBranches.equals(longBefore);
            if (finalPass && stable) {
                break;
            }
            if (pass >= MAX_PASSES) {
                String moving = defined.keySet().stream()
                    .filter(k -> !defined.get(k).equals(previous.get(k))).findFirst().orElse(null);
                diagnostics.error(moving != null ? definedAt.get(moving) : lines.isEmpty() ? new SourceLine(name, 1, "")
                    : lines.get(lines.size() - 1).source(),
                    "unable to find valid values for all labels after " + pass + " passes"
                    + (moving != null ? " (`" + moving + "' keeps moving)" : ""));
                break;
            }
            diagnostics.rollback(mark);
            previous = defined;
            previousStarts = startsOf();
        }
        Map<String, Long> symbols = new LinkedHashMap<>();
        defined.forEach((k, v) -> symbols.put(k, v.value()));
        if (!options.format().relocatable()) {
            Section overlapping = BinFormat.overlapping(sections);
            if (overlapping != null) {
                diagnostics.error(overlapping.definedAt, "section `" + overlapping.name
                    + "' overlaps the section before it");
            }
            checkExtent();
        }
        if (diagnostics.hasErrors()) {
            return result(null, symbols, listing.render(pp.listed));
        }
        List<Label> labels = new ArrayList<>();
        for (String k : symbolOrder) {
            Value v = defined.get(k);
            if (v != null) {
                labels.add(new Label(k, v.value(), v.section(), globals.contains(k)));
            } else if (commons.containsKey(k)) {
                long[] c = commons.get(k);
                labels.add(new Label(k, c[1], Value.EXTERNAL + externals.get(k), true, Label.Kind.COMMON, c[0]));
            } else {
                labels.add(new Label(k, 0, Value.EXTERNAL + externals.get(k), true, Label.Kind.EXTERN, 0));
            }
        }
        for (String g : globals) {
            if (!defined.containsKey(g)) {
                diagnostics.warning(globalAt.get(g), "symbol `" + g + "' declared global but not defined");
            }
        }
        byte[] out = options.format().write(name, sections, origin, labels);
        return result(out, symbols, listing.render(pp.listed));
    }

    private Map<String, Long> startsOf() {
        Map<String, Long> m = new HashMap<>();
        for (Section s : sections) {
            m.put(s.name, s.start);
        }
        return m;
    }

    private void pass() {
        bits = 16;
        lineIndex = -1;
        origin = options.format().defaultOrigin();
        originSet = false;
        if (sections != null) {
            lastPassSections = sections;
        }
        sections = new ArrayList<>();
        current = section(".text", 0, null);
        defined = new LinkedHashMap<>();
        symbolOrder = new ArrayList<>();
        uses = 0;
        listing = new Listing();
        strucName = null;
        istrucName = null;
        for (Syntax.Line line : lines) {
            lineIndex++;
            occurrenceOnLine = 0;
            at = line.source();
            lineStart = here();
            if (finalPass && options.listing()) {
                listing.startLine(lineIndex);
            }
            try {
                if (line.label() != null && !(line.statement() instanceof Syntax.Equ)) {
                    define(line.label(), strucName != null ? Value.of(strucOffset) : herePlaced());
                }
                execute(line.statement(), line.label());
            } catch (AsmException e) {
                if (finalPass) {
                    diagnostics.error(at, e.getMessage());
                }
            }
        }
        if (strucName != null && finalPass) {
            diagnostics.error(at, "unterminated STRUC `" + strucName + "'");
        }
        options.format().place(sections, origin);
    }


    private Section section(String name, long align, Boolean nobits) {
        for (Section s : sections) {
            if (s.name.equals(name)) {
                if (align > s.align) {
                    s.align = align;
                }
                return s;
            }
        }
        boolean nb = nobits != null ? nobits
            : options.format().relocatable() ? ElfObjectFormat.nobitsByName(name) : name.equals(".bss");
        Section s = new Section(name, sections.size(), nb, align);
        s.definedAt = at;
        Long prev = previousStarts.get(name);
        s.start = prev != null ? prev : name.equals(".text") && sections.isEmpty() ? origin : 0;
        sections.add(s);
        return s;
    }

    /** Where section {@code index} starts: a later section is placed as the last pass placed it. */
    private long sectionStart(int index) {
        if (index < sections.size()) {
            return sections.get(index).start;
        }
        return index < lastPassSections.size() ? lastPassSections.get(index).start : 0;
    }

    /** Offset within the current section (or STRUC). */
    private long here() {
        return strucName != null ? strucOffset : current.size();
    }

    /** {@code $}: the placed address, depending on where the section lands. */
    private Value herePlaced() {
        if (strucName != null) {
            return Value.of(strucOffset);
        }
        return new Value(current.start + current.size(), current.index, true);
    }

    private int uses;

    private void use(Section s) {
        if (s.firstUse < 0) {
            s.firstUse = uses++;
        }
    }

    private void define(String name, Value v) {
        if (v.section() == current.index && strucName == null) {
            use(current);
        }
        if (defined.containsKey(name)) {
            throw new AsmException("label `" + name + "' inconsistently redefined");
        }
        defined.put(name, v);
        symbolOrder.add(name);
        definedAt.putIfAbsent(name, at);
    }

    private final Expr.Scope scope = new Expr.Scope() {
        @Override
        public Value symbol(String name) {
            Value v = defined.get(name);
            if (v == null) {
                v = previous.get(name);
            }
            if (v == null && externals.containsKey(name) && options.format().relocatable()) {
                return new Value(0, Value.EXTERNAL + externals.get(name), true);
            }
            if (v == null) {
                if (finalPass) {
                    throw new AsmException("symbol `" + name + "' not defined" + (externals.containsKey(name)
                        ? " (it is EXTERN, which only an object file (-f elf32) can leave to the linker)" : ""));
                }
                return Value.UNKNOWN;
            }
            return v;
        }

        @Override
        public Value here() {
            if (strucName != null) {
                return Value.of(lineStart);
            }
            return new Value(current.start + lineStart, current.index, true);
        }

        @Override
        public Value sectionStart() {
            if (strucName != null) {
                return Value.of(0);
            }
            return new Value(current.start, current.index, true);
        }
    };

    private void warn(String message) {
        if (finalPass) {
            String warningClass = Diagnostics.classOf(message);
            Diagnostic d = diagnostics.warning(at, message, warningClass);
            if (d != null && lineIndex < listedLines.length && listedLines[lineIndex] != null) {
                List<String> messages = listedLines[lineIndex].messages;
                String shown = Diagnostics.listed(d, warningClass);
                if (!messages.contains(shown)) {
                    messages.add(shown);
                }
            }
        }
    }

    // ------------------------------------------------------------------ statements

    private void execute(Syntax.Statement st, String label) {
        if (st instanceof Syntax.Instruction i) {
            instruction(i);
        } else if (st instanceof Syntax.Data d) {
            data(d);
        } else if (st instanceof Syntax.Reserve r) {
            reserve(count(r.count(), "RES" + "BWDQ".charAt(Integer.numberOfTrailingZeros(r.width())), MAX_NOBITS)
                * r.width());
        } else if (st instanceof Syntax.Times t) {
            long n = count(t.count(), "TIMES", MAX_CONTENTS);
            repeated(n, () -> execute(t.body(), label));
        } else if (st instanceof Syntax.Align a) {
            align(a);
        } else if (st instanceof Syntax.Equ e) {
            define(label, Expr.eval(e.value(), scope));
        } else if (st instanceof Syntax.Bits b) {
            bits = b.bits();
        } else if (st instanceof Syntax.Org o) {
            Value v = Expr.eval(o.origin(), scope);
            if (originSet && v.value() != origin) {
                throw new AsmException("program origin redefined");
            }
            origin = v.value();
            originSet = true;
            if (!previousStarts.containsKey(sections.get(0).name)) {
                sections.get(0).start = origin; // until the layout of a pass says where it goes
            }
        } else if (st instanceof Syntax.Section s) {
            current = section(s.name(), s.align(), s.nobits());
            use(current);
            current.alignGiven |= s.align() != 0;
            current.flags.addAll(s.flags());
            if (s.start() >= 0) {
                if (current.fixedStart >= 0 && current.fixedStart != s.start()) {
                    throw new AsmException("section `" + s.name() + "' given two different start addresses");
                }
                current.fixedStart = s.start();
            }
        } else if (st instanceof Syntax.Invalid inv) {
            throw new AsmException(inv.message());
        } else if (st instanceof Syntax.Suspicious sus) {
            warn(sus.message());
        } else if (st instanceof Syntax.Extern x) {
            for (String n : x.names()) {
                declareExternal(n);
            }
        } else if (st instanceof Syntax.Common c) {
            Value size = Expr.eval(c.size(), scope);
            Value align = c.align() == null ? Value.of(0) : Expr.eval(c.align(), scope);
            if (!size.simple() || !align.simple()) {
                throw new AsmException("COMMON size and alignment must be constants");
            }
            commons.put(c.name(), new long[] {size.value(), align.value()});
            declareExternal(c.name());
        } else if (st instanceof Syntax.Global g) {
            for (String name : g.names()) {
                globals.add(name);
                globalAt.putIfAbsent(name, at);
            }
        } else if (st instanceof Syntax.Incbin inc) {
            incbin(inc);
        } else if (st instanceof Syntax.Struc s) {
            if (strucName != null) {
                throw new AsmException("nested STRUC");
            }
            define(s.name(), Value.of(0));
            strucName = s.name();
            strucOffset = 0;
        } else if (st instanceof Syntax.EndStruc) {
            if (strucName == null) {
                throw new AsmException("ENDSTRUC without STRUC");
            }
            String n = strucName;
            strucName = null;
            define(n + "_size", Value.of(strucOffset));
        } else if (st instanceof Syntax.Istruc is) {
            istrucName = is.name();
            istrucStart = here();
        } else if (st instanceof Syntax.At a) {
            if (istrucName == null) {
                throw new AsmException("AT outside ISTRUC");
            }
            Value field = Expr.eval(a.field(), scope);
            padTo(istrucStart + field.value());
            execute(a.data(), label);
        } else if (st instanceof Syntax.Iend) {
            if (istrucName == null) {
                throw new AsmException("IEND without ISTRUC");
            }
            Value size = scope.symbol(istrucName + "_size");
            padTo(istrucStart + size.value());
            istrucName = null;
        }
    }

    /** Runs {@code round} n times, listed as NASM lists TIMES: the first round and the count. */
    private void repeated(long n, Runnable round) {
        long at = here();
        for (long k = 0; k < n; k++) {
            if (k == 1) {
                listing.suppress();
            }
            round.run();
        }
        if (n > 1) {
            listing.marker(at, "rep", n);
            listing.resume();
        }
    }

    /** Zeros up to a field of ISTRUC: NASM's AT and IEND are TIMES n DB 0, and are listed so. */
    private void padTo(long offset) {
        long n = offset - here();
        if (n < 0) {
            throw new AsmException("ISTRUC fields out of order");
        }
        repeated(n, () -> write(new byte[] {0}));
    }

    private long count(Expr e, String what, long max) {
        Value v = Expr.eval(e, scope);
        if (!v.known()) {
            return 0;
        }
        if (v.value() < 0) {
            throw new AsmException(what + " value " + v.value() + " is negative");
        }
        if (v.value() > max) {
            throw new AsmException(what + " value " + v.value() + " is too large");
        }
        return v.value();
    }

    private void declareExternal(String name) {
        externals.putIfAbsent(name, externals.size());
        if (!defined.containsKey(name) && !symbolOrder.contains(name)) {
            symbolOrder.add(name);
        }
    }

    /** Writes the bytes and, for an object file, keeps their fields that need relocating. */
    private void write(Code c) {
        if (options.format().relocatable() && strucName == null && !current.nobits) {
            for (Code.Fixup f : c.fixups) {
                int minus = f.target().minus();
                if (f.target().section() == Value.COMPLEX || minus != Value.ABSOLUTE && minus != current.index) {
                    throw new AsmException("expression is not simple or relocatable");
                }
                if (minus != Value.ABSOLUTE) {
                    // sym - label: PC-relative, with the field's distance from the label in the addend
                    c.add(f.offset(), f.bytes(), current.size() + f.offset());
                    f = new Code.Fixup(f.offset(), f.bytes(), f.target(), true);
                }
                current.fixups.add(f.at(current.size()));
            }
        }
        if (strucName == null && !current.nobits) {
            listing.code(current.size(), c, this::sectionStart);
            listing.suppress(); // listed with its addresses
            write(c.toByteArray());
            listing.resume();
            return;
        }
        write(c.toByteArray());
    }

    private void write(byte[] b) {
        if (strucName != null) {
            throw new AsmException("only RESB/RESW/RESD/RESQ belong inside STRUC");
        }
        if (current.nobits) {
            // worded as NASM's output formats word it
            warn(options.format().relocatable() ? "attempt to initialize memory in BSS section `" + current.name
                + "': ignored" : "attempt to initialize memory in a nobits section: ignored");
            listing.bytes(here(), b);
            listing.suppress();
            try {
                reserve(b.length);
            } finally {
                listing.resume();
            }
            return;
        }
        room(b.length);
        listing.bytes(current.size(), b);
        current.bytes.write(b, 0, b.length);
    }

    /**
     * Sections placed (by {@code start=}) where no 32-bit image can hold them: past 4 GiB, or so
     * far from ORG that the flat file, zeros between sections included, would exceed
     * {@link #MAX_CONTENTS}. Each is an error at its SECTION line, before any byte is written.
     */
    private void checkExtent() {
        for (Section s : BinFormat.byAddress(sections)) {
            if (s.start + s.size() > 1L << 32) {
                diagnostics.error(s.definedAt, String.format("section `%s' at 0x%x would end beyond 4 GiB", s.name,
                    s.start));
                return;
            }
            if (options.format() instanceof BinFormat && s.start + s.size() - origin > MAX_CONTENTS) {
                diagnostics.error(s.definedAt, String.format("section `%s' at 0x%x would make the flat image longer"
                    + " than %d MiB from ORG 0x%x", s.name, s.start, MAX_CONTENTS >> 20, origin));
                return;
            }
        }
    }

    /** Refuses to grow the current section past what a 32-bit image can hold in memory. */
    private void room(long n) {
        long limit = current.nobits ? MAX_NOBITS : MAX_CONTENTS;
        if (n > limit - current.size()) {
            throw new AsmException("section `" + current.name + "' would be larger than "
                + (limit >> 20) + " MiB");
        }
    }

    private void reserve(long n) {
        listing.reserved(here(), n);
        if (strucName != null) {
            strucOffset += n;
            return;
        }
        listing.suppress();
        try {
            reserveListed(n);
        } finally {
            listing.resume();
        }
    }

    private void reserveListed(long n) {
        if (current.nobits) {
            room(n);
            current.reserved += n;
        } else {
            warn(options.format().relocatable() ? "uninitialized space declared in non-BSS section `" + current.name
                + "': zeroing" : "uninitialized space declared in " + current.name + " section: zeroing");
            room(n);
            current.bytes.write(new byte[(int) n], 0, (int) n);
        }
    }

    private void instruction(Syntax.Instruction i) {
        Encoder.Prefixes prefixes = new Encoder.Prefixes(i.prefixes());
        if (i.mnemonic() == null) {
            java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
            for (String p : i.prefixes()) {
                switch (p) {
                    case "lock": b.write(0xF0); break;
                    case "rep": case "repe": case "repz": b.write(0xF3); break;
                    case "repne": case "repnz": b.write(0xF2); break;
                    case "o16": case "o32": if (!p.endsWith(String.valueOf(bits))) b.write(0x66); break;
                    case "es": case "cs": case "ss": case "ds": case "fs": case "gs":
                        b.write(Encoder.segmentPrefix(Register.byName(p)));
                        break;
                    default: if (!p.endsWith(String.valueOf(bits))) b.write(0x67); break;
                }
            }
            write(b.toByteArray());
            return;
        }
        List<Encoder.Op> ops = new ArrayList<>(i.operands().size());
        for (Syntax.Operand o : i.operands()) {
            ops.add(Encoder.evaluate(o, scope));
        }
        Value start = scope.here();
        Long site = ((long) lineIndex << 32) | occurrenceOnLine++;
        write(encoder.encode(i.mnemonic(), prefixes, ops,
            new Encoder.Context(bits, start.value(), finalPass, this::warn, longBranches.contains(site),
                () -> longBranches.add(site), current.index, options.format().relocatable())));
    }

    private void data(Syntax.Data d) {
        Code b = new Code();
        for (Object item : d.items()) {
            if (item instanceof byte[] s) {
                b.write(s, 0, s.length);
                int pad = (d.width() - s.length % d.width()) % d.width();
                for (int k = 0; k < pad; k++) {
                    b.write(0);
                }
            } else {
                Value v = Expr.eval((Expr) item, scope);
                if (finalPass) {
                    Encoder.checkRange(v, d.width(), this::warn);
                }
                b.field(v, d.width());
            }
        }
        write(b);
    }

    private void align(Syntax.Align a) {
        Value v = Expr.eval(a.boundary(), scope);
        long n = v.value();
        if (!v.simple() || n <= 0 || (n & (n - 1)) != 0) {
            throw new AsmException("alignment must be a power of two");
        }
        if (n > 1L << 28) {
            throw new AsmException("absurdly large alignment " + n);
        }
        long pad = (n - here() % n) % n;
        if (strucName == null && n > current.align) {
            current.align = n; // NASM's ALIGN and ALIGNB also raise the section's alignment
        }
        if (pad == 0) {
            return;
        }
        if (a.reserve()) {
            if (strucName == null && !current.nobits) {
                listing.reserved(here(), pad);
                listing.suppress();
                try {
                    write(new byte[(int) Math.min(pad, MAX_CONTENTS + 1)]); // ALIGNB with contents: quiet zeros
                } finally {
                    listing.resume();
                }
            } else {
                reserve(pad);
            }
            return;
        }
        if (a.fill() == null) {
            // NASM's ALIGN is TIMES n NOP, and is listed so
            byte[] nops = new byte[(int) Math.min(pad, MAX_CONTENTS + 1)];
            java.util.Arrays.fill(nops, (byte) 0x90);
            long at = here();
            write(java.util.Arrays.copyOf(nops, 1));
            if (pad > 1) {
                listing.suppress();
                write(java.util.Arrays.copyOfRange(nops, 1, nops.length));
                listing.marker(at, "rep", pad);
                listing.resume();
            }
            return;
        }
        repeated(pad, () -> execute(a.fill(), null));
    }

    private void incbin(Syntax.Incbin inc) {
        long skip = inc.skip() == null ? 0 : Expr.eval(inc.skip(), scope).value();
        long len = inc.length() == null ? -1 : Math.max(0, Expr.eval(inc.length(), scope).value());
        long room = (current.nobits ? MAX_NOBITS : MAX_CONTENTS) - current.size();
        // Only the slice wanted is read, and never more than the section can still take.
        Path file = resolveFile(inc.file());
        byte[] contents = InputFiles.read(file, inc.file(), "`incbin' file", skip, len, room);
        listing.marker(here(), "bin", contents.length);
        listing.suppress();
        try {
            write(contents);
        } finally {
            listing.resume();
        }
        if (!dependencies.contains(file)) {
            dependencies.add(file);
        }
    }

    private Path resolveFile(String name) {
        Path direct = folder == null ? Path.of(name) : folder.resolve(name);
        if (Files.exists(direct)) {
            return direct;
        }
        for (Path dir : options.includePaths()) {
            if (Files.exists(dir.resolve(name))) {
                return dir.resolve(name);
            }
        }
        return direct;
    }
}
