package org.j386.guest.scenario;

import java.util.function.Consumer;
import org.j386.guest.reference.ContFramePool;
import org.j386.guest.reference.Event;
import org.j386.guest.reference.MemoryManager;
import org.j386.guest.reference.MemoryManagerError;
import org.j386.guest.reference.PageTable;
import org.j386.guest.reference.VmPool;
import org.j386.guest.scenario.Scenario.Operation;

/**
 * Runs a scenario on the reference exactly as the guest kernel does (kernel.asm's memory set-up,
 * then scenario.asm), so the two event streams can be compared record for record.
 */
public final class ScenarioRunner {
    private ScenarioRunner() {
    }

    /** {@code ramTop}: the top of RAM the guest computes from the Multiboot mem_upper. */
    public static void run(Scenario scenario, int ramTop, Consumer<Event> sink) {
        MemoryManager mm = MemoryManager.boot(ramTop, sink);
        PageTable first = mm.createPageTable();
        first.load();
        mm.enablePaging();
        ContFramePool process = mm.processPool();
        int[] sizes = scenario.poolSizes();
        VmPool[] pools = new VmPool[3];
        pools[0] = mm.createVmPool(Scenario.POOL_BASES[0], sizes[0], process, first);
        pools[1] = mm.createVmPool(Scenario.POOL_BASES[1], sizes[1], process, first);
        PageTable second = mm.createPageTable();
        second.load();
        pools[2] = mm.createVmPool(Scenario.POOL_BASES[2], sizes[2], process, second);
        first.load();
        PageTable[] tables = {first, second};
        int[] slots = new int[Scenario.SLOTS];
        int[] frames = new int[Scenario.SLOTS];
        for (Operation op : scenario.operations()) {
            switch (op.kind()) {
                case ALLOC -> slots[op.b()] = pools[op.a()].allocate(op.c());
                case RELEASE -> {
                    if (slots[op.b()] != 0) {
                        pools[op.a()].release(slots[op.b()]);
                    }
                }
                case RELEASE_AT -> pools[op.a()].release(op.b());
                case WRITE -> {
                    if (slots[op.a()] != 0) {
                        survive(() -> mm.write32(slots[op.a()] + op.b(), 0));
                    }
                }
                case PROBE -> survive(() -> mm.read32(op.a()));
                case SWITCH -> tables[op.a()].load();
                case LEGIT -> pools[op.a()].isLegitimate(op.b());
                case FRAMES -> frames[op.a()] = process.getFrames(op.b());
                case FREE_FRAMES -> {
                    if (frames[op.a()] != 0) {
                        mm.releaseFrames(frames[op.a()]);
                        frames[op.a()] = 0;
                    }
                }
                case FREE_INSIDE -> {
                    if (frames[op.a()] != 0) {
                        mm.releaseFrames(frames[op.a()] + op.b());
                    }
                }
            }
        }
    }

    /** A segmentation fault ends the access, as segv_probe does in the guest. */
    private static void survive(Runnable access) {
        try {
            access.run();
        } catch (MemoryManagerError e) {
            if (!e.getMessage().startsWith("segmentation fault")) {
                throw e;
            }
        }
    }
}
