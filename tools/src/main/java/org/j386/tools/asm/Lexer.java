package org.j386.tools.asm;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Splits one line of NASM source into tokens; a ';' outside quotes ends the line. */
final class Lexer {
    private static final String[] OPERATORS = {
        "<<<", ">>>", "<<", ">>", "//", "%%", "==", "!=", "<>", "<=", ">=", "&&", "||", "^^",
        "+", "-", "*", "/", "%", "&", "|", "^", "~", "!", "(", ")", "[", "]", ",", ":", "<", ">", "=", "?",
    };

    private Lexer() {
    }

    /** Whether the tokens so far are SECTION or SEGMENT at the start of a line (or of a primitive {@code [section}). */
    private static boolean startsSectionDirective(List<Token> out) {
        int n = out.size();
        boolean first = n == 1 || (n == 2 && out.get(0).isOp("["));
        String w = out.get(n - 1).text();
        return first && (w.equalsIgnoreCase("section") || w.equalsIgnoreCase("segment"));
    }

    /**
     * A section name runs to the next blank, as in NASM: {@code .note.GNU-stack} is one name,
     * not an expression.
     */
    private static int sectionName(String line, int i, List<Token> out) {
        int n = line.length();
        while (i < n && Character.isWhitespace(line.charAt(i))) {
            i++;
        }
        int start = i;
        while (i < n && !Character.isWhitespace(line.charAt(i)) && line.charAt(i) != ']' && line.charAt(i) != ';') {
            i++;
        }
        if (i > start) {
            out.add(Token.ident(line.substring(start, i)));
        }
        return i;
    }

    static List<Token> tokenize(String line) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (i < n) {
            char c = line.charAt(i);
            if (c == ';') {
                break;
            }
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '\'' || c == '"' || c == '`') {
                i = string(line, i, out);
            } else if (Character.isDigit(c) || (c == '$' && i + 1 < n && Character.isDigit(line.charAt(i + 1)))) {
                int start = i;
                i++;
                while (i < n && (Character.isLetterOrDigit(line.charAt(i)) || line.charAt(i) == '_')) {
                    i++;
                }
                String text = line.substring(start, i);
                out.add(Token.number(text, number(text)));
            } else if (isIdentStart(c)) {
                int start = i;
                i++;
                while (i < n && isIdentPart(line.charAt(i))) {
                    i++;
                }
                out.add(Token.ident(line.substring(start, i)));
                if (startsSectionDirective(out)) {
                    i = sectionName(line, i, out);
                }
            } else {
                String op = null;
                for (String o : OPERATORS) {
                    if (line.startsWith(o, i)) {
                        op = o;
                        break;
                    }
                }
                if (op == null) {
                    throw new AsmException("unexpected character `" + c + "'");
                }
                out.add(Token.op(op));
                i += op.length();
            }
        }
        return out;
    }

    static boolean isIdentStart(char c) {
        return Character.isLetter(c) || c == '_' || c == '.' || c == '?' || c == '@' || c == '$';
    }

    static boolean isIdentPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '?' || c == '@' || c == '$'
            || c == '#' || c == '~';
    }

    private static int string(String line, int start, List<Token> out) {
        char q = line.charAt(start);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int i = start + 1;
        while (true) {
            if (i >= line.length()) {
                throw new AsmException("unterminated string");
            }
            char c = line.charAt(i);
            if (c == q) {
                i++;
                break;
            }
            if (q == '`' && c == '\\') {
                i = escape(line, i + 1, b);
                continue;
            }
            byte[] utf = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
            b.write(utf, 0, utf.length);
            i++;
        }
        out.add(Token.string(line.substring(start, i), b.toByteArray()));
        return i;
    }

    /** C-like escapes of backquoted strings; returns the index after the escape. */
    private static int escape(String s, int i, ByteArrayOutputStream b) {
        if (i >= s.length()) {
            throw new AsmException("unterminated string");
        }
        char c = s.charAt(i);
        switch (c) {
            case 'n': b.write(10); return i + 1;
            case 't': b.write(9); return i + 1;
            case 'r': b.write(13); return i + 1;
            case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
                int v = 0;
                int j = i;
                while (j < s.length() && j < i + 3 && s.charAt(j) >= '0' && s.charAt(j) <= '7') {
                    v = v * 8 + (s.charAt(j) - '0');
                    j++;
                }
                b.write(v);
                return j;
            }
            case 'x': {
                int v = 0;
                int j = i + 1;
                while (j < s.length() && j < i + 3 && Character.digit(s.charAt(j), 16) >= 0) {
                    v = v * 16 + Character.digit(s.charAt(j), 16);
                    j++;
                }
                b.write(j == i + 1 ? 'x' : v); // \x without digits is the letter, as in NASM
                return j;
            }
            case 'u': case 'U': {
                // a Unicode code point, written in UTF-8
                int digits = c == 'u' ? 4 : 8;
                int v = 0;
                int j = i + 1;
                while (j < s.length() && j < i + 1 + digits && Character.digit(s.charAt(j), 16) >= 0) {
                    v = v * 16 + Character.digit(s.charAt(j), 16);
                    j++;
                }
                if (j == i + 1 || !Character.isValidCodePoint(v)) {
                    throw new AsmException("invalid Unicode escape in string");
                }
                byte[] utf8 = new String(Character.toChars(v)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                b.write(utf8, 0, utf8.length);
                return j;
            }
            case 'a': b.write(7); return i + 1;
            case 'b': b.write(8); return i + 1;
            case 'f': b.write(12); return i + 1;
            case 'v': b.write(11); return i + 1;
            case 'e': b.write(27); return i + 1;
            default: b.write(c); return i + 1;
        }
    }

    /** NASM numeric literal: 0x/0h/$ or h/x suffix hex, 0b/0y or b/y binary, 0o/0q or o/q octal, 0d/0t or d/t decimal. */
    static long number(String text) {
        String s = text.replace("_", "").toLowerCase(java.util.Locale.ROOT);
        try {
            if (s.startsWith("$")) {
                return parse(s.substring(1), 16, text);
            }
            if (s.startsWith("0x") || (s.startsWith("0h") && s.length() > 2)) { // "0h" alone is zero
                return parse(s.substring(2), 16, text);
            }
            if (s.endsWith("h") || s.endsWith("x")) {
                return parse(s.substring(0, s.length() - 1), 16, text);
            }
            if (s.length() > 2 && s.charAt(0) == '0' && "byoqdt".indexOf(s.charAt(1)) >= 0
                && Character.isDigit(s.charAt(2))) {
                return parse(s.substring(2), radix(s.charAt(1)), text);
            }
            char last = s.charAt(s.length() - 1);
            if ("byoqdt".indexOf(last) >= 0) {
                return parse(s.substring(0, s.length() - 1), radix(last), text);
            }
            return parse(s, 10, text);
        } catch (NumberFormatException e) {
            throw new AsmException("invalid number `" + text + "'");
        }
    }

    private static int radix(char c) {
        switch (c) {
            case 'b': case 'y': return 2;
            case 'o': case 'q': return 8;
            default: return 10;
        }
    }

    private static long parse(String digits, int radix, String text) {
        if (digits.isEmpty()) {
            throw new AsmException("invalid number `" + text + "'");
        }
        return Long.parseUnsignedLong(digits, radix);
    }
}
