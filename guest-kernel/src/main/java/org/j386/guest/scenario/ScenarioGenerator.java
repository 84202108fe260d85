package org.j386.guest.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.j386.guest.reference.VmPool;
import org.j386.guest.scenario.Scenario.Kind;
import org.j386.guest.scenario.Scenario.Operation;

/**
 * Random scenarios from a seed, weighted towards where memory managers break: releases of what
 * was allocated (and some of addresses never allocated or already released), writes to the first
 * and last dword of a region and one past its end, writes to regions just released, reads
 * anywhere above 4 MiB, legitimacy questions, frame-pool allocations, and frequent page-table
 * switches. One seed in eight fills a pool up to the {@value VmPool#MAX_REGIONS}-region limit,
 * one in eight squeezes the process pool until get_frames fails (with no page fault before it is
 * given back, since a fault with no frame left stops the kernel), and one in sixteen ends by
 * releasing a frame inside a sequence, which the kernel must refuse by stopping (as the reference
 * does). Releases of a slot never filled are skipped by both. Pool operations only name pools
 * of the page table loaded at that point (the kernel reads their metadata through it).
 */
public final class ScenarioGenerator {
    static final int PAGE = 4096;
    /** Slots per pool: pool p owns slots 20p .. 20p + 19. */
    static final int POOL_SLOTS = 20;

    /** What the generator expects of each slot (the kernel may have refused an allocation). */
    private static final class Model {
        final int[] bytes = new int[3 * POOL_SLOTS];
        final boolean[] live = new boolean[3 * POOL_SLOTS];
        int table;

        int pages(int slot) {
            return Math.max(1, (bytes[slot] + PAGE - 1) / PAGE);
        }

        /** A live slot of the current table's pools, or -1. */
        int liveSlot(SplittableRandom r) {
            List<Integer> candidates = new ArrayList<>();
            for (int s = 0; s < live.length; s++) {
                if (live[s] && Scenario.POOL_TABLE[s / POOL_SLOTS] == table) {
                    candidates.add(s);
                }
            }
            return candidates.isEmpty() ? -1 : candidates.get(r.nextInt(candidates.size()));
        }
    }

    private ScenarioGenerator() {
    }

    public static Scenario generate(long seed, int length) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] sizes = {
            PAGE * (2 + r.nextInt(255)),             // 8 KiB .. 1 MiB
            PAGE * (16 + r.nextInt(2033)),           // 64 KiB .. 8 MiB
            PAGE * (2 + r.nextInt(511)),             // 8 KiB .. 2 MiB
        };
        int regionLimitAt = r.nextInt(8) == 0 ? r.nextInt(length) : -1;
        if (regionLimitAt >= 0) {
            sizes[0] = PAGE * (VmPool.MAX_REGIONS + 1 + r.nextInt(64));
        }
        int squeezeAt = r.nextInt(8) == 0 ? r.nextInt(length) : -1;
        boolean endInsideSequence = r.nextInt(16) == 0;
        Model model = new Model();
        List<Operation> ops = new ArrayList<>();
        for (int i = 0; i < length; i++) {
            if (i == regionLimitAt) {
                fillToRegionLimit(r, model, ops);
            }
            if (i == squeezeAt) {
                squeezeProcessPool(r, ops);
            }
            int pool = model.table == 0 ? r.nextInt(2) : 2;
            int base = Scenario.POOL_BASES[pool];
            int slot = pool * POOL_SLOTS + r.nextInt(POOL_SLOTS);
            int roll = r.nextInt(100);
            if (roll < 26) {
                int size = r.nextInt(4) == 0 ? 1 + r.nextInt(sizes[pool]) : 1 + r.nextInt(8 * PAGE);
                ops.add(new Operation(Kind.ALLOC, pool, slot, size));
                model.bytes[slot] = size;
                model.live[slot] = true;
                if (r.nextBoolean()) {
                    ops.add(new Operation(Kind.WRITE, slot, 0, 0));      // the first byte, mapped at once
                }
            } else if (roll < 42) {
                int live = model.liveSlot(r);
                if (live >= 0 && r.nextInt(8) != 0) {
                    ops.add(new Operation(Kind.RELEASE, live / POOL_SLOTS, live, 0));
                    model.live[live] = false;
                    if (r.nextBoolean()) {                                // a use after free
                        ops.add(new Operation(Kind.WRITE, live, PAGE * r.nextInt(model.pages(live)), 0));
                    }
                } else {
                    ops.add(new Operation(Kind.RELEASE, pool, slot, 0));
                }
            } else if (roll < 44) {
                ops.add(new Operation(Kind.RELEASE_AT, pool, base + 4 * r.nextInt(sizes[pool] / 4), 0));
            } else if (roll < 68) {
                int target = model.liveSlot(r);
                if (target < 0 || r.nextInt(5) == 0) {
                    target = r.nextInt(3 * POOL_SLOTS);
                }
                ops.add(new Operation(Kind.WRITE, target, boundaryOffset(r, model.pages(target)), 0));
            } else if (roll < 74) {
                int address = r.nextBoolean()
                        ? base + 4 * r.nextInt(sizes[pool] / 4)
                        : (4 << 20) + 4 * r.nextInt((0xFF800000 - (4 << 20)) >>> 2);
                ops.add(new Operation(Kind.PROBE, address, 0, 0));
            } else if (roll < 86) {
                model.table ^= 1;
                ops.add(new Operation(Kind.SWITCH, model.table, 0, 0));
            } else if (roll < 91) {
                ops.add(new Operation(Kind.LEGIT, pool, base + 4 * r.nextInt(sizes[pool] / 4), 0));
            } else if (roll < 96) {
                ops.add(new Operation(Kind.FRAMES, r.nextInt(Scenario.SLOTS), 1 + r.nextInt(8), 0));
            } else {
                ops.add(new Operation(Kind.FREE_FRAMES, r.nextInt(Scenario.SLOTS), 0, 0));
            }
        }
        if (endInsideSequence) {
            int slot = Scenario.SLOTS - 9;
            int n = 2 + r.nextInt(7);
            ops.add(new Operation(Kind.FRAMES, slot, n, 0));
            ops.add(new Operation(Kind.FREE_INSIDE, slot, 1 + r.nextInt(n - 1), 0));
        }
        return new Scenario(seed, sizes, ops);
    }

    /** The first dword, the last dword, one past the end, or anywhere inside a region of {@code pages}. */
    private static int boundaryOffset(SplittableRandom r, int pages) {
        return switch (r.nextInt(4)) {
            case 0 -> 0;
            case 1 -> pages * PAGE - 4;
            case 2 -> pages * PAGE;
            default -> 4 * r.nextInt(pages * PAGE / 4);
        };
    }

    /**
     * One-page allocations in pool 0 (sized for it) until its region table is full and the next
     * split is refused, then a release of a few of them.
     */
    private static void fillToRegionLimit(SplittableRandom r, Model model, List<Operation> ops) {
        if (model.table != 0) {
            model.table = 0;
            ops.add(new Operation(Kind.SWITCH, 0, 0, 0));
        }
        for (int n = 0; n < VmPool.MAX_REGIONS + 4; n++) {
            int slot = n % POOL_SLOTS;
            ops.add(new Operation(Kind.ALLOC, 0, slot, 1 + r.nextInt(PAGE)));
            model.bytes[slot] = PAGE;
            model.live[slot] = true;
        }
        for (int n = 0; n < 4; n++) {
            int slot = r.nextInt(POOL_SLOTS);
            ops.add(new Operation(Kind.RELEASE, 0, slot, 0));
            model.live[slot] = false;
        }
    }

    /**
     * Takes the process pool's two large runs (above and below the 15-16 MiB hole) and then small
     * sequences until get_frames says 0, and gives all of it back before anything can fault.
     */
    private static void squeezeProcessPool(SplittableRandom r, List<Operation> ops) {
        int first = Scenario.SLOTS - 8;
        ops.add(new Operation(Kind.FRAMES, first, 3700 + r.nextInt(400), 0));
        ops.add(new Operation(Kind.FRAMES, first + 1, 2500 + r.nextInt(320), 0));
        for (int k = 2; k < 8; k++) {
            ops.add(new Operation(Kind.FRAMES, first + k, 1 + r.nextInt(128), 0));
        }
        for (int k = 0; k < 8; k++) {
            ops.add(new Operation(Kind.FREE_FRAMES, first + k, 0, 0));
        }
    }
}
