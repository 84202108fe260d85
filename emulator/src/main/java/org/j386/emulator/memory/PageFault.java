package org.j386.emulator.memory;

/**
 * Thrown by the {@link Mmu} when a linear access cannot be translated. One instance per MMU is
 * reused and it never fills in a stack trace: a guest page fault is ordinary control flow.
 */
public final class PageFault extends RuntimeException {
    /** Error-code bits as the processor pushes them. */
    public static final int PRESENT = 1, WRITE = 2, USER = 4;

    private int linearAddress;
    private int errorCode;

    PageFault() {
        super(null, null, false, false);
    }

    PageFault set(int linearAddress, int errorCode) {
        this.linearAddress = linearAddress;
        this.errorCode = errorCode;
        return this;
    }

    /** The address that goes to CR2. */
    public int linearAddress() {
        return linearAddress;
    }

    public int errorCode() {
        return errorCode;
    }
}
