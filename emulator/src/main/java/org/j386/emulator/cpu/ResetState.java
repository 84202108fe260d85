package org.j386.emulator.cpu;

import static org.j386.emulator.cpu.CpuState.*;

import java.util.Arrays;

/**
 * The processor as RESET leaves it (Intel SDM vol. 3, "Processor state following power-up,
 * reset, or INIT"): real-address mode, executing at F000:FFF0 with the CS base at FFFF0000, so
 * the first instruction is fetched 16 bytes below 4 GiB, where the boot ROM lies. The first far
 * jump or call loads CS the real-mode way and execution continues below 1 MiB.
 */
public final class ResetState {
    /** Present, read/write (code: readable), accessed: what every segment cache holds at reset. */
    private static final int DATA = Segment.PRESENT | Segment.CODE_OR_DATA | Segment.READ_WRITE | Segment.ACCESSED;
    private static final int CODE = DATA | Segment.CODE;
    private static final int LDT_TYPE = 0x2, BUSY_TSS32_TYPE = 0xB;
    public static final int CS_SELECTOR = 0xF000, CS_BASE = 0xFFFF0000, EIP = 0xFFF0;
    public static final int CR0 = CR0_CD | CR0_NW | CR0_ET;
    static final int DR7 = 0x400;

    private ResetState() {
    }

    public static void apply(Cpu cpu) {
        CpuState s = cpu.state;
        Arrays.fill(s.regs, 0);
        // EDX holds the processor signature, the value CPUID leaf 1 returns in EAX.
        s.regs[EDX] = SystemInstructions.CPUID_SIGNATURE;
        s.eip = EIP;
        s.flags.set(0);
        for (int i = 0; i < s.segs.length; i++) {
            Segment seg = s.segs[i];
            seg.selector = i == CS ? CS_SELECTOR : 0;
            seg.base = i == CS ? CS_BASE : 0;
            seg.limit = 0xFFFF;
            seg.attributes = i == CS ? CODE : DATA;
            seg.usable = true;
        }
        resetLdtr(s);
        setSystemSegment(s.tr, BUSY_TSS32_TYPE);
        s.gdtBase = 0;
        s.gdtLimit = 0xFFFF;
        s.idtBase = 0;
        s.idtLimit = 0xFFFF;
        s.cr0 = CR0;
        s.cr2 = 0;
        s.cr3 = 0;
        s.cr4 = 0;
        Arrays.fill(s.dr, 0);
        s.dr[6] = DR6_FIXED_ONES;
        s.dr[7] = DR7;
        s.halted = false;
        s.interruptShadow = false;
        s.trapShadow = false;
        s.singleStepPending = false;
        cpu.setCpl(0);
        cpu.system.syncPaging();
        cpu.codeSegmentLoaded();
    }

    /**
     * LDTR as reset leaves it (TR likewise): a usable cache with base 0 and a 64 KiB limit, so an
     * LDT selector used before any LLDT reads its descriptor from linear address 0 upwards. A
     * boot loader that never runs LLDT (SeaBIOS and QEMU's Multiboot loader do not) leaves it so.
     */
    public static void resetLdtr(CpuState s) {
        setSystemSegment(s.ldtr, LDT_TYPE);
    }

    private static void setSystemSegment(Segment seg, int type) {
        seg.selector = 0;
        seg.base = 0;
        seg.limit = 0xFFFF;
        seg.attributes = Segment.PRESENT | type;
        seg.usable = true;
    }
}
