package org.j386.emulator.cpu;

import static org.j386.emulator.cpu.CpuState.*;

/**
 * Privileged and machine-model instructions: control and debug registers, descriptor-table
 * registers, INVLPG, HLT, I/O permission, CPUID, RDTSC.
 */
public final class SystemInstructions {
    /** CR4 bits this processor implements (and CPUID advertises); setting any other is #GP(0). */
    static final int CR4_SUPPORTED = CR4_TSD | CR4_DE | CR4_PSE | CR4_PGE;
    /** CPUID.1:EDX — DE, PSE, TSC, CX8, PGE, CMOV. No FPU, no MSRs, no PAE, no APIC. */
    static final int CPUID_FEATURES = (1 << 2) | (1 << 3) | (1 << 4) | (1 << 8) | (1 << 13) | (1 << 15);
    /** Family 6, model 1, stepping 0. */
    static final int CPUID_SIGNATURE = 0x0610;
    /** "J386 Machine", in the EBX, EDX, ECX order CPUID returns the vendor string. */
    private static final int[] VENDOR = vendorWords("J386 Machine");

    private final Cpu cpu;
    private final CpuState s;

    SystemInstructions(Cpu cpu) {
        this.cpu = cpu;
        this.s = cpu.state;
    }

    /** #GP(0) unless CPL is 0. */
    public void requireRing0() {
        if (s.cpl != 0) {
            throw s.fault.generalProtection(0);
        }
    }

    /** MOV r32, CRn (#UD for CR1, CR5-CR7). */
    public int readControl(int n) {
        requireRing0();
        switch (n) {
            case 0: return s.cr0;
            case 2: return s.cr2;
            case 3: return s.cr3;
            case 4: return s.cr4;
            default: throw s.fault.invalidOpcode();
        }
    }

    /** MOV CRn, r32: keeps the MMU in step with CR0.PG/WP, CR3, CR4.PSE/PGE. */
    public void writeControl(int n, int value) {
        requireRing0();
        switch (n) {
            case 0 -> writeCr0(value);
            case 2 -> s.cr2 = value;
            case 3 -> {
                s.cr3 = value;
                cpu.mmu.setCr3(value);
            }
            case 4 -> {
                if ((value & ~CR4_SUPPORTED) != 0) {
                    throw s.fault.generalProtection(0);
                }
                int changed = s.cr4 ^ value;
                s.cr4 = value;
                if ((changed & (CR4_PSE | CR4_PGE)) != 0) {
                    syncPaging();
                }
            }
            default -> throw s.fault.invalidOpcode();
        }
    }

    private void writeCr0(int value) {
        if ((value & CR0_PG) != 0 && (value & CR0_PE) == 0) {
            throw s.fault.generalProtection(0);
        }
        if ((value & CR0_NW) != 0 && (value & CR0_CD) == 0) {
            throw s.fault.generalProtection(0);
        }
        value |= CR0_ET; // hardwired on every processor since the 486
        int changed = s.cr0 ^ value;
        s.cr0 = value;
        if ((changed & CR0_PE) != 0) {
            // Segment registers keep their caches across the switch; only how the next loads and
            // deliveries read them changes, and the shortcut to the code page summarises that.
            cpu.codeSegmentLoaded();
        }
        if ((changed & (CR0_PG | CR0_WP)) != 0) {
            syncPaging();
        }
    }

    /** Tells the MMU the paging configuration in the control registers (drops all translations). */
    public void syncPaging() {
        cpu.mmu.configure(s.cr3, (s.cr0 & CR0_PG) != 0, (s.cr0 & CR0_WP) != 0, (s.cr4 & CR4_PSE) != 0,
                (s.cr4 & CR4_PGE) != 0);
    }

    /** MOV r32, DRn. DR4/DR5 alias DR6/DR7 unless CR4.DE makes them #UD. */
    public int readDebug(int n) {
        requireRing0();
        return s.dr[debugIndex(n)];
    }

    public void writeDebug(int n, int value) {
        requireRing0();
        int index = debugIndex(n);
        s.dr[index] = index == 6 ? (value & DR6_WRITABLE) | DR6_FIXED_ONES : value;
    }

    private int debugIndex(int n) {
        if (n == 4 || n == 5) {
            if ((s.cr4 & CR4_DE) != 0) {
                throw s.fault.invalidOpcode();
            }
            return n + 2;
        }
        return n & 7;
    }

    public void lgdt(int base, int limit) {
        requireRing0();
        s.gdtBase = base;
        s.gdtLimit = limit & 0xFFFF;
    }

    public void lidt(int base, int limit) {
        requireRing0();
        s.idtBase = base;
        s.idtLimit = limit & 0xFFFF;
    }

    public void invlpg(int linear) {
        requireRing0();
        cpu.mmu.invalidatePage(linear);
    }

    /**
     * HLT: the CPU sleeps until the next interrupt or debug exception. The interpreter has already moved EIP past
     * the instruction, so the handler returns behind it.
     */
    public void hlt() {
        requireRing0();
        // A single-step trap owed for the HLT is a debug exception, which ends the halt state as
        // soon as it begins: the trap is delivered at once and the processor never sleeps.
        s.halted = !s.singleStepPending;
    }

    /**
     * IN/OUT/INS/OUTS permission: CPL &lt;= IOPL, or the TSS I/O bitmap allows every byte. In
     * virtual-8086 mode only the bitmap counts, whatever IOPL is.
     */
    public void checkIo(int port, int size) {
        if (s.cpl <= s.flags.iopl() && !s.flags.vm()) {
            return;
        }
        Segment tss = s.tr;
        int type = tss.systemType();
        if (!tss.usable || (type != 9 && type != 11) || Integer.compareUnsigned(tss.limit, 0x67) < 0) {
            throw s.fault.generalProtection(0);
        }
        int bitmapOffset = cpu.interrupts.readSupervisor16(tss.base + 0x66);
        int firstByte = bitmapOffset + (port >>> 3);
        if (Integer.compareUnsigned(firstByte + 1, tss.limit) > 0) {
            throw s.fault.generalProtection(0);
        }
        int bits = cpu.interrupts.readSupervisor16(tss.base + firstByte);
        int mask = ((1 << size) - 1) << (port & 7);
        if ((bits & mask) != 0) {
            throw s.fault.generalProtection(0);
        }
    }

    /** CPUID for the leaf in EAX: writes EAX, EBX, ECX, EDX. */
    public void cpuid() {
        int leaf = s.regs[EAX];
        int a = 0, b = 0, c = 0, d = 0;
        if (leaf == 0) {
            a = 1;
            b = VENDOR[0];
            d = VENDOR[1];
            c = VENDOR[2];
        } else if (leaf == 1) {
            a = CPUID_SIGNATURE;
            d = CPUID_FEATURES;
        } else if (leaf == 0x80000000) {
            a = 0x80000000; // no extended leaves
        }
        s.regs[EAX] = a;
        s.regs[EBX] = b;
        s.regs[ECX] = c;
        s.regs[EDX] = d;
    }

    /** RDTSC: the virtual clock, one tick per instruction slot (#GP(0) outside ring 0 with CR4.TSD). */
    public long timestamp() {
        if ((s.cr4 & CR4_TSD) != 0 && s.cpl != 0) {
            throw s.fault.generalProtection(0);
        }
        return s.cycles();
    }

    private static int[] vendorWords(String vendor) {
        int[] words = new int[3];
        for (int i = 0; i < 12; i++) {
            words[i / 4] |= (vendor.charAt(i) & 0xFF) << (8 * (i % 4));
        }
        return words;
    }
}
