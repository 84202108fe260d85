package org.j386.emulator.memory;

/**
 * What made translations change, as a {@link TranslationListener} hears it: the code cache counts
 * the links it cuts by cause for {@code --stats}.
 */
public enum TranslationChange {
    /** A MOV to CR3, or a task switch's load of it: another address space. */
    CR3_LOAD,
    /** An INVLPG. */
    INVLPG,
    /** CR0.PG or WP, CR4.PSE or PGE, or the A20 gate: how every linear address is translated. */
    PAGING_MODE,
    /** The privilege level went from user to supervisor or back. */
    PRIVILEGE,
    /**
     * The emulator's own doing, not the guest's: a debugger's watchpoints or snapshots, the TLB
     * audit, the JIT check putting the TLB back as it was.
     */
    EMULATOR
}
