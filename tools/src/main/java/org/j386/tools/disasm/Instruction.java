package org.j386.tools.disasm;

import java.util.Arrays;

/**
 * One decoded instruction.
 *
 * @param address where it starts
 * @param bytes   its bytes: prefixes, opcode, ModR/M, SIB, displacement, immediates. A byte that
 *                starts no instruction the table knows comes back alone with the text
 *                {@code db 0x..}; an address with no readable byte comes back with no bytes
 * @param text    Intel syntax as NASM writes it, lower case ({@code mov eax,[ebx+0x4]}); it
 *                assembles back to the same bytes, with a {@code ; name} comment appended when a
 *                {@link SymbolLookup} named the branch target or absolute address
 * @param target  the destination of a direct near branch (JMP/Jcc/CALL/LOOP/JCXZ), or -1
 */
public record Instruction(long address, byte[] bytes, String text, long target) {

    public Instruction {
        bytes = bytes.clone();
    }

    /** Number of bytes the instruction occupies; 0 when nothing could be read at the address. */
    public int length() {
        return bytes.length;
    }

    /** A copy of the bytes. */
    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Whether the bytes are an instruction of the table (not a {@code db} and not unreadable). */
    public boolean valid() {
        return bytes.length > 0 && !text.startsWith("db ");
    }

    /** The bytes as upper-case hex without spaces, as ndisasm prints them. */
    public String hexBytes() {
        StringBuilder hex = new StringBuilder(bytes.length * 2);
        for (byte b : bytes) {
            hex.append(Character.toUpperCase(Character.forDigit((b >> 4) & 15, 16)))
                .append(Character.toUpperCase(Character.forDigit(b & 15, 16)));
        }
        return hex.toString();
    }

    /** One listing line: address (8 hex digits), bytes, text, in ndisasm's columns. */
    @Override
    public String toString() {
        return String.format("%08X  %-16s  %s", address, hexBytes(), text);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Instruction i && i.address == address && Arrays.equals(i.bytes, bytes)
            && i.text.equals(text) && i.target == target;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(address) * 31 + text.hashCode();
    }
}
