package org.j386.tools.asm;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.j386.tools.isa.InstructionTable;
import org.j386.tools.isa.Register;

/**
 * Turns preprocessed source lines into {@link Syntax.Line}s. Local labels ({@code .x}) are
 * qualified here with the last non-local label, so later stages only see full names.
 */
final class Parser {
    static final Set<String> PREFIXES = Set.of("rep", "repe", "repz", "repne", "repnz", "lock", "o16", "o32",
        "a16", "a32", "es", "cs", "ss", "ds", "fs", "gs");
    private static final Set<String> DIRECTIVES = Set.of("db", "dw", "dd", "dq", "resb", "resw", "resd", "resq",
        "times", "equ", "bits", "use16", "use32", "org", "section", "segment", "global", "extern", "common",
        "align", "alignb", "incbin", "cpu", "default", "struc", "endstruc", "istruc", "at", "iend", "absolute");

    /** ELF section flags and types NASM accepts (an object file records them; a flat image ignores them). */
    private static final Set<String> SECTION_FLAGS = Set.of("exec", "noexec", "alloc", "noalloc", "write",
        "nowrite", "tls", "notls", "note", "preinit_array", "init_array", "fini_array");

    private final InstructionTable table;
    private String lastGlobalLabel = "";
    private List<Token> tokens;
    private int pos;
    /**
     * The deepest nesting of parentheses, unary operators and {@code ?:} in one expression; the
     * parser and every walk over an expression recurse, so deeper ones are refused.
     */
    static final int MAX_NESTING = 256;
    /** The most operators one line's expressions may hold (which bounds an expression's depth). */
    static final int MAX_OPERATORS = 1000;
    private int nesting;
    private int operators;

    Parser(InstructionTable table) {
        this.table = table;
    }

    /** Parses one line; throws {@link AsmException} for syntax errors. */
    Syntax.Line parse(SourceLine source) {
        tokens = Lexer.tokenize(source.text());
        pos = 0;
        nesting = 0;
        operators = 0;
        if (peek().isOp("[") && tokens.size() > 1 && tokens.get(tokens.size() - 1).isOp("]")
            && tokens.get(1).type() == Token.Type.IDENT && isDirective(tokens.get(1).text())) {
            tokens = new ArrayList<>(tokens.subList(1, tokens.size() - 1)); // primitive form [bits 32]
        }
        String label = null;
        Token first = peek();
        boolean colonAfterFirst = tokens.size() > 1 && tokens.get(1).isOp(":");
        // a mnemonic followed by a colon is a label, as NASM takes `sub:'
        if (first.type() == Token.Type.IDENT && (!isKeyword(first.text())
            || colonAfterFirst && table.isMnemonic(first.text().toLowerCase(Locale.ROOT)))) {
            boolean colon = colonAfterFirst;
            Token after = tokens.size() > (colon ? 2 : 1) ? tokens.get(colon ? 2 : 1) : Token.EOL;
            // a constant is no place: local labels after it still belong to the last label
            label = after.is("equ") ? qualify(first.text()) : defineLabel(first.text());
            pos += colon ? 2 : 1;
        }
        boolean colon = label != null && pos >= 2 && tokens.get(pos - 1).isOp(":");
        Syntax.Statement st = statement(label);
        if (label == null && st instanceof Syntax.Equ) {
            throw new AsmException("label or instruction expected at start of line");
        }
        expectEnd();
        if (label != null && !colon && st instanceof Syntax.Empty) {
            st = new Syntax.Suspicious("label alone on a line without a colon might be in error");
        }
        return new Syntax.Line(source, label, st);
    }

    /** True when {@code word} can only start a statement, never be a label. */
    private boolean isKeyword(String word) {
        String w = word.toLowerCase(Locale.ROOT);
        return table.isMnemonic(w) || DIRECTIVES.contains(w) || PREFIXES.contains(w);
    }

    private static boolean isDirective(String word) {
        return DIRECTIVES.contains(word.toLowerCase(Locale.ROOT));
    }

    private String defineLabel(String name) {
        String full = qualify(name);
        if (!name.startsWith(".") && !name.startsWith("..@")) {
            lastGlobalLabel = full;
        }
        return full;
    }

    /** {@code .x} belongs to the last non-local label; {@code $name} escapes a keyword. */
    String qualify(String name) {
        if (name.startsWith("$")) {
            name = name.substring(1);
        }
        if (name.startsWith(".") && !name.startsWith("..")) {
            return lastGlobalLabel + name;
        }
        return name;
    }

    private Syntax.Statement statement(String label) {
        Token t = peek();
        if (t.type() == Token.Type.EOL) {
            return new Syntax.Empty();
        }
        if (t.type() != Token.Type.IDENT) {
            throw new AsmException("label or instruction expected at start of line");
        }
        String w = t.text().toLowerCase(Locale.ROOT);
        switch (w) {
            case "db": case "dw": case "dd": case "dq":
                pos++;
                return data(width(w.charAt(1)));
            case "resb": case "resw": case "resd": case "resq":
                pos++;
                return new Syntax.Reserve(width(w.charAt(3)), expr());
            case "times": {
                pos++;
                Expr count = expr();
                return new Syntax.Times(count, statement(label));
            }
            case "equ":
                pos++;
                return new Syntax.Equ(expr());
            case "bits": {
                pos++;
                long b = number();
                if (b != 16 && b != 32) {
                    throw new AsmException("`bits' directive: only 16 and 32 are supported here");
                }
                return new Syntax.Bits((int) b);
            }
            case "use16": pos++; return new Syntax.Bits(16);
            case "use32": pos++; return new Syntax.Bits(32);
            case "org": pos++; return new Syntax.Org(expr());
            case "section": case "segment": pos++; return section();
            case "global": case "extern": {
                boolean external = w.equals("extern");
                pos++;
                List<String> names = new ArrayList<>();
                do {
                    if (!names.isEmpty()) {
                        pos++;
                    }
                    names.add(qualify(identifier()));
                    if (peek().isOp(":")) { // global name:function / name:data
                        pos++;
                        identifier();
                    }
                } while (peek().isOp(","));
                return external ? new Syntax.Extern(names) : new Syntax.Global(names);
            }
            case "common": {
                pos++;
                String name = qualify(identifier());
                if (peek().isOp(",")) {
                    pos++;
                }
                Expr size = expr();
                Expr align = null;
                if (peek().isOp(":")) {
                    pos++;
                    align = expr();
                }
                return new Syntax.Common(name, size, align);
            }
            case "cpu": case "default":
                pos = tokens.size(); // accepted; only the 386-and-later integer set exists here
                return new Syntax.Empty();
            case "align": case "alignb": {
                pos++;
                Expr boundary = expr();
                Syntax.Statement fill = null;
                if (peek().isOp(",")) {
                    pos++;
                    fill = statement(label);
                }
                return new Syntax.Align(boundary, fill, w.equals("alignb"));
            }
            case "incbin": {
                pos++;
                Token f = next();
                if (f.type() != Token.Type.STRING) {
                    throw new AsmException("`incbin' expects a file name");
                }
                Expr skip = null;
                Expr len = null;
                if (peek().isOp(",")) {
                    pos++;
                    skip = expr();
                    if (peek().isOp(",")) {
                        pos++;
                        len = expr();
                    }
                }
                return new Syntax.Incbin(new String(f.bytes(), java.nio.charset.StandardCharsets.UTF_8), skip, len);
            }
            case "struc": {
                pos++;
                String name = defineLabel(identifier());
                return new Syntax.Struc(name);
            }
            case "endstruc": pos++; return new Syntax.EndStruc();
            case "istruc": pos++; return new Syntax.Istruc(qualify(identifier()));
            case "at": {
                pos++;
                Expr field = expr();
                Syntax.Statement data = new Syntax.Empty();
                if (peek().isOp(",")) {
                    pos++;
                    data = statement(label);
                }
                return new Syntax.At(field, data);
            }
            case "iend": pos++; return new Syntax.Iend();
            default:
                return instruction();
        }
    }

    private static int width(char c) {
        switch (c) {
            case 'b': return 1;
            case 'w': return 2;
            case 'd': return 4;
            default: return 8;
        }
    }

    private Syntax.Statement section() {
        String name = identifier();
        long align = 0;
        Boolean nobits = null;
        long start = -1;
        List<String> flags = new ArrayList<>();
        while (peek().type() == Token.Type.IDENT) {
            String attr = next().text().toLowerCase(Locale.ROOT);
            if (peek().isOp("=")) {
                pos++;
                if (!attr.equals("align") && !attr.equals("start")) {
                    throw new AsmException("section attribute `" + attr + "=' is not supported");
                }
                long v = number();
                if (attr.equals("align")) {
                    if (v <= 0 || (v & (v - 1)) != 0) {
                        throw new AsmException("section alignment " + v + " is not a power of two");
                    }
                    align = v;
                } else {
                    start = v;
                }
            } else if (attr.equals("nobits")) {
                nobits = true;
            } else if (attr.equals("progbits")) {
                nobits = false;
            } else if (SECTION_FLAGS.contains(attr)) {
                flags.add(attr);
            } else {
                throw new AsmException("unknown section attribute `" + attr + "'");
            }
        }
        return new Syntax.Section(name, align, nobits, start, flags);
    }

    private Syntax.Statement data(int width) {
        List<Object> items = new ArrayList<>();
        do {
            if (items.size() > 0) {
                pos++;
            }
            Token t = peek();
            Token after = pos + 1 < tokens.size() ? tokens.get(pos + 1) : Token.EOL;
            if (t.type() == Token.Type.STRING && (after.isOp(",") || after.type() == Token.Type.EOL)) {
                pos++;
                items.add(t.bytes());
            } else {
                items.add(expr());
            }
        } while (peek().isOp(","));
        return new Syntax.Data(width, items);
    }

    private Syntax.Statement instruction() {
        List<String> prefixes = new ArrayList<>();
        while (peek().type() == Token.Type.IDENT && PREFIXES.contains(peek().text().toLowerCase(Locale.ROOT))) {
            prefixes.add(next().text().toLowerCase(Locale.ROOT));
        }
        if (peek().type() == Token.Type.EOL && !prefixes.isEmpty()) {
            return new Syntax.Instruction(prefixes, null, List.of());
        }
        Token m = next();
        if (m.type() != Token.Type.IDENT || !table.isMnemonic(m.text())) {
            throw new AsmException("parser: instruction expected");
        }
        List<Syntax.Operand> ops = new ArrayList<>();
        if (peek().type() != Token.Type.EOL) {
            ops.add(operand());
            while (peek().isOp(",")) {
                pos++;
                ops.add(operand());
            }
        }
        return new Syntax.Instruction(prefixes, m.text().toUpperCase(Locale.ROOT), ops);
    }

    private static int sizeKeyword(String w) {
        switch (w.toLowerCase(Locale.ROOT)) {
            case "byte": return 8;
            case "word": return 16;
            case "dword": return 32;
            case "qword": return 64;
            case "tword": return 80;
            default: return -1;
        }
    }

    private Syntax.Operand operand() {
        int size = 0;
        boolean strict = false;
        Syntax.Jump jump = Syntax.Jump.NONE;
        while (peek().type() == Token.Type.IDENT) {
            String w = peek().text().toLowerCase(Locale.ROOT);
            if (sizeKeyword(w) > 0) {
                size = sizeKeyword(w);
            } else if (w.equals("strict")) {
                strict = true;
            } else if (w.equals("short")) {
                jump = Syntax.Jump.SHORT;
            } else if (w.equals("near")) {
                jump = Syntax.Jump.NEAR;
            } else if (w.equals("far")) {
                jump = Syntax.Jump.FAR;
            } else {
                break;
            }
            pos++;
        }
        Register segment = null;
        Token t = peek();
        if (t.type() == Token.Type.IDENT && Register.byName(t.text()) != null && pos + 1 < tokens.size()
            && tokens.get(pos + 1).isOp(":") && pos + 2 < tokens.size() && tokens.get(pos + 2).isOp("[")) {
            segment = Register.byName(t.text()); // es:[...] spelling
            pos += 2;
        }
        if (peek().isOp("[")) {
            pos++;
            int displacement = 0;
            boolean nosplit = false;
            // size keywords, NOSPLIT and a segment override, in any order, before the address
            while (peek().type() == Token.Type.IDENT) {
                Token s = peek();
                if (sizeKeyword(s.text()) > 0 && !(pos + 1 < tokens.size() && tokens.get(pos + 1).isOp(":"))) {
                    displacement = sizeKeyword(s.text());
                    pos++;
                } else if (s.text().equalsIgnoreCase("nosplit")) {
                    nosplit = true;
                    pos++;
                } else if (pos + 1 < tokens.size() && tokens.get(pos + 1).isOp(":")) {
                    Register r = Register.byName(s.text());
                    if (r == null || r.kind != Register.Kind.SREG) {
                        throw new AsmException("invalid segment override");
                    }
                    segment = r;
                    pos += 2;
                } else {
                    break;
                }
            }
            Expr address = expr();
            if (!next().isOp("]")) {
                throw new AsmException("expecting ]");
            }
            return new Syntax.MemOperand(size, jump == Syntax.Jump.FAR, segment, address, displacement, nosplit);
        }
        if (t.type() == Token.Type.IDENT && Register.byName(t.text()) != null
            && (pos + 1 >= tokens.size() || tokens.get(pos + 1).isOp(","))) {
            pos++;
            return new Syntax.RegOperand(Register.byName(t.text()));
        }
        Expr value = expr();
        Expr seg = null;
        if (peek().isOp(":")) {
            pos++;
            seg = value;
            value = expr();
        }
        return new Syntax.ImmOperand(size, strict, jump, value, seg);
    }

    // ---- expressions, lowest precedence first ----

    Expr expr() {
        Expr e = binary(0);
        if (peek().isOp("?")) {
            pos++;
            enter();
            Expr a = expr();
            if (!next().isOp(":")) {
                throw new AsmException("expecting `:'");
            }
            Expr otherwise = expr();
            nesting--;
            return new Expr.Conditional(e, a, otherwise);
        }
        return e;
    }

    /** One level deeper into an expression: refused beyond {@link #MAX_NESTING}. */
    private void enter() {
        if (++nesting > MAX_NESTING) {
            throw new AsmException("expression nested too deeply (more than " + MAX_NESTING
                + " levels of parentheses, unary operators or `?:')");
        }
        operator();
    }

    /** One more operator: refused beyond {@link #MAX_OPERATORS} on a line. */
    private void operator() {
        if (++operators > MAX_OPERATORS) {
            throw new AsmException("expression too long (more than " + MAX_OPERATORS + " operators)");
        }
    }

    private static final String[][] LEVELS = {
        {"||"}, {"^^"}, {"&&"}, {"=", "==", "!=", "<>", "<", "<=", ">", ">="}, {"|"}, {"^"}, {"&"},
        {"<<", ">>", "<<<", ">>>"}, {"+", "-"}, {"*", "/", "//", "%", "%%"},
    };

    private Expr binary(int level) {
        if (level == LEVELS.length) {
            return unary();
        }
        Expr left = binary(level + 1);
        outer:
        while (true) {
            Token t = peek();
            if (t.type() == Token.Type.OP) {
                for (String op : LEVELS[level]) {
                    if (t.text().equals(op)) {
                        pos++;
                        operator();
                        left = new Expr.Binary(op, left, binary(level + 1));
                        continue outer;
                    }
                }
            }
            return left;
        }
    }

    private Expr unary() {
        Token t = peek();
        if (t.isOp("-") || t.isOp("+") || t.isOp("~") || t.isOp("!")) {
            pos++;
            enter();
            Expr operand = unary();
            nesting--;
            return new Expr.Unary(t.text(), operand);
        }
        return primary();
    }

    private Expr primary() {
        Token t = next();
        switch (t.type()) {
            case NUMBER:
                return new Expr.Num(t.number());
            case STRING: {
                byte[] b = t.bytes();
                if (b.length > 8) {
                    throw new AsmException("character constant too long");
                }
                long v = 0;
                for (int i = b.length - 1; i >= 0; i--) {
                    v = (v << 8) | (b[i] & 0xFF);
                }
                return new Expr.Num(v);
            }
            case IDENT: {
                String s = t.text();
                if (s.equals("$")) {
                    return new Expr.Here();
                }
                if (s.equals("$$")) {
                    return new Expr.SectionStart();
                }
                Register r = Register.byName(s);
                if (r != null) {
                    return new Expr.Reg(r);
                }
                return new Expr.Sym(qualify(s));
            }
            case OP:
                if (t.isOp("(")) {
                    enter();
                    Expr e = expr();
                    if (!next().isOp(")")) {
                        throw new AsmException("expecting `)'");
                    }
                    nesting--;
                    return e;
                }
                break;
            default:
                break;
        }
        throw new AsmException("expression syntax error");
    }

    private long number() {
        Token t = next();
        if (t.type() != Token.Type.NUMBER) {
            throw new AsmException("expecting a number");
        }
        return t.number();
    }

    private String identifier() {
        Token t = next();
        if (t.type() != Token.Type.IDENT) {
            throw new AsmException("expecting an identifier");
        }
        return t.text();
    }

    private Token peek() {
        return pos < tokens.size() ? tokens.get(pos) : Token.EOL;
    }

    private Token next() {
        Token t = peek();
        pos++;
        return t;
    }

    private void expectEnd() {
        if (pos < tokens.size()) {
            throw new AsmException("comma, colon, decorator or end of line expected after operand");
        }
    }
}
