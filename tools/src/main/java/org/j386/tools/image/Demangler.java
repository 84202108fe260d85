package org.j386.tools.image;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns Itanium C++ ABI symbol names (what g++ and clang emit on x86) into the C++ spelling that
 * {@code c++filt} prints: {@code _ZN9PageTable12handle_faultEP4REGS} becomes
 * {@code PageTable::handle_fault(REGS*)}. Names compiled with {@code -fleading-underscore} carry
 * one more underscore ({@code __ZN...}) and are read the same way.
 *
 * <p>It covers what small kernels contain: nested and local names, constructors and destructors,
 * operators and conversions, builtin, pointer, reference, cv-qualified, array, function and
 * pointer-to-member types, substitutions, templates with type and literal arguments, vtables,
 * typeinfo, guard variables, thunks and gcc's clone suffixes. A name it cannot read whole (an
 * expression in a template argument, say) is returned unchanged: a raw name is more use than a
 * half-translated one.
 */
public final class Demangler {
    private Demangler() {
    }

    /** The demangled form of {@code symbol}, or {@code symbol} itself when it is not a C++ name this reads. */
    public static String demangle(String symbol) {
        String mangled = symbol.startsWith("__Z") ? symbol.substring(1) : symbol;
        if (!mangled.startsWith("_Z")) {
            return symbol;
        }
        String clones = "";
        int dot = mangled.indexOf('.');
        if (dot > 0) {
            clones = cloneSuffixes(mangled.substring(dot));
            if (clones == null) {
                return symbol;
            }
            mangled = mangled.substring(0, dot);
        }
        try {
            Reader r = new Reader(mangled, 2);
            String text = r.encoding(true);
            return r.atEnd() ? text + clones : symbol;
        } catch (Unreadable | IndexOutOfBoundsException | NumberFormatException e) {
            return symbol;
        }
    }

    /** gcc's {@code .constprop.0}, {@code .isra.0}, {@code .cold}: each becomes {@code [clone .x]}. */
    private static String cloneSuffixes(String suffix) {
        StringBuilder b = new StringBuilder();
        int i = 0;
        while (i < suffix.length()) {
            int end = i + 1;
            while (end < suffix.length() && Character.isLowerCase(suffix.charAt(end)) || end < suffix.length()
                    && suffix.charAt(end) == '_') {
                end++;
            }
            while (end + 1 < suffix.length() && suffix.charAt(end) == '.' && Character.isDigit(suffix.charAt(end + 1))) {
                end++;
                while (end < suffix.length() && Character.isDigit(suffix.charAt(end))) {
                    end++;
                }
            }
            if (end == i + 1) {
                return null;
            }
            b.append(" [clone ").append(suffix, i, end).append(']');
            i = end;
        }
        return b.toString();
    }

    /** Thrown, without a stack trace, where the name leaves the grammar this reads. */
    private static final class Unreadable extends RuntimeException {
        Unreadable() {
            super(null, null, false, false);
        }
    }

    // ---- types as trees: C++ declarators print inside out ("void (*)(int)", "int (&) [4]") ----

    /** A type or name, printed as a part before and a part after where a declarator goes. */
    private abstract static class Node {
        abstract void left(StringBuilder b);

        void right(StringBuilder b) {
        }

        /** Function and array types wrap a pointer or reference to them in parentheses. */
        boolean needsParentheses() {
            return false;
        }

        boolean isArray() {
            return false;
        }

        /** Whether something is printed after the declarator ({@code (int)}, {@code [4]}). */
        boolean hasRight() {
            return needsParentheses();
        }

        @Override
        public final String toString() {
            StringBuilder b = new StringBuilder();
            left(b);
            right(b);
            return b.toString();
        }
    }

    private static final class Text extends Node {
        final String text;

        Text(String text) {
            this.text = text;
        }

        @Override
        void left(StringBuilder b) {
            b.append(text);
        }
    }

    /** How a {@link Wrapped} type is written around the type inside it. */
    private enum Wrapping {
        /** {@code char const}: qualifiers after the type, as c++filt writes them. */
        QUALIFIERS,
        /** {@code *}, {@code &}, {@code &&} or {@code Foo::*}. */
        POINTER,
        /** {@code int [10]}: the text is the dimension, empty when unknown. */
        ARRAY
    }

    /** A type built around another: cv-qualified, a pointer or reference to it, an array of it. */
    private static final class Wrapped extends Node {
        final Node inner;
        final String text;
        final Wrapping wrapping;

        Wrapped(Node inner, String text, Wrapping wrapping) {
            this.inner = inner;
            this.text = text;
            this.wrapping = wrapping;
        }

        @Override
        void left(StringBuilder b) {
            inner.left(b);
            switch (wrapping) {
                case QUALIFIERS:
                    if (!(inner instanceof Function)) {
                        b.append(' ').append(text);
                    }
                    break;
                case POINTER:
                    if (inner.needsParentheses()) {
                        b.append('(');
                    } else if (text.endsWith("::*")) {
                        b.append(' ');
                    }
                    b.append(text);
                    break;
                default:
                    b.append(' ');
                    break;
            }
        }

        @Override
        void right(StringBuilder b) {
            switch (wrapping) {
                case QUALIFIERS:
                    inner.right(b);
                    if (inner instanceof Function) {
                        b.append(' ').append(text); // a member function's own qualifiers follow its parameters
                    }
                    break;
                case POINTER:
                    if (inner.needsParentheses()) {
                        b.append(inner.isArray() ? ") " : ")");
                    }
                    inner.right(b);
                    break;
                default:
                    b.append('[').append(text).append(']');
                    inner.right(b);
                    break;
            }
        }

        @Override
        boolean needsParentheses() {
            return wrapping == Wrapping.ARRAY;
        }

        @Override
        boolean isArray() {
            return wrapping == Wrapping.ARRAY;
        }

        @Override
        boolean hasRight() {
            return needsParentheses() || inner.hasRight() || wrapping == Wrapping.POINTER && inner.needsParentheses();
        }
    }

    private static final class Function extends Node {
        final Node result;
        final List<Node> parameters;

        Function(Node result, List<Node> parameters) {
            this.result = result;
            this.parameters = parameters;
        }

        @Override
        void left(StringBuilder b) {
            result.left(b);
            if (!result.hasRight()) {
                b.append(' ');
            }
        }

        @Override
        void right(StringBuilder b) {
            b.append(parameterList(parameters));
            result.right(b);
        }

        @Override
        boolean needsParentheses() {
            return true;
        }
    }

    static String parameterList(List<Node> parameters) {
        if (parameters.size() == 1 && parameters.get(0).toString().equals("void")) {
            return "()";
        }
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < parameters.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(parameters.get(i));
        }
        return b.append(')').toString();
    }

    /** A name as read, with what the encoding around it needs to know about its last part. */
    private record Name(String text, boolean template, boolean ctorOrDtorOrConversion, String methodQualifiers) {
    }

    // ---- the grammar ----

    private static final class Reader {
        private final String s;
        private int pos;
        /** Names and types that later {@code S_}, {@code S0_}... refer to, in order of appearance. */
        private final List<Node> substitutions = new ArrayList<>();
        /** The arguments of the innermost template whose parameters {@code T_}, {@code T0_}... mean. */
        private List<Node> templateArguments = new ArrayList<>();
        /** The unqualified name of the last nested-name component, for constructor and destructor names. */
        private String lastSourceName = "";
        /**
         * Whether the unqualified name read last was a constructor, destructor or conversion
         * operator: such a function's encoding has no return type even when it is a template.
         */
        private boolean specialPart;
        private int depth;

        Reader(String s, int pos) {
            this.s = s;
            this.pos = pos;
        }

        boolean atEnd() {
            return pos == s.length();
        }

        private char peek() {
            return pos < s.length() ? s.charAt(pos) : '\0';
        }

        private char peek(int ahead) {
            return pos + ahead < s.length() ? s.charAt(pos + ahead) : '\0';
        }

        private boolean eat(String prefix) {
            if (s.startsWith(prefix, pos)) {
                pos += prefix.length();
                return true;
            }
            return false;
        }

        private void expect(char c) {
            if (peek() != c) {
                throw new Unreadable();
            }
            pos++;
        }

        private void enter() {
            if (++depth > 200) {
                throw new Unreadable();
            }
        }

        /** {@code <encoding>}: a function with its parameters, a data name, or a special name. */
        String encoding(boolean topLevel) {
            enter();
            try {
                if (peek() == 'T' || peek() == 'G') {
                    return specialName();
                }
                Name name = name();
                if (atEnd() || peek() == 'E' || peek() == '.') {
                    return name.text();
                }
                Node result = null;
                if (name.template() && !name.ctorOrDtorOrConversion()) {
                    result = type(); // a function template's return type is part of its name
                }
                List<Node> parameters = typeList();
                String text = name.text() + parameterList(parameters) + name.methodQualifiers();
                return result == null || !topLevel ? text : result + " " + text;
            } finally {
                depth--;
            }
        }

        private List<Node> typeList() {
            List<Node> types = new ArrayList<>();
            do {
                types.add(type());
            } while (!atEnd() && peek() != 'E' && peek() != '.');
            return types;
        }

        private String specialName() {
            if (eat("TV")) {
                return "vtable for " + type();
            }
            if (eat("TT")) {
                return "VTT for " + type();
            }
            if (eat("TI")) {
                return "typeinfo for " + type();
            }
            if (eat("TS")) {
                return "typeinfo name for " + type();
            }
            if (eat("GV")) {
                return "guard variable for " + name().text();
            }
            if (eat("GR")) {
                String n = name().text();
                seqIdUpTo('_');
                return "reference temporary for " + n;
            }
            if (eat("Th")) {
                callOffset('h');
                return "non-virtual thunk to " + encoding(false);
            }
            if (eat("Tv")) {
                callOffset('v');
                return "virtual thunk to " + encoding(false);
            }
            if (eat("Tc")) {
                callOffset(read());
                callOffset(read());
                return "covariant return thunk to " + encoding(false);
            }
            throw new Unreadable();
        }

        private char read() {
            char c = peek();
            pos++;
            return c;
        }

        private void callOffset(char kind) {
            number();
            expect('_');
            if (kind == 'v') {
                number();
                expect('_');
            } else if (kind != 'h') {
                throw new Unreadable();
            }
        }

        private void seqIdUpTo(char end) {
            while (peek() != end) {
                if (atEnd()) {
                    throw new Unreadable();
                }
                pos++;
            }
            pos++;
        }

        /** {@code <number>}: decimal, {@code n} for minus. */
        private long number() {
            boolean negative = peek() == 'n';
            if (negative) {
                pos++;
            }
            int start = pos;
            while (Character.isDigit(peek())) {
                pos++;
            }
            if (start == pos) {
                throw new Unreadable();
            }
            long v = Long.parseLong(s.substring(start, pos));
            return negative ? -v : v;
        }

        /** {@code <name>}: nested ({@code N...E}), local ({@code Z...E}), std::, or a plain name, maybe a template. */
        Name name() {
            if (peek() == 'N') {
                return nestedName();
            }
            if (peek() == 'Z') {
                return localName();
            }
            String text;
            boolean fromSubstitution = false;
            if (eat("St")) {
                text = "std::" + unqualifiedName();
            } else if (peek() == 'S') {
                text = substitution().toString();
                fromSubstitution = true;
                if (peek() != 'I') {
                    throw new Unreadable(); // only a template name may come from a substitution here
                }
            } else {
                text = unqualifiedName();
            }
            boolean special = specialPart;
            if (peek() == 'I') {
                if (!fromSubstitution) {
                    substitutions.add(new Text(text));
                }
                String args = templateArgs(true);
                return new Name(text + args, true, special, "");
            }
            return new Name(text, false, special, "");
        }

        private Name nestedName() {
            expect('N');
            StringBuilder qualifiers = new StringBuilder();
            if (eat("r")) {
                qualifiers.insert(0, " restrict");
            }
            if (eat("V")) {
                qualifiers.insert(0, " volatile");
            }
            if (eat("K")) {
                qualifiers.insert(0, " const");
            }
            if (eat("R")) {
                qualifiers.append(" &");
            } else if (eat("O")) {
                qualifiers.append(" &&");
            }
            String prefix = "";
            boolean template = false;
            boolean special = false;
            boolean pendingSubstitution = false;
            while (peek() != 'E') {
                if (atEnd()) {
                    throw new Unreadable();
                }
                if (pendingSubstitution) {
                    substitutions.add(new Text(prefix));
                }
                pendingSubstitution = true;
                template = false;
                special = false;
                if (peek() == 'I') {
                    if (prefix.isEmpty()) {
                        throw new Unreadable();
                    }
                    prefix += templateArgs(true);
                    template = true;
                    continue;
                }
                String part;
                if (peek() == 'S' && peek(1) != 't') {
                    part = substitution().toString();
                    pendingSubstitution = false;
                } else if (peek() == 'T') {
                    part = templateParam().toString();
                } else if (eat("St")) {
                    part = "std::" + unqualifiedName();
                } else {
                    part = unqualifiedName();
                    special = specialPart;
                }
                prefix = prefix.isEmpty() ? part : prefix + "::" + part;
            }
            expect('E');
            return new Name(prefix, template, special, qualifiers.toString());
        }

        private Name localName() {
            expect('Z');
            String function = encoding(false);
            expect('E');
            if (eat("s")) {
                discriminator();
                return new Name(function + "::string literal", false, false, "");
            }
            if (eat("d")) {
                if (peek() != '_') {
                    number();
                }
                expect('_');
            }
            Name entity = name();
            discriminator();
            return new Name(function + "::" + entity.text(), entity.template(), entity.ctorOrDtorOrConversion(),
                    entity.methodQualifiers());
        }

        private void discriminator() {
            if (eat("__")) {
                number();
                expect('_');
            } else if (peek() == '_' && Character.isDigit(peek(1))) {
                pos += 2;
            }
        }

        /** {@code <unqualified-name>}: a source name, an operator, a constructor or destructor, an unnamed type. */
        private String unqualifiedName() {
            String text;
            char c = peek();
            boolean special = c == 'C' || c == 'D' || c == 'c' && peek(1) == 'v';
            if (Character.isDigit(c)) {
                text = sourceName();
                lastSourceName = text;
            } else if (c == 'L') {
                pos++; // internal linkage (a static function), which c++filt does not show
                text = sourceName();
                lastSourceName = text;
                discriminator();
            } else if (c == 'C') {
                pos++;
                if (eat("I")) {
                    type(); // inheriting constructor: the base it comes from
                } else {
                    pos++;
                }
                text = lastSourceName;
                if (text.isEmpty()) {
                    throw new Unreadable();
                }
            } else if (c == 'D' && Character.isDigit(peek(1))) {
                pos += 2;
                text = "~" + lastSourceName;
                if (lastSourceName.isEmpty()) {
                    throw new Unreadable();
                }
            } else if (c == 'U') {
                text = unnamedType();
            } else if (Character.isLowerCase(c)) {
                text = operatorName();
            } else {
                throw new Unreadable();
            }
            while (eat("B")) {
                text += "[abi:" + sourceName() + "]";
            }
            specialPart = special; // set last: a conversion's type may contain names of its own
            return text;
        }

        private String unnamedType() {
            if (eat("Ut")) {
                long n = peek() == '_' ? 1 : number() + 2;
                expect('_');
                return "{unnamed type#" + n + "}";
            }
            if (eat("Ul")) {
                List<Node> parameters = typeList();
                expect('E');
                long n = peek() == '_' ? 1 : number() + 2;
                expect('_');
                return "{lambda" + parameterList(parameters) + "#" + n + "}";
            }
            throw new Unreadable();
        }

        private String sourceName() {
            int length = (int) number();
            if (length <= 0 || pos + length > s.length()) {
                throw new Unreadable();
            }
            String id = s.substring(pos, pos + length);
            pos += length;
            return id.startsWith("_GLOBAL__N") ? "(anonymous namespace)" : id;
        }

        private static final String[][] OPERATORS = {
            {"nw", "new"}, {"na", "new[]"}, {"dl", "delete"}, {"da", "delete[]"}, {"ps", "+"}, {"ng", "-"},
            {"ad", "&"}, {"de", "*"}, {"co", "~"}, {"pl", "+"}, {"mi", "-"}, {"ml", "*"}, {"dv", "/"},
            {"rm", "%"}, {"an", "&"}, {"or", "|"}, {"eo", "^"}, {"aS", "="}, {"pL", "+="}, {"mI", "-="},
            {"mL", "*="}, {"dV", "/="}, {"rM", "%="}, {"aN", "&="}, {"oR", "|="}, {"eO", "^="}, {"ls", "<<"},
            {"rs", ">>"}, {"lS", "<<="}, {"rS", ">>="}, {"eq", "=="}, {"ne", "!="}, {"lt", "<"}, {"gt", ">"},
            {"le", "<="}, {"ge", ">="}, {"ss", "<=>"}, {"nt", "!"}, {"aa", "&&"}, {"oo", "||"}, {"pp", "++"},
            {"mm", "--"}, {"cm", ","}, {"pm", "->*"}, {"pt", "->"}, {"cl", "()"}, {"ix", "[]"}, {"qu", "?"},
        };

        private String operatorName() {
            if (eat("cv")) {
                return "operator " + type();
            }
            if (eat("li")) {
                return "operator\"\" " + sourceName();
            }
            for (String[] op : OPERATORS) {
                if (eat(op[0])) {
                    return Character.isLetter(op[1].charAt(0)) ? "operator " + op[1] : "operator" + op[1];
                }
            }
            throw new Unreadable();
        }

        /** {@code I...E}; at the outermost level of a name, these are what {@code T_} refers to afterwards. */
        private String templateArgs(boolean bindParameters) {
            expect('I');
            List<Node> args = new ArrayList<>();
            while (!eat("E")) {
                if (atEnd()) {
                    throw new Unreadable();
                }
                args.add(templateArg());
            }
            if (bindParameters && depth <= 1) {
                templateArguments = args;
            }
            StringBuilder b = new StringBuilder("<");
            for (int i = 0; i < args.size(); i++) {
                b.append(i == 0 ? "" : ", ").append(args.get(i));
            }
            // ">>" would read as a shift in old C++; c++filt keeps the space too.
            return b.append(b.charAt(b.length() - 1) == '>' ? " >" : ">").toString();
        }

        private Node templateArg() {
            if (peek() == 'L') {
                return literal();
            }
            if (eat("J")) {
                List<Node> pack = new ArrayList<>();
                while (!eat("E")) {
                    if (atEnd()) {
                        throw new Unreadable();
                    }
                    pack.add(templateArg());
                }
                StringBuilder b = new StringBuilder();
                for (int i = 0; i < pack.size(); i++) {
                    b.append(i == 0 ? "" : ", ").append(pack.get(i));
                }
                return new Text(b.toString());
            }
            if (peek() == 'X') {
                throw new Unreadable(); // expressions: left to c++filt
            }
            return type();
        }

        /** {@code L <type> <value> E} or {@code L _Z <encoding> E}. */
        private Node literal() {
            expect('L');
            if (eat("_Z")) {
                String entity = encoding(false);
                expect('E');
                return new Text(entity);
            }
            Node t = type();
            String type = t.toString();
            boolean negative = eat("n");
            int start = pos;
            while (peek() != 'E') {
                if (atEnd()) {
                    throw new Unreadable();
                }
                pos++;
            }
            String value = (negative ? "-" : "") + s.substring(start, pos);
            expect('E');
            switch (type) {
                case "bool":
                    return new Text(value.equals("0") ? "false" : value.equals("1") ? "true" : "(bool)" + value);
                case "int":
                    return new Text(value);
                case "unsigned int":
                    return new Text(value + "u");
                case "long":
                    return new Text(value + "l");
                case "unsigned long":
                    return new Text(value + "ul");
                case "long long":
                    return new Text(value + "ll");
                case "unsigned long long":
                    return new Text(value + "ull");
                default:
                    return new Text("(" + type + ")" + value);
            }
        }

        private Node templateParam() {
            expect('T');
            int index = peek() == '_' ? 0 : (int) number() + 1;
            expect('_');
            if (index >= templateArguments.size()) {
                throw new Unreadable();
            }
            return templateArguments.get(index);
        }

        /** {@code S_}, {@code S<base 36>_} or one of the std:: abbreviations. */
        private Node substitution() {
            expect('S');
            switch (peek()) {
                case 'a': return abbreviation("allocator", "std::allocator");
                case 'b': return abbreviation("basic_string", "std::basic_string");
                case 's': return abbreviation("basic_string", "std::basic_string<char, " + CHAR_TRAITS + ", std::allocator<char> >");
                case 'i': return abbreviation("basic_istream", "std::basic_istream<char, " + CHAR_TRAITS + " >");
                case 'o': return abbreviation("basic_ostream", "std::basic_ostream<char, " + CHAR_TRAITS + " >");
                case 'd': return abbreviation("basic_iostream", "std::basic_iostream<char, " + CHAR_TRAITS + " >");
                default: break;
            }
            int index = 0;
            if (peek() != '_') {
                int start = pos;
                while (Character.isDigit(peek()) || Character.isUpperCase(peek())) {
                    pos++;
                }
                if (start == pos) {
                    throw new Unreadable();
                }
                index = Integer.parseInt(s.substring(start, pos), 36) + 1;
            }
            expect('_');
            if (index >= substitutions.size()) {
                throw new Unreadable();
            }
            return substitutions.get(index);
        }

        private static final String CHAR_TRAITS = "std::char_traits<char>";

        /** A std:: abbreviation; its template's name is what a constructor after it is called. */
        private Node abbreviation(String template, String spelled) {
            pos++;
            lastSourceName = template;
            return new Text(spelled);
        }

        private static final String BUILTINS = "vwbcahstijlmxynofdegz";
        private static final String[] BUILTIN_NAMES = {
            "void", "wchar_t", "bool", "char", "signed char", "unsigned char", "short", "unsigned short", "int",
            "unsigned int", "long", "unsigned long", "long long", "unsigned long long", "__int128",
            "unsigned __int128", "float", "double", "long double", "__float128", "...",
        };

        /** {@code <type>}; everything but builtins and substitutions becomes a substitution candidate. */
        Node type() {
            enter();
            try {
                char c = peek();
                int builtin = BUILTINS.indexOf(c);
                if (builtin >= 0 && c != '\0') {
                    pos++;
                    return new Text(BUILTIN_NAMES[builtin]);
                }
                Node t;
                switch (c) {
                    case 'D':
                        return vendorType();
                    case 'u':
                        pos++;
                        t = new Text(sourceName());
                        break;
                    case 'r': case 'V': case 'K':
                        t = qualifiedType();
                        break;
                    case 'P':
                        pos++;
                        t = new Wrapped(type(), "*", Wrapping.POINTER);
                        break;
                    case 'R':
                        pos++;
                        t = new Wrapped(type(), "&", Wrapping.POINTER);
                        break;
                    case 'O':
                        pos++;
                        t = new Wrapped(type(), "&&", Wrapping.POINTER);
                        break;
                    case 'F':
                        t = functionType();
                        break;
                    case 'A':
                        t = arrayType();
                        break;
                    case 'M':
                        t = memberPointerType();
                        break;
                    case 'T':
                        t = templateParam();
                        if (peek() == 'I') {
                            substitutions.add(t);
                            t = new Text(t + templateArgs(false));
                        }
                        break;
                    case 'S':
                        if (peek(1) == 't') {
                            t = new Text(name().text());
                            break;
                        }
                        t = substitution();
                        if (peek() != 'I') {
                            return t;
                        }
                        t = new Text(t + templateArgs(false));
                        break;
                    default:
                        t = new Text(name().text());
                        break;
                }
                substitutions.add(t);
                return t;
            } finally {
                depth--;
            }
        }

        private Node vendorType() {
            pos++;
            char c = read();
            switch (c) {
                case 'n': return new Text("decltype(nullptr)");
                case 'i': return new Text("char32_t");
                case 's': return new Text("char16_t");
                case 'u': return new Text("char8_t");
                case 'a': return new Text("auto");
                case 'c': return new Text("decltype(auto)");
                case 'p': {
                    Node t = new Text(type() + "...");
                    substitutions.add(t);
                    return t;
                }
                default: throw new Unreadable();
            }
        }

        private Node qualifiedType() {
            StringBuilder q = new StringBuilder();
            if (eat("r")) {
                q.insert(0, "restrict");
            }
            if (eat("V")) {
                q.insert(0, q.length() == 0 ? "volatile" : "volatile ");
            }
            if (eat("K")) {
                q.insert(0, q.length() == 0 ? "const" : "const ");
            }
            return new Wrapped(type(), q.toString(), Wrapping.QUALIFIERS);
        }

        private Node functionType() {
            expect('F');
            eat("Y");
            Node result = type();
            List<Node> parameters = new ArrayList<>();
            while (!eat("E")) {
                if (atEnd()) {
                    throw new Unreadable();
                }
                if (eat("R") || eat("O")) {
                    continue; // ref-qualifier of a member function type
                }
                parameters.add(type());
            }
            return new Function(result, parameters);
        }

        private Node arrayType() {
            expect('A');
            String dimension = "";
            if (Character.isDigit(peek())) {
                dimension = Long.toString(number());
            }
            expect('_');
            return new Wrapped(type(), dimension, Wrapping.ARRAY);
        }

        private Node memberPointerType() {
            expect('M');
            Node owner = type();
            Node member = type();
            return new Wrapped(member, owner + "::*", Wrapping.POINTER);
        }
    }
}
