package org.j386.tools.asm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sources written to hurt the assembler (runaway macros, files that never end, addresses at the
 * top of memory, expressions nested ten thousand deep) get FILE:LINE errors within seconds,
 * never a hang, an OutOfMemoryError or a StackOverflowError.
 */
class PathologicalSourcesTest {
    @TempDir
    Path dir;

    /** Assembles {@code source} (as t.asm in the temporary folder) and returns its messages. */
    private List<String> messages(String source) {
        Assembler.Result r = assertTimeoutPreemptively(Duration.ofSeconds(20),
            () -> Assembler.assemble("t.asm", source, dir, Assembler.Options.defaults()));
        assertFalse(r.ok(), "should not assemble");
        return r.diagnostics().stream().map(Object::toString).toList();
    }

    private void assertOnlyError(String source, String expected) {
        assertEquals(List.of(expected), messages(source));
    }

    @Test
    void aMacroThatCallsItselfTwiceStopsAtTheNestingLimitInsteadOfHanging() {
        assertOnlyError("""
            %macro twice 0
            twice
            twice
            %endmacro
            twice
            """, "t.asm:5: error: macro or include nesting too deep");
    }

    @Test
    void aMacroTreeOfBillionsOfLinesWithinTheNestingLimitRunsOutOfItsBudget() {
        List<String> m = messages("""
            %macro tree 1
            %if %1 > 0
            tree %1 - 1
            tree %1 - 1
            %else
            nop
            %endif
            %endmacro
            tree 40
            """);
        assertEquals(1, m.size(), m.toString());
        assertTrue(m.get(0).startsWith("t.asm:9: error: macro expansion ran away: "), m.get(0));
    }

    @Test
    void macroCallsThatExpandToNothingStillCountAgainstTheBudget() {
        List<String> m = messages("""
            %macro tree 1
            %if %1 > 0
            tree %1 - 1
            tree %1 - 1
            %endif
            %endmacro
            tree 40
            """);
        assertEquals(1, m.size(), m.toString());
        assertTrue(m.get(0).startsWith("t.asm:7: error: macro expansion ran away: "), m.get(0));
    }

    @Test
    void aDefineThatDoublesEveryRoundIsStoppedAtTheLineLengthLimit() {
        assertOnlyError("""
            %xdefine grow x
            %rep 64
            %xdefine grow grow grow
            %endrep
            db 0
            """, "t.asm:3: error: macro expansion ran away: a single-line macro makes a line longer than"
            + " 1048576 characters");
    }

    @Test
    void includingADeviceIsRefusedAtOnce() {
        assumeTrue(Files.exists(Path.of("/dev/zero")));
        assertOnlyError("%include \"/dev/zero\"\n", "t.asm:1: error: include file `/dev/zero' is not a regular file");
        assertOnlyError("incbin \"/dev/zero\"\n", "t.asm:1: error: `incbin' file `/dev/zero' is not a regular file");
    }

    @Test
    void aFileOfGigabytesIsRefusedBeforeAnyByteIsRead() throws IOException {
        Path big = dir.resolve("big.bin");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(3L << 30); // sparse: costs no disk
        }
        assertOnlyError("%include \"big.bin\"\n",
            "t.asm:1: error: include file `big.bin' is too large (3221225472 bytes; at most 64 MiB)");
        assertOnlyError("incbin \"big.bin\"\n",
            "t.asm:1: error: `incbin' file `big.bin' is too large (3221225472 bytes; at most 64 MiB)");
    }

    @Test
    void incbinReadsOnlyTheSliceItAsksForFromALargeFile() throws IOException {
        Path big = dir.resolve("big.bin");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(3L << 30);
            f.seek(2L << 30);
            f.write(new byte[] {1, 2, 3});
        }
        Assembler.Result r = Assembler.assemble("t.asm", "incbin \"big.bin\", 0x80000000, 4\n", dir,
            Assembler.Options.defaults());
        assertEquals(List.of(), r.diagnostics());
        assertEquals(List.of((byte) 1, (byte) 2, (byte) 3, (byte) 0),
            List.of(r.output()[0], r.output()[1], r.output()[2], r.output()[3]));
    }

    @Test
    void aSourceFileThatIsADeviceIsRefusedNamingIt() {
        assumeTrue(Files.exists(Path.of("/dev/zero")));
        Assembler.Result r = Assembler.assemble(Path.of("/dev/zero"), Assembler.Options.defaults());
        assertEquals(List.of("/dev/zero:0: error: input file `/dev/zero' is not a regular file"),
            r.diagnostics().stream().map(Object::toString).toList());
    }

    @Test
    void aSectionStartingJustBelow4GiBIsAnErrorNotAnOutOfMemoryError() {
        assertOnlyError("""
            db 1
            section .top start=0xfffffff0
            times 32 db 2
            """, "t.asm:2: error: section `.top' at 0xfffffff0 would end beyond 4 GiB");
        assertOnlyError("""
            db 1
            section .top start=0xfffffff0
            db 2
            """, "t.asm:2: error: section `.top' at 0xfffffff0 would make the flat image longer than 64 MiB from ORG 0x0");
    }

    @Test
    void deeplyNestedExpressionsAreOneErrorEachNotAStackOverflow() {
        String nested = "t.asm:1: error: expression nested too deeply (more than 256 levels of parentheses,"
            + " unary operators or `?:')";
        assertOnlyError("dd " + "(".repeat(10_000) + "1" + ")".repeat(10_000) + "\n", nested);
        assertOnlyError("dd " + "-".repeat(10_000) + "1\n", nested);
        assertOnlyError("dd " + "~".repeat(400_000) + "1\n", nested);
        assertOnlyError("mov eax, [" + "(".repeat(10_000) + "1" + ")".repeat(10_000) + "]\n", nested);
        assertOnlyError("%if " + "(".repeat(10_000) + "1" + ")".repeat(10_000) + "\n%endif\n", nested);
        assertOnlyError("dd 1" + "+1".repeat(200_000) + "\n", "t.asm:1: error: expression too long (more than 1000 operators)");
    }

    @Test
    void expressionsUpToTheLimitsStillAssemble() {
        Assembler.Result r = Assembler.assemble("t.asm", "dd " + "(".repeat(255) + "1" + ")".repeat(255) + "\n"
            + "dd 1" + "+1".repeat(1000) + "\n", dir, Assembler.Options.defaults());
        assertEquals(List.of(), r.diagnostics());
        assertEquals(1001, (r.output()[4] & 0xFF) | (r.output()[5] & 0xFF) << 8);
    }
}
