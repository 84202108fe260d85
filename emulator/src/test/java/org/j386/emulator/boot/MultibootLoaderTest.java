package org.j386.emulator.boot;

import static org.j386.emulator.boot.TestKernels.BSS;
import static org.j386.emulator.boot.TestKernels.BSS_SIZE;
import static org.j386.emulator.boot.TestKernels.CODE;
import static org.j386.emulator.boot.TestKernels.DATA;
import static org.j386.emulator.boot.TestKernels.DATA_BYTES;
import static org.j386.emulator.boot.TestKernels.DATA_MEMSZ;
import static org.j386.emulator.boot.TestKernels.TEXT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.j386.emulator.memory.PhysicalMemory;
import org.j386.tools.image.Elf32Writer;
import org.j386.tools.image.ImageFormatException;
import org.j386.tools.image.MultibootHeader;
import org.j386.tools.image.ProgramHeader;
import org.junit.jupiter.api.Test;

class MultibootLoaderTest {
    private static final int MIB = 1 << 20;

    /** RAM full of a junk pattern, so that the tests see what the loader cleared. */
    private final PhysicalMemory memory = junkMemory(32 * MIB);

    private static PhysicalMemory junkMemory(int size) {
        PhysicalMemory m = new PhysicalMemory(size);
        Arrays.fill(m.array(), (byte) 0xCC);
        return m;
    }

    private LoadedKernel load(byte[] image, BootModule... modules) throws ImageFormatException {
        return new MultibootLoader(memory).load("kernel.elf", image, "", List.of(modules));
    }

    private String refusal(PhysicalMemory ram, byte[] image, BootModule... modules) {
        return assertThrows(ImageFormatException.class,
                () -> new MultibootLoader(ram).load("kernel.elf", image, "", List.of(modules))).getMessage();
    }

    private String refusal(byte[] image) {
        return refusal(memory, image);
    }

    private byte[] bytesAt(int address, int length) {
        return Arrays.copyOfRange(memory.array(), address, address + length);
    }

    private String stringAt(int address) {
        int end = address;
        while (memory.read8(end) != 0) {
            end++;
        }
        return new String(memory.array(), address, end - address, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void elfSegmentsAreLoadedAtTheirPhysicalAddressWithBssZeroed() throws ImageFormatException {
        LoadedKernel k = load(TestKernels.elfKernel());

        byte[] header = TestKernels.header(MultibootHeader.PAGE_ALIGN_MODULES | MultibootHeader.MEMORY_INFO);
        assertArrayEquals(TestKernels.concat(header, CODE), bytesAt(TEXT, header.length + CODE.length));
        assertArrayEquals(DATA_BYTES, bytesAt(DATA, DATA_BYTES.length));
        assertArrayEquals(new byte[DATA_MEMSZ - DATA_BYTES.length], bytesAt(DATA + DATA_BYTES.length,
                DATA_MEMSZ - DATA_BYTES.length));
        assertArrayEquals(new byte[BSS_SIZE], bytesAt(BSS, BSS_SIZE));
        assertEquals(0xCC, memory.read8(BSS + BSS_SIZE), "nothing is written past the end of bss");
        assertEquals(TEXT + header.length, k.entry());
        assertEquals(TEXT, k.kernelStart());
        assertEquals(BSS + BSS_SIZE, k.kernelEnd());
    }

    @Test
    void theKernelsSymbolsComeWithIt() throws ImageFormatException {
        LoadedKernel k = load(TestKernels.elfKernel());

        assertEquals(Optional.of("start+0x1"), k.symbols().nameFor(k.entry() + 1));
        assertEquals(DATA, k.symbols().lookup("table").orElseThrow().value());
    }

    @Test
    void aHigherHalfKernelIsLoadedAtItsPhysicalAddressAndEnteredThroughIt() throws ImageFormatException {
        byte[] text = TestKernels.concat(TestKernels.header(0), CODE);
        byte[] image = new Elf32Writer(0xC010000C)
                .segment(new Elf32Writer.Segment(".text", 0xC0100000, TEXT, text, text.length,
                        ProgramHeader.PF_R | ProgramHeader.PF_X))
                .toBytes();

        LoadedKernel k = load(image);

        assertArrayEquals(text, bytesAt(TEXT, text.length));
        assertEquals(TEXT + 12, k.entry(), "e_entry translated through the code segment, as QEMU does");
    }

    @Test
    void aFlatImageIsPlacedByItsHeaderAddressFields() throws ImageFormatException {
        byte[] image = TestKernels.flatKernel(0x40, 0x200000, 0x1000);

        LoadedKernel k = load(image);

        assertArrayEquals(image, bytesAt(0x200000, image.length), "file offset 0 lands at load_addr");
        assertArrayEquals(new byte[0x1000], bytesAt(0x200000 + image.length, 0x1000));
        assertEquals(0x200000 + 0x40 + 32, k.entry());
        assertEquals(0x200000 + image.length + 0x1000, k.kernelEnd());
        assertTrue(k.symbols().isEmpty());
    }

    @Test
    void anElfFileWithAddressFieldsIsLoadedByTheFieldsAsQemuDoes() throws ImageFormatException {
        // The header's fields load the whole file at 0x300000, unlike the ELF segment's paddr 1 MiB.
        int headerOffset = 0x1000; // where the writer puts the first segment's data
        byte[] header = MultibootHeader.builder()
                .addresses(0x300000 + headerOffset, 0x300000, 0, 0, 0x300000 + headerOffset + 32).build().toBytes();
        byte[] image = new Elf32Writer(TEXT)
                .segment(Elf32Writer.Segment.text(TEXT, TestKernels.concat(header, CODE)))
                .symbol("start", TEXT + 32, 4, org.j386.tools.image.Symbol.STT_FUNC,
                        org.j386.tools.image.Symbol.STB_GLOBAL)
                .toBytes();

        LoadedKernel k = load(image);

        assertArrayEquals(image, bytesAt(0x300000, image.length));
        assertEquals(0xCC, memory.read8(TEXT), "the ELF program header was not used");
        assertEquals(0x300000 + headerOffset + 32, k.entry());
        assertEquals(Optional.of("start"), k.symbols().nameFor(TEXT + 32), "symbols are still read");
    }

    @Test
    void headerBeyondFirst8KiBIsRefusedNamingTheOffset() {
        assertEquals("kernel.elf: Multiboot header at offset 0x2400 is beyond the first 8 KiB (0x2000 bytes) "
                + "where loaders look for it", refusal(TestKernels.flatKernel(0x2400, 0x100000, 0)));
    }

    @Test
    void anElfKernelWithoutMultibootHeaderIsRefused() {
        byte[] image = new Elf32Writer(TEXT).segment(Elf32Writer.Segment.text(TEXT, CODE)).toBytes();
        assertEquals("kernel.elf: no Multiboot header (magic 0x1BADB002) in the first 8 KiB", refusal(image));
    }

    @Test
    void aBadChecksumIsRefused() {
        byte[] image = TestKernels.elfKernel();
        image[0x1008]++; // the checksum field of the header at the start of .text (file offset 0x1000)
        assertEquals("kernel.elf: Multiboot header at offset 0x1000 has a bad checksum "
                + "(magic + flags + checksum = 0x00000001, must be 0)", refusal(image));
    }

    @Test
    void anX86_64KernelIsRefusedNamingTheMachine() {
        byte[] image = TestKernels.elfKernel();
        image[18] = 62;
        assertEquals("kernel.elf: e_machine is 62 (x86-64), expected 3 (i386)", refusal(image));
    }

    @Test
    void aFlatImageWithoutAddressFieldsIsRefused() {
        byte[] image = TestKernels.concat(TestKernels.header(0), CODE);
        assertEquals("kernel.elf: not an ELF file, and its Multiboot header (offset 0x0) has no address fields "
                + "(flag 16 clear)", refusal(image));
    }

    @Test
    void aRequirementTheLoaderDoesNotKnowIsRefusedByBitNumber() {
        assertEquals("kernel.elf: Multiboot header flags 0x00000103 require features this loader does not support "
                + "(bit 8)", refusal(TestKernels.elfKernel(0x103).toBytes()));
    }

    @Test
    void theVideoModeRequestIsAcceptedAndIgnoredAsQemuDoes() throws ImageFormatException {
        byte[] header = MultibootHeader.builder().video(1, 80, 25, 0).build().toBytes();
        byte[] image = new Elf32Writer(TEXT).segment(Elf32Writer.Segment.text(TEXT, TestKernels.concat(header, CODE)))
                .toBytes();
        assertEquals(TEXT, load(image).entry());
    }

    @Test
    void truncatedFileIsRefusedNotCrashed() {
        byte[] elf = TestKernels.elfKernel();
        byte[] flat = TestKernels.flatKernel(0x40, 0x100000, 0);
        for (byte[] image : List.of(elf, flat)) {
            for (int length = 0; length < image.length; length++) {
                String message = refusal(Arrays.copyOf(image, length));
                assertTrue(message.startsWith("kernel.elf: ") && !message.contains("\n"), message);
            }
        }
        assertEquals("kernel.elf: file is truncated: load_end_addr 0x100064 needs 0x64 bytes from offset 0x0, "
                + "but the file ends at 0x63", refusal(Arrays.copyOf(flat, flat.length - 1)));
    }

    @Test
    void aSegmentOutsideRamIsRefusedNamingTheSegmentAndTheRamSize() {
        assertEquals("kernel.elf: program header 2 (0x102000-0x104800) lies outside RAM (1036 KiB)",
                refusal(junkMemory(0x103000), TestKernels.elfKernel()));
    }

    @Test
    void aSegmentBelowOneMiBIsRefused() {
        byte[] text = TestKernels.concat(TestKernels.header(0), CODE);
        byte[] image = new Elf32Writer(0x8000).segment(Elf32Writer.Segment.text(0x8000, text)).toBytes();
        assertEquals("kernel.elf: program header 0 (0x8000-0x8010) starts below 1 MiB, "
                + "where the Multiboot information and the BIOS areas are", refusal(image));
    }

    @Test
    void overlappingSegmentsAreRefused() {
        byte[] text = TestKernels.concat(TestKernels.header(0), CODE);
        byte[] image = new Elf32Writer(TEXT)
                .segment(Elf32Writer.Segment.text(TEXT, text))
                .segment(Elf32Writer.Segment.bss(TEXT + 8, 0x100))
                .toBytes();
        assertEquals("kernel.elf: program header 1 (0x100008-0x100108) overlaps program header 0 (0x100000-0x100010)",
                refusal(image));
    }

    @Test
    void aMachineWithoutMemoryAboveOneMiBIsRefused() {
        assertEquals("kernel.elf: the machine has 1024 KiB of RAM; a Multiboot kernel is loaded above 1 MiB",
                refusal(junkMemory(MIB), TestKernels.elfKernel()));
    }

    @Test
    void multibootInfoReportsMemoryAndCommandLine() throws ImageFormatException {
        LoadedKernel k = new MultibootLoader(memory).load("kernel.elf", TestKernels.elfKernel(), "-v debug", List.of());

        int info = k.infoAddress();
        assertEquals(0x9500, info, "where QEMU puts it");
        assertEquals(0x24F, memory.read32(info), "MEM, BOOTDEV, CMDLINE, MODS, MMAP, BOOT_LOADER_NAME, as QEMU sets them");
        assertEquals(639, memory.read32(info + 4), "mem_lower in KiB");
        assertEquals(31616, memory.read32(info + 8), "mem_upper in KiB: QEMU's figure for 32 MiB (top 128 KiB reserved)");
        assertEquals("kernel.elf -v debug", stringAt(memory.read32(info + 16)), "QEMU prefixes the kernel's name");
        assertEquals("j386", stringAt(memory.read32(info + 64)));
        assertEquals(0, memory.read32(info + 20), "no modules");
        assertEquals(0x8000FFFF, memory.read32(info + 12), "the first hard disk, no partition, as QEMU reports");
    }

    @Test
    void theMemoryMapIsTheOneQemuGivesForTheSameRamSize() throws ImageFormatException {
        int info = load(TestKernels.elfKernel()).infoAddress();
        int mmap = memory.read32(info + 48);
        int length = memory.read32(info + 44);

        long[][] expected = {
                {0, 0x9FC00, 1},
                {0x9FC00, 0x400, 2},
                {0xF0000, 0x10000, 2},
                {MIB, 31 * MIB - 0x20000, 1},
                {32 * MIB - 0x20000, 0x20000, 2},
                {0xFFFC0000L, 0x40000, 2},
        };
        assertEquals(0x9000, mmap);
        assertEquals(expected.length * 24, length);
        for (int i = 0; i < expected.length; i++) {
            int e = mmap + 24 * i;
            assertEquals(20, memory.read32(e), "size field of entry " + i);
            long base = Integer.toUnsignedLong(memory.read32(e + 4)) | (long) memory.read32(e + 8) << 32;
            long len = Integer.toUnsignedLong(memory.read32(e + 12)) | (long) memory.read32(e + 16) << 32;
            assertArrayEquals(expected[i], new long[] {base, len, memory.read32(e + 20)}, "entry " + i);
        }
    }

    @Test
    void modulesArePageAlignedAfterTheKernel() throws ImageFormatException {
        byte[] first = {10, 20, 30};
        byte[] second = new byte[0x1801];
        Arrays.fill(second, (byte) 7);

        LoadedKernel k = load(TestKernels.elfKernel(),
                new BootModule("initrd.img", first, "initrd.img root=/"),
                new BootModule("fonts.bin", second, "fonts.bin"));

        int kernelEndPage = (BSS + BSS_SIZE + 0xFFF) & ~0xFFF;
        assertEquals(List.of(
                new LoadedKernel.Module("initrd.img", kernelEndPage, kernelEndPage + 3, "initrd.img root=/"),
                new LoadedKernel.Module("fonts.bin", kernelEndPage + 0x1000, kernelEndPage + 0x2801, "fonts.bin")),
                k.modules());
        assertEquals(kernelEndPage + 0x2801, k.highestAddress());
        assertArrayEquals(first, bytesAt(kernelEndPage, first.length));
        assertArrayEquals(second, bytesAt(kernelEndPage + 0x1000, second.length));

        int info = k.infoAddress();
        assertEquals(2, memory.read32(info + 20));
        int mods = memory.read32(info + 24);
        assertEquals(kernelEndPage, memory.read32(mods));
        assertEquals(kernelEndPage + 3, memory.read32(mods + 4));
        assertEquals("initrd.img root=/", stringAt(memory.read32(mods + 8)));
        assertEquals(0, memory.read32(mods + 12), "reserved");
        assertEquals(kernelEndPage + 0x1000, memory.read32(mods + 16));
        assertEquals("fonts.bin", stringAt(memory.read32(mods + 24)));
    }

    @Test
    void aModuleThatDoesNotFitInRamIsRefusedNamingIt() {
        BootModule big = new BootModule("big.img", new byte[2 * MIB], "big.img");
        assertEquals("big.img: module of 0x200000 bytes at 0x105000 does not fit in RAM (2 MiB)",
                refusal(junkMemory(2 * MIB), TestKernels.elfKernel(), big));
    }

    @Test
    void commandLinesTooLongForLowMemoryAreRefused() {
        String huge = "x".repeat(0x9FC00);
        assertThrows(ImageFormatException.class,
                () -> new MultibootLoader(memory).load("kernel.elf", TestKernels.elfKernel(), huge, List.of()));
    }
}
