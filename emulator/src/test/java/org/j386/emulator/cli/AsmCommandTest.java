package org.j386.emulator.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

import org.j386.tools.image.Elf32File;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AsmCommandTest {
    @TempDir
    Path dir;

    record Run(int status, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(status, out.toString(), err.toString());
    }

    private Path source(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    private static void assertNoStackTrace(Run r) {
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
    }

    @Test
    void helpOfAsmAndDisasmDocumentsEveryOptionAndTheExitStatuses() {
        java.io.PrintStream stderr = System.err;
        java.io.ByteArrayOutputStream library = new java.io.ByteArrayOutputStream();
        Run asm;
        try {
            System.setErr(new java.io.PrintStream(library, true)); // picocli reports bad help text here
            asm = run("asm", "--help");
        } finally {
            System.setErr(stderr);
        }
        assertEquals("", library.toString(), "picocli could not format the help");
        assertEquals(0, asm.status());
        for (String option : new String[] {"-o OUT", "-f FORMAT", "elf32", "elfexec", "-l LISTING", "-I DIR", "-D NAME[=VALUE]",
                "%include", "Exit status", "the source has errors"}) {
            assertTrue(asm.out().contains(option), "asm help lacks " + option + ":\n" + asm.out());
        }
        Run disasm = run("disasm", "--help");
        for (String option : new String[] {"--org ADDR", "--bits 16|32", "--elf", "Exit status"}) {
            assertTrue(disasm.out().contains(option), "disasm help lacks " + option + ":\n" + disasm.out());
        }
        assertEquals("", asm.err() + disasm.err());
    }

    @Test
    void assemblesASourceToAFlatBinary() throws IOException {
        Path src = source("boot.asm", "bits 16\norg 0x7c00\nstart: jmp start\ntimes 4 db 0x90\n");
        Path out = dir.resolve("boot.bin");
        Run r = run("asm", src.toString(), "-o", out.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals("", r.err());
        assertArrayEquals(HexFormat.of().parseHex("ebfe90909090"), Files.readAllBytes(out));
    }

    @Test
    void withoutOutputNameTheOutputIsTheSourceWithTheFormatsExtension() throws Exception {
        Path src = source("kernel.asm", "bits 32\nglobal _start\n_start: hlt\n");
        assertEquals(0, run("asm", src.toString(), "-f", "elfexec").status());
        Elf32File elf = Elf32File.parse("kernel.elf", Files.readAllBytes(dir.resolve("kernel.elf")));
        assertEquals(0x100000, elf.entry());
        assertEquals(0, run("asm", src.toString()).status());
        assertArrayEquals(new byte[] {(byte) 0xF4}, Files.readAllBytes(dir.resolve("kernel.bin")));
    }

    @Test
    void writesAListingWithLineOffsetBytesAndSource() throws IOException {
        Path src = source("l.asm", "bits 32\nmov eax, 1\n");
        Path listing = dir.resolve("l.lst");
        Run r = run("asm", src.toString(), "-o", dir.resolve("l.bin").toString(), "-l", listing.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(Files.readString(listing).contains("     2 00000000 B801000000              mov eax, 1"),
            Files.readString(listing));
    }

    @Test
    void includeFoldersAndCommandLineDefinesReachThePreprocessor() throws IOException {
        Path inc = Files.createDirectory(dir.resolve("inc"));
        Files.writeString(inc.resolve("values.inc"), "%define TWO 2\n");
        Path src = source("d.asm", "%include \"values.inc\"\n%ifdef FLAG\ndb VALUE, TWO\n%endif\n");
        Path out = dir.resolve("d.bin");
        Run r = run("asm", src.toString(), "-o", out.toString(), "-I", inc.toString(), "-D", "FLAG",
            "-D", "VALUE=7");
        assertEquals(0, r.status(), r.err());
        assertArrayEquals(new byte[] {7, 2}, Files.readAllBytes(out));
    }

    @Test
    void minusUTakesBackAMinusD() throws IOException {
        Path src = source("u.asm", "%ifdef FLAG\ndb 1\n%else\ndb 2\n%endif\n");
        Path out = dir.resolve("u.bin");
        assertEquals(0, run("asm", src.toString(), "-o", out.toString(), "-D", "FLAG", "-U", "FLAG").status());
        assertArrayEquals(new byte[] {2}, Files.readAllBytes(out));
    }

    @Test
    void warningClassesTurnOffOrBecomeErrorsAsWithNasm() throws IOException {
        Path src = source("w.asm", "lonely\ndb 300\n");
        Path out = dir.resolve("w.bin");
        Run quiet = run("asm", src.toString(), "-o", out.toString(), "-w-label-orphan", "-w", "-number-overflow");
        assertEquals(0, quiet.status(), quiet.err());
        assertEquals("", quiet.err());
        Run strict = run("asm", src.toString(), "-o", out.toString(), "-w+error=number-overflow");
        assertEquals(1, strict.status());
        assertEquals(List.of(src + ":1: warning: label alone on a line without a colon might be in error",
            src + ":2: error: byte data exceeds bounds"), strict.err().lines().toList());
        assertEquals(1, run("asm", src.toString(), "-o", out.toString(), "-Werror").status());
        Run unknown = run("asm", src.toString(), "-w+frobs");
        assertEquals(2, unknown.status());
        assertTrue(unknown.err().startsWith("j386: error: -w+frobs: unknown warning class `frobs'"), unknown.err());
    }

    @Test
    void dependenciesComeOutInMakefileSyntax() throws IOException {
        Path inc = Files.createDirectory(dir.resolve("inc"));
        Files.writeString(inc.resolve("v.inc"), "%define V 1\n");
        Files.write(dir.resolve("blob.dat"), new byte[] {9});
        Path src = source("m.asm", "%include \"v.inc\"\ndb V\nincbin \"blob.dat\"\n");
        Path out = dir.resolve("m.bin");
        Run only = run("asm", src.toString(), "-o", out.toString(), "-I", inc.toString(), "-M");
        assertEquals(0, only.status(), only.err());
        assertEquals(out + " : " + src + " " + inc.resolve("v.inc") + " " + dir.resolve("blob.dat") + "\n\n",
            only.out());
        assertFalse(Files.exists(out), "-M only lists the dependencies");
        Path deps = dir.resolve("m.d");
        Run both = run("asm", src.toString(), "-o", out.toString(), "-I", inc.toString(), "-MD", deps.toString(),
            "-MT", "image", "-MP");
        assertEquals(0, both.status(), both.err());
        assertArrayEquals(new byte[] {1, 9}, Files.readAllBytes(out));
        List<String> rule = Files.readAllLines(deps);
        assertTrue(rule.get(0).startsWith("image : " + src + " "), rule.toString());
        assertTrue(rule.contains(src + " :"), "-MP names each dependency as a target: " + rule);
    }

    @Test
    void everyErrorIsOneFileLineMessageAndNothingIsWritten() throws IOException {
        Path src = source("bad.asm", "bits 32\nmov al, ebx\nnop\njmp nowhere\nfrobnicate eax\n");
        Path out = dir.resolve("bad.bin");
        Run r = run("asm", src.toString(), "-o", out.toString());
        assertEquals(1, r.status());
        assertEquals(String.join("\n",
            src + ":2: error: invalid combination of opcode and operands",
            src + ":4: error: symbol `nowhere' not defined",
            src + ":5: error: parser: instruction expected"), r.err().strip());
        assertFalse(Files.exists(out));
        assertNoStackTrace(r);
    }

    @Test
    void warningsArePrintedAndTheOutputIsStillWritten() throws IOException {
        Path src = source("w.asm", "db 300\n");
        Path out = dir.resolve("w.bin");
        Run r = run("asm", src.toString(), "-o", out.toString());
        assertEquals(0, r.status());
        assertEquals(src + ":1: warning: byte data exceeds bounds", r.err().strip());
        assertArrayEquals(new byte[] {44}, Files.readAllBytes(out));
    }

    @Test
    void aSourceThatIsADeviceIsRefusedAtOnceWithStatusTwo() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(Path.of("/dev/zero")));
        Run r = run("asm", "/dev/zero", "-o", dir.resolve("z.bin").toString());
        assertEquals(2, r.status());
        assertEquals("j386: error: cannot read /dev/zero: not a regular file", r.err().strip());
    }

    @Test
    void anUnreadableSourceOrUnknownFormatIsOneLineWithStatusTwo() throws IOException {
        Run missing = run("asm", dir.resolve("missing.asm").toString());
        assertEquals(2, missing.status());
        assertEquals(1, missing.err().strip().lines().count(), missing.err());
        assertTrue(missing.err().startsWith("j386: error: cannot read "), missing.err());
        Path src = source("f.asm", "nop\n");
        Run format = run("asm", src.toString(), "-f", "coff");
        assertEquals(2, format.status());
        assertEquals("j386: error: unknown output format `coff' (bin, elf32 or elfexec)", format.err().strip());
        assertNoStackTrace(format);
    }

    @Test
    void aKernelAssembledToElfBootsAndPrints() throws IOException {
        Path src = source("hello.asm", String.join("\n",
            "        bits 32",
            "        section .text",
            "        global _start",
            "mb:     dd 0x1BADB002, 0, -0x1BADB002",
            "_start: mov esp, stack_top",
            "        lgdt [gdt_desc]",
            "        jmp 0x08:.flush",
            ".flush: mov ax, 0x10",
            "        mov ds, ax",
            "        mov ss, ax",
            "        mov esi, msg",
            ".next:  lodsb",
            "        test al, al",
            "        jz .done",
            "        out 0xE9, al",
            "        jmp .next",
            ".done:  mov al, 0x21",
            "        out 0xF4, al",
            "        section .data",
            "gdt:    dq 0, 0x00CF9A000000FFFF, 0x00CF92000000FFFF",
            "gdt_desc: dw $ - gdt - 1",
            "        dd gdt",
            "msg:    db `assembled by j386\\n`, 0",
            "        section .bss",
            "        resb 4096",
            "stack_top:",
            ""));
        Path elf = dir.resolve("hello.elf");
        assertEquals(0, run("asm", src.toString(), "-f", "elfexec", "-o", elf.toString()).status());
        Path console = dir.resolve("console.txt");
        Run boot = run("boot", elf.toString(), "--debugcon", console.toString(), "--serial", "none");
        assertEquals((0x21 << 1) | 1, boot.status(), boot.err());
        assertEquals("assembled by j386\n", Files.readString(console));
    }

    @Test
    void anUnwritableOutputIsOneLineWithStatusTwo() throws IOException {
        Path src = source("u.asm", "nop\n");
        Run r = run("asm", src.toString(), "-o", dir.resolve("no/such/dir/u.bin").toString());
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("j386: error: cannot write "), r.err());
        assertEquals(1, r.err().strip().lines().count());
    }
}
