package org.j386.tools.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class Elf32FileTest {
    private static String refusal(byte[] file) {
        return assertThrows(ImageFormatException.class, () -> Elf32File.parse("kernel.elf", file)).getMessage();
    }

    private static byte[] patched(int offset, int... bytes) {
        byte[] file = Elf32WriterTest.sampleKernel();
        for (int i = 0; i < bytes.length; i++) {
            file[offset + i] = (byte) bytes[i];
        }
        return file;
    }

    @Test
    void anX86_64MachineIsRefusedNamingTheField() {
        assertEquals("kernel.elf: e_machine is 62 (x86-64), expected 3 (i386)", refusal(patched(18, 62, 0)));
    }

    @Test
    void a64BitClassIsRefused() {
        assertEquals("kernel.elf: EI_CLASS is 2 (64-bit), expected 1 (32-bit)", refusal(patched(4, 2)));
    }

    @Test
    void aBigEndianFileIsRefused() {
        assertEquals("kernel.elf: EI_DATA is 2 (big-endian), expected 1 (little-endian)", refusal(patched(5, 2)));
    }

    @Test
    void aRelocatableObjectIsRefused() {
        assertEquals("kernel.elf: e_type is 1 (relocatable), expected 2 (executable)", refusal(patched(16, 1, 0)));
    }

    @Test
    void aFileWithoutTheMagicIsNotElf() {
        assertEquals("kernel.elf: not an ELF file (no \\x7fELF magic at offset 0)", refusal(patched(1, 'X')));
    }

    @Test
    void aFileShorterThanTheHeaderIsRefused() {
        assertEquals("kernel.elf: ELF header is cut off: the file has 20 bytes, the header needs 52",
                refusal(java.util.Arrays.copyOf(Elf32WriterTest.sampleKernel(), 20)));
    }

    @Test
    void aProgramHeaderPastTheEndIsRefusedWithTheOffsets() {
        byte[] file = Elf32WriterTest.sampleKernel();
        int phdr2 = Elf32File.EHDR_SIZE + 1 * Elf32File.PHDR_SIZE;
        Bytes.put32(file, phdr2 + 4, file.length - 2); // p_offset of program header 1, 5 bytes of data

        assertEquals(String.format(
                "kernel.elf: program header 1 extends past the end of the file (offset 0x%x + 0x5 > 0x%x)",
                file.length - 2, file.length), refusal(file));
    }

    @Test
    void aSegmentWithMoreFileBytesThanMemoryIsRefused() {
        byte[] file = Elf32WriterTest.sampleKernel();
        Bytes.put32(file, Elf32File.EHDR_SIZE + 20, 2); // p_memsz of program header 0 below its p_filesz 4

        assertEquals("kernel.elf: program header 0 has p_filesz 0x4 larger than p_memsz 0x2", refusal(file));
    }

    @Test
    void aSegmentWrappingAroundTheAddressSpaceIsRefused() {
        byte[] file = Elf32WriterTest.sampleKernel();
        Bytes.put32(file, Elf32File.EHDR_SIZE + 12, 0xFFFFFFFE); // p_paddr of program header 0

        assertEquals("kernel.elf: program header 0 wraps around the 4 GiB address space (address 0xfffffffe + 0x4)",
                refusal(file));
    }

    @Test
    void aSymbolNameOutsideTheStringTableIsRefused() throws ImageFormatException {
        byte[] file = Elf32WriterTest.sampleKernel();
        SectionHeader symtab = Elf32File.parse("kernel.elf", file).section(".symtab").orElseThrow();
        Bytes.put32(file, symtab.offset() + Elf32File.SYM_SIZE, 0x7000_0000); // st_name of symbol 1

        assertEquals("kernel.elf: symbol 1 name offset 0x70000000 is outside its string table (size 0x1c)",
                refusal(file));
    }
}
