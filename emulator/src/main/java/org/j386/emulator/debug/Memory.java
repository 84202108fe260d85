package org.j386.emulator.debug;

import java.io.PrintWriter;

/** The {@code x} and {@code xp} listings. */
final class Memory {
    private final Debugger debugger;
    private final GuestMemory memory;
    private final boolean physical;

    Memory(Debugger debugger, boolean physical) {
        this.debugger = debugger;
        this.memory = debugger.memory();
        this.physical = physical;
    }

    private String label(long address) {
        return String.format("0x%08x", address) + (physical ? "" : debugger.symbolSuffix(address)) + ":";
    }

    private String unreadable(long address) {
        return String.format("0x%08x:  %s", address, physical ? "outside RAM" : "not mapped");
    }

    void values(long address, int count, int unit, char format, PrintWriter out) {
        int perLine = format == 'c' ? 8 : 16 / unit;
        long a = address & 0xFFFFFFFFL;
        for (int done = 0; done < count; ) {
            StringBuilder line = new StringBuilder(label(a));
            int n = Math.min(perLine, count - done);
            for (int k = 0; k < n; k++) {
                Long v = memory.readValue(a, physical, unit);
                if (v == null) {
                    if (k > 0) {
                        out.println(line);
                    }
                    out.println(unreadable(a));
                    return;
                }
                line.append(' ').append(format(v, unit, format));
                a += unit;
            }
            out.println(line);
            done += n;
        }
    }

    private static String format(long v, int unit, char format) {
        switch (format) {
            case 'd': {
                long signed = unit == 1 ? (byte) v : unit == 2 ? (short) v : (int) v;
                return String.format("%12d", signed).strip();
            }
            case 'u':
                return Long.toString(v);
            case 'c':
                return v >= 0x20 && v < 0x7F ? "'" + (char) v + "'" : String.format("\\x%02x", v);
            default:
                return String.format("0x%0" + (unit * 2) + "x", v);
        }
    }

    void strings(long address, int count, PrintWriter out) {
        long a = address & 0xFFFFFFFFL;
        for (int i = 0; i < count; i++) {
            StringBuilder text = new StringBuilder();
            long at = a;
            while (text.length() < 200) {
                Long v = memory.readValue(a, physical, 1);
                if (v == null) {
                    out.println(unreadable(a));
                    return;
                }
                a++;
                if (v == 0) {
                    break;
                }
                text.append(v >= 0x20 && v < 0x7F ? String.valueOf((char) v.longValue())
                        : v == '\n' ? "\\n" : String.format("\\x%02x", v));
            }
            out.println(label(at) + " \"" + text + "\"");
        }
    }

    void instructions(long address, int count, PrintWriter out) {
        long a = address & 0xFFFFFFFFL;
        for (int i = 0; i < count; i++) {
            org.j386.tools.disasm.Instruction insn = debugger.disassembly().decode(memory, a, physical);
            out.println(debugger.disassembly().line(memory, a, physical, debugger));
            if (insn.length() == 0) {
                return;
            }
            a += insn.length();
        }
    }
}
