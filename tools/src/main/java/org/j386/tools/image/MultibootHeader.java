package org.j386.tools.image;

import static org.j386.tools.image.Bytes.i32;
import static org.j386.tools.image.Bytes.put32;

import java.util.ArrayList;
import java.util.List;

/**
 * A Multiboot (version 1, specification 0.6.96) header: how a kernel tells its boot loader what it
 * needs. The address fields are meaningful only with {@link #ADDRESS_FIELDS}, the video fields only
 * with {@link #VIDEO_MODE}; all values are unsigned 32-bit numbers held in ints.
 */
public record MultibootHeader(int flags, int headerAddr, int loadAddr, int loadEndAddr, int bssEndAddr,
                              int entryAddr, int modeType, int width, int height, int depth) {
    public static final int MAGIC = 0x1BADB002;
    /** The value a Multiboot loader leaves in EAX for the kernel. */
    public static final int BOOTLOADER_MAGIC = 0x2BADB002;
    /** The header must lie completely within this many bytes at the start of the image. */
    public static final int SEARCH_LIMIT = 8192;

    // Flags 0-15 are requirements (a loader that does not know one must refuse), 16-31 are optional.
    public static final int PAGE_ALIGN_MODULES = 1 << 0;
    public static final int MEMORY_INFO = 1 << 1;
    public static final int VIDEO_MODE = 1 << 2;
    public static final int ADDRESS_FIELDS = 1 << 16;
    public static final int REQUIRED_FLAGS = 0xFFFF;

    /** A header and the file offset it was found at. */
    public record Found(int offset, MultibootHeader header) {
    }

    /** The checksum field: the value that makes magic + flags + checksum zero modulo 2^32. */
    public int checksum() {
        return -(MAGIC + flags);
    }

    public boolean hasAddressFields() {
        return (flags & ADDRESS_FIELDS) != 0;
    }

    /** Bytes of the header that carry meaning for these flags: 12, 32 with addresses, 48 with video. */
    public int length() {
        return lengthFor(flags);
    }

    private static int lengthFor(int flags) {
        return (flags & VIDEO_MODE) != 0 ? 48 : (flags & ADDRESS_FIELDS) != 0 ? 32 : 12;
    }

    /**
     * Refuses a header that requires features outside {@code supportedRequired}, as the
     * specification asks of a loader that does not understand a requirement bit.
     */
    public void requireOnly(String file, int supportedRequired) throws ImageFormatException {
        int unsupported = flags & REQUIRED_FLAGS & ~supportedRequired;
        if (unsupported != 0) {
            List<String> bits = new ArrayList<>();
            for (int bit = 0; bit < 16; bit++) {
                if ((unsupported & (1 << bit)) != 0) {
                    bits.add(Integer.toString(bit));
                }
            }
            throw ImageFormatException.of(file,
                    "Multiboot header flags 0x%08x require features this loader does not support (bit%s %s)",
                    flags, bits.size() > 1 ? "s" : "", String.join(", ", bits));
        }
    }

    /** The header in its file form, {@link #length()} bytes. */
    public byte[] toBytes() {
        int[] fields = {MAGIC, flags, checksum(), headerAddr, loadAddr, loadEndAddr, bssEndAddr, entryAddr,
                modeType, width, height, depth};
        byte[] b = new byte[length()];
        for (int i = 0; i < b.length / 4; i++) {
            put32(b, 4 * i, fields[i]);
        }
        return b;
    }

    /**
     * Finds the header: the first 4-byte-aligned magic number with a valid checksum whose header
     * lies completely within the first {@value #SEARCH_LIMIT} bytes.
     */
    public static Found find(String file, byte[] image) throws ImageFormatException {
        int limit = Math.min(image.length, SEARCH_LIMIT);
        int badChecksumAt = -1;
        for (int at = 0; at + 12 <= limit; at += 4) {
            if (i32(image, at) != MAGIC) {
                continue;
            }
            int flags = i32(image, at + 4);
            if (MAGIC + flags + i32(image, at + 8) != 0) {
                if (badChecksumAt < 0) {
                    badChecksumAt = at;
                }
                continue;
            }
            return new Found(at, parseAt(file, image, at, flags));
        }
        if (badChecksumAt >= 0) {
            int sum = MAGIC + i32(image, badChecksumAt + 4) + i32(image, badChecksumAt + 8);
            throw ImageFormatException.of(file,
                    "Multiboot header at offset 0x%x has a bad checksum (magic + flags + checksum = 0x%08x, must be 0)",
                    badChecksumAt, sum);
        }
        // Not where loaders look; say so precisely if it is further on, a common linker-script mistake.
        for (int at = SEARCH_LIMIT; at + 12 <= image.length; at += 4) {
            if (i32(image, at) == MAGIC && MAGIC + i32(image, at + 4) + i32(image, at + 8) == 0) {
                throw ImageFormatException.of(file,
                        "Multiboot header at offset 0x%x is beyond the first 8 KiB (0x%x bytes) where loaders look for it",
                        at, SEARCH_LIMIT);
            }
        }
        throw ImageFormatException.of(file, "no Multiboot header (magic 0x%08X) in the first 8 KiB", MAGIC);
    }

    private static MultibootHeader parseAt(String file, byte[] image, int at, int flags) throws ImageFormatException {
        int length = lengthFor(flags);
        if (at + length > image.length) {
            throw ImageFormatException.of(file,
                    "Multiboot header at offset 0x%x is cut off: with flags 0x%08x it needs %d bytes, the file ends at 0x%x",
                    at, flags, length, image.length);
        }
        if (at + length > SEARCH_LIMIT) {
            throw ImageFormatException.of(file,
                    "Multiboot header at offset 0x%x (%d bytes with flags 0x%08x) does not end within the first 8 KiB",
                    at, length, flags);
        }
        int[] f = new int[12];
        for (int i = 0; i < length / 4; i++) {
            f[i] = i32(image, at + 4 * i);
        }
        return new MultibootHeader(flags, f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10], f[11]);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Makes headers for tests and for the assembler; the checksum is always right. */
    public static final class Builder {
        private int flags;
        private final int[] fields = new int[9];

        public Builder flags(int flags) {
            this.flags |= flags;
            return this;
        }

        /** Sets the address fields and {@link #ADDRESS_FIELDS}. */
        public Builder addresses(int headerAddr, int loadAddr, int loadEndAddr, int bssEndAddr, int entryAddr) {
            flags |= ADDRESS_FIELDS;
            fields[0] = headerAddr;
            fields[1] = loadAddr;
            fields[2] = loadEndAddr;
            fields[3] = bssEndAddr;
            fields[4] = entryAddr;
            return this;
        }

        /** Sets the preferred video mode and {@link #VIDEO_MODE}. */
        public Builder video(int modeType, int width, int height, int depth) {
            flags |= VIDEO_MODE;
            fields[5] = modeType;
            fields[6] = width;
            fields[7] = height;
            fields[8] = depth;
            return this;
        }

        public MultibootHeader build() {
            return new MultibootHeader(flags, fields[0], fields[1], fields[2], fields[3], fields[4], fields[5],
                    fields[6], fields[7], fields[8]);
        }
    }
}
