package org.j386.guest.scenario;

import java.util.List;

/**
 * A sequence of memory-manager operations for the guest kernel to run (passed as a Multiboot
 * module; the format is read by scenario.asm): dword "SCN1", dword operation count, the sizes of
 * pools 0, 1 and 2, then four dwords per operation (code, a, b, c).
 */
public record Scenario(long seed, int[] poolSizes, List<Operation> operations) {
    public static final int MAGIC = 0x314E4353;
    /** Pools 0 and 1 belong to page table 0, pool 2 to page table 1. */
    public static final int[] POOL_BASES = {512 << 20, 1 << 30, 0x80000000};
    public static final int[] POOL_TABLE = {0, 0, 1};
    public static final int SLOTS = 64;

    /** One operation; the meaning of a, b, c depends on the kind (see {@link Kind}). */
    public record Operation(Kind kind, int a, int b, int c) {
    }

    public enum Kind {
        ALLOC(1),           // pool, slot, size: slot := allocate(size)
        RELEASE(2),         // pool, slot: release the slot's address
        RELEASE_AT(3),      // pool, address: release an arbitrary address
        WRITE(4),           // slot, offset: write at slot + offset if the slot was ever filled
        PROBE(5),           // address: read, surviving a segmentation fault
        SWITCH(6),          // table: load page table 0 or 1
        LEGIT(7),           // pool, address: is_legitimate
        FRAMES(8),          // frame slot, n: get_frames(process pool, n)
        FREE_FRAMES(9),     // frame slot: release its sequence, if any
        FREE_INSIDE(10);    // frame slot, k: release frame k of its sequence, which stops the kernel

        public final int code;

        Kind(int code) {
            this.code = code;
        }
    }

    public byte[] toBytes() {
        return ScenarioModule.bytes(MAGIC, poolSizes, operations.stream()
                .map(op -> new int[] {op.kind().code, op.a(), op.b(), op.c()}).toList());
    }
}
