package org.j386.tools.asm;

import java.util.LinkedHashMap;
import java.util.Map;
import org.j386.tools.isa.Register;

/** Expression trees of NASM's expression syntax, evaluated afresh in every pass. */
sealed interface Expr {

    /** What an expression can refer to while it is evaluated. */
    interface Scope {
        /** Value of a symbol; unknown in early passes for forward references. */
        Value symbol(String name);

        /** Address of the start of the current line ({@code $}). */
        Value here();

        /** Address of the start of the current section ({@code $$}). */
        Value sectionStart();
    }

    record Num(long value) implements Expr { }

    record Sym(String name) implements Expr { }

    record Reg(Register register) implements Expr { }

    record Here() implements Expr { }

    record SectionStart() implements Expr { }

    record Unary(String op, Expr operand) implements Expr { }

    record Binary(String op, Expr left, Expr right) implements Expr { }

    record Conditional(Expr test, Expr then, Expr otherwise) implements Expr { }

    /** Evaluates; registers are not allowed here (see {@link #linear}). */
    static Value eval(Expr e, Scope s) {
        if (e instanceof Num n) {
            return Value.of(n.value());
        } else if (e instanceof Sym sym) {
            return s.symbol(sym.name());
        } else if (e instanceof Here) {
            return s.here();
        } else if (e instanceof SectionStart) {
            return s.sectionStart();
        } else if (e instanceof Reg) {
            throw new AsmException("invalid operand: register in an expression");
        } else if (e instanceof Unary u) {
            Value v = eval(u.operand(), s);
            long r;
            switch (u.op()) {
                case "-": r = -v.value(); break;
                case "+": r = v.value(); break;
                case "~": r = ~v.value(); break;
                default: r = v.value() == 0 ? 1 : 0; break;
            }
            int section = v.section() == Value.ABSOLUTE || u.op().equals("+") ? v.section() : Value.COMPLEX;
            return new Value(r, section, v.known());
        } else if (e instanceof Conditional c) {
            Value t = eval(c.test(), s);
            return t.value() != 0 ? eval(c.then(), s) : eval(c.otherwise(), s);
        }
        Binary b = (Binary) e;
        Value l = eval(b.left(), s);
        Value r = eval(b.right(), s);
        boolean known = l.known() && r.known();
        long x = l.value();
        long y = r.value();
        int section = combine(b.op(), l, r);
        if (b.op().equals("-") && section == Value.COMPLEX && relocatable(l) && l.minus() == Value.ABSOLUTE
            && r.section() >= 0 && r.section() < Value.EXTERNAL && r.minus() == Value.ABSOLUTE) {
            return new Value(x - y, l.section(), known, r.section()); // sym - $: relative to a place here
        }
        // an offset added to or taken from sym - $ keeps it relative
        int minus = r.section() == Value.ABSOLUTE ? l.minus() : b.op().equals("+") && l.section() == Value.ABSOLUTE
            ? r.minus() : Value.ABSOLUTE;
        switch (b.op()) {
            case "+": return new Value(x + y, section, known, minus);
            case "-": return new Value(x - y, section, known, minus);
            case "*": return new Value(x * y, section, known);
            case "/": case "//": case "%": case "%%":
                if (y == 0) {
                    if (!known) {
                        return new Value(0, section, false);
                    }
                    throw new AsmException("division by zero");
                }
                switch (b.op()) {
                    case "/": return new Value(Long.divideUnsigned(x, y), section, known);
                    case "//": return new Value(x / y, section, known);
                    case "%": return new Value(Long.remainderUnsigned(x, y), section, known);
                    default: return new Value(x % y, section, known);
                }
            case "<<": case "<<<": return new Value(x << y, section, known);
            case ">>": return new Value(x >>> y, section, known);
            case ">>>": return new Value(x >> y, section, known);
            case "&": return new Value(x & y, section, known);
            case "|": return new Value(x | y, section, known);
            case "^": return new Value(x ^ y, section, known);
            case "&&": return new Value(x != 0 && y != 0 ? 1 : 0, section, known);
            case "||": return new Value(x != 0 || y != 0 ? 1 : 0, section, known);
            case "^^": return new Value((x != 0) != (y != 0) ? 1 : 0, section, known);
            case "=": case "==": return new Value(x == y ? 1 : 0, section, known);
            case "!=": case "<>": return new Value(x != y ? 1 : 0, section, known);
            case "<": return new Value(x < y ? 1 : 0, section, known);
            case "<=": return new Value(x <= y ? 1 : 0, section, known);
            case ">": return new Value(x > y ? 1 : 0, section, known);
            case ">=": return new Value(x >= y ? 1 : 0, section, known);
            default: throw new AsmException("unknown operator " + b.op());
        }
    }

    private static boolean relocatable(Value v) {
        return v.section() >= 0;
    }

    /**
     * How placement-dependence combines: label + number stays a label in its section,
     * label - label of one section is a plain number, anything else is beyond a flat fix-up.
     */
    private static int combine(String op, Value l, Value r) {
        if (l.section() == Value.ABSOLUTE && r.section() == Value.ABSOLUTE) {
            return Value.ABSOLUTE;
        }
        if (op.equals("+")) {
            if (l.section() == Value.ABSOLUTE) {
                return r.section();
            }
            return r.section() == Value.ABSOLUTE ? l.section() : Value.COMPLEX;
        }
        if (op.equals("-")) {
            if (r.section() == Value.ABSOLUTE) {
                return l.section();
            }
            return l.section() == r.section() && l.section() >= 0 ? Value.ABSOLUTE : Value.COMPLEX;
        }
        return Value.COMPLEX;
    }

    /** A memory address as registers with multipliers plus a displacement. */
    record Linear(Map<Register, Long> registers, Value displacement) { }

    /** Splits an effective-address expression such as {@code ebx+ecx*4+table-8} into registers and displacement. */
    static Linear linear(Expr e, Scope s) {
        Map<Register, Long> regs = new LinkedHashMap<>();
        Expr[] disp = {new Num(0)};
        linear(e, 1, regs, disp, s);
        regs.values().removeIf(c -> c == 0);
        return new Linear(regs, eval(disp[0], s));
    }

    /**
     * Collects register terms into {@code regs} and the rest into one displacement expression,
     * so that label differences such as {@code [ebx+end-start]} still cancel as in a plain expression.
     */
    private static void linear(Expr e, long factor, Map<Register, Long> regs, Expr[] disp, Scope s) {
        if (!containsRegister(e)) {
            if (factor == 1 || factor == -1) {
                disp[0] = new Binary(factor == 1 ? "+" : "-", disp[0], e);
            } else {
                disp[0] = new Binary("+", disp[0], new Binary("*", new Num(factor), e));
            }
            return;
        }
        if (e instanceof Reg r) {
            regs.merge(r.register(), factor, Long::sum);
            return;
        }
        if (e instanceof Unary u && (u.op().equals("-") || u.op().equals("+"))) {
            linear(u.operand(), u.op().equals("-") ? -factor : factor, regs, disp, s);
            return;
        }
        if (e instanceof Binary b) {
            if (b.op().equals("+") || b.op().equals("-")) {
                linear(b.left(), factor, regs, disp, s);
                linear(b.right(), b.op().equals("-") ? -factor : factor, regs, disp, s);
                return;
            }
            if (b.op().equals("*") && !containsRegister(b.left())) {
                linear(b.right(), factor * constant(b.left(), s), regs, disp, s);
                return;
            }
            if (b.op().equals("*") && !containsRegister(b.right())) {
                linear(b.left(), factor * constant(b.right(), s), regs, disp, s);
                return;
            }
        }
        throw new AsmException("invalid effective address");
    }

    private static long constant(Expr e, Scope s) {
        Value v = eval(e, s);
        if (v.known() && v.section() != Value.ABSOLUTE) {
            throw new AsmException("invalid effective address");
        }
        return v.value();
    }

    static boolean containsRegister(Expr e) {
        if (e instanceof Reg) {
            return true;
        }
        if (e instanceof Unary u) {
            return containsRegister(u.operand());
        }
        if (e instanceof Binary b) {
            return containsRegister(b.left()) || containsRegister(b.right());
        }
        if (e instanceof Conditional c) {
            return containsRegister(c.test()) || containsRegister(c.then()) || containsRegister(c.otherwise());
        }
        return false;
    }
}
