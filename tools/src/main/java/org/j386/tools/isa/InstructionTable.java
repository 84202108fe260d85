package org.j386.tools.isa;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The table of instruction forms, read once from {@code insns.txt} next to this class. Both
 * the assembler and the disassembler work from it, so an encoding is written down exactly once.
 */
public final class InstructionTable {

    /** Condition-code suffixes: the first spelling of each code is the one the disassembler prints. */
    private static final String[][] CONDITIONS = {
        {"O"}, {"NO"}, {"C", "B", "NAE"}, {"NC", "AE", "NB"}, {"Z", "E"}, {"NZ", "NE"},
        {"NA", "BE"}, {"A", "NBE"}, {"S"}, {"NS"}, {"PE", "P"}, {"PO", "NP"},
        {"L", "NGE"}, {"NL", "GE"}, {"NG", "LE"}, {"G", "NLE"},
    };

    private static final InstructionTable STANDARD = load();

    private final List<Form> forms;
    private final Map<String, List<Form>> byMnemonic;

    private InstructionTable(List<Form> forms) {
        this.forms = List.copyOf(forms);
        Map<String, List<Form>> map = new LinkedHashMap<>();
        for (Form f : forms) {
            map.computeIfAbsent(f.mnemonic(), k -> new ArrayList<>()).add(f);
        }
        map.replaceAll((k, v) -> List.copyOf(v));
        this.byMnemonic = Collections.unmodifiableMap(map);
    }

    /** The table shipped with the tools. */
    public static InstructionTable standard() {
        return STANDARD;
    }

    /** Every form in table order. */
    public List<Form> forms() {
        return forms;
    }

    /** The forms of {@code mnemonic} (any case) in table order; empty when it is no instruction. */
    public List<Form> forms(String mnemonic) {
        return byMnemonic.getOrDefault(mnemonic.toUpperCase(Locale.ROOT), List.of());
    }

    public boolean isMnemonic(String word) {
        return byMnemonic.containsKey(word.toUpperCase(Locale.ROOT));
    }

    /** Mnemonics in table order. */
    public java.util.Set<String> mnemonics() {
        return byMnemonic.keySet();
    }

    private static InstructionTable load() {
        try (InputStream in = InstructionTable.class.getResourceAsStream("insns.txt")) {
            if (in == null) {
                throw new IllegalStateException("insns.txt missing from the class path");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses table text; a malformed row is a bug in the table, reported with its line. */
    public static InstructionTable parse(String text) {
        List<Form> forms = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                parseRow(line, n + 1, forms);
            } catch (RuntimeException e) {
                throw new IllegalStateException("insns.txt:" + (n + 1) + ": " + e.getMessage(), e);
            }
        }
        return new InstructionTable(forms);
    }

    private static void parseRow(String line, int lineNo, List<Form> out) {
        boolean assembleOnly = false;
        int semi = line.indexOf(';');
        if (semi >= 0) {
            for (String flag : words(line.substring(semi + 1))) {
                if (flag.equals("nd")) {
                    assembleOnly = true;
                } else if (!flag.isEmpty()) {
                    throw new IllegalArgumentException("unknown flag " + flag);
                }
            }
            line = line.substring(0, semi).trim();
        }
        List<String> words = words(line);
        if (words.size() < 3) {
            throw new IllegalArgumentException("expected mnemonic, operands and encoding");
        }
        String[] cols = {words.get(0), words.get(1)};
        String mnemonic = cols[0];
        List<OperandKind> operands = new ArrayList<>();
        if (!cols[1].equals("-")) {
            for (String k : cols[1].split(",")) {
                operands.add(OperandKind.parse(k));
            }
        }
        int osize = 0;
        int asize = 0;
        List<Integer> opcode = new ArrayList<>();
        boolean plusReg = false;
        boolean plusCc = false;
        Form.ModRm modrm = Form.ModRm.NONE;
        int digit = 0;
        List<Form.Tail> tail = new ArrayList<>();
        for (String tok : words.subList(2, words.size())) {
            switch (tok) {
                case "o16": osize = 16; break;
                case "o32": osize = 32; break;
                case "a16": asize = 16; break;
                case "a32": asize = 32; break;
                case "/r": modrm = Form.ModRm.REG; break;
                case "/rr": modrm = Form.ModRm.BOTH; break;
                default:
                    if (tok.length() == 2 && tok.charAt(0) == '/' && tok.charAt(1) >= '0' && tok.charAt(1) <= '7') {
                        modrm = Form.ModRm.DIGIT;
                        digit = tok.charAt(1) - '0';
                    } else if (isOpcodeByte(tok)) {
                        opcode.add(Integer.parseInt(tok.substring(0, 2), 16));
                        plusReg |= tok.endsWith("+r");
                        plusCc |= tok.endsWith("+cc");
                    } else {
                        tail.add(Form.Tail.valueOf(tok.toUpperCase(Locale.ROOT)));
                    }
            }
        }
        boolean family = mnemonic.endsWith("cc");
        if (family != plusCc) {
            throw new IllegalArgumentException("a cc mnemonic needs a +cc opcode and vice versa");
        }
        if (!family) {
            out.add(new Form(mnemonic, operands, osize, asize, bytes(opcode, 0), plusReg, modrm, digit,
                tail, -1, assembleOnly, lineNo));
            return;
        }
        String stem = mnemonic.substring(0, mnemonic.length() - 2);
        // canonical spellings first so that the disassembler finds them before the aliases
        for (int alias = 0; alias < 3; alias++) {
            for (int cc = 0; cc < 16; cc++) {
                if (alias < CONDITIONS[cc].length) {
                    out.add(new Form(stem + CONDITIONS[cc][alias], operands, osize, asize, bytes(opcode, cc),
                        plusReg, modrm, digit, tail, cc, assembleOnly || alias > 0, lineNo));
                }
            }
        }
    }

    /** The words of {@code text} separated by blanks (a regex split costs more than the whole table). */
    private static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i > start) {
                out.add(text.substring(start, i));
            }
        }
        return out;
    }

    /** {@code XX}, {@code XX+r} or {@code XX+cc} with XX two upper-case hex digits. */
    private static boolean isOpcodeByte(String tok) {
        if (tok.length() < 2 || !isHexDigit(tok.charAt(0)) || !isHexDigit(tok.charAt(1))) {
            return false;
        }
        String suffix = tok.substring(2);
        return suffix.isEmpty() || suffix.equals("+r") || suffix.equals("+cc");
    }

    private static boolean isHexDigit(char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
    }

    /** Opcode bytes with the condition code added to the last one. */
    private static byte[] bytes(List<Integer> opcode, int cc) {
        byte[] b = new byte[opcode.size()];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (opcode.get(i) + (i == b.length - 1 ? cc : 0));
        }
        return b;
    }

    /** Spelling of condition {@code cc} as the disassembler prints it (lower case). */
    public static String conditionName(int cc) {
        return CONDITIONS[cc][0].toLowerCase(Locale.ROOT);
    }

    static Map<String, Integer> conditionCodes() {
        Map<String, Integer> m = new HashMap<>();
        for (int cc = 0; cc < 16; cc++) {
            for (String s : CONDITIONS[cc]) {
                m.put(s, cc);
            }
        }
        return m;
    }
}
