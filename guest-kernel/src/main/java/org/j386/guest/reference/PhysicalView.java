package org.j386.guest.reference;

/**
 * Physical memory read without side effects: the reference's simulated memory, or the guest's
 * RAM as the emulator holds it, so that a reference can set its structures beside the guest's.
 */
public interface PhysicalView {
    int read8(int physical);

    /** Little-endian dword at a dword-aligned address. */
    int read32(int physical);

    /** The directory the MMU walks (CR3), or -1 where there is no MMU (the reference's own memory). */
    default long cr3() {
        return -1;
    }
}
