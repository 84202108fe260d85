package org.j386.emulator.debug;

import java.util.StringJoiner;

import org.j386.emulator.cpu.Flags;
import org.j386.emulator.cpu.Segment;
import org.j386.emulator.memory.PageEntry;

/** Names for bits: error codes, EFLAGS, control registers, descriptors, page-table entries. */
final class Describe {
    private Describe() {
    }

    /** "not present, write, supervisor" */
    static String pageFaultCode(int code) {
        return ((code & 1) != 0 ? "protection violation" : "not present") + ", " + ((code & 2) != 0 ? "write" : "read")
                + ", " + ((code & 4) != 0 ? "user" : "supervisor") + ((code & 8) != 0 ? ", reserved bit" : "");
    }

    /** The selector error code of #TS/#NP/#SS/#GP: table, index, external. */
    static String selectorErrorCode(int code) {
        String table = (code & 2) != 0 ? "IDT" : (code & 4) != 0 ? "LDT" : "GDT";
        return String.format("%s index %d%s", table, (code >>> 3) & 0x1FFF, (code & 1) != 0 ? ", external event" : "");
    }

    private static final int[] EFLAGS_BITS = {Flags.CF, Flags.PF, Flags.AF, Flags.ZF, Flags.SF, Flags.TF, Flags.IF,
        Flags.DF, Flags.OF, Flags.NT, Flags.RF, Flags.VM, Flags.AC, Flags.ID};
    private static final String[] EFLAGS_NAMES = {"CF", "PF", "AF", "ZF", "SF", "TF", "IF", "DF", "OF", "NT", "RF", "VM",
        "AC", "ID"};

    /** "0x00000246 [ PF ZF IF ] IOPL=0" */
    static String eflags(int value) {
        StringJoiner set = new StringJoiner(" ", "[ ", " ]");
        set.setEmptyValue("[ ]");
        for (int i = 0; i < EFLAGS_BITS.length; i++) {
            if ((value & EFLAGS_BITS[i]) != 0) {
                set.add(EFLAGS_NAMES[i]);
            }
        }
        return String.format("0x%08x %s IOPL=%d", value, set, (value >>> 12) & 3);
    }

    /** "[ PE ET PG ]" */
    static String bits(int value, int[] masks, String[] names) {
        StringJoiner j = new StringJoiner(" ", "[ ", " ]");
        j.setEmptyValue("[ ]");
        for (int i = 0; i < masks.length; i++) {
            if ((value & masks[i]) != 0) {
                j.add(names[i]);
            }
        }
        return j.toString();
    }

    static final int[] CR0_BITS = {1, 2, 4, 8, 0x10, 0x20, 0x10000, 0x40000, 0x20000000, 0x40000000, 0x80000000};
    static final String[] CR0_NAMES = {"PE", "MP", "EM", "TS", "ET", "NE", "WP", "AM", "NW", "CD", "PG"};
    static final int[] CR4_BITS = {1, 2, 4, 8, 0x10, 0x20, 0x40, 0x80, 0x100, 0x200, 0x400};
    static final String[] CR4_NAMES = {"VME", "PVI", "TSD", "DE", "PSE", "PAE", "MCE", "PGE", "PCE", "OSFXSR",
        "OSXMMEXCPT"};

    /** Page-table entry flags: "P RW U A D" style, with absent R/W and U/S shown as RO and S. */
    static String entryFlags(int e, boolean directory) {
        StringJoiner j = new StringJoiner(" ");
        j.add((e & PageEntry.P) != 0 ? "P" : "-");
        j.add((e & PageEntry.RW) != 0 ? "RW" : "RO");
        j.add((e & PageEntry.US) != 0 ? "U" : "S");
        String[] names = {"PWT", "PCD", "A", "D", "PS", "G"};
        int[] bits = {PageEntry.PWT, PageEntry.PCD, PageEntry.A, PageEntry.D, PageEntry.PS, PageEntry.G};
        for (int i = 0; i < bits.length; i++) {
            // Bit 7 is PS only in a directory entry (PAT in a table entry, which j386 ignores).
            if ((e & bits[i]) != 0 && (directory || bits[i] != PageEntry.PS)) {
                j.add(names[i]);
            }
        }
        return j.toString();
    }

    /** The hidden part of a segment register: type, DPL, present, size, granularity. */
    static String segmentAttributes(Segment seg) {
        if (!seg.usable) {
            return "null (unusable)";
        }
        StringJoiner j = new StringJoiner(" ");
        int a = seg.attributes;
        if (seg.isSystem()) {
            j.add(systemType(seg.systemType()));
        } else if (seg.isCode()) {
            j.add("code");
            j.add(seg.readWrite() ? "RX" : "X");
            if (seg.conforming()) {
                j.add("conforming");
            }
        } else {
            j.add("data");
            j.add(seg.readWrite() ? "RW" : "RO");
            if (seg.expandDown()) {
                j.add("expand-down");
            }
        }
        if ((a & Segment.ACCESSED) != 0 && !seg.isSystem()) {
            j.add("A");
        }
        j.add("DPL=" + seg.dpl());
        j.add(seg.present() ? "P" : "not-present");
        if (!seg.isSystem()) {
            j.add(seg.big() ? (seg.isCode() ? "32-bit" : "B=1") : (seg.isCode() ? "16-bit" : "B=0"));
        }
        if ((a & Segment.GRANULARITY) != 0) {
            j.add("G=4K");
        }
        return j.toString();
    }

    static String systemType(int type) {
        switch (type) {
            case 1: return "16-bit TSS (available)";
            case 2: return "LDT";
            case 3: return "16-bit TSS (busy)";
            case 4: return "16-bit call gate";
            case 5: return "task gate";
            case 6: return "16-bit interrupt gate";
            case 7: return "16-bit trap gate";
            case 9: return "32-bit TSS (available)";
            case 0xB: return "32-bit TSS (busy)";
            case 0xC: return "32-bit call gate";
            case 0xE: return "32-bit interrupt gate";
            case 0xF: return "32-bit trap gate";
            default: return "reserved system type " + type;
        }
    }
}
