package org.j386.guest.lab2;

import static org.j386.guest.lab2.Lab2Kernel.PGSIZE;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.j386.guest.scenario.ScenarioModule;

/**
 * A random sequence of Lab2 operations for the kernel to run (a Multiboot module; the format is
 * read by lab2_scenario.asm): dword "SCN2", the operation count, a PHYSTOP limit, then five dwords
 * per operation (code, a, b, c, d). The limit keeps memory small (1.25 to 1.75 MiB: the kernel's
 * image and 50 to 180 free pages), so exhaustion and map_region failing halfway come often and
 * each boot is short.
 */
public record Lab2Scenario(long seed, int phystopLimit, List<Operation> operations) {
    public static final int MAGIC = 0x324E4353;
    public static final int PAGE_SLOTS = 16, SPACE_SLOTS = 4;
    /** Operations per scenario in the differential tests. */
    public static final int DEFAULT_LENGTH = 100;
    /** User mappings start here, above the screen page every kernel directory maps. */
    static final int USER_START = 4 << 20;
    static final int USER_END = 0x7F000000;

    /** One operation; the meaning of a, b, c, d depends on the kind (see {@link Kind}). */
    public record Operation(Kind kind, int a, int b, int c, int d) {
    }

    public enum Kind {
        KALLOC(1),          // page slot: free the slot's page if any, then slot := kalloc
        KFREE(2),           // page slot: free its page, if any
        NEW_SPACE(3),       // space, kernel: free the space if any; space := setupkvm (1) or an empty directory (0)
        MAP(4),             // space, va, size, pa | perm: map_region if the space exists
        WALK(5),            // space, va, alloc: pgdir_walk if the space exists
        FREE_SPACE(6),      // space: vm_free (the kernel's directory loaded first if it was loaded)
        SWITCH(7),          // space: load it if it maps the kernel; -1: the kernel's directory
        CHECK(8),           // check_free_list
        HOLD(9),            // n: kalloc until n pages are left
        RELEASE_HELD(10);   // kfree every held page

        public final int code;

        Kind(int code) {
            this.code = code;
        }
    }

    public byte[] toBytes() {
        return ScenarioModule.bytes(MAGIC, new int[] {phystopLimit}, operations.stream()
                .map(op -> new int[] {op.kind().code, op.a(), op.b(), op.c(), op.d()}).toList());
    }

    /**
     * The scenario of a seed. Mappings into one space never overlap (each starts past the end of
     * the space's previous one), so a scenario never remaps, whatever memory runs out when.
     */
    public static Lab2Scenario generate(long seed, int length) {
        SplittableRandom r = new SplittableRandom(seed);
        int limit = (5 << 18) + PGSIZE * r.nextInt(128);
        long[] cursor = new long[SPACE_SLOTS];
        java.util.Arrays.fill(cursor, USER_START);
        List<Operation> ops = new ArrayList<>();
        for (int i = 0; i < length; i++) {
            int roll = r.nextInt(100);
            int space = r.nextInt(SPACE_SLOTS);
            if (roll < 20) {
                ops.add(new Operation(Kind.KALLOC, r.nextInt(PAGE_SLOTS), 0, 0, 0));
            } else if (roll < 32) {
                ops.add(new Operation(Kind.KFREE, r.nextInt(PAGE_SLOTS), 0, 0, 0));
            } else if (roll < 40) {
                cursor[space] = USER_START + (long) PGSIZE * r.nextInt(256);
                ops.add(new Operation(Kind.NEW_SPACE, space, r.nextInt(4) == 0 ? 1 : 0, 0, 0));
            } else if (roll < 62) {
                long gap = r.nextInt(4) == 0 ? (long) PGSIZE * r.nextInt(16384) : PGSIZE * r.nextInt(4);
                long va = cursor[space] + gap + r.nextInt(PGSIZE);
                int size = 1 + r.nextInt(r.nextInt(8) == 0 ? 512 * PGSIZE : 16 * PGSIZE);
                if (va + size > USER_END) {
                    ops.add(new Operation(Kind.CHECK, 0, 0, 0, 0));
                    continue;
                }
                cursor[space] = (va + size + 2L * PGSIZE - 1) & -PGSIZE;
                int perm = (r.nextBoolean() ? KernelVm.PTE_W : 0) | (r.nextBoolean() ? KernelVm.PTE_U : 0);
                ops.add(new Operation(Kind.MAP, space, (int) va, size, r.nextInt(1 << 20) << 12 | perm));
            } else if (roll < 70) {
                ops.add(new Operation(Kind.WALK, space, r.nextInt(), r.nextInt(2), 0));
            } else if (roll < 78) {
                ops.add(new Operation(Kind.FREE_SPACE, space, 0, 0, 0));
            } else if (roll < 86) {
                ops.add(new Operation(Kind.SWITCH, r.nextInt(5) == 0 ? -1 : space, 0, 0, 0));
            } else if (roll < 94) {
                ops.add(new Operation(Kind.CHECK, 0, 0, 0, 0));
            } else if (roll < 97) {
                ops.add(new Operation(Kind.HOLD, r.nextInt(64), 0, 0, 0));
            } else {
                ops.add(new Operation(Kind.RELEASE_HELD, 0, 0, 0, 0));
            }
        }
        return new Lab2Scenario(seed, limit, ops);
    }
}
