package org.j386.emulator.fuzz;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.j386.tools.asm.Assembler;
import org.j386.tools.asm.Diagnostic;

/**
 * Mutated assembler sources: the assembler's corpus with characters dropped, changed and
 * inserted, lines cut and repeated, and pathological lines spliced in (macros that call
 * themselves, runaway defines, deep expressions, huge counts, devices and missing files, sections
 * at the top of memory). Every source must assemble or fail with FILE:LINE errors, never throw.
 */
final class AssemblerFuzzer implements Fuzz.Target {
    private static final String NOISE = "[](){}:,+-*/%$\"'`;.#@~!<>=&|^\\ 0123456789abcxyz";
    private static final String[] POISON = {
        "%macro m 0\nm\nm\n%endmacro\nm\n",
        "%macro m 0\nm\n%endmacro\nm\n",
        "%xdefine g x\n%rep 40\n%xdefine g g g\n%endrep\n",
        "%define a b b\n%define b a a\ndb a\n",
        "dd " + "(".repeat(5000) + "1" + ")".repeat(5000) + "\n",
        "dd " + "-".repeat(5000) + "1\n",
        "dd 1" + "+1".repeat(5000) + "\n",
        "times 1 << 30 db 0\n",
        "times -1 db 0\n",
        "%rep 1 << 40\nnop\n%endrep\n",
        "resb 0xffffffff\n",
        "section .top start=0xfffffff0\ndb 1\n",
        "section .top start=0x10000000\ndb 1\n",
        "incbin \"/dev/zero\"\n",
        "%include \"/dev/zero\"\n",
        "%include \"no-such-file.inc\"\n",
        "incbin \"no-such-file.bin\", -5, -5\n",
        "x equ x + 1\n",
        "align 0x80000000\n",
        "jmp $ + 0x7fffffff\n",
        "%if\n%endif\n",
        "%endif\n%endmacro\n%endrep\n",
        "db `\\u{110000}`\n",
    };
    private final List<Path> sources;

    AssemblerFuzzer() throws Exception {
        try (Stream<Path> s = Files.list(Path.of("../tools/src/test/resources/asm/corpus"))) {
            sources = s.filter(p -> p.toString().endsWith(".asm") && !p.getFileName().toString().startsWith("forms"))
                    .sorted().toList();
        }
    }

    @Override
    public String name() {
        return "asm";
    }

    @Override
    public void run(Random r, StringBuilder input) throws Exception {
        Path base = sources.get(r.nextInt(sources.size()));
        StringBuilder sb = new StringBuilder(Files.readString(base));
        int edits = 1 + r.nextInt(8);
        for (int k = 0; k < edits && sb.length() > 0; k++) {
            int at = r.nextInt(sb.length());
            switch (r.nextInt(6)) {
                case 0 -> sb.deleteCharAt(at);
                case 1 -> sb.setCharAt(at, NOISE.charAt(r.nextInt(NOISE.length())));
                case 2 -> sb.insert(at, NOISE.charAt(r.nextInt(NOISE.length())));
                case 3 -> {
                    int line = sb.lastIndexOf("\n", at) + 1;
                    sb.insert(line, POISON[r.nextInt(POISON.length)]);
                }
                case 4 -> {
                    int line = sb.lastIndexOf("\n", at) + 1;
                    int end = sb.indexOf("\n", at);
                    if (end > line) {
                        String text = sb.substring(line, end + 1);
                        sb.insert(line, text.repeat(1 + r.nextInt(50)));
                    }
                }
                default -> {
                    int end = sb.indexOf("\n", at);
                    sb.setLength(end < 0 ? at : Math.min(sb.length(), end + 1 + r.nextInt(40)));
                }
            }
        }
        String source = sb.toString();
        input.append("; from ").append(base.getFileName()).append('\n').append(source);
        Assembler.Result result = Assembler.assemble("fuzz.asm", source, base.getParent(), Assembler.Options.defaults());
        if (!result.ok() && result.errors().isEmpty()) {
            throw new AssertionError("no output, but no error either");
        }
        for (Diagnostic d : result.diagnostics()) {
            if (d.file() == null || d.file().isEmpty() || d.line() < 0 || d.message().contains("\n")) {
                throw new AssertionError("not a FILE:LINE message: " + d);
            }
        }
    }
}
