package org.j386.emulator.conform;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.j386.tools.disasm.ByteSource;
import org.j386.tools.disasm.Disassembler;
import org.j386.tools.disasm.Instruction;

/**
 * One instruction executed once on a real x86 CPU: its bytes, the state it started from, the
 * flags the manual leaves undefined for it, and either the state it ended in or the exception it
 * raised.
 *
 * <p>The text form, one line, is written by the generator in {@code conformance/generator}:
 * <pre>
 * CODE EAX ECX EDX EBX ESP EBP ESI EDI EFLAGS MASK [ADDR:BYTES]... &gt; EAX ... EDI EFLAGS [@EIP] [BYTES]...
 * CODE EAX ECX EDX EBX ESP EBP ESI EDI EFLAGS MASK [ADDR:BYTES]... &gt; #VECTOR [@EIP]
 * </pre>
 * All numbers are hexadecimal except the exception vector. Memory not in a window is zero. The
 * final EIP is given only when the instruction branched; otherwise it is the next instruction's.
 * An exception's EIP is given only for a trap (INTO), which reports the next instruction; a fault
 * reports the instruction itself.
 */
public final class InstructionVector {
    /** Where the instruction is placed; it runs with EIP here. */
    public static final int CODE_ADDRESS = 0x00100000;
    /** Base of FS (limit 0xFFFF), the segment the 16-bit addressing forms use; other segments are flat. */
    public static final int FS_BASE = 0x00200000;

    private static final HexFormat HEX = HexFormat.of();

    final byte[] code;
    final int[] regs;
    final int flags;
    final int undefinedFlags;
    final int[] windowAddress;
    final byte[][] windowBefore;
    /** The exception vector the CPU raised, or -1 when the instruction completed. */
    final int exception;
    final int[] finalRegs;
    final int finalFlags;
    final int finalEip;
    final byte[][] windowAfter;

    private InstructionVector(byte[] code, int[] regs, int flags, int undefinedFlags, int[] windowAddress,
            byte[][] windowBefore, int exception, int[] finalRegs, int finalFlags, int finalEip, byte[][] windowAfter) {
        this.code = code;
        this.regs = regs;
        this.flags = flags;
        this.undefinedFlags = undefinedFlags;
        this.windowAddress = windowAddress;
        this.windowBefore = windowBefore;
        this.exception = exception;
        this.finalRegs = finalRegs;
        this.finalFlags = finalFlags;
        this.finalEip = finalEip;
        this.windowAfter = windowAfter;
    }

    /** Parses one case line; throws {@link IllegalArgumentException} naming what is wrong. */
    public static InstructionVector parse(String line) {
        String[] t = line.trim().split(" +");
        int arrow = indexOf(t, ">");
        if (arrow < 11) {
            throw new IllegalArgumentException("expected code, 8 registers, flags, mask before '>'");
        }
        byte[] code = hexBytes(t[0], "code");
        int[] regs = new int[8];
        for (int i = 0; i < 8; i++) {
            regs[i] = hexInt(t[1 + i], "register " + i);
        }
        int flags = hexInt(t[9], "eflags");
        int mask = hexInt(t[10], "undefined-flags mask");
        int windows = arrow - 11;
        int[] address = new int[windows];
        byte[][] before = new byte[windows][];
        for (int w = 0; w < windows; w++) {
            String field = t[11 + w];
            int colon = field.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("memory window '" + field + "' is not ADDRESS:BYTES");
            }
            address[w] = hexInt(field.substring(0, colon), "window address");
            before[w] = hexBytes(field.substring(colon + 1), "window bytes");
        }
        if (t.length > arrow + 1 && t[arrow + 1].startsWith("#")) {
            int vector;
            try {
                vector = Integer.parseInt(t[arrow + 1].substring(1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad exception vector '" + t[arrow + 1] + "'");
            }
            int eip = CODE_ADDRESS;
            if (t.length == arrow + 3 && t[arrow + 2].startsWith("@")) {
                eip = hexInt(t[arrow + 2].substring(1), "exception eip");
            } else if (t.length != arrow + 2) {
                throw new IllegalArgumentException("expected only '#VECTOR [@EIP]' after '>'");
            }
            return new InstructionVector(code, regs, flags, mask, address, before, vector, null, 0, eip, null);
        }
        int at = arrow + 10;
        int finalEip = CODE_ADDRESS + code.length;
        if (t.length > at && t[at].startsWith("@")) {
            finalEip = hexInt(t[at].substring(1), "final eip");
            at++;
        }
        if (t.length != at + windows) {
            throw new IllegalArgumentException("expected 8 registers, flags and " + windows + " windows after '>'");
        }
        int[] finalRegs = new int[8];
        for (int i = 0; i < 8; i++) {
            finalRegs[i] = hexInt(t[arrow + 1 + i], "final register " + i);
        }
        int finalFlags = hexInt(t[arrow + 9], "final eflags");
        byte[][] after = new byte[windows][];
        for (int w = 0; w < windows; w++) {
            after[w] = hexBytes(t[at + w], "final window bytes");
            if (after[w].length != before[w].length) {
                throw new IllegalArgumentException("final window " + w + " differs in length from the initial one");
            }
        }
        return new InstructionVector(code, regs, flags, mask, address, before, -1, finalRegs, finalFlags, finalEip,
                after);
    }

    private static int indexOf(String[] t, String s) {
        for (int i = 0; i < t.length; i++) {
            if (t[i].equals(s)) {
                return i;
            }
        }
        return -1;
    }

    private static int hexInt(String s, String what) {
        try {
            return (int) Long.parseLong(s, 16);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad " + what + " '" + s + "'");
        }
    }

    private static byte[] hexBytes(String s, String what) {
        try {
            return HEX.parseHex(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad " + what + " '" + s + "'");
        }
    }

    /** The instruction bytes, spaced: {@code 66 0f a3 c8}. */
    public String bytesText() {
        StringBuilder b = new StringBuilder();
        for (byte x : code) {
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append(HEX.toHexDigits(x));
        }
        return b.toString();
    }

    /**
     * The instruction in j386's disassembly, e.g. {@code add eax,ecx}; when the disassembler does
     * not know the whole instruction, its text says so ({@code db 0x..}).
     */
    public String disassembly() {
        Instruction i = Disassembler.standard().decode(ByteSource.of(code, CODE_ADDRESS), CODE_ADDRESS, 32);
        return i.valid() && i.length() == code.length ? i.text() : i.text() + " ...";
    }

    /** The bytes and the disassembly: {@code 01 c8 (add eax,ecx)}. */
    public String describe() {
        return bytesText() + " (" + disassembly() + ")";
    }

    /** The initial state in one line: registers, flags, memory windows. */
    public String initialText() {
        StringBuilder b = new StringBuilder(registersText(regs));
        b.append(" eflags=").append(flagsText(flags));
        for (int w = 0; w < windowAddress.length; w++) {
            b.append(" mem[").append(Integer.toHexString(windowAddress[w])).append("]=")
                    .append(HEX.formatHex(windowBefore[w]));
        }
        return b.toString();
    }

    /** What the CPU did, in one line. */
    public String expectedText() {
        if (exception >= 0) {
            return "raised " + exceptionName(exception);
        }
        StringBuilder b = new StringBuilder(registersText(finalRegs));
        b.append(" eflags=").append(flagsText(finalFlags));
        return b.toString();
    }

    static String registersText(int[] r) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i > 0) {
                b.append(' ');
            }
            b.append(REGISTER_NAMES[i]).append('=').append(String.format("%08x", r[i]));
        }
        return b.toString();
    }

    private static final String[] REGISTER_NAMES = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};

    static String registerName(int i) {
        return REGISTER_NAMES[i];
    }

    private static final int[] FLAG_BITS = {0x800, 0x400, 0x80, 0x40, 0x10, 0x4, 0x1};
    private static final String[] FLAG_NAMES = {"OF", "DF", "SF", "ZF", "AF", "PF", "CF"};

    /** Flags as hex plus the names of those set: {@code 0845 (OF ZF PF CF)}. */
    static String flagsText(int f) {
        List<String> set = new ArrayList<>();
        for (int i = 0; i < FLAG_BITS.length; i++) {
            if ((f & FLAG_BITS[i]) != 0) {
                set.add(FLAG_NAMES[i]);
            }
        }
        return String.format("%03x", f & 0xFFF) + " (" + String.join(" ", set) + ")";
    }

    static String exceptionName(int vector) {
        String[] names = {"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "?", "#TS", "#NP", "#SS",
            "#GP", "#PF"};
        return (vector >= 0 && vector < names.length ? names[vector] : "?") + " (vector " + vector + ")";
    }
}
