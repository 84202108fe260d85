package org.j386.tools.image;

/** Little-endian field access and range checks shared by the image readers and writers. */
final class Bytes {
    private Bytes() {
    }

    static int u8(byte[] b, int offset) {
        return b[offset] & 0xFF;
    }

    static int u16(byte[] b, int offset) {
        return (b[offset] & 0xFF) | (b[offset + 1] & 0xFF) << 8;
    }

    static int i32(byte[] b, int offset) {
        return (b[offset] & 0xFF) | (b[offset + 1] & 0xFF) << 8 | (b[offset + 2] & 0xFF) << 16
                | (b[offset + 3] & 0xFF) << 24;
    }

    static void put16(byte[] b, int offset, int value) {
        b[offset] = (byte) value;
        b[offset + 1] = (byte) (value >>> 8);
    }

    static void put32(byte[] b, int offset, int value) {
        put16(b, offset, value);
        put16(b, offset + 2, value >>> 16);
    }

    static long unsigned(int value) {
        return Integer.toUnsignedLong(value);
    }

    /**
     * Checks that {@code [offset, offset + length)} (both unsigned 32-bit values) lies inside a file
     * of {@code fileLength} bytes; {@code what} names the structure for the message.
     */
    static void requireInFile(String file, String what, int offset, long length, int fileLength)
            throws ImageFormatException {
        long start = unsigned(offset);
        if (start + length > fileLength) {
            throw ImageFormatException.of(file, "%s extends past the end of the file (offset 0x%x + 0x%x > 0x%x)",
                    what, start, length, fileLength);
        }
    }

    /** The NUL-terminated string at {@code offset} of a string table occupying {@code [base, base + size)}. */
    static String string(String file, String what, byte[] b, int base, int size, int offset)
            throws ImageFormatException {
        if (Integer.compareUnsigned(offset, size) >= 0) {
            throw ImageFormatException.of(file, "%s name offset 0x%x is outside its string table (size 0x%x)",
                    what, unsigned(offset), unsigned(size));
        }
        int start = base + offset;
        int end = start;
        int limit = base + size;
        while (end < limit && b[end] != 0) {
            end++;
        }
        if (end == limit) {
            throw ImageFormatException.of(file, "%s name at string table offset 0x%x is not NUL-terminated",
                    what, unsigned(offset));
        }
        return new String(b, start, end - start, java.nio.charset.StandardCharsets.UTF_8);
    }
}
