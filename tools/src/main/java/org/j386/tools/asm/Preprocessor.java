package org.j386.tools.asm;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The subset of NASM's preprocessor a kernel source uses: %include, %define/%undef (with
 * parameters), %assign, %macro with parameters, defaults and %%local labels, %rep, %if family,
 * %error/%warning. It runs once, before the passes, and hands on lines that remember their origin.
 */
final class Preprocessor {
    private static final int MAX_DEPTH = 64;
    /** More lines than any real source expands to; a runaway %rep stops here with a message. */
    private static final int MAX_LINES = 1_000_000;
    /**
     * The expansion budget: lines looked at, counting every line of every macro expansion, %rep
     * round and include at every depth (so it bounds depth × count). A macro that calls itself
     * twice would need 2^64 of them; real sources need a few per output line.
     */
    static final long MAX_WORK = 20_000_000;
    /** The most characters the expanded source (its lines and its macros' bodies) may hold. */
    static final long MAX_TEXT = 64L << 20;
    /** The longest line single-line macros may expand to. */
    static final int MAX_LINE_LENGTH = 1 << 20;
    private static final java.util.regex.Pattern PASTE = java.util.regex.Pattern.compile("\\s*%\\+\\s*");

    /** A single-line macro; {@code params} is null for the form without parentheses. */
    private record Define(List<String> params, String body) { }

    /** A multi-line macro. */
    private record Macro(String name, int min, int max, boolean greedy, List<String> defaults, List<SourceLine> body) { }

    /** One level of %if nesting. */
    private static final class Cond {
        final boolean parentActive;
        boolean active;
        boolean taken;
        final SourceLine opened;

        Cond(boolean parentActive, boolean active, SourceLine opened) {
            this.parentActive = parentActive;
            this.active = parentActive && active;
            this.taken = active;
            this.opened = opened;
        }
    }

    private final Diagnostics diagnostics;
    private final List<Path> includePaths;
    /** Every file %include read, as found, for a Makefile's dependencies. */
    final List<Path> included = new ArrayList<>();
    private final Map<String, Define> defines = new HashMap<>();
    /**
     * EQU constants the source has defined so far with values the preprocessor can work out: as
     * in NASM, %if and %assign may use them.
     */
    private final Map<String, Long> constants = new HashMap<>();
    private static final java.util.regex.Pattern EQU = java.util.regex.Pattern.compile(
        "\\s*([A-Za-z_?][A-Za-z0-9_$#@~.?]*)\\s*:?\\s+(?i:equ)\\s+(.*)");
    private final Map<String, List<Macro>> macros = new HashMap<>();
    private final List<SourceLine> out = new ArrayList<>();
    private int uniqueId;
    /** Set once the expansion has run away: everything after is skipped. */
    private boolean tooLong;
    private int depth;
    /** Lines looked at so far, against {@link #MAX_WORK}. */
    private long work;
    /** Characters of expanded text so far, against {@link #MAX_TEXT}. */
    private long text;

    Preprocessor(Diagnostics diagnostics, List<Path> includePaths, Path folder) {
        this.diagnostics = diagnostics;
        this.includePaths = new ArrayList<>();
        if (folder != null) {
            this.includePaths.add(folder);
        }
        this.includePaths.addAll(includePaths);
    }

    /** Defines {@code name} as {@code value} before the source, as {@code -D name=value} does. */
    void predefine(String name, String value) {
        defines.put(name, new Define(null, value));
    }

    /** Whether the expansion ran away (and was cut short with an error). */
    boolean ranAway() {
        return tooLong;
    }

    List<SourceLine> process(String name, String text) {
        run(split(name, text), null, null);
        return out;
    }

    private static List<SourceLine> split(String name, String text) {
        String[] raw = text.split("\r?\n", -1);
        List<SourceLine> lines = new ArrayList<>(raw.length);
        int n = raw.length;
        if (n > 0 && raw[n - 1].isEmpty()) {
            n--;
        }
        for (int i = 0; i < n; i++) {
            lines.add(new SourceLine(name, i + 1, raw[i]));
        }
        return lines;
    }

    /**
     * The parameters of one macro expansion. Its body's lines take them as they are processed,
     * so that %rotate changes what the lines after it see.
     */
    private static final class Frame {
        final List<String> args;
        final int id;

        Frame(List<String> args, int id) {
            this.args = args;
            this.id = id;
        }
    }

    /** A context of %push, with its number for %$ names. */
    private record Context(String name, int id) { }

    private final Deque<Context> contexts = new ArrayDeque<>();

    /**
     * A line of the listing as NASM writes it: every line the preprocessor looked at, with its
     * line number, its depth in includes and expansions, its text (as written, or for a macro or
     * %rep expansion without comment and with blanks collapsed) and the output lines it became.
     */
    static final class Listed {
        final int line;
        final int level;
        String text;
        final List<Integer> outputs = new ArrayList<>(1);
        /** Warnings about the line, as the listing shows them under it. */
        final List<String> messages = new ArrayList<>(0);

        Listed(int line, int level, String text) {
            this.line = line;
            this.level = level;
            this.text = text;
        }
    }

    final List<Listed> listed = new ArrayList<>();
    /** Whether to keep {@link #listed} (only a listing needs it). */
    boolean listingWanted;
    /** The entry of the line being processed: the lines it emits are its outputs. */
    private Listed listing;

    /**
     * Processes a block of lines: a file, a %rep body or a macro expansion; {@code frame} holds
     * the parameters of the macro expansion the lines belong to (null outside macros).
     */
    private void run(List<SourceLine> lines, Frame frame, int[] numbers) {
        run(lines, frame, numbers, frame != null);
    }

    /**
     * {@code numbers}, when not null, are the line numbers the listing gives the lines (a macro's
     * body lines carry the call's line for messages); {@code expansion} says that the lines come
     * from a macro or %rep rather than from a file.
     */
    private void run(List<SourceLine> lines, Frame frame, int[] numbers, boolean expansion) {
        if (tooLong) {
            return;
        }
        Listed caller = listing;
        try {
            runListed(lines, frame, numbers, expansion);
        } finally {
            listing = caller;
        }
    }

    private void runListed(List<SourceLine> lines, Frame frame, int[] numbers, boolean expansion) {
        if (++depth > MAX_DEPTH) {
            depth--;
            // Fatal: a macro that calls itself more than once would otherwise go on for 2^64 lines.
            ranAway(lines.isEmpty() ? new SourceLine("?", 0, "") : lines.get(0), "macro or include nesting too deep");
            return;
        }
        Deque<Cond> conds = new ArrayDeque<>();
        int i = 0;
        while (i < lines.size() && !tooLong) {
            SourceLine line = lines.get(i);
            if (listingWanted && listed.size() >= MAX_LINES) {
                // the expansion may look at 20 times more lines than it keeps: the listing stops here
                listingWanted = false;
                listed.add(new Listed(line.line(), depth - 1, "; the listing stops here: more than " + MAX_LINES
                    + " lines"));
            }
            listing = listingWanted ? new Listed(numbers != null ? numbers[i] : line.line(), depth - 1,
                expansion ? collapse(line.text()) : line.text()) : null;
            if (listing != null) {
                listed.add(listing);
            }
            if (++work > MAX_WORK) {
                ranAway(line, "macro expansion ran away: more than " + MAX_WORK
                    + " lines expanded (a macro that calls itself?)");
                break;
            }
            boolean active = conds.isEmpty() || conds.peek().active;
            try {
                if (frame != null || line.text().contains("%$")) {
                    String t = line.text();
                    if (frame != null) {
                        t = substitute(t, frame.args, frame.id);
                        grow(t.length());
                    }
                    line = new SourceLine(line.file(), line.line(), active ? contextLocal(t) : t);
                }
                String text = line.text().strip();
                if (text.startsWith("%")) {
                    String word = directiveWord(text);
                    String rest = text.substring(word.length()).strip();
                    String conditional = conditional(word);
                    switch (conditional) {
                        case "%if": {
                            boolean v;
                            try {
                                v = active && condition(word, rest);
                            } catch (AsmException e) {
                                // the block is still open, so its %endif matches: only one error
                                conds.push(new Cond(active, false, line));
                                throw e;
                            }
                            conds.push(new Cond(active, v, line));
                            i++;
                            continue;
                        }
                        case "%elif": {
                            Cond c = top(conds, word);
                            boolean v = c.parentActive && !c.taken && condition(word.replace("%elif", "%if"), rest);
                            c.active = v;
                            c.taken |= v;
                            i++;
                            continue;
                        }
                        case "%else": {
                            Cond c = top(conds, word);
                            c.active = c.parentActive && !c.taken;
                            c.taken = true;
                            i++;
                            continue;
                        }
                        case "%endif":
                            top(conds, word);
                            conds.pop();
                            i++;
                            continue;
                        default:
                            break;
                    }
                    if (!active) {
                        int next = word.equals("%macro") || word.equals("%imacro") || word.equals("%rep")
                            ? skipBlock(lines, i) : i + 1;
                        listBlock(lines, i + 1, next, numbers, expansion);
                        i = next;
                        continue;
                    }
                    switch (word) {
                        case "%macro": case "%imacro": {
                            int next = defineMacro(lines, i, rest);
                            listBlock(lines, i + 1, next, numbers, expansion);
                            i = next;
                            continue;
                        }
                        case "%rep":
                            i = repeat(lines, i, rest, frame, numbers, expansion);
                            continue;
                        case "%endmacro": case "%endrep":
                            throw new AsmException("`" + word + "': no matching `" + word.replace("%end", "%") + "'");
                        default:
                            directive(line, word, rest, frame);
                            i++;
                            continue;
                    }
                }
                if (active) {
                    expandLine(line);
                }
            } catch (AsmException e) {
                diagnostics.error(line, e.getMessage());
            } catch (RanAway e) {
                ranAway(line, e.getMessage());
                break;
            } catch (UnterminatedBlock e) {
                diagnostics.error(line, e.getMessage());
                break;
            }
            i++;
        }
        for (Cond c : conds) {
            if (!tooLong) {
                diagnostics.error(c.opened, "expected `%endif' before end of file");
            }
        }
        depth--;
    }

    private static String directiveWord(String text) {
        int e = 1;
        while (e < text.length() && (Character.isLetterOrDigit(text.charAt(e)) || text.charAt(e) == '_')) {
            e++;
        }
        return text.substring(0, e).toLowerCase(Locale.ROOT);
    }

    /** The tests %if and %elif may be followed by (with an n after the if: negated). */
    private static final java.util.Set<String> TESTS = java.util.Set.of("", "def", "idn", "idni", "num", "str", "id",
        "macro", "empty", "ctx");

    /**
     * {@code %if} for every form of %if ({@code %ifdef}, {@code %ifnidni}, ...), {@code %elif} for
     * every form of %elif, else the word itself.
     */
    private static String conditional(String word) {
        for (String start : new String[] {"%if", "%elif"}) {
            if (word.startsWith(start)) {
                String test = word.substring(start.length());
                if (test.startsWith("n") && !test.equals("num")) {
                    test = test.substring(1);
                }
                if (TESTS.contains(test)) {
                    return start;
                }
            }
        }
        return word;
    }

    private static Cond top(Deque<Cond> conds, String word) {
        if (conds.isEmpty()) {
            throw new AsmException("`" + word + "': no matching `%if'");
        }
        return conds.peek();
    }

    /** The truth of {@code %ifTEST rest} (or {@code %ifnTEST}). */
    private boolean condition(String word, String rest) {
        String test = word.substring(3);
        boolean negated = test.startsWith("n") && !test.equals("num");
        if (negated) {
            test = test.substring(1);
        }
        rest = stripComment(rest).strip();
        boolean v;
        switch (test) {
            case "def": v = defines.containsKey(firstWord(rest)); break;
            case "macro": v = macros.containsKey(firstWord(rest).toLowerCase(Locale.ROOT)); break;
            case "ctx": v = !contexts.isEmpty() && contexts.peek().name().equals(firstWord(rest)); break;
            case "idn": case "idni": {
                // split at the first comma, as NASM does: braces group nothing here
                int comma = indexOutsideQuotes(rest, ',');
                if (comma < 0) {
                    throw new AsmException("`" + word + "' expects two comma-separated arguments");
                }
                String a = tokens(expandDefines(rest.substring(0, comma)));
                String b = tokens(expandDefines(rest.substring(comma + 1)));
                v = test.equals("idn") ? a.equals(b) : a.equalsIgnoreCase(b);
                break;
            }
            case "num": case "str": case "id": case "empty": {
                List<Token> t = Lexer.tokenize(expandDefines(rest));
                Token.Type want = test.equals("num") ? Token.Type.NUMBER : test.equals("str") ? Token.Type.STRING
                    : Token.Type.IDENT;
                v = test.equals("empty") ? t.isEmpty() : t.size() == 1 && t.get(0).type() == want;
                break;
            }
            default: v = evaluate(rest) != 0; break;
        }
        return v != negated;
    }

    /** The text as its tokens separated by single blanks, so that spacing does not matter. */
    private static String tokens(String text) {
        StringBuilder sb = new StringBuilder();
        List<Token> all;
        try {
            all = Lexer.tokenize(text);
        } catch (AsmException e) {
            return text.strip().replaceAll("\\s+", " "); // characters no token takes: compared as written
        }
        for (Token t : all) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(t.text());
        }
        return sb.toString();
    }

    private static String firstWord(String s) {
        String[] w = s.split("\\s+", 2);
        return w[0];
    }

    /** Stops the whole expansion with one error at {@code line}: nothing after it is processed. */
    private void ranAway(SourceLine line, String message) {
        if (!tooLong) {
            tooLong = true;
            diagnostics.error(line, message);
        }
    }

    /** Counts {@code n} more characters of expanded text against {@link #MAX_TEXT}. */
    private void grow(long n) {
        text += n;
        if (text > MAX_TEXT) {
            throw new RanAway("macro expansion ran away: the expanded source would be larger than "
                + (MAX_TEXT >> 20) + " MiB");
        }
    }

    /** The expansion exceeded a budget: caught in {@link #run}, which stops everything. */
    private static final class RanAway extends RuntimeException {
        RanAway(String message) {
            super(message, null, false, false);
        }
    }

    /** Adds a line to the expanded source, within the line and size budgets. */
    private void emit(SourceLine line) {
        grow(line.text().length());
        if (listing != null) {
            listing.outputs.add(out.size());
        }
        out.add(line);
        if (out.size() > MAX_LINES) {
            throw new RanAway("macro expansion ran away: the expanded source would be longer than " + MAX_LINES
                + " lines");
        }
    }

    /** Evaluates a %if or %assign expression; it may use numbers and defined macros only. */
    private long evaluate(String text) {
        String expanded = expandDefines(stripComment(text));
        Parser p = new Parser(org.j386.tools.isa.InstructionTable.standard());
        Expr e = parseExpression(p, expanded);
        Value v = Expr.eval(e, new Expr.Scope() {
            @Override
            public Value symbol(String name) {
                Long v = constants.get(name);
                if (v == null) {
                    throw new AsmException("symbol `" + name + "' not defined before use in a preprocessor expression");
                }
                return Value.of(v);
            }

            @Override
            public Value here() {
                throw new AsmException("`$' is not allowed in a preprocessor expression");
            }

            @Override
            public Value sectionStart() {
                return here();
            }
        });
        return v.value();
    }

    private static Expr parseExpression(Parser p, String text) {
        Syntax.Line l = p.parse(new SourceLine("", 0, "dq " + text));
        List<Object> items = ((Syntax.Data) l.statement()).items();
        if (items.size() != 1 || !(items.get(0) instanceof Expr e)) {
            throw new AsmException("expression syntax error");
        }
        return e;
    }

    private void directive(SourceLine line, String word, String rest, Frame frame) {
        switch (word) {
            case "%define": case "%idefine": case "%xdefine": {
                int e = 0;
                while (e < rest.length() && Lexer.isIdentPart(rest.charAt(e))) {
                    e++;
                }
                String name = rest.substring(0, e);
                if (name.isEmpty()) {
                    throw new AsmException("`%define' expects a macro identifier");
                }
                List<String> params = null;
                String body;
                if (e < rest.length() && rest.charAt(e) == '(') {
                    int close = rest.indexOf(')', e);
                    if (close < 0) {
                        throw new AsmException("`)' expected to terminate macro template");
                    }
                    params = new ArrayList<>();
                    for (String p : rest.substring(e + 1, close).split(",")) {
                        if (!p.isBlank()) {
                            params.add(p.strip());
                        }
                    }
                    body = rest.substring(close + 1).strip();
                } else {
                    body = rest.substring(e).strip();
                }
                if (word.equals("%xdefine")) {
                    body = expandDefines(body);
                }
                body = stripComment(body);
                grow(body.length());
                defines.put(name, new Define(params, body));
                break;
            }
            case "%undef":
                defines.remove(firstWord(rest));
                break;
            case "%assign": case "%iassign": {
                String[] w = rest.split("\\s+", 2);
                if (w.length < 2) {
                    throw new AsmException("`%assign' expects a value");
                }
                defines.put(w[0], new Define(null, Long.toString(evaluate(w[1]))));
                break;
            }
            case "%include": {
                String name = unquote(stripComment(rest).strip());
                Path file = find(name);
                byte[] bytes = InputFiles.read(file, name, "include file", 0, -1, InputFiles.MAX_SOURCE);
                if (!included.contains(file)) {
                    included.add(file);
                }
                run(split(name, new String(bytes, StandardCharsets.ISO_8859_1)), null, null, false);
                break;
            }
            case "%rotate": {
                if (frame == null) {
                    throw new AsmException("`%rotate' invoked outside a macro call");
                }
                int n = frame.args.size();
                if (n > 0) {
                    // a positive count moves the parameters left, as NASM's does
                    java.util.Collections.rotate(frame.args, (int) -Math.floorMod(evaluate(rest), (long) n));
                }
                break;
            }
            case "%push": case "%repl": {
                String name = firstWord(stripComment(rest).strip());
                if (word.equals("%repl")) {
                    if (contexts.isEmpty()) {
                        throw new AsmException("`%repl': context stack is empty");
                    }
                    contexts.push(new Context(name, contexts.pop().id()));
                } else {
                    contexts.push(new Context(name, ++uniqueId));
                }
                break;
            }
            case "%stacksize": {
                String model = firstWord(stripComment(rest).strip()).toLowerCase(Locale.ROOT);
                switch (model) {
                    case "flat": stackUnit = 4; framePointer = "ebp"; argOffset = 8; break;
                    case "large": stackUnit = 2; framePointer = "bp"; argOffset = 4; break;
                    case "small": stackUnit = 2; framePointer = "bp"; argOffset = 6; break;
                    default: throw new AsmException("`%stacksize' invalid size type");
                }
                localOffset = 0;
                break;
            }
            case "%local": case "%arg":
                frameVariables(word, rest);
                break;
            case "%pop":
                if (contexts.isEmpty()) {
                    throw new AsmException("`%pop': context stack is empty");
                }
                contexts.pop();
                break;
            case "%strlen": case "%substr": case "%strcat": case "%defstr": case "%idefstr": case "%deftok":
            case "%ideftok":
                stringMacro(word, rest);
                break;
            case "%error":
                diagnostics.error(line, unquote(expandDefines(rest)));
                break;
            case "%warning": {
                Diagnostic d = diagnostics.warning(line, unquote(expandDefines(rest)), "user");
                if (d != null && listing != null) {
                    listing.messages.add(Diagnostics.listed(d, "user"));
                }
                break;
            }
            default:
                throw new AsmException("unknown preprocessor directive `" + word + "'");
        }
    }

    // the stack frame model of %stacksize, used by %arg and %local
    private int stackUnit = 2;
    private String framePointer = "bp";
    private int argOffset = 4;
    private int localOffset;

    /**
     * {@code %arg name:size, ...} and {@code %local name:size, ...}: each name becomes a
     * single-line macro for its place in the stack frame, arguments above the frame pointer and
     * locals below it, every one taking at least a stack slot; %local keeps the frame's size in
     * {@code %$localsize}.
     */
    private void frameVariables(String word, String rest) {
        for (String item : splitArguments(stripComment(rest))) {
            int colon = item.indexOf(':');
            if (colon <= 0) {
                throw new AsmException("syntax error in `" + word + "' directive: expecting name:size");
            }
            String name = item.substring(0, colon).strip();
            int size;
            switch (item.substring(colon + 1).strip().toLowerCase(Locale.ROOT)) {
                case "byte": size = 1; break;
                case "word": size = 2; break;
                case "dword": size = 4; break;
                case "qword": size = 8; break;
                case "tword": size = 10; break;
                default: throw new AsmException("invalid size type in `" + word + "' directive");
            }
            int slot = (size + stackUnit - 1) / stackUnit * stackUnit;
            if (word.equals("%arg")) {
                defines.put(name, new Define(null, "(" + framePointer + "+" + argOffset + ")"));
                argOffset += slot;
            } else {
                localOffset += slot;
                defines.put(name, new Define(null, "(" + framePointer + "-" + localOffset + ")"));
            }
        }
        if (word.equals("%local")) {
            defines.put(contextLocal("%$localsize"), new Define(null, Integer.toString(localOffset)));
        }
    }

    /** %strlen, %substr, %strcat, %defstr and %deftok: single-line macros made from strings. */
    private void stringMacro(String word, String rest) {
        rest = stripComment(rest).strip();
        String name = firstWord(rest);
        if (name.isEmpty()) {
            throw new AsmException("`" + word + "' expects a macro identifier");
        }
        String arg = expandDefines(rest.substring(name.length()).strip());
        String body;
        switch (word) {
            case "%defstr": case "%idefstr":
                body = quote(arg.getBytes(StandardCharsets.ISO_8859_1));
                break;
            case "%deftok": case "%ideftok":
                body = new String(string(word, arg), StandardCharsets.ISO_8859_1);
                break;
            case "%strlen":
                body = Integer.toString(string(word, arg).length);
                break;
            case "%strcat": {
                java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
                for (String part : splitArguments(arg)) {
                    all.writeBytes(string(word, part));
                }
                body = quote(all.toByteArray());
                break;
            }
            default: { // %substr NAME string, start[, length]: start from 1, a length of -1 to the end
                List<String> parts = splitArguments(arg);
                if (parts.size() < 2 || parts.size() > 3) {
                    throw new AsmException("`%substr' expects a string, a start and an optional length");
                }
                byte[] s = string(word, parts.get(0));
                long start = evaluate(parts.get(1)) - 1;
                long length = parts.size() > 2 ? evaluate(parts.get(2)) : 1;
                if (length < 0) {
                    length = s.length - start + length + 1;
                }
                start = Math.max(0, Math.min(start, s.length));
                length = Math.max(0, Math.min(length, s.length - start));
                body = quote(java.util.Arrays.copyOfRange(s, (int) start, (int) (start + length)));
            }
        }
        grow(body.length());
        defines.put(name, new Define(null, body));
    }

    /** The contents of a quoted string, as the assembler would store them. */
    private static byte[] string(String word, String text) {
        List<Token> t = Lexer.tokenize(text);
        if (t.size() != 1 || t.get(0).type() != Token.Type.STRING) {
            throw new AsmException("`" + word + "' requires string as second parameter");
        }
        return t.get(0).bytes();
    }

    /** A string as NASM quotes it: in single quotes, else double, else backquotes with escapes. */
    static String quote(byte[] b) {
        String s = new String(b, StandardCharsets.ISO_8859_1);
        boolean plain = s.chars().allMatch(c -> c >= 0x20 && c < 0x7F);
        if (plain && s.indexOf('\'') < 0) {
            return "'" + s + "'";
        }
        if (plain && s.indexOf('"') < 0) {
            return '"' + s + '"';
        }
        StringBuilder sb = new StringBuilder("`");
        for (char c : s.toCharArray()) {
            if (c == '`' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c >= 0x20 && c < 0x7F) {
                sb.append(c);
            } else {
                sb.append(String.format("\\x%02x", (int) c));
            }
        }
        return sb.append('`').toString();
    }

    /**
     * {@code %$name} and {@code %$$name} (the context below) as the names of the context they
     * belong to, {@code ..@N.name}, outside strings.
     */
    private String contextLocal(String text) {
        if (!text.contains("%$")) {
            return text;
        }
        StringBuilder sb = new StringBuilder();
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                quote = c == quote ? 0 : quote;
            } else if (c == '\'' || c == '"' || c == '`') {
                quote = c;
            } else if (c == ';') {
                sb.append(text, i, text.length());
                break;
            } else if (c == '%' && i + 1 < text.length() && text.charAt(i + 1) == '$') {
                int depth = 0;
                int j = i + 1;
                while (j < text.length() && text.charAt(j) == '$') {
                    depth++;
                    j++;
                }
                if (depth > contexts.size()) {
                    int end = j;
                    while (end < text.length() && Lexer.isIdentPart(text.charAt(end))) {
                        end++;
                    }
                    throw new AsmException(contexts.isEmpty() ? "`" + text.substring(i, end)
                        + "': context stack is empty" : "`" + text.substring(i, end) + "': context stack is only "
                        + contexts.size() + " level" + (contexts.size() == 1 ? "" : "s") + " deep");
                }
                Context ctx = new ArrayList<>(contexts).get(depth - 1);
                sb.append("..@").append(ctx.id()).append('.');
                i = j - 1;
                continue;
            }
            sb.append(c);
        }
        return sb.toString();
    }

    private Path find(String name) {
        for (Path dir : includePaths) {
            Path p = dir.resolve(name);
            if (Files.exists(p)) {
                return p;
            }
        }
        return Path.of(name);
    }

    private static String unquote(String s) {
        if (s.length() >= 2 && (s.charAt(0) == '"' || s.charAt(0) == '\'' || s.charAt(0) == '`')
            && s.charAt(s.length() - 1) == s.charAt(0)) {
            return s.substring(1, s.length() - 1);
        }
        return s;
    }

    /** Collects lines up to the matching end directive; returns the index of that end line. */
    private static int blockEnd(List<SourceLine> lines, int start, String open, String close, String what) {
        int nest = 0;
        for (int i = start + 1; i < lines.size(); i++) {
            String t = lines.get(i).text().strip();
            if (!t.startsWith("%")) {
                continue;
            }
            String w = directiveWord(t);
            if (w.equals(open) || (open.equals("%macro") && w.equals("%imacro"))) {
                nest++;
            } else if (w.equals(close)) {
                if (nest == 0) {
                    return i;
                }
                nest--;
            }
        }
        throw new UnterminatedBlock(what);
    }

    /** A %macro or %rep without its end: the rest of the block's lines belong to it. */
    private static final class UnterminatedBlock extends RuntimeException {
        UnterminatedBlock(String message) {
            super(message, null, false, false);
        }
    }

    private static int skipBlock(List<SourceLine> lines, int i) {
        String w = directiveWord(lines.get(i).text().strip());
        boolean rep = w.equals("%rep");
        return blockEnd(lines, i, rep ? "%rep" : "%macro", rep ? "%endrep" : "%endmacro",
            rep ? "expected `%endrep' before end of file" : "end of file while still defining macro") + 1;
    }

    private int defineMacro(List<SourceLine> lines, int i, String rest) {
        String[] w = stripComment(rest).strip().split("\\s+", 3);
        if (w[0].isEmpty()) {
            throw new AsmException("`%macro' expects a macro name");
        }
        int end = blockEnd(lines, i, "%macro", "%endmacro",
            "end of file while still defining macro `" + w[0] + "'");
        int min = 0;
        int max = 0;
        boolean greedy = false;
        if (w.length > 1) {
            String count = w[1];
            greedy = count.endsWith("+");
            if (greedy) {
                count = count.substring(0, count.length() - 1);
            }
            String[] range = count.split("-", -1);
            if (range.length > 2 || !range[0].matches("[0-9]{1,4}")
                || (range.length == 2 && !range[1].matches("[0-9]{1,4}|\\*"))) {
                throw new AsmException("`%macro' expects a parameter count, not `" + w[1] + "'");
            }
            min = Integer.parseInt(range[0]);
            max = range.length > 1 ? (range[1].equals("*") ? Integer.MAX_VALUE : Integer.parseInt(range[1])) : min;
        }
        List<String> defaults = w.length > 2 ? splitArguments(w[2]) : List.of();
        macros.computeIfAbsent(w[0].toLowerCase(Locale.ROOT), k -> new ArrayList<>())
            .add(new Macro(w[0], min, max, greedy, defaults, new ArrayList<>(lines.subList(i + 1, end))));
        return end + 1;
    }

    /** Lists the lines from {@code from} up to {@code to} (exclusive) that a block took in, as written. */
    private void listBlock(List<SourceLine> lines, int from, int to, int[] numbers, boolean expansion) {
        for (int k = from; k < to && listingWanted; k++) {
            SourceLine l = lines.get(k);
            listed.add(new Listed(numbers != null ? numbers[k] : l.line(), depth - 1,
                expansion ? collapse(l.text()) : l.text()));
        }
    }

    private int repeat(List<SourceLine> lines, int i, String rest, Frame frame, int[] numbers, boolean expansion) {
        int end = blockEnd(lines, i, "%rep", "%endrep", "expected `%endrep' before end of file");
        listBlock(lines, i + 1, end + 1, numbers, expansion);
        long n = evaluate(rest);
        if (n > MAX_LINES) {
            diagnostics.error(lines.get(i), "`%rep' count " + n + " is too large");
            return end + 1;
        }
        List<SourceLine> body = new ArrayList<>(lines.subList(i + 1, end));
        int[] bodyNumbers = new int[body.size()];
        for (int k = 0; k < bodyNumbers.length; k++) {
            bodyNumbers[k] = numbers != null ? numbers[i + 1 + k] : body.get(k).line();
        }
        for (long k = 0; k < n && !tooLong; k++) {
            run(body, frame, bodyNumbers, true);
        }
        return end + 1;
    }

    /** Emits an ordinary line, expanding single-line macros and calling multi-line ones. */
    private void expandLine(SourceLine line) {
        String text = expandDefines(line.text());
        if (text.contains("%+")) {
            text = PASTE.matcher(text).replaceAll(""); // token pasting: isr %+ 3 -> isr3
        }
        String trimmed = stripComment(text).strip();
        String label = null;
        String call = trimmed;
        int colon = identEnd(trimmed, 0);
        if (colon > 0 && colon < trimmed.length() && trimmed.charAt(colon) == ':') {
            label = trimmed.substring(0, colon + 1);
            call = trimmed.substring(colon + 1).strip();
        }
        int e = identEnd(call, 0);
        List<Macro> candidates = e > 0 ? macros.get(call.substring(0, e).toLowerCase(Locale.ROOT)) : null;
        if (candidates == null) {
            emit(new SourceLine(line.file(), line.line(), text));
            rememberConstant(trimmed);
            return;
        }
        List<String> args = call.substring(e).isBlank() ? new ArrayList<>() : splitArguments(call.substring(e));
        Macro m = null;
        for (Macro c : candidates) {
            int most = Math.max(c.max(), c.min() + c.defaults().size());
            if (args.size() >= c.min() && (args.size() <= most || (c.greedy() && most > 0))) {
                m = c;
            }
        }
        if (m == null) {
            throw new AsmException("macro `" + call.substring(0, e) + "' exists, but not taking " + args.size()
                + " parameters");
        }
        if (m.greedy() && args.size() > Math.max(m.max(), 1)) {
            // the last parameter takes the rest of the line, commas and all
            int last = Math.max(m.max(), 1) - 1;
            List<String> joined = new ArrayList<>(args.subList(0, last));
            joined.add(String.join(", ", args.subList(last, args.size())));
            args = joined;
        }
        if (label != null && listingWanted) {
            // NASM lists the label as the first line of the expansion
            Listed caller = listing;
            listing = new Listed(line.line(), depth, label + " ");
            listed.add(listing);
            emit(new SourceLine(line.file(), line.line(), label));
            listing = caller;
        } else if (label != null) {
            emit(new SourceLine(line.file(), line.line(), label));
        }
        for (int k = args.size(); k < m.min() + m.defaults().size(); k++) {
            args.add(m.defaults().get(k - m.min()));
        }
        List<SourceLine> body = new ArrayList<>();
        int[] numbers = new int[m.body().size()];
        for (SourceLine b : m.body()) {
            numbers[body.size()] = b.line();
            body.add(new SourceLine(line.file(), line.line(), b.text()));
        }
        run(body, new Frame(args, ++uniqueId), numbers);
    }

    /** Notes {@code NAME equ EXPR} when EXPR is a number here already (no label, no {@code $}). */
    private void rememberConstant(String line) {
        java.util.regex.Matcher m = EQU.matcher(line);
        if (!m.matches()) {
            return;
        }
        try {
            constants.put(m.group(1), evaluate(m.group(2)));
        } catch (AsmException e) {
            // a label or $ in it: only the assembler's passes know the value
        }
    }

    private static int identEnd(String s, int from) {
        int e = from;
        while (e < s.length() && Lexer.isIdentPart(s.charAt(e))) {
            e++;
        }
        return e > from && Lexer.isIdentStart(s.charAt(from)) ? e : 0;
    }

    /** Replaces %1..%n (also written %{1}), %0 and %%name in a macro body line. */
    private static String substitute(String text, List<String> args, int id) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '%' || i + 1 >= text.length()) {
                sb.append(c);
                continue;
            }
            char d = text.charAt(i + 1);
            if (d == '%') {
                sb.append("..@").append(id).append('.');
                i++;
            } else if ((d == '-' || d == '+') && i + 2 < text.length() && Character.isDigit(text.charAt(i + 2))) {
                // %+1 a condition code parameter, %-1 its inverse (j%-1 after `if e' is jne)
                int e = i + 2;
                while (e < text.length() && Character.isDigit(text.charAt(e))) {
                    e++;
                }
                int n = e - i > 8 ? Integer.MAX_VALUE : Integer.parseInt(text.substring(i + 2, e));
                String cc = n >= 1 && n <= args.size() ? args.get(n - 1).strip().toLowerCase(Locale.ROOT) : "";
                if (!CONDITIONS.contains(cc)) {
                    throw new AsmException("macro parameter `%" + d + n + "' is not a condition code");
                }
                sb.append(d == '+' ? cc : inverse(cc));
                i = e - 1;
            } else if (Character.isDigit(d) || (d == '{' && i + 2 < text.length() && Character.isDigit(text.charAt(i + 2)))) {
                boolean braced = d == '{';
                int from = braced ? i + 2 : i + 1;
                int e = from;
                while (e < text.length() && Character.isDigit(text.charAt(e))) {
                    e++;
                }
                if (braced && (e >= text.length() || text.charAt(e) != '}')) {
                    sb.append(c); // not %{N}: left for the parser to reject
                    continue;
                }
                String digits = text.substring(from, e);
                int n = digits.length() > 6 ? Integer.MAX_VALUE : Integer.parseInt(digits);
                sb.append(n == 0 ? Integer.toString(args.size()) : n <= args.size() ? args.get(n - 1) : "");
                i = braced ? e : e - 1;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static final java.util.Set<String> CONDITIONS = java.util.Set.of("a", "ae", "b", "be", "c", "e", "g",
        "ge", "l", "le", "na", "nae", "nb", "nbe", "nc", "ne", "ng", "nge", "nl", "nle", "no", "np", "ns", "nz",
        "o", "p", "pe", "po", "s", "z");

    private static String inverse(String cc) {
        switch (cc) {
            case "pe": return "po";
            case "po": return "pe";
            default: return cc.startsWith("n") ? cc.substring(1) : "n" + cc;
        }
    }

    /** Splits macro arguments at top-level commas; braces group an argument that contains commas. */
    private static List<String> splitArguments(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int paren = 0;
        char quote = 0;
        s = stripComment(s);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                cur.append(c);
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"' || c == '`') {
                quote = c;
                cur.append(c);
            } else if (c == '{' && paren == 0 && cur.toString().isBlank()) {
                int close = s.indexOf('}', i);
                if (close < 0) {
                    throw new AsmException("unterminated `{' in macro argument");
                }
                cur.append(s, i + 1, close);
                i = close;
            } else if (c == '(' || c == '[') {
                paren++;
                cur.append(c);
            } else if (c == ')' || c == ']') {
                paren--;
                cur.append(c);
            } else if (c == ',' && paren == 0) {
                out.add(cur.toString().strip());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString().strip());
        return out;
    }

    /** A line as NASM lists an expanded one: no comment, each run of blanks one space. */
    private static String collapse(String text) {
        return BRACED_PARAMETER.matcher(stripComment(text).replaceAll("\\s+", " ").stripTrailing()).replaceAll("%$1");
    }

    private static final java.util.regex.Pattern BRACED_PARAMETER = java.util.regex.Pattern.compile("%\\{(\\d+)\\}");

    /** The line without its comment (a ';' outside quotes). */
    static String stripComment(String s) {
        int semicolon = indexOutsideQuotes(s, ';');
        return semicolon < 0 ? s : s.substring(0, semicolon);
    }

    /** The first {@code target} of {@code s} that is not inside a quoted string, or -1. */
    private static int indexOutsideQuotes(String s, char target) {
        char quote = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                quote = c == quote ? 0 : quote;
            } else if (c == '\'' || c == '"' || c == '`') {
                quote = c;
            } else if (c == target) {
                return i;
            }
        }
        return -1;
    }

    /** Replaces identifiers that name single-line macros, rescanning the result. */
    private String expandDefines(String text) {
        if (defines.isEmpty()) {
            return text;
        }
        for (int round = 0; round < 32; round++) {
            String next = expandOnce(text);
            if (next.length() > MAX_LINE_LENGTH) {
                throw new RanAway("macro expansion ran away: a single-line macro makes a line longer than "
                    + MAX_LINE_LENGTH + " characters");
            }
            if (next.equals(text)) {
                return text;
            }
            text = next;
        }
        throw new AsmException("single-line macro expansion too deep");
    }

    private String expandOnce(String s) {
        StringBuilder sb = new StringBuilder();
        char quote = 0;
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (quote != 0) {
                sb.append(c);
                if (c == quote) {
                    quote = 0;
                }
                i++;
            } else if (c == '\'' || c == '"' || c == '`') {
                quote = c;
                sb.append(c);
                i++;
            } else if (c == ';') {
                sb.append(s, i, s.length());
                break;
            } else if (Lexer.isIdentStart(c) && (i == 0 || !Lexer.isIdentPart(s.charAt(i - 1)))) {
                int e = i + 1;
                while (e < s.length() && Lexer.isIdentPart(s.charAt(e))) {
                    e++;
                }
                String word = s.substring(i, e);
                Define d = defines.get(word);
                if (d == null) {
                    sb.append(word);
                    i = e;
                } else if (d.params() == null) {
                    sb.append(d.body());
                    i = e;
                } else {
                    int open = e;
                    while (open < s.length() && s.charAt(open) == ' ') {
                        open++;
                    }
                    if (open >= s.length() || s.charAt(open) != '(') {
                        sb.append(word);
                        i = e;
                        continue;
                    }
                    int close = matchParen(s, open);
                    List<String> args = splitArguments(s.substring(open + 1, close));
                    if (args.size() == 1 && args.get(0).isEmpty() && d.params().isEmpty()) {
                        args = List.of();
                    }
                    if (args.size() != d.params().size()) {
                        throw new AsmException("macro `" + word + "' exists, but not taking " + args.size()
                            + " parameters");
                    }
                    sb.append(replaceParams(d.body(), d.params(), args));
                    i = close + 1;
                }
            } else {
                sb.append(c);
                i++;
            }
        }
        return sb.toString();
    }

    private static int matchParen(String s, int open) {
        int nest = 0;
        for (int i = open; i < s.length(); i++) {
            if (s.charAt(i) == '(') {
                nest++;
            } else if (s.charAt(i) == ')' && --nest == 0) {
                return i;
            }
        }
        throw new AsmException("unterminated parameter list of a single-line macro");
    }

    private static String replaceParams(String body, List<String> params, List<String> args) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < body.length()) {
            char c = body.charAt(i);
            if (Lexer.isIdentStart(c) && (i == 0 || !Lexer.isIdentPart(body.charAt(i - 1)))) {
                int e = i + 1;
                while (e < body.length() && Lexer.isIdentPart(body.charAt(e))) {
                    e++;
                }
                String w = body.substring(i, e);
                int k = params.indexOf(w);
                sb.append(k >= 0 ? args.get(k) : w);
                i = e;
            } else {
                sb.append(c);
                i++;
            }
        }
        return sb.toString();
    }
}
