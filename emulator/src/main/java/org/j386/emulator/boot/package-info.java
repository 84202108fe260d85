/**
 * Booting: puts a Multiboot kernel and its modules into RAM and the processor into the state at
 * the kernel's entry.
 *
 * <p>The reference is QEMU's {@code -kernel} for Multiboot images (hw/i386/multiboot.c and its
 * option ROM), because that is where the kernels this machine runs are usually developed. Where
 * this loader differs, it is on purpose:
 * <ul>
 *   <li>The command lines, the module list and the boot loader name live in low memory next to
 *       the information structure, not in a page after the kernel; modules therefore start at the
 *       first page boundary after the kernel.</li>
 *   <li>The memory map has no entries for the SeaBIOS tables at the top of RAM or the flash below
 *       4 GiB, which this machine does not have; mem_upper covers all RAM above 1 MiB.</li>
 *   <li>No boot device is reported (there are no disks), and the boot loader is called "j386".</li>
 *   <li>Kernels below 1 MiB, outside RAM, or with overlapping segments are refused (QEMU loads
 *       them and fails later or not at all).</li>
 * </ul>
 */
package org.j386.emulator.boot;
