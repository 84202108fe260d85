package org.j386.emulator.boot;

import java.util.Objects;

/**
 * A Multiboot module as the caller read it.
 *
 * @param name    used in error messages (usually the file name)
 * @param data    the module's contents, copied into guest RAM as they are
 * @param cmdline the module's string in the information structure; QEMU passes the whole
 *                {@code -initrd} item, file name and arguments ("file arg"), and callers should do
 *                the same
 */
public record BootModule(String name, byte[] data, String cmdline) {
    public BootModule {
        Objects.requireNonNull(name);
        Objects.requireNonNull(data);
        Objects.requireNonNull(cmdline);
    }
}
