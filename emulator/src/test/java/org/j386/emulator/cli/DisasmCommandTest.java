package org.j386.emulator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DisasmCommandTest {
    @TempDir
    Path dir;

    private Path file(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    @Test
    void disassemblesAFlatBinaryAtTheGivenOriginOneInstructionPerLine() throws IOException {
        Path bin = file("boot.bin", HexFormat.of().parseHex("b80100ebfe"));
        AsmCommandTest.Run r = AsmCommandTest.run("disasm", bin.toString(), "--org", "0x7c00", "--bits", "16");
        assertEquals(0, r.status(), r.err());
        assertEquals(List.of(
            "00007C00  B80100            mov ax,0x1",
            "00007C03  EBFE              jmp short 0x7c03"), r.out().lines().toList());
    }

    @Test
    void thirtyTwoBitCodeIsTheDefault() throws IOException {
        Path bin = file("k.bin", HexFormat.of().parseHex("b801000000"));
        AsmCommandTest.Run r = AsmCommandTest.run("disasm", bin.toString());
        assertEquals(List.of("00000000  B801000000        mov eax,0x1"), r.out().lines().toList());
    }

    /** {@code j386 disasm --elf} of the source's lines assembled with {@code -f format}. */
    private AsmCommandTest.Run assembledAndDisassembled(String format, String... lines) throws IOException {
        Path src = dir.resolve("k.asm");
        Files.writeString(src, String.join("\n", lines) + "\n");
        Path elf = dir.resolve("k.elf");
        assertEquals(0, AsmCommandTest.run("asm", src.toString(), "-f", format, "-o", elf.toString()).status());
        AsmCommandTest.Run r = AsmCommandTest.run("disasm", elf.toString(), "--elf");
        assertEquals(0, r.status(), r.err());
        return r;
    }

    @Test
    void anObjectsRelocationsAreShownUnderTheInstructionsTheyPatch() throws IOException {
        AsmCommandTest.Run r = assembledAndDisassembled("elf32",
            "bits 32",
            "extern printk",
            "global main",
            "section .text",
            "main:   push message",
            "        call printk",
            ".again: jmp .again",
            "section .rodata",
            "message: db 'hi', 0");
        assertEquals(List.of(
            "; section .text",
            "main:",
            "00000000  6800000000        push 0x0",
            "                            00000001 R_386_32 .rodata",
            "00000005  E8FCFFFFFF        call 0x6",
            "                            00000006 R_386_PC32 printk",
            "main.again:",
            "0000000A  EBFE              jmp short 0xa ; main.again"), r.out().lines().toList());
    }

    @Test
    void elfSymbolsBecomeLabelsAndNameBranchTargets() throws IOException {
        AsmCommandTest.Run r = assembledAndDisassembled("elfexec",
            "bits 32",
            "org 0x100000",
            "header: dd 0x1BADB002",
            "        db 0xE8",          // a stray byte: the call after it is still read from _start
            "global _start",
            "_start: call helper",
            ".spin:  jmp .spin",
            "helper: ret");
        assertEquals(List.of(
            "; section .text",
            "header:",
            "00100000  02                db 0x02",
            "00100001  B0AD              mov al,0xad",
            "00100003  1BE8              sbb ebp,eax",
            "_start:",
            "00100005  E802000000        call 0x10000c ; helper",
            "_start.spin:",
            "0010000A  EBFE              jmp short 0x10000a ; _start.spin",
            "helper:",
            "0010000C  C3                ret"), r.out().lines().toList());
    }

    @Test
    void anElfWithoutSectionHeadersIsReadThroughItsExecutableSegments() throws IOException {
        byte[] elf = new org.j386.tools.image.Elf32Writer(0x100000)
            .segment(org.j386.tools.image.Elf32Writer.Segment.text(0x100000, HexFormat.of().parseHex("90c3")))
            .toBytes();
        // cut the section header table off: e_shoff, e_shnum and e_shstrndx become 0
        for (int at : new int[] {32, 33, 34, 35, 48, 49, 50, 51}) {
            elf[at] = 0;
        }
        Path file = file("stripped.elf", elf);
        AsmCommandTest.Run r = AsmCommandTest.run("disasm", file.toString(), "--elf");
        assertEquals(0, r.status(), r.err());
        assertEquals(List.of(
            "; segment 0",
            "00100000  90                nop",
            "00100001  C3                ret"), r.out().lines().toList());
    }

    @Test
    void aFileThatIsNoElfIsOneLineWithStatusTwo() throws IOException {
        Path bin = file("x.bin", new byte[] {1, 2, 3});
        AsmCommandTest.Run r = AsmCommandTest.run("disasm", bin.toString(), "--elf");
        assertEquals(2, r.status());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("j386: error: "), r.err());
    }

    @Test
    void badBitsOrOriginIsOneLineWithStatusTwo() throws IOException {
        Path bin = file("x.bin", new byte[] {(byte) 0x90});
        AsmCommandTest.Run bits = AsmCommandTest.run("disasm", bin.toString(), "--bits", "64");
        assertEquals(2, bits.status());
        assertEquals("j386: error: --bits must be 16 or 32, not 64", bits.err().strip());
        AsmCommandTest.Run org = AsmCommandTest.run("disasm", bin.toString(), "--org", "zz");
        assertEquals(2, org.status());
        assertEquals("j386: error: --org zz: not a number", org.err().strip());
    }

    @Test
    void aDeviceOrAFileOfGigabytesIsRefusedBeforeReading() throws IOException {
        if (Files.exists(Path.of("/dev/zero"))) {
            AsmCommandTest.Run zero = AsmCommandTest.run("disasm", "/dev/zero");
            assertEquals(2, zero.status());
            assertEquals("j386: error: cannot read /dev/zero: not a regular file", zero.err().strip());
        }
        Path big = dir.resolve("big.bin");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(3L << 30); // sparse: costs no disk
        }
        AsmCommandTest.Run r = AsmCommandTest.run("disasm", big.toString());
        assertEquals(2, r.status());
        assertEquals("j386: error: " + big + " is too large to disassemble (3221225472 bytes; at most 64 MiB)",
                r.err().strip());
    }
}
