package org.j386.emulator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import org.j386.emulator.boot.TestKernels;
import org.j386.tools.asm.Assembler;
import org.j386.tools.image.Elf32Writer;
import org.j386.tools.image.MultibootHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootCommandTest {
    @TempDir
    Path dir;

    record Run(int status, String out, String err) {
    }

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(status, out.toString(), err.toString());
    }

    private Path file(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    /** A refusal is one line on stderr, naming what was wrong, with status 2 and no stack trace. */
    private void assertRefusedInOneLine(Run r, String mustMention) {
        assertEquals(2, r.status(), r.err());
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, "expected one line, got:\n" + r.err());
        assertTrue(lines[0].startsWith("j386: error: "), lines[0]);
        assertTrue(lines[0].contains(mustMention), lines[0] + " should mention " + mustMention);
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
    }

    @Test
    void helpDocumentsEveryBootOptionAndTheExitStatuses() {
        Run r = run("boot", "--help");
        assertEquals(0, r.status());
        for (String option : new String[] {"-m", "--debugcon", "--serial", "--append", "--module", "--max-instructions",
                "--max-time", "--until", "--symbols", "--vga-dump", "--stats", "--trace", "--guest", "mp4", "lab2", "Exit status", "triple fault"}) {
            assertTrue(r.out().contains(option), "help lacks " + option);
        }
    }

    @Test
    void recordWithoutADebuggerToGoBackIsRefusedInOneLine() throws IOException {
        Path k = file("k.elf", TestKernels.elfKernel());
        assertRefusedInOneLine(run("boot", "--record", k.toString()), "--record");
        assertRefusedInOneLine(run("boot", "--record-limit", "64M", k.toString()), "--record");
        assertRefusedInOneLine(run("boot", "--debug-port", "0", "--record", "--record-limit", "64Q", k.toString()),
                "--record-limit");
    }

    @Test
    void helpDescribesRecordingAndItsCost() {
        Run r = run("boot", "--help");
        assertTrue(r.out().contains("--record") && r.out().contains("--record-limit") && r.out().contains("1.3x"), r.out());
    }

    @Test
    void missingKernelFileIsRefusedNamingIt() {
        assertRefusedInOneLine(run("boot", dir.resolve("nope.elf").toString()), "nope.elf");
    }

    @Test
    void fileThatIsNeitherElfNorMultibootIsRefused() throws IOException {
        Path p = file("notes.txt", "just some text, no kernel here\n".repeat(400).getBytes());
        assertRefusedInOneLine(run("boot", p.toString()), "notes.txt");
    }

    @Test
    void sixtyFourBitElfIsRefusedNamingTheField() throws IOException {
        byte[] elf = TestKernels.elfKernel();
        elf[4] = 2; // ELFCLASS64
        assertRefusedInOneLine(run("boot", file("k64.elf", elf).toString()), "k64.elf");
    }

    @Test
    void truncatedKernelIsRefused() throws IOException {
        byte[] elf = TestKernels.elfKernel();
        Path p = file("cut.elf", Arrays.copyOf(elf, elf.length / 3));
        assertRefusedInOneLine(run("boot", p.toString()), "cut.elf");
    }

    @Test
    void multibootHeaderBeyondTheFirst8KiBIsRefused() throws IOException {
        byte[] header = MultibootHeader.builder().addresses(0x100000, 0x100000, 0x103000, 0x103000, 0x102020).build().toBytes();
        byte[] image = new byte[0x3000];
        System.arraycopy(header, 0, image, 0x2400, header.length);
        assertRefusedInOneLine(run("boot", file("late.bin", image).toString()), "late.bin");
    }

    @Test
    void memorySizeBelowTheMinimumIsRefused() throws IOException {
        assertRefusedInOneLine(run("boot", "-m", "1M", file("k.elf", TestKernels.elfKernel()).toString()), "-m");
    }

    @Test
    void kernelSegmentBeyondTheEndOfRamIsRefused() throws IOException {
        byte[] header = MultibootHeader.builder().flags(MultibootHeader.MEMORY_INFO).build().toBytes();
        byte[] elf = new Elf32Writer(0x300000 + header.length)
                .segment(Elf32Writer.Segment.text(0x300000, TestKernels.concat(header, new byte[] {(byte) 0xF4})))
                .toBytes();
        Path p = file("high.elf", elf);
        assertRefusedInOneLine(run("boot", "-m", "2M", p.toString()), "high.elf");
        assertEquals(0, run("boot", "-m", "4M", p.toString()).status());
    }

    @Test
    void unknownMemorySizeSuffixIsRefused() throws IOException {
        assertRefusedInOneLine(run("boot", "-m", "12X", file("k.elf", TestKernels.elfKernel()).toString()), "12X");
    }

    @Test
    void unknownTraceClassIsRefused() throws IOException {
        assertRefusedInOneLine(run("boot", "--trace", "disk", file("k.elf", TestKernels.elfKernel()).toString()), "disk");
    }

    @Test
    void aKernelOrModuleThatIsADeviceIsRefusedAtOnce() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(Path.of("/dev/zero")));
        Run r = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> run("boot", "/dev/zero"));
        assertRefusedInOneLine(r, "/dev/zero: not a regular file, so not a kernel file");
        Path k = file("k.elf", TestKernels.elfKernel());
        r = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> run("boot", "--module", "/dev/zero", k.toString()));
        assertRefusedInOneLine(r, "/dev/zero: not a regular file, so not a module file");
    }

    @Test
    void aKernelFileLargerThanRamIsRefusedBeforeAnyByteIsRead() throws IOException {
        Path big = dir.resolve("big.elf");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(3L << 30); // sparse: costs no disk
        }
        Run r = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> run("boot", big.toString()));
        assertRefusedInOneLine(r, big + ": too large to be a kernel file (3221225472 bytes, more than the 32 MiB of RAM)");
    }

    @Test
    void missingModuleIsRefusedNamingIt() throws IOException {
        Path k = file("k.elf", TestKernels.elfKernel());
        assertRefusedInOneLine(run("boot", "--module", dir.resolve("initrd.img") + " arg", k.toString()), "initrd.img");
    }

    @Test
    void kernelThatHaltsWithInterruptsDisabledExitsWithStatusZero() throws IOException {
        Path k = file("k.elf", TestKernels.elfKernel()); // cli; hlt
        Run r = run("boot", "--stats", k.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("instructions     2"), r.err());
    }

    @Test
    void statsReportTheSameTlbHitsUnderBothTiers() {
        String kernel = "src/test/kernels/paging_matrix/paging_matrix.elf";
        String interpreted = statLine(run("boot", "--stats", "--cpu", "interp", kernel), "TLB hits");
        String compiled = statLine(run("boot", "--stats", "--cpu", "jit", "--jit-threshold", "0", kernel), "TLB hits");
        assertEquals(interpreted, compiled);
    }

    private static String statLine(Run r, String name) {
        return r.err().lines().filter(l -> l.startsWith(name)).findFirst().orElseThrow(() -> new AssertionError(r.err()));
    }

    /** Rounds of {@link #CUTTING_ROUNDS}, and calls of a function in each. */
    private static final int ROUNDS = 3, CALLS = 100;

    /**
     * Sets up paging, then goes ROUNDS times round: two CR3 loads, an INVLPG of the page its code
     * runs from and one of a page no code is in, two far jumps between two code selectors, a trip to
     * ring 3 and back, a flip of CR4.PGE, CALLS calls of a function, and a store into its own code.
     */
    private static final String CUTTING_ROUNDS = """
            bits 32
            GDT     equ 0x102000
            TSS     equ 0x102200
            IDT     equ 0x102400
            STACK   equ 0x104800
            DIR_A   equ 0x300000
            DIR_B   equ 0x301000
            TABLE   equ 0x302000
            NO_CODE equ 0x303000
                    mov esp, STACK
                    mov dword [GDT + 0x08], 0x0000FFFF      ; 0x08: ring-0 code
                    mov dword [GDT + 0x0C], 0x00CF9A00
                    mov dword [GDT + 0x10], 0x0000FFFF      ; 0x10: ring-0 data
                    mov dword [GDT + 0x14], 0x00CF9200
                    mov dword [GDT + 0x18], 0x0000FFFF      ; 0x18: ring-0 code as well
                    mov dword [GDT + 0x1C], 0x00CF9A00
                    mov dword [GDT + 0x20], 0x0000FFFF      ; 0x23: ring-3 code
                    mov dword [GDT + 0x24], 0x00CFFA00
                    mov dword [GDT + 0x28], 0x0000FFFF      ; 0x2B: ring-3 data
                    mov dword [GDT + 0x2C], 0x00CFF200
                    mov dword [GDT + 0x30], (TSS << 16) | 0x67
                    mov dword [GDT + 0x34], 0x8900 | (TSS >> 16)
                    lgdt [gdtr]
                    mov dword [TSS + 4], STACK
                    mov dword [TSS + 8], 0x10
                    mov word [TSS + 0x66], 0x68
                    mov ax, 0x30
                    ltr ax
                    mov eax, back                           ; ring 3 comes back by INT 0x30
                    mov [IDT + 0x30 * 8], ax
                    mov word [IDT + 0x30 * 8 + 2], 0x08
                    mov word [IDT + 0x30 * 8 + 4], 0xEE00
                    shr eax, 16
                    mov [IDT + 0x30 * 8 + 6], ax
                    lidt [idtr]
                    mov edi, TABLE                          ; the first 4 MiB as they are, for ring 3 too
                    mov eax, 7
            fill:   mov [edi], eax
                    add eax, 0x1000
                    add edi, 4
                    cmp edi, TABLE + 0x1000
                    jne fill
                    mov dword [DIR_A], TABLE | 7
                    mov dword [DIR_B], TABLE | 7
                    mov eax, DIR_A
                    mov cr3, eax
                    mov eax, cr0
                    or eax, 0x80000000
                    mov cr0, eax
                    mov esi, ROUNDS
            round:  mov eax, DIR_B
                    mov cr3, eax
                    mov eax, DIR_A
                    mov cr3, eax
                    invlpg [round]
                    invlpg [NO_CODE]
                    jmp 0x18:other
            other:  jmp 0x08:same
            same:   push 0x2B
                    push STACK - 0x800
                    push 2
                    push 0x23
                    push user
                    iret
            user:   int 0x30
            back:   add esp, 20
                    mov ax, 0x10
                    mov ds, ax
                    mov es, ax
                    mov eax, cr4
                    xor eax, 0x80
                    mov cr4, eax
                    mov ecx, CALLS
            calls:  call function
                    loop calls
                    mov eax, esi
                    mov [patch + 1], al
            patch:  mov al, 0
                    dec esi
                    jnz round
                    cli
                    hlt
            function:
                    inc ebx
                    ret
            gdtr:   dw 0x37
                    dd GDT
            idtr:   dw 0x30 * 8 + 7
                    dd IDT
            """;

    @Test
    void jitStatsCountTheBlocksTheirLinksAndEachCauseOfTheirCutsAsTheGuestMakesThem() throws IOException {
        String source = String.format("org %d%nROUNDS equ %d%nCALLS equ %d%n", TestKernels.runningCodeAddress(),
                ROUNDS, CALLS) + CUTTING_ROUNDS;
        Assembler.Result assembled = Assembler.assemble("cuts.asm", source, dir, Assembler.Options.defaults());
        assertTrue(assembled.ok(), assembled.diagnostics().toString());
        Path k = file("cuts.elf", TestKernels.elfKernelRunning(assembled.output()));
        Run r = run("boot", "--stats", "--cpu", "jit", "--jit-threshold", "0", k.toString());
        assertEquals(0, r.status(), r.err());

        // Each change below found a link or the fetch shortcut to cut: with the threshold at 0 the
        // instruction after each that ends a block (as all of these do) is looked up as a block.
        // CR3: one load before paging is on and two a round. INVLPG: the one of the code's page a
        // round; the one of a page no code ran from cuts nothing. Paging: CR0.PG, then a CR4.PGE
        // flip a round. CS or privilege: two far jumps, the IRET to ring 3 and the INT back a
        // round (the last two change both in one instruction, which counts once). The loader's
        // own setting of paging and CS came before anything ran, so it cut nothing.
        assertEquals(String.format("jit links cut    %d at CR3 loads, %d at INVLPG, %d at paging or A20 changes,"
                + " %d at CS or privilege changes", 1 + 2 * ROUNDS, ROUNDS, 1 + ROUNDS, 4 * ROUNDS),
                statLine(r, "jit links cut"));
        // Each round's store drops the blocks compiled in the round on its page, where all the code is.
        assertEquals(String.format("jit invalidated  %d pages by guest writes, 0 by loader or debugger writes;"
                + " 0 cache evictions", ROUNDS), statLine(r, "jit invalidated"));

        // So each round compiles its blocks again: at least one after each of the twelve
        // instructions of a round that end a block before more of the round. No block is left
        // through the run loop the 1,024 times that would have it compiled again with its targets.
        double[] blocks = statNumbers(r, "jit blocks +(\\d+) compiled \\((\\d+) of them again,"
                + " with their indirect targets\\), (\\d+) bytes of bytecode");
        assertTrue(blocks[0] >= 12 * ROUNDS && blocks[1] == 0 && blocks[2] >= blocks[0], statLine(r, "jit blocks"));
        assertTrue(statNumbers(r, "jit compile time (\\d+\\.\\d) ms")[0] > 0, statLine(r, "jit compile time"));
        // Nearly every instruction is the fill loop's 5,120 or the calls' 4 * CALLS a round, in
        // compiled loops; the RET of each call leaves its block, so each call enters one.
        double[] coverage = statNumbers(r, "jit coverage +(\\d+\\.\\d)% of instructions in compiled code,"
                + " (\\d+) block entries");
        assertTrue(coverage[0] >= 95 && coverage[0] <= 100 && coverage[1] >= ROUNDS * CALLS,
                statLine(r, "jit coverage"));
        // Nothing cuts the links inside the calls, so all but their first few returns follow one,
        // and each round has to make its links again.
        double[] links = statNumbers(r, "jit chain links +(\\d+) made, (\\d+) block entries through a link");
        assertTrue(links[0] >= ROUNDS && links[1] >= ROUNDS * (CALLS - 10) && links[1] <= coverage[1],
                statLine(r, "jit chain links"));
    }

    /** The numbers of the {@code --stats} line {@code pattern} matches whole, one a group. */
    private static double[] statNumbers(Run r, String pattern) {
        Pattern p = Pattern.compile(pattern);
        Matcher m = r.err().lines().map(p::matcher).filter(Matcher::matches).findFirst()
                .orElseThrow(() -> new AssertionError("no line matches " + pattern + " in\n" + r.err()));
        return IntStream.rangeClosed(1, m.groupCount()).mapToDouble(i -> Double.parseDouble(m.group(i))).toArray();
    }

    @Test
    void tripleFaultStopsWithTheDocumentedStatusAndAOneScreenDiagnostic() throws IOException {
        Path k = file("k.elf", TestKernels.elfKernelRunning(new byte[] {0x0F, 0x0B})); // ud2 with no IDT
        Run r = run("boot", k.toString());
        assertEquals(6, r.status(), r.err());
        assertTrue(r.err().contains("triple fault"), r.err());
        assertTrue(r.err().contains("cr0=") && r.err().contains("eax=") && r.err().contains("last exceptions: #UD"), r.err());
        assertTrue(r.err().split("\n").length <= 24, "one screen:\n" + r.err());
    }

    @Test
    void instructionLimitStopsARunawayGuestWithStatusFour() throws IOException {
        Path k = file("k.elf", TestKernels.elfKernelRunning(new byte[] {(byte) 0xEB, (byte) 0xFE})); // jmp $
        Run r = run("boot", "--max-instructions", "100000", k.toString());
        assertEquals(4, r.status(), r.err());
        assertTrue(r.err().contains("100000 instructions"), r.err());
    }

    @Test
    void virtualTimeLimitStopsARunawayGuestWithStatusFour() throws IOException {
        Path k = file("k.elf", TestKernels.elfKernelRunning(new byte[] {(byte) 0xEB, (byte) 0xFE})); // jmp $
        Run r = run("boot", "--max-time", "0.002", k.toString());
        assertEquals(4, r.status(), r.err());
        assertEquals("j386: stopped after 0.002 s of virtual time (--max-time), 200000 instructions", r.err().strip());
    }

    @Test
    void everyRunHasAVirtualTimeLimitUnlessToldNone() {
        Run r = run("boot", "--help");
        assertTrue(r.out().contains("--max-time=SECONDS") && r.out().contains("default: 600"), r.out());
        Run top = run("--help");
        assertTrue(top.out().contains("--max-instructions or --max-time reached"), top.out());
    }

    @Test
    void aTimeLimitThatIsNotAPositiveNumberOfSecondsIsRefused() {
        assertRefusedInOneLine(run("boot", "--max-time", "0"), "'--max-time': '0' must be more than 0");
        assertRefusedInOneLine(run("boot", "--max-time", "-3"), "'--max-time': '-3' must be more than 0");
        assertRefusedInOneLine(run("boot", "--max-time", "soon"), "'--max-time': 'soon' is not a number of seconds");
        assertRefusedInOneLine(run("boot", "--max-time", "1e300"), "'--max-time': '1e300' is more virtual time");
    }

    @Test
    void noneLiftsTheVirtualTimeLimit() throws IOException {
        Path k = file("k.elf", TestKernels.elfKernelRunning(new byte[] {(byte) 0xEB, (byte) 0xFE})); // jmp $
        Run r = run("boot", "--max-time", "none", "--max-instructions", "1000", k.toString());
        assertEquals(4, r.status(), r.err());
        assertTrue(r.err().contains("1000 instructions (--max-instructions)"), r.err());
    }

    @Test
    void waitingForAnInterruptThatNoDeviceWillRaiseEndsTheRun() throws IOException {
        Path k = file("k.elf", TestKernels.elfKernelRunning(new byte[] {(byte) 0xFB, (byte) 0xF4})); // sti; hlt
        Run r = run("boot", k.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("no device will raise"), r.err());
    }

    @Test
    void debugConsoleGoesToTheNamedFileAndIoTraceNamesThePort() throws IOException {
        // mov al, 'A'; out 0xE9, al; mov al, 7; out 0xF4, al
        byte[] code = {(byte) 0xB0, 'A', (byte) 0xE6, (byte) 0xE9, (byte) 0xB0, 7, (byte) 0xE6, (byte) 0xF4};
        Path k = file("k.elf", TestKernels.elfKernelRunning(code));
        Path console = dir.resolve("console.txt");
        Run r = run("boot", "--debugcon", console.toString(), "--trace", "io", k.toString());
        assertEquals((7 << 1) | 1, r.status(), r.err());
        assertEquals("A", Files.readString(console));
        assertTrue(r.err().contains("out 00e9/1 41"), r.err());
    }

    @Test
    void unwritableOutputFileIsRefusedNamingTheOption() throws IOException {
        Path k = file("k.elf", TestKernels.elfKernel());
        assertRefusedInOneLine(run("boot", "--serial", dir.resolve("no/such/dir/out.txt").toString(), k.toString()),
                "--serial: cannot write " + dir.resolve("no/such/dir/out.txt") + ": no such file or directory");
    }

    @Test
    void aPortOutsideTheTcpRangeIsRefusedNamingTheOption() {
        assertRefusedInOneLine(run("boot", "--debug-port", "99999"), "'--debug-port': '99999' is outside the TCP ports 0..65535");
        assertRefusedInOneLine(run("boot", "--gdb", "-1"), "'--gdb'");
        assertRefusedInOneLine(run("attach", "70000"), "'70000' is outside the TCP ports");
    }

    @Test
    void anInstructionLimitBelowOneIsRefused() {
        assertRefusedInOneLine(run("boot", "--max-instructions", "0"), "'--max-instructions': '0' must be 1 or more");
    }

    @Test
    void withoutAnImageTheBundledGuestKernelBootsAndAgreesWithTheReference() throws IOException {
        Path events = dir.resolve("events.jsonl");
        Run r = run("boot", "--serial", "none", "--append", "test=frame_pool", "--check-reference",
                "--trace-events", events.toString());
        assertEquals(1, r.status(), r.err());
        assertTrue(r.err().contains("records agree with the reference"), r.err());
        String first = Files.readAllLines(events).get(0);
        assertTrue(first.matches("\\{\"instructions\":\\d+,\"op\":\"POOL_INIT\",\"phase\":\"begin\",\"values\":\\[\"0x200\",\"0x200\",\"0x0\"\\]\\}"), first);
    }

    @Test
    void guestLab2BootsTheLab2KernelWhichAgreesWithItsReference() throws IOException {
        Path events = dir.resolve("lab2.jsonl");
        Path console = dir.resolve("lab2.out");
        Run r = run("boot", "--guest", "lab2", "--serial", "none", "--debugcon", console.toString(), "--append",
                "test=text_write", "--check-reference", "--trace-events", events.toString());
        assertEquals(1, r.status(), r.err());
        String printed = Files.readString(console);
        assertTrue(printed.contains("PASS kinit2") && printed.contains("PASS text_write"), printed);
        assertTrue(r.err().contains("records agree with the reference"), r.err());
        assertTrue(Files.readAllLines(events).get(0).contains("\"op\":\"KERNEL_LAYOUT\""));
    }

    @Test
    void anUnknownGuestIsRefusedNamingTheBundledOnes() {
        assertRefusedInOneLine(run("boot", "--guest", "xv7"), "lab2");
    }

    @Test
    void aGuestAndAnImageTogetherAreRefused() throws IOException {
        assertRefusedInOneLine(run("boot", "--guest", "lab2", file("k.elf", TestKernels.elfKernel()).toString()), "--guest");
    }

    @Test
    void anUnwritableEventFileIsRefusedNamingIt() {
        Run r = run("boot", "--trace-events", dir.resolve("missing/events.jsonl").toString());
        assertRefusedInOneLine(r, "--trace-events");
    }

    /**
     * mov dx,0x504; a record with the unknown operation 0x77; then FREE_PAGE begin 0x1000, which
     * is well formed but comes before any page table exists; cli; hlt.
     */
    static final byte[] MALFORMED_TRACE_RECORDS = {
        0x66, (byte) 0xBA, 0x04, 0x05,
        (byte) 0xB8, 0x77, 0, 0, 0, (byte) 0xEF,
        (byte) 0xB8, 0x0A, 0, 0x01, 0, (byte) 0xEF,
        (byte) 0xB8, 0, 0x10, 0, 0, (byte) 0xEF,
        (byte) 0xFA, (byte) 0xF4};

    @Test
    void malformedTraceRecordsAreAGuestProtocolWarningNotAnInternalError() throws IOException {
        Path k = file("k.elf", TestKernels.elfKernelRunning(MALFORMED_TRACE_RECORDS));
        Path events = dir.resolve("events.jsonl");
        Run r = run("boot", "--trace-events", events.toString(), k.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("j386: warning: trace port 0x504: malformed record ignored (header 0x00000077):"
                + " no operation has code 119\n"), r.err());
        assertEquals(1, Files.readAllLines(events).size(), "only the well-formed record is logged");
    }

    @Test
    void aKernelThatSendsNoRecordsUnderCheckReferenceGetsAWarningNotASilentPass() throws IOException {
        Path k = file("k.elf", TestKernels.elfKernelRunning(new byte[] {(byte) 0xFA, (byte) 0xF4})); // cli; hlt
        Run r = run("boot", "--check-reference", k.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("j386: warning: --check-reference: the guest sent no records at all"), r.err());
    }

    @Test
    void aTraceRecordTheReferenceCannotFollowIsADivergenceNotAnInternalError() throws IOException {
        Path k = file("k.elf", TestKernels.elfKernelRunning(MALFORMED_TRACE_RECORDS));
        Run r = run("boot", "--check-reference", k.toString());
        assertEquals(12, r.status(), r.err());
        assertTrue(r.err().contains("guest:     FREE_PAGE begin 0x1000"), r.err());
        assertTrue(r.err().contains("reference: (cannot follow this record: NullPointerException"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    private static final String ROM = "src/test/roms/reset_state/reset_state.bin";

    @Test
    void aRomOfTheWrongSizeIsRefusedInOneLineNamingIt() throws IOException {
        assertRefusedInOneLine(run("boot", "--bios", file("big.rom", new byte[(256 << 10) + (64 << 10)]).toString()),
                "big.rom");
        assertRefusedInOneLine(run("boot", "--bios", file("odd.rom", new byte[4096]).toString()), "64 KiB");
        assertRefusedInOneLine(run("boot", "--bios", file("empty.rom", new byte[0]).toString()), "empty.rom");
        assertRefusedInOneLine(run("boot", "--bios", dir.resolve("none.rom").toString()), "none.rom");
    }

    @Test
    void aRomBootsAloneWithoutAKernelOrModules() {
        assertRefusedInOneLine(run("boot", "--bios", ROM, "src/test/kernels/demo/demo.elf"), "--bios");
    }

    @Test
    void aRomRunsFromTheResetVectorAndTracePostAndStatsShowItsPostCodes() {
        Run r = run("boot", "--bios", ROM, "--trace", "post", "--stats", "--debugcon", "none");
        assertEquals(1, r.status(), r.err());
        assertTrue(r.err().contains("post 00 (port 80) eip="), r.err());
        assertTrue(r.err().contains("POST code        0x00 (last written, to port 0x80)"), r.err());
    }

    @Test
    void leavingProtectedModeNoLongerStopsTheMachine() throws IOException {
        Run r = run("boot", "--bios", "src/test/roms/unreal/unreal.bin", "--debugcon", "none");
        assertEquals(1, r.status(), r.err());
    }
}
