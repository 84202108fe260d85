package org.j386.emulator.debug;

/** A breakpoint on a linear address (as EIP sees it) or a physical one (whatever maps there). */
public final class Breakpoint {
    public final int id;
    public final long address;
    public final boolean physical;
    /** What the user typed for the address (a symbol reads better than a number in listings). */
    public final String spec;
    public final boolean temporary;
    /** Null when unconditional. */
    public Expression condition;
    public boolean enabled = true;
    public long hits;

    Breakpoint(int id, long address, boolean physical, String spec, boolean temporary, Expression condition) {
        this.id = id;
        this.address = address;
        this.physical = physical;
        this.spec = spec;
        this.temporary = temporary;
        this.condition = condition;
    }
}
