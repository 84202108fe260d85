package org.j386.tools.image;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Property-style checks: no input, however damaged, makes the reader fail other than by refusing it. */
class Elf32RobustnessTest {
    private static final byte[] KERNEL = Elf32WriterTest.sampleKernel();

    @Test
    void everyTruncationIsRefusedWithAMessageNamingTheFile() {
        // The writer puts the section header table last, so every shorter file lacks something needed.
        for (int length = 0; length < KERNEL.length; length++) {
            byte[] cut = Arrays.copyOf(KERNEL, length);
            ImageFormatException e = assertThrows(ImageFormatException.class, () -> Elf32File.parse("cut.elf", cut),
                    "truncated to " + length + " bytes");
            assertTrue(e.getMessage().startsWith("cut.elf: "), e.getMessage());
        }
    }

    @Test
    void randomCorruptionIsEitherReadOrRefusedButNeverCrashes() {
        Random random = new Random(386);
        for (int round = 0; round < 20_000; round++) {
            byte[] file = KERNEL.clone();
            int changes = 1 + random.nextInt(8);
            for (int i = 0; i < changes; i++) {
                // Mostly the headers and tables, where a bad byte matters; sometimes anywhere.
                int limit = random.nextBoolean() ? Elf32File.EHDR_SIZE + 3 * Elf32File.PHDR_SIZE : file.length;
                int at = random.nextInt(limit);
                file[at] = random.nextInt(4) == 0 ? (byte) 0xFF : (byte) random.nextInt(256);
            }
            if (random.nextInt(4) == 0) {
                file = Arrays.copyOf(file, random.nextInt(file.length));
            }
            parseOrRefuse(file, round);
        }
    }

    @Test
    void corruptingEachSectionHeaderFieldIsEitherReadOrRefused() throws ImageFormatException {
        int shoff = Bytes.i32(KERNEL, 32);
        int end = shoff + Elf32File.parse("k", KERNEL).sections().size() * Elf32File.SHDR_SIZE;
        int[] nasty = {0, 1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0xFFFFFFF0, KERNEL.length, KERNEL.length - 1};
        for (int at = shoff; at < end; at += 4) {
            for (int value : nasty) {
                byte[] file = KERNEL.clone();
                Bytes.put32(file, at, value);
                parseOrRefuse(file, at);
            }
        }
    }

    private static void parseOrRefuse(byte[] file, int round) {
        try {
            Elf32File elf = Elf32File.parse("bad.elf", file);
            // Whatever was accepted must be usable without further checks.
            elf.loadSegments().forEach(elf::segmentData);
            elf.symbolTable().nameFor(0x100002);
        } catch (ImageFormatException e) {
            assertTrue(e.getMessage().startsWith("bad.elf: ") && !e.getMessage().contains("\n"), e.getMessage());
        } catch (RuntimeException e) {
            fail("case " + round + ": " + e, e);
        }
    }
}
