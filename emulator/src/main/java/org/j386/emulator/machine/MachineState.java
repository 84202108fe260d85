package org.j386.emulator.machine;

import java.io.OutputStream;

import org.j386.emulator.cpu.Cpu;
import org.j386.emulator.devices.MachineControl;
import org.j386.emulator.devices.PcDevices;
import org.j386.emulator.memory.Mmu;
import org.j386.emulator.memory.PhysicalMemory;
import org.j386.emulator.memory.PortBus;

/**
 * Everything of a running machine but its RAM, kept apart from it: the processor, the MMU with the
 * translations it caches, and every device. The debugger's snapshots hold one each and keep the
 * RAM pages themselves, only those written since the snapshot before.
 */
public final class MachineState {
    /**
     * Device state is held in a set of devices of its own, wired to nothing: one bus and one page of
     * memory that no CPU uses serve every such set (a bus of its own would cost 64K entries a snapshot).
     */
    private static final MachineControl NOWHERE = status -> { };
    private static final PortBus NO_BUS = new PortBus();
    private static final PhysicalMemory NO_MEMORY = new PhysicalMemory(4096);

    final Cpu.Saved cpu;
    final Mmu.Saved mmu;
    final PcDevices devices;
    private final long instructions;

    MachineState(Machine m) {
        cpu = m.cpu().save();
        mmu = m.mmu().save();
        devices = new PcDevices(NO_BUS, NO_MEMORY, () -> 0, () -> { }, NOWHERE, OutputStream.nullOutputStream(),
                OutputStream.nullOutputStream());
        devices.copyStateFrom(m.devices());
        instructions = m.cpu().state.instructions;
    }

    /** The instruction count it was taken at. */
    public long instructions() {
        return instructions;
    }

    /** Roughly the bytes it occupies: the cached translations and a small fixed part. */
    public long bytes() {
        return mmu.bytes() + 3072; // the processor and device objects: an estimate
    }
}
