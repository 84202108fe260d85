package org.j386.guest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The bundled guest kernel: the Multiboot ELF the build assembles from src/main/asm. */
public final class GuestKernel {
    /** The name it boots under when no image is given. */
    public static final String NAME = "j386-guest-kernel.elf";

    private GuestKernel() {
    }

    /** The kernel image; fails only if the jar was built without it. */
    public static byte[] image() {
        try (InputStream in = GuestKernel.class.getResourceAsStream("kernel.elf")) {
            if (in == null) {
                throw new IllegalStateException("the guest kernel is missing from the build (org/j386/guest/kernel.elf)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
