package org.j386.tools.asm;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Whatever the source, the assembler answers with messages, never with an exception: damaged
 * copies of the corpus (characters dropped, changed, lines cut and repeated) all assemble or fail
 * with at least one FILE:LINE error.
 */
class RobustnessTest {
    private static final String NOISE = "[](){}:,+-*/%$\"'`;.#@~!<>=&|^\\ 0123456789abcxyz";

    @Test
    void damagedSourcesGiveMessagesNeverExceptions() throws Exception {
        Path dir = NasmCorpusTest.corpus();
        List<Path> sources;
        try (Stream<Path> s = Files.list(dir)) {
            sources = s.filter(p -> p.toString().endsWith(".asm") && !p.toString().contains("forms")).sorted().toList();
        }
        Random rnd = new Random(386);
        int failed = 0;
        for (int round = 0; round < 300; round++) {
            String text = Files.readString(sources.get(round % sources.size()));
            String damaged = damage(text, rnd);
            Assembler.Result r;
            try {
                r = Assembler.assemble("damaged.asm", damaged, dir, Assembler.Options.defaults());
            } catch (RuntimeException e) {
                fail("exception for a damaged source (round " + round + "):\n" + damaged, e);
                return;
            }
            if (!r.ok()) {
                failed++;
                assertFalse(r.errors().isEmpty(), "no output but no error either");
                r.errors().forEach(d -> assertTrue(d.line() >= 1 && (d.file().endsWith(".asm") || d.file().endsWith(".inc")),
                    d.toString()));
            }
        }
        assertTrue(failed > 100, "most damaged sources should fail: " + failed);
    }

    private static String damage(String text, Random rnd) {
        StringBuilder sb = new StringBuilder(text);
        int edits = 1 + rnd.nextInt(6);
        for (int k = 0; k < edits && sb.length() > 0; k++) {
            int at = rnd.nextInt(sb.length());
            switch (rnd.nextInt(4)) {
                case 0 -> sb.deleteCharAt(at);
                case 1 -> sb.setCharAt(at, NOISE.charAt(rnd.nextInt(NOISE.length())));
                case 2 -> sb.insert(at, NOISE.charAt(rnd.nextInt(NOISE.length())));
                default -> {
                    int end = sb.indexOf("\n", at);
                    sb.setLength(end < 0 ? at : Math.min(sb.length(), end + 1 + rnd.nextInt(40)));
                }
            }
        }
        return sb.toString();
    }
}
