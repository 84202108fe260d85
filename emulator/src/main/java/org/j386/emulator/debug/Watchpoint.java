package org.j386.emulator.debug;

/** A watchpoint on 1, 2 or 4 bytes of linear or physical memory. */
public final class Watchpoint {
    /** Which accesses stop the machine. */
    public enum Kind {
        READ("read"), WRITE("write"), ACCESS("access");

        final String word;

        Kind(String word) {
            this.word = word;
        }

        boolean matches(boolean write) {
            return this == ACCESS || (this == WRITE) == write;
        }
    }

    public final int id;
    public final long address;
    public final int length;
    public final boolean physical;
    public final Kind kind;
    public final String spec;
    public boolean enabled = true;
    public long hits;
    /** The value when last reported (or set), to show old and new; null while unreadable. */
    Long lastValue;

    Watchpoint(int id, long address, int length, boolean physical, Kind kind, String spec) {
        this.id = id;
        this.address = address;
        this.length = length;
        this.physical = physical;
        this.kind = kind;
        this.spec = spec;
    }

    /**
     * Whether an access starting at {@code start} touches the watched bytes. The MMU reports the
     * first byte of an access, which is at most 4 bytes long here, so an access starting up to 3
     * bytes before the range counts too.
     */
    boolean touches(long start) {
        return start + 3 >= address && start < address + length;
    }
}
