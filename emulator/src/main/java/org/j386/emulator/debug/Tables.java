package org.j386.emulator.debug;

import java.io.PrintWriter;

import org.j386.emulator.cpu.CpuState;
import org.j386.emulator.cpu.Segment;
import org.j386.emulator.cpu.Vectors;

/** {@code gdt}, {@code idt}, {@code tss}: the descriptor tables read from guest memory and decoded. */
final class Tables {
    private final Debugger debugger;
    private final GuestMemory memory;
    private final CpuState s;

    Tables(Debugger debugger) {
        this.debugger = debugger;
        this.memory = debugger.memory();
        this.s = debugger.state();
    }

    private Long dword(long linear) {
        return memory.readValue(linear, false, 4);
    }

    void gdt(PrintWriter out) {
        out.printf("GDT at 0x%08x, limit 0x%04x (%d entries)%n", s.gdtBase, s.gdtLimit, (s.gdtLimit + 1) / 8);
        for (int i = 0; i * 8 + 7 <= s.gdtLimit; i++) {
            long at = (s.gdtBase & 0xFFFFFFFFL) + i * 8L;
            Long low = dword(at), high = dword(at + 4);
            if (low == null || high == null) {
                out.printf("  0x%04x  (not mapped at 0x%08x)%n", i * 8, at);
                continue;
            }
            if (low == 0 && high == 0) {
                out.printf("  0x%04x  null%n", i * 8);
                continue;
            }
            Segment seg = new Segment();
            seg.load(i * 8, low.intValue(), high.intValue());
            out.printf("  0x%04x  base=0x%08x limit=0x%08x  %s%n", i * 8, seg.base, seg.limit, Describe.segmentAttributes(seg));
        }
    }

    void idt(PrintWriter out, boolean all) {
        int entries = (s.idtLimit + 1) / 8;
        out.printf("IDT at 0x%08x, limit 0x%04x (%d entries)%n", s.idtBase, s.idtLimit, entries);
        int absent = 0;
        for (int v = 0; v < entries && v < 256; v++) {
            long at = (s.idtBase & 0xFFFFFFFFL) + v * 8L;
            Long low = dword(at), high = dword(at + 4);
            if (low == null || high == null) {
                out.printf("  0x%02x  (not mapped at 0x%08x)%n", v, at);
                continue;
            }
            int lo = low.intValue(), hi = high.intValue();
            boolean present = (hi & 0x8000) != 0;
            if (!present && !all) {
                absent++;
                continue;
            }
            int type = (hi >>> 8) & 0x1F;
            int dpl = (hi >>> 13) & 3;
            String name = v < 20 ? " " + Vectors.name(v) : "";
            if (type == 5) {
                out.printf("  0x%02x%-4s task gate, TSS selector 0x%04x, DPL=%d%s%n", v, name, lo >>> 16, dpl,
                        present ? "" : ", not present");
                continue;
            }
            if ((type & 0x17) != 6 && (type & 0x17) != 7) {
                out.printf("  0x%02x%-4s invalid gate (type 0x%x)%s%n", v, name, type, present ? "" : ", not present");
                continue;
            }
            boolean gate32 = (type & 8) != 0;
            long offset = gate32 ? ((lo & 0xFFFF) | (hi & 0xFFFF0000)) & 0xFFFFFFFFL : lo & 0xFFFF;
            out.printf("  0x%02x%-4s %s -> %04x:%08x%s  DPL=%d%s%n", v, name, Describe.systemType(type & 0xF), lo >>> 16,
                    offset, debugger.symbolSuffix(offset), dpl, present ? "" : ", not present");
        }
        if (absent > 0) {
            out.printf("  (%d gate%s not present; 'idt all' lists them)%n", absent, absent == 1 ? "" : "s");
        }
    }

    private static final String[] TSS_FIELDS = {"link", "esp0", "ss0", "esp1", "ss1", "esp2", "ss2", "cr3", "eip",
        "eflags", "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "es", "cs", "ss", "ds", "fs", "gs", "ldt"};

    void tss(PrintWriter out) {
        Segment tr = s.tr;
        if (!tr.usable || (tr.selector & 0xFFFC) == 0) {
            out.println("no task register loaded (LTR has not run)");
            return;
        }
        out.printf("TR=0x%04x  base=0x%08x limit=0x%08x  %s%n", tr.selector, tr.base, tr.limit, Describe.segmentAttributes(tr));
        long base = tr.base & 0xFFFFFFFFL;
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < TSS_FIELDS.length; i++) {
            Long v = dword(base + i * 4L);
            if (v == null) {
                out.printf("  (not mapped at 0x%08x)%n", base + i * 4L);
                return;
            }
            boolean selector = TSS_FIELDS[i].length() == 2 || TSS_FIELDS[i].startsWith("ss") || TSS_FIELDS[i].equals("link")
                    || TSS_FIELDS[i].equals("ldt");
            line.append(String.format(selector ? "%-6s=%04x      " : "%-6s=%08x  ", TSS_FIELDS[i], selector ? v & 0xFFFF : v));
            if (i % 4 == 3 || i == TSS_FIELDS.length - 1) {
                out.println("  " + line.toString().stripTrailing());
                line.setLength(0);
            }
        }
        Long iomap = dword(base + 100);
        if (iomap != null) {
            out.printf("  I/O map base 0x%04x, T=%d%n", (iomap >>> 16) & 0xFFFF, iomap & 1);
        }
    }
}
