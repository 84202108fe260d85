package org.j386.tools.disasm;

/**
 * Where the disassembler reads machine code: guest memory, a file, an array. Addresses are
 * whatever the caller's address space is (linear, physical, file offset plus origin); the
 * disassembler only ever asks for the bytes of one instruction, at increasing addresses.
 */
@FunctionalInterface
public interface ByteSource {

    /** The byte at {@code address} as 0..255, or -1 when there is no readable byte there. */
    int byteAt(long address);

    /** The bytes of {@code code}, the first of them at {@code origin}; outside the array nothing is readable. */
    static ByteSource of(byte[] code, long origin) {
        return address -> {
            long i = address - origin;
            return i >= 0 && i < code.length ? code[(int) i] & 0xFF : -1;
        };
    }
}
