package org.j386.guest.reference;

/** A fault the guest kernel reports and stops on: segmentation fault, out of frames, bad release. */
public final class MemoryManagerError extends RuntimeException {
    public MemoryManagerError(String message) {
        super(message, null, false, false);
    }
}
