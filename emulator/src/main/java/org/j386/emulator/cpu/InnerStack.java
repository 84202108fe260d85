package org.j386.emulator.cpu;

/**
 * The stack of a more privileged ring, as the current TSS names it: what an interrupt, an
 * exception or a far CALL through a call gate switches to when it enters a numerically lower
 * ring. {@link #load} reads SS:ESP for that ring from a 32- or 16-bit TSS and checks the stack
 * segment without loading SS, so the caller can still fault with nothing changed.
 */
final class InnerStack {
    private final Cpu cpu;
    private final CpuState s;
    /** The checked stack segment, its selector's RPL the new ring; not yet in SS. */
    final Segment segment = new Segment();
    /** ESP for the new ring as the TSS holds it (a 16-bit TSS holds only SP). */
    int esp;

    InnerStack(Cpu cpu) {
        this.cpu = cpu;
        this.s = cpu.state;
    }

    /**
     * Reads SS:ESP for ring {@code cpl} from the TSS and checks the stack segment: #TS naming the
     * TSS when the entry lies beyond its limit, #TS naming the selector when it is null, outside
     * its table, not a writable data segment of that ring or requested with another RPL, and #SS
     * naming it when it is not present. {@code ext} is the error codes' EXT bit (1 for an
     * event from outside the program).
     */
    void load(int cpl, int ext) {
        Segment tss = s.tr;
        int trCode = (tss.selector & 0xFFFC) | ext;
        boolean tss32 = tss.systemType() == 9 || tss.systemType() == 11;
        int entry = tss32 ? 4 + cpl * 8 : 2 + cpl * 4;
        int entrySize = tss32 ? 8 : 4;
        if (!tss.usable || Integer.compareUnsigned(entry + entrySize - 1, tss.limit) > 0) {
            throw s.fault.invalidTss(trCode);
        }
        int ss;
        if (tss32) {
            esp = cpu.mmu.readAs(tss.base + entry, 4, false);
            ss = cpu.mmu.readAs(tss.base + entry + 4, 2, false) & 0xFFFF;
        } else {
            esp = cpu.mmu.readAs(tss.base + entry, 2, false) & 0xFFFF;
            ss = cpu.mmu.readAs(tss.base + entry + 2, 2, false) & 0xFFFF;
        }
        int ssCode = (ss & 0xFFFC) | ext;
        if ((ss & 0xFFFC) == 0) {
            throw s.fault.invalidTss(ext);
        }
        long d;
        try {
            d = cpu.segmentation.readDescriptor(ss, ext);
        } catch (CpuFault outsideTable) {
            throw s.fault.invalidTss(ssCode);
        }
        int high = (int) (d >>> 32);
        boolean writableData = (high & (Segmentation.D_S | Segmentation.D_CODE | Segmentation.D_RW))
                == (Segmentation.D_S | Segmentation.D_RW);
        if ((ss & 3) != cpl || ((high >>> 13) & 3) != cpl || !writableData) {
            throw s.fault.invalidTss(ssCode);
        }
        if ((high & Segmentation.D_PRESENT) == 0) {
            throw s.fault.stackFault(ssCode);
        }
        segment.load(ss, (int) d, high | Segmentation.D_ACCESSED);
    }
}
