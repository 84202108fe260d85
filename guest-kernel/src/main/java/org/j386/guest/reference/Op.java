package org.j386.guest.reference;

/**
 * The memory-manager operations that write a record to the trace port, of both bundled kernels.
 * The code is the low byte of a record's header; guest (trace.asm, {@code EV_*}) and reference use
 * the same numbers, and no two kernels share one, so a record names its kernel. Each also states
 * how many values its begin and end records carry.
 */
public enum Op {
    POOL_INIT(1, 3, 1),        // begin: base frame, frame count, info frame (0 = inside)   end: info frame
    GET_FRAMES(2, 2, 1),       // begin: pool base frame, n                                 end: first frame or 0
    RELEASE_FRAMES(3, 1, 2),   // begin: first frame                                        end: pool base frame, frames freed
    MARK_INACCESSIBLE(4, 3, 0),// begin: pool base frame, first frame, n                    end: -
    PT_INIT(5, 0, 1),          // begin: -                                                  end: directory frame
    PT_LOAD(6, 1, 0),          // begin: directory frame                                    end: -
    PT_ENABLE(7, 0, 0),        // begin: -                                                  end: -
    PAGE_FAULT(8, 2, 1),       // begin: fault address (CR2), error code                    end: PTE written
    REGISTER_POOL(9, 2, 0),    // begin: directory frame, VM pool base                      end: -
    FREE_PAGE(10, 1, 1),       // begin: page address                                       end: frame released or 0
    VM_INIT(11, 4, 0),         // begin: base, size, frame pool base frame, directory frame end: -
    VM_ALLOCATE(12, 2, 1),     // begin: VM pool base, size in bytes                        end: address or 0
    VM_RELEASE(13, 2, 1),      // begin: VM pool base, address                              end: pages freed
    VM_LEGITIMATE(14, 2, 1),   // begin: VM pool base, address                              end: 1 or 0

    // The Lab2 kernel (lab2.asm, kalloc.asm, vm.asm); addresses are kernel virtual unless named pa.
    KERNEL_LAYOUT(16, 3, 0),   // begin: kernel end, data start (end of text), PHYSTOP (pa) end: -
    FREE_RANGE(17, 2, 1),      // begin: vstart, vend                                       end: pages freed
    KFREE(18, 1, 0),           // begin: page                                               end: -
    KALLOC(19, 0, 1),          // begin: -                                                  end: page or 0
    CHECK_FREE_LIST(20, 0, 1), // begin: -                                                  end: free pages, or -1
    PGDIR_WALK(21, 3, 1),      // begin: pgdir, va, alloc                                   end: PTE address or 0
    MAP_REGION(22, 5, 1),      // begin: pgdir, va, size, pa, perm                          end: 0 or -1
    SETUP_KVM(23, 0, 1),       // begin: -                                                  end: pgdir or 0
    SWITCH_VM(24, 1, 0),       // begin: pgdir                                              end: -
    VM_FREE(25, 1, 0),         // begin: pgdir                                              end: -
    PGDIR_ALLOC(26, 0, 1);     // begin: -                                                  end: pgdir or 0


    public final int code;
    /** How many values a begin record carries, and an end record (as in the comments above). */
    public final int beginValues, endValues;

    Op(int code, int beginValues, int endValues) {
        this.code = code;
        this.beginValues = beginValues;
        this.endValues = endValues;
    }

    /** The values a record of this operation carries: its begin's or its end's. */
    public int values(boolean end) {
        return end ? endValues : beginValues;
    }

    /** The operation with this code, or null when there is none (a guest's mistake, not ours). */
    public static Op find(int code) {
        for (Op op : values()) {
            if (op.code == code) {
                return op;
            }
        }
        return null;
    }

    public static Op of(int code) {
        for (Op op : values()) {
            if (op.code == code) {
                return op;
            }
        }
        throw new IllegalArgumentException("no memory-manager operation has code " + code);
    }
}
