package org.j386.guest.reference;

/**
 * The memory-manager operations that write a record to the trace port. The code is the low byte of
 * a record's header; guest (kernel.asm, {@code EV_*}) and reference use the same numbers.
 */
public enum Op {
    POOL_INIT(1),        // begin: base frame, frame count, info frame (0 = inside)   end: info frame
    GET_FRAMES(2),       // begin: pool base frame, n                                 end: first frame or 0
    RELEASE_FRAMES(3),   // begin: first frame                                        end: pool base frame, frames freed
    MARK_INACCESSIBLE(4),// begin: pool base frame, first frame, n                    end: -
    PT_INIT(5),          // begin: -                                                  end: directory frame
    PT_LOAD(6),          // begin: directory frame                                    end: -
    PT_ENABLE(7),        // begin: -                                                  end: -
    PAGE_FAULT(8),       // begin: fault address (CR2), error code                    end: PTE written
    REGISTER_POOL(9),    // begin: directory frame, VM pool base                      end: -
    FREE_PAGE(10),       // begin: page address                                       end: frame released or 0
    VM_INIT(11),         // begin: base, size, frame pool base frame, directory frame end: -
    VM_ALLOCATE(12),     // begin: VM pool base, size in bytes                        end: address or 0
    VM_RELEASE(13),      // begin: VM pool base, address                              end: pages freed
    VM_LEGITIMATE(14);   // begin: VM pool base, address                              end: 1 or 0

    public final int code;

    Op(int code) {
        this.code = code;
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
