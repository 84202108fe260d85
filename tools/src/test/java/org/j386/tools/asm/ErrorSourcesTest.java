package org.j386.tools.asm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Each source in {@code asm/errors} states in {@code ; expect: LINE: error|warning: message}
 * comments exactly the messages it must produce, in order; a source with an expected error must
 * produce no output.
 */
class ErrorSourcesTest {

    @TestFactory
    Stream<DynamicTest> everyErrorSourceGivesExactlyTheMessagesItExpects() throws Exception {
        Path dir = Path.of(ErrorSourcesTest.class.getResource("/asm/errors").toURI());
        List<Path> sources;
        try (Stream<Path> s = Files.list(dir)) {
            sources = s.filter(p -> p.toString().endsWith(".asm")).sorted().toList();
        }
        assertTrue(sources.size() >= 10, "error sources found: " + sources.size());
        return sources.stream().map(src -> DynamicTest.dynamicTest(src.getFileName().toString(), () -> {
            String name = src.getFileName().toString();
            List<String> expected = Files.readAllLines(src).stream()
                .filter(l -> l.startsWith("; expect: "))
                .map(l -> name + ":" + l.substring("; expect: ".length()))
                .toList();
            assertFalse(expected.isEmpty(), "no expectations in " + name);
            Assembler.Result r = Assembler.assemble(name, Files.readString(src), dir, Assembler.Options.defaults());
            assertEquals(expected, r.diagnostics().stream().map(Object::toString).toList());
            boolean anyError = expected.stream().anyMatch(e -> e.contains(": error: "));
            assertEquals(!anyError, r.ok(), "output is produced exactly when there is no error");
        }));
    }
}
