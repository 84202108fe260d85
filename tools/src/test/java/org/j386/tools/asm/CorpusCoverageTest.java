package org.j386.tools.asm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.j386.tools.isa.Form;
import org.j386.tools.isa.InstructionTable;
import org.junit.jupiter.api.Test;

/** The NASM corpus keeps up with the instruction table: every row is assembled and checked. */
class CorpusCoverageTest {

    private static String corpusFile(String name) throws Exception {
        return Files.readString(NasmCorpusTest.corpus().resolve(name));
    }

    @Test
    void theGeneratedCorpusSourcesAreUpToDateWithTheTable() throws Exception {
        assertEquals(CorpusGenerator.generate(32, 3, 32), corpusFile("forms32.asm"),
            "regenerate forms32.asm (CorpusGenerator) and its golden (make golden)");
        assertEquals(CorpusGenerator.generate(16, 3, 16), corpusFile("forms16.asm"),
            "regenerate forms16.asm (CorpusGenerator) and its golden (make golden)");
    }

    @Test
    void theGeneratedDialectStressSourceIsUpToDateWithItsGenerator() throws Exception {
        assertEquals(DialectStressGenerator.generate(15, 300), corpusFile("dialect-stress.asm"),
            "regenerate dialect-stress.asm (DialectStressGenerator) and its golden (make golden)");
    }

    @Test
    void everyRowOfTheTableIsInTheCorpusInSixteenOrThirtyTwoBitCode() throws Exception {
        String all = corpusFile("forms16.asm") + corpusFile("forms32.asm");
        List<String> missing = new ArrayList<>();
        List<Form> forms = InstructionTable.standard().forms();
        for (Form f : forms) {
            if (!all.contains("\n; " + f + "\n")) {
                missing.add(f.toString());
            }
        }
        assertTrue(forms.size() > 600, "forms: " + forms.size());
        assertEquals(List.of(), missing);
    }

    @Test
    void everyDirectiveTheDialectHasIsUsedByTheCorpus() throws Exception {
        StringBuilder corpus = new StringBuilder();
        try (var s = Files.list(NasmCorpusTest.corpus())) {
            for (Path p : s.filter(p -> p.toString().endsWith(".asm")).toList()) {
                corpus.append(Files.readString(p).toLowerCase()).append('\n');
            }
        }
        String text = corpus.toString();
        String[] words = {"bits 16", "bits 32", "use16", "use32", "org ", "section .text", "segment .text",
            "section .data", "section .rodata", "section .bss", "align=", " equ ", "$$", "$ -", "db ", "dw ", "dd ",
            "dq ", "`", "times ", "resb ", "resw ", "resd ", "resq ", "align ", "alignb ", "incbin ", "struc ",
            "endstruc", "istruc ", " at ", "iend", "global ", "%define ", "%xdefine ", "%undef ", "%assign ",
            "%macro ", "%endmacro", "%%", "%rep ", "%endrep", "%if ", "%elif ", "%else", "%endif", "%ifdef ",
            "%ifndef ", "%elifdef ", "%elifndef ", "%include ", "%error ", "%+", "byte ", "word ", "dword ",
            "qword ", "short ", "near ", "far ", "strict ", "rep ", "repe ", "repz ", "repne ", "repnz ",
            "lock ", "o16 ", "o32 ", "a16 ", "a32 ", "fs ", "[es:", "<<", ">>", "//", "%%", "~", "!", "^"};
        List<String> unused = new ArrayList<>();
        for (String w : words) {
            if (!text.contains(w)) {
                unused.add(w);
            }
        }
        assertEquals(List.of(), unused);
    }
}
