package org.j386.tools.image;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class MultibootHeaderTest {
    private static byte[] imageWithHeaderAt(int offset, byte[] header, int length) {
        byte[] image = new byte[length];
        System.arraycopy(header, 0, image, offset, header.length);
        return image;
    }

    private static String refusal(byte[] image) {
        return assertThrows(ImageFormatException.class, () -> MultibootHeader.find("kernel.bin", image)).getMessage();
    }

    @Test
    void aBuiltHeaderIsFoundWhereItWasPutWithItsFlags() throws ImageFormatException {
        MultibootHeader header = MultibootHeader.builder()
                .flags(MultibootHeader.PAGE_ALIGN_MODULES | MultibootHeader.MEMORY_INFO).build();

        MultibootHeader.Found found = MultibootHeader.find("kernel.bin", imageWithHeaderAt(0x40, header.toBytes(), 0x100));

        assertEquals(0x40, found.offset());
        assertEquals(header, found.header());
        assertEquals(12, header.toBytes().length);
    }

    @Test
    void theChecksumMakesTheFirstThreeFieldsSumToZero() {
        byte[] b = MultibootHeader.builder().flags(3).build().toBytes();
        assertEquals(0, Bytes.i32(b, 0) + Bytes.i32(b, 4) + Bytes.i32(b, 8));
        assertEquals(0x1BADB002, Bytes.i32(b, 0));
    }

    @Test
    void addressFieldsRoundTrip() throws ImageFormatException {
        MultibootHeader header = MultibootHeader.builder()
                .addresses(0x100000, 0x100000, 0x101000, 0x104000, 0x100020).build();

        MultibootHeader found = MultibootHeader.find("k", imageWithHeaderAt(0, header.toBytes(), 64)).header();

        assertEquals(32, header.length());
        assertEquals(MultibootHeader.ADDRESS_FIELDS, found.flags());
        assertEquals(0x104000, found.bssEndAddr());
        assertEquals(0x100020, found.entryAddr());
    }

    @Test
    void headerBeyondFirst8KiBIsRefusedNamingTheOffset() {
        byte[] image = imageWithHeaderAt(0x2400, MultibootHeader.builder().build().toBytes(), 0x3000);
        assertEquals("kernel.bin: Multiboot header at offset 0x2400 is beyond the first 8 KiB (0x2000 bytes) "
                + "where loaders look for it", refusal(image));
    }

    @Test
    void aHeaderStraddlingThe8KiBLimitIsRefused() {
        byte[] header = MultibootHeader.builder().addresses(0, 0, 0, 0, 0).build().toBytes();
        assertEquals("kernel.bin: Multiboot header at offset 0x1ff0 (32 bytes with flags 0x00010000) "
                + "does not end within the first 8 KiB", refusal(imageWithHeaderAt(0x1FF0, header, 0x3000)));
    }

    @Test
    void aBadChecksumIsRefusedNamingTheOffsetAndTheSum() {
        byte[] image = imageWithHeaderAt(8, MultibootHeader.builder().build().toBytes(), 64);
        image[16]++;
        assertEquals("kernel.bin: Multiboot header at offset 0x8 has a bad checksum "
                + "(magic + flags + checksum = 0x00000001, must be 0)", refusal(image));
    }

    @Test
    void aMagicNumberAtAnUnalignedOffsetIsNotAHeader() {
        byte[] image = imageWithHeaderAt(6, MultibootHeader.builder().build().toBytes(), 64);
        assertEquals("kernel.bin: no Multiboot header (magic 0x1BADB002) in the first 8 KiB", refusal(image));
    }

    @Test
    void aHeaderCutOffByTheEndOfTheFileIsRefused() {
        byte[] header = MultibootHeader.builder().addresses(0, 0, 0, 0, 0).build().toBytes();
        byte[] image = java.util.Arrays.copyOf(imageWithHeaderAt(0, header, 32), 20);
        assertEquals("kernel.bin: Multiboot header at offset 0x0 is cut off: with flags 0x00010000 it needs 32 bytes, "
                + "the file ends at 0x14", refusal(image));
    }

    @Test
    void unsupportedRequiredFlagsAreRefusedByNumber() {
        MultibootHeader header = MultibootHeader.builder().flags(0x0000_0019).build();
        ImageFormatException e = assertThrows(ImageFormatException.class,
                () -> header.requireOnly("kernel.bin", MultibootHeader.PAGE_ALIGN_MODULES | MultibootHeader.MEMORY_INFO));
        assertEquals("kernel.bin: Multiboot header flags 0x00000019 require features this loader does not support "
                + "(bits 3, 4)", e.getMessage());
    }

    @Test
    void optionalFlagsAboveBit15AreNeverRefused() {
        MultibootHeader header = MultibootHeader.builder().flags(0xFFFF_0003).build();
        assertDoesNotThrow(() -> header.requireOnly("k", 3));
    }
}
