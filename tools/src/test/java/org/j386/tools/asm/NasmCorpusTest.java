package org.j386.tools.asm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every source of the corpus assembles to exactly the bytes NASM 2.16 made of it, with the same
 * warnings (each NAME.messages holds NASM's, without their [-w+...] tags). The goldens
 * are committed; {@code make golden}/{@code make oracle} in the corpus folder's parent refresh
 * and re-check them with a real NASM.
 */
class NasmCorpusTest {

    static Path corpus() throws URISyntaxException {
        return Path.of(NasmCorpusTest.class.getResource("/asm/corpus").toURI());
    }

    @TestFactory
    Stream<DynamicTest> everyCorpusSourceAssemblesToTheBytesNasmMade() throws Exception {
        Path dir = corpus();
        return likeNasm(dir, ".bin", new Assembler.Options(List.of(dir, dir.resolve("inc")), new BinFormat()), 5);
    }

    /**
     * Each source of {@code asm/objects} assembles with {@code -f elf32} to the very object file
     * {@code nasm -f elf32} wrote (NAME.o): the same sections, symbols, relocations and layout,
     * so that {@code readelf} and a linker see no difference.
     */
    @TestFactory
    Stream<DynamicTest> everyObjectSourceAssemblesToTheObjectNasmWrote() throws Exception {
        Path dir = Path.of(NasmCorpusTest.class.getResource("/asm/objects").toURI());
        return likeNasm(dir, ".o", new Assembler.Options(List.of(dir), new ElfObjectFormat()), 2);
    }

    /** One test per source of {@code dir}: nasm's bytes are beside it with {@code extension}. */
    private static Stream<DynamicTest> likeNasm(Path dir, String extension, Assembler.Options options, int atLeast)
            throws IOException {
        List<Path> sources;
        try (Stream<Path> s = Files.list(dir)) {
            sources = s.filter(p -> p.toString().endsWith(".asm")).sorted().toList();
        }
        assertTrue(sources.size() >= atLeast, "corpus sources found");
        return sources.stream().map(src -> DynamicTest.dynamicTest(src.getFileName().toString(), () -> {
            // named as nasm was given it, in its folder: an object file records the name
            Path listing = Path.of(src.toString().replaceFirst("\\.asm$", ".lst"));
            Assembler.Result r = Assembler.assemble(src.getFileName().toString(),
                Files.readString(src, java.nio.charset.StandardCharsets.ISO_8859_1), dir,
                Files.exists(listing) ? options.withListing() : options);
            assertTrue(r.ok(), () -> String.join("\n", r.diagnostics().stream().map(Object::toString).toList()));
            byte[] golden = Files.readAllBytes(Path.of(src.toString().replaceFirst("\\.asm$", extension)));
            assertArrayEquals(golden, r.output(), () -> firstDifference(golden, r.output(), r.listing()));
            List<String> messages = Files.readAllLines(Path.of(src.toString().replaceFirst("\\.asm$", ".messages")));
            assertEquals(messages, r.diagnostics().stream()
                .map(d -> Path.of(d.file()).getFileName() + ":" + d.line() + ": "
                    + (d.isError() ? "error" : "warning") + ": " + d.message())
                .toList(), "the warnings NASM gave");
            if (Files.exists(listing)) {
                assertEquals(Files.readString(listing, java.nio.charset.StandardCharsets.ISO_8859_1), r.listing(),
                    "the listing nasm -l wrote");
            }
        }));
    }

    /** Points at the listing line of the first differing byte, which is what one wants to read. */
    private static String firstDifference(byte[] want, byte[] got, String listing) {
        int i = 0;
        while (i < want.length && i < got.length && want[i] == got[i]) {
            i++;
        }
        return "first difference at offset 0x" + Integer.toHexString(i) + " (lengths " + want.length + "/"
            + got.length + ")";
    }

    static byte[] read(Path p) throws IOException {
        return Files.readAllBytes(p);
    }
}
