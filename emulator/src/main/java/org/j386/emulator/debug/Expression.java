package org.j386.emulator.debug;

import java.util.Locale;
import java.util.Optional;

import org.j386.emulator.cpu.CpuState;
import org.j386.tools.image.Symbol;
import org.j386.tools.image.SymbolTable;

/**
 * Expressions over registers, symbols and memory, as breakpoint conditions and command
 * arguments: {@code eax == 0x10 && [esp+4] > 3}, {@code vm_pool_allocate+0x12}, {@code $cr2 & ~0xfff}.
 *
 * <p>Numbers are hexadecimal with {@code 0x}, else decimal. A bare name is a register if it names
 * one ({@code eax}, {@code ax}, {@code al}, {@code eip}, {@code eflags}, {@code cr0}..{@code cr4},
 * {@code cs}..{@code gs}), otherwise a symbol; {@code $name} is always a register. {@code [e]}
 * reads the dword at linear address e through the page tables (unmapped reads fail). Operators,
 * loosest first: {@code || && == != < <= > >= | ^ & << >> + - * / %} and unary {@code - ~ !};
 * values are 32-bit and compare unsigned.
 *
 * <p>Parsing and evaluation recurse, so an expression may nest parentheses, brackets and unary
 * operators at most {@value #MAX_NESTING} deep and hold at most {@value #MAX_OPERATORS} operators;
 * beyond that it is refused with a one-line message instead of overflowing the stack.
 */
public final class Expression {
    /** What expressions read. */
    public interface Context {
        CpuState state();

        SymbolTable symbols();

        /** The dword at a linear address, or null when unmapped. */
        Long readLinear32(long linear);
    }

    private interface Node {
        long eval(Context c) throws DebugException;
    }

    /** The deepest nesting of parentheses, brackets and unary operators accepted. */
    public static final int MAX_NESTING = 100;
    /** The most operators (binary, unary, comparisons, memory reads) one expression may hold. */
    public static final int MAX_OPERATORS = 1000;

    private final String text;
    private final Node root;

    private Expression(String text, Node root) {
        this.text = text;
        this.root = root;
    }

    public String text() {
        return text;
    }

    /** Parses; symbols are looked up now, so a misspelt name fails at once. */
    public static Expression parse(String text, SymbolTable symbols) throws DebugException {
        Parser p = new Parser(text, symbols);
        Node n = p.parseOr();
        p.skipSpace();
        if (p.pos < text.length()) {
            throw new DebugException("unexpected '" + quote(text.substring(p.pos)) + "' in expression '" + quote(text) + "'");
        }
        return new Expression(text.strip(), n);
    }

    /** An expression (or its rest) as error messages quote it: stripped, and cut after 60 characters. */
    static String quote(String text) {
        String t = text.strip();
        return t.length() <= 60 ? t : t.substring(0, 60) + "...";
    }

    /** The value as an unsigned 32-bit number. */
    public long evaluate(Context c) throws DebugException {
        return root.eval(c) & 0xFFFFFFFFL;
    }

    /** Whether a register or register-like name exists (for completion and for deciding name kinds). */
    public static boolean isRegister(String name) {
        return register(name.toLowerCase(Locale.ROOT)) != null;
    }

    private static final String[] REG16 = {"ax", "cx", "dx", "bx", "sp", "bp", "si", "di"};
    private static final String[] REG8 = {"al", "cl", "dl", "bl", "ah", "ch", "dh", "bh"};

    private static Node register(String name) {
        for (int i = 0; i < 8; i++) {
            final int r = i;
            if (name.equals(CpuState.REGISTER_NAMES[i])) {
                return c -> c.state().regs[r] & 0xFFFFFFFFL;
            }
            if (name.equals(REG16[i])) {
                return c -> c.state().regs[r] & 0xFFFFL;
            }
            if (name.equals(REG8[i])) {
                int shift = i >= 4 ? 8 : 0;
                int reg = i & 3;
                return c -> (c.state().regs[reg] >>> shift) & 0xFFL;
            }
        }
        for (int i = 0; i < 6; i++) {
            final int r = i;
            if (name.equals(CpuState.SEGMENT_NAMES[i])) {
                return c -> c.state().segs[r].selector & 0xFFFFL;
            }
        }
        switch (name) {
            case "eip": return c -> c.state().eip & 0xFFFFFFFFL;
            // The linear address of the next instruction: CS base + EIP (differs from EIP in real mode).
            case "pc": return c -> (c.state().segs[CpuState.CS].base + c.state().eip) & 0xFFFFFFFFL;
            case "eflags": return c -> c.state().flags.get() & 0xFFFFFFFFL;
            case "cr0": return c -> c.state().cr0 & 0xFFFFFFFFL;
            case "cr2": return c -> c.state().cr2 & 0xFFFFFFFFL;
            case "cr3": return c -> c.state().cr3 & 0xFFFFFFFFL;
            case "cr4": return c -> c.state().cr4 & 0xFFFFFFFFL;
            case "cpl": return c -> c.state().cpl;
            default: return null;
        }
    }

    private static final class Parser {
        final String s;
        final SymbolTable symbols;
        int pos;
        int nesting;
        int operators;

        Parser(String s, SymbolTable symbols) {
            this.s = s;
            this.symbols = symbols;
        }

        /** Enters a parenthesis, bracket or unary operator; refuses nesting deeper than {@link #MAX_NESTING}. */
        void enter() throws DebugException {
            if (++nesting > MAX_NESTING) {
                throw new DebugException("expression nested too deeply (more than " + MAX_NESTING
                        + " levels of parentheses, brackets or unary operators)");
            }
            operator();
        }

        /** Counts one more operator node; refuses more than {@link #MAX_OPERATORS}. */
        void operator() throws DebugException {
            if (++operators > MAX_OPERATORS) {
                throw new DebugException("expression too long (more than " + MAX_OPERATORS + " operators)");
            }
        }

        void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        boolean eat(String op) {
            skipSpace();
            if (s.startsWith(op, pos)) {
                // "<" must not eat the first half of "<<" or "<=", "|" of "||", "&" of "&&".
                int next = pos + op.length();
                if (op.length() == 1 && next < s.length()) {
                    char c = s.charAt(next);
                    char o = op.charAt(0);
                    if ((o == '<' || o == '>') && (c == o || c == '=')) {
                        return false;
                    }
                    if ((o == '|' || o == '&') && c == o) {
                        return false;
                    }
                    if ((o == '!' || o == '=') && c == '=') {
                        return false;
                    }
                }
                pos = next;
                return true;
            }
            return false;
        }

        Node parseOr() throws DebugException {
            Node l = parseAnd();
            while (eat("||")) {
                operator();
                Node a = l, b = parseAnd();
                l = c -> (a.eval(c) & 0xFFFFFFFFL) != 0 || (b.eval(c) & 0xFFFFFFFFL) != 0 ? 1 : 0;
            }
            return l;
        }

        Node parseAnd() throws DebugException {
            Node l = parseCompare();
            while (eat("&&")) {
                operator();
                Node a = l, b = parseCompare();
                l = c -> (a.eval(c) & 0xFFFFFFFFL) != 0 && (b.eval(c) & 0xFFFFFFFFL) != 0 ? 1 : 0;
            }
            return l;
        }

        Node parseCompare() throws DebugException {
            Node l = parseBinary(0);
            for (String op : new String[] {"==", "!=", "<=", ">=", "<", ">"}) {
                if (eat(op)) {
                    operator();
                    Node a = l, b = parseBinary(0);
                    return c -> {
                        long x = a.eval(c) & 0xFFFFFFFFL, y = b.eval(c) & 0xFFFFFFFFL;
                        boolean r = switch (op) {
                            case "==" -> x == y;
                            case "!=" -> x != y;
                            case "<=" -> x <= y;
                            case ">=" -> x >= y;
                            case "<" -> x < y;
                            default -> x > y;
                        };
                        return r ? 1 : 0;
                    };
                }
            }
            return l;
        }

        private static final String[][] LEVELS = {{"|"}, {"^"}, {"&"}, {"<<", ">>"}, {"+", "-"}, {"*", "/", "%"}};

        Node parseBinary(int level) throws DebugException {
            if (level == LEVELS.length) {
                return parseUnary();
            }
            Node l = parseBinary(level + 1);
            outer:
            while (true) {
                for (String op : LEVELS[level]) {
                    if (eat(op)) {
                        operator();
                        Node a = l, b = parseBinary(level + 1);
                        l = c -> apply(op, a.eval(c) & 0xFFFFFFFFL, b.eval(c) & 0xFFFFFFFFL);
                        continue outer;
                    }
                }
                return l;
            }
        }

        static long apply(String op, long x, long y) throws DebugException {
            switch (op) {
                case "|": return x | y;
                case "^": return x ^ y;
                case "&": return x & y;
                case "<<": return x << (y & 31);
                case ">>": return x >>> (y & 31);
                case "+": return x + y;
                case "-": return x - y;
                case "*": return x * y;
                default:
                    if (y == 0) {
                        throw new DebugException("division by zero");
                    }
                    return op.equals("/") ? x / y : x % y;
            }
        }

        Node parseUnary() throws DebugException {
            for (String op : new String[] {"-", "~", "!"}) {
                if (eat(op)) {
                    enter();
                    Node a = parseUnary();
                    nesting--;
                    return switch (op) {
                        case "-" -> c -> -a.eval(c);
                        case "~" -> c -> ~a.eval(c);
                        default -> c -> (a.eval(c) & 0xFFFFFFFFL) == 0 ? 1 : 0;
                    };
                }
            }
            return parsePrimary();
        }

        Node parsePrimary() throws DebugException {
            skipSpace();
            if (pos >= s.length()) {
                throw new DebugException("expression '" + quote(s) + "' ends too early");
            }
            char ch = s.charAt(pos);
            if (ch == '(') {
                pos++;
                enter();
                Node n = parseOr();
                expect(")");
                nesting--;
                return n;
            }
            if (ch == '[') {
                pos++;
                enter();
                Node address = parseOr();
                expect("]");
                nesting--;
                return c -> {
                    long a = address.eval(c) & 0xFFFFFFFFL;
                    Long v = c.readLinear32(a);
                    if (v == null) {
                        throw new DebugException(String.format("cannot read [0x%08x]: not mapped", a));
                    }
                    return v;
                };
            }
            if (Character.isDigit(ch)) {
                int start = pos;
                while (pos < s.length() && Character.isLetterOrDigit(s.charAt(pos))) {
                    pos++;
                }
                long v = number(s.substring(start, pos));
                return c -> v;
            }
            boolean forceRegister = ch == '$';
            if (forceRegister) {
                pos++;
            }
            int start = pos;
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (Character.isLetterOrDigit(c) || c == '_' || c == '.') {
                    pos++;
                } else if (s.startsWith("::", pos) && pos > start && !forceRegister) {
                    pos += s.startsWith("::~", pos) ? 3 : 2; // a demangled C++ name: PageTable::handle_fault
                } else {
                    break;
                }
            }
            String name = s.substring(start, pos);
            if (name.isEmpty()) {
                throw new DebugException("unexpected '" + quote(s.substring(pos)) + "' in expression '" + quote(s) + "'");
            }
            Node reg = register(name.toLowerCase(Locale.ROOT));
            if (reg != null) {
                return reg;
            }
            if (forceRegister) {
                throw new DebugException("no register named $" + quote(name));
            }
            Optional<Symbol> sym = symbols.lookup(name);
            if (sym.isEmpty()) {
                throw new DebugException("no symbol '" + quote(name) + "' in the kernel");
            }
            long v = sym.get().value() & 0xFFFFFFFFL;
            return c -> v;
        }

        void expect(String what) throws DebugException {
            if (!eat(what)) {
                throw new DebugException("expected '" + what + "' in expression '" + quote(s) + "'");
            }
        }

        static long number(String t) throws DebugException {
            try {
                long v;
                if (t.startsWith("0x") || t.startsWith("0X")) {
                    v = Long.parseLong(t.substring(2), 16);
                } else {
                    v = Long.parseLong(t);
                }
                if (v > 0xFFFFFFFFL) {
                    throw new DebugException("number " + quote(t) + " does not fit in 32 bits");
                }
                return v;
            } catch (NumberFormatException e) {
                throw new DebugException("bad number '" + quote(t) + "'");
            }
        }
    }
}
