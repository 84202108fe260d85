package org.j386.emulator.cpu;

import org.j386.emulator.memory.Mmu;
import org.j386.emulator.memory.PhysicalMemory;
import org.j386.emulator.memory.PortBus;

/**
 * A bare CPU in flat 32-bit protected mode over 1 MiB of RAM, for instruction tests. Code is
 * placed at {@link #CODE}, the stack grows down from {@link #STACK}.
 *
 * <p>Exceptions are observed without depending on how they are delivered: the first one is
 * recorded through the event observer when delivery reports it, or from the CPU's reusable
 * fault object and state when delivery is not available yet.
 */
final class TestMachine {
    static final int CODE = 0x1000;
    static final int STACK = 0x80000;
    static final int DATA = 0x20000;
    static final int GDT = 0x30000;

    final PhysicalMemory ram = new PhysicalMemory(1 << 20);
    final Mmu mmu = new Mmu(ram);
    final PortBus ports = new PortBus();
    final Cpu cpu = new Cpu(mmu, ports);
    final CpuState s = cpu.state;
    final int[] r = s.regs;

    /** The first exception seen, or null. */
    Fault fault;

    record Fault(int vector, int errorCode, int eip, int cr2) {
    }

    TestMachine() {
        for (int i = 0; i < 6; i++) {
            s.segs[i].setFlat(i == CpuState.CS ? 0x08 : 0x10, i == CpuState.CS);
        }
        s.cr0 |= CpuState.CR0_PE;
        s.eip = CODE;
        r[CpuState.ESP] = STACK;
        cpu.setEventObserver(new Cpu.EventObserver() {
            @Override
            public void exception(int vector, int errorCode, boolean hasErrorCode, int eip, int cr2) {
                if (fault == null) {
                    fault = new Fault(vector, errorCode, eip, cr2);
                }
            }
        });
    }

    /** Places code bytes, written as hex pairs with optional spaces, at {@code address}. */
    TestMachine code(int address, String hex) {
        byte[] b = bytes(hex);
        for (int i = 0; i < b.length; i++) {
            ram.write8(address + i, b[i]);
        }
        return this;
    }

    TestMachine code(String hex) {
        return code(CODE, hex);
    }

    static byte[] bytes(String hex) {
        String h = hex.replaceAll("\\s+", "");
        byte[] b = new byte[h.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }

    /** Runs {@code n} instructions, recording the first exception if one is raised. */
    TestMachine run(int n) {
        try {
            cpu.run(n);
        } catch (IllegalStateException pendingDelivery) {
            // Exception delivery not implemented yet: the CPU state is what the interpreter left.
            if (fault == null) {
                fault = new Fault(s.fault.vector(), s.fault.errorCode(), s.eip, s.cr2);
            }
        }
        return this;
    }

    /**
     * Writes entry {@code index} of a GDT at {@link #GDT} and makes GDTR reach just past it (see
     * {@link ProtectedModeFixture#writeDescriptor} for the fields).
     */
    TestMachine descriptor(int index, int base, int limit, int access, int flags) {
        ProtectedModeFixture.writeDescriptor(ram, GDT + index * 8, base, limit, access, flags);
        s.gdtBase = GDT;
        s.gdtLimit = Math.max(s.gdtLimit, index * 8 + 7);
        return this;
    }

    int flags() {
        return s.flags.get();
    }

    boolean flag(int mask) {
        return (s.flags.get() & mask) != 0;
    }

    int read32(int address) {
        return ram.read32(address);
    }
}
