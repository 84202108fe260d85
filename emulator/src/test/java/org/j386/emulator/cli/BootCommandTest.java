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

import org.j386.emulator.boot.TestKernels;
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
