package org.j386.guest.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.j386.guest.scenario.Scenario.Kind;
import org.j386.guest.scenario.Scenario.Operation;

/**
 * Random scenarios from a seed: allocations and releases of random sizes (some of addresses never
 * allocated or already released), writes inside and beyond regions, reads anywhere above 4 MiB,
 * legitimacy questions, frame-pool allocations, and page-table switches. Pool operations only
 * name pools of the page table loaded at that point (the kernel reads their metadata through
 * it); the pools are small enough that the process pool never runs out.
 */
public final class ScenarioGenerator {
    static final int PAGE = 4096;

    private ScenarioGenerator() {
    }

    public static Scenario generate(long seed, int length) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] sizes = {
            PAGE * (2 + r.nextInt(255)),             // 8 KiB .. 1 MiB
            PAGE * (16 + r.nextInt(2033)),           // 64 KiB .. 8 MiB
            PAGE * (2 + r.nextInt(511)),             // 8 KiB .. 2 MiB
        };
        List<Operation> ops = new ArrayList<>();
        int table = 0;
        for (int i = 0; i < length; i++) {
            int pool = table == 0 ? r.nextInt(2) : 2;
            int base = Scenario.POOL_BASES[pool];
            int slot = pool * 20 + r.nextInt(20);
            int roll = r.nextInt(100);
            if (roll < 30) {
                int size = r.nextInt(4) == 0 ? 1 + r.nextInt(sizes[pool]) : 1 + r.nextInt(8 * PAGE);
                ops.add(new Operation(Kind.ALLOC, pool, slot, size));
            } else if (roll < 48) {
                ops.add(new Operation(Kind.RELEASE, pool, slot, 0));
            } else if (roll < 51) {
                ops.add(new Operation(Kind.RELEASE_AT, pool, base + 4 * r.nextInt(sizes[pool] / 4), 0));
            } else if (roll < 76) {
                ops.add(new Operation(Kind.WRITE, r.nextInt(60), 4 * r.nextInt(4 * PAGE), 0));
            } else if (roll < 84) {
                int address = r.nextBoolean()
                        ? base + 4 * r.nextInt(sizes[pool] / 4)
                        : (4 << 20) + 4 * r.nextInt((0xFF800000 - (4 << 20)) >>> 2);
                ops.add(new Operation(Kind.PROBE, address, 0, 0));
            } else if (roll < 89) {
                table ^= 1;
                ops.add(new Operation(Kind.SWITCH, table, 0, 0));
            } else if (roll < 94) {
                ops.add(new Operation(Kind.LEGIT, pool, base + 4 * r.nextInt(sizes[pool] / 4), 0));
            } else if (roll < 97) {
                ops.add(new Operation(Kind.FRAMES, r.nextInt(Scenario.SLOTS), 1 + r.nextInt(8), 0));
            } else {
                ops.add(new Operation(Kind.FREE_FRAMES, r.nextInt(Scenario.SLOTS), 0, 0));
            }
        }
        return new Scenario(seed, sizes, ops);
    }
}
