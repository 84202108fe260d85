package org.j386.emulator.machine;

/** How a run ended, and the process exit status {@code j386 boot} reports for it. */
public enum Outcome {
    /** The guest wrote v to the isa-debug-exit port 0xF4: status (v &lt;&lt; 1) | 1, as QEMU exits. */
    DEBUG_EXIT(-1),
    /**
     * HLT with interrupts disabled, or waiting for an interrupt no device will ever raise (no
     * device has one due, or every line that could wake the CPU is masked or blocked at the PIC).
     */
    HALTED(0),
    /** {@code --until}: the text appeared on an output. */
    UNTIL_TEXT(0),
    /** {@code --max-instructions} were executed. */
    INSTRUCTION_LIMIT(4),
    /** {@code --max-time}: that much virtual time passed (same status as the instruction limit). */
    TIME_LIMIT(4),
    /** A fault while delivering a double fault. */
    TRIPLE_FAULT(6),
    /**
     * The guest used something j386 does not emulate. Nothing known reaches it today (call gates,
     * the last, are emulated); the status stays reserved for what a future feature may leave out.
     */
    UNSUPPORTED(8),
    /** A defect in j386 itself; the diagnostic says where the guest was. */
    INTERNAL_ERROR(10),
    /**
     * A checker watching the guest stopped the run ({@code --check-reference}: the guest's memory
     * manager diverged from the reference); the checker reports the difference itself.
     */
    CHECK_STOPPED(12),
    /**
     * {@code --jit-check}: a compiled block and the interpreter disagreed (a defect in the bytecode
     * tier); the diagnostic shows both results.
     */
    JIT_MISMATCH(14);

    /** Bad command line or unusable image (not a run outcome, but part of the same table). */
    public static final int USAGE_OR_IMAGE_ERROR = 2;

    private final int status;

    Outcome(int status) {
        this.status = status;
    }

    /** The fixed exit status, or -1 for {@link #DEBUG_EXIT}, whose status comes from the guest. */
    public int fixedStatus() {
        return status;
    }
}
