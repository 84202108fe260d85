package org.j386.emulator.boot;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.j386.emulator.memory.PhysicalMemory;
import org.j386.tools.image.ImageFormatException;

/**
 * Writes what a Multiboot loader leaves in low memory for the kernel: the information structure,
 * the memory map, the module list, the strings they point to, and the GDT that the entry selectors
 * refer to.
 *
 * <p>The structure and the memory map sit where QEMU's multiboot loader puts them (memory map at
 * 0x9000, structure at 0x9500). QEMU keeps the command lines and the module list after the kernel
 * instead; here they stay in low memory too, so that the first module starts at the first page
 * boundary after the kernel and nothing the loader writes lies above 1 MiB except the kernel and
 * its modules.
 */
final class MultibootInfo {
    static final int MMAP_ADDRESS = 0x9000;
    static final int INFO_ADDRESS = 0x9500;
    /** Room for the 88-byte structure of the specification and the framebuffer fields GRUB 2 added. */
    static final int GDT_ADDRESS = 0x9580;
    static final int MODULES_ADDRESS = 0x9600;
    /** Start of the extended BIOS data area on a PC with 639 KiB of conventional memory. */
    static final int LOW_MEMORY_END = 0x9FC00;
    static final int ONE_MIB = 0x100000;
    /**
     * SeaBIOS keeps the top 128 KiB of RAM for its ACPI and SMBIOS tables, and QEMU's loader reports
     * it as reserved. j386 has no BIOS but reserves the same region, so a kernel sees the same
     * memory under j386 as under QEMU (and the golden tests can compare them byte for byte).
     */
    static final int FIRMWARE_TABLES = 128 << 10;
    /** The BIOS flash mapped just below 4 GiB, reserved in QEMU's map. */
    static final long FLASH_BASE = 0xFFFC0000L, FLASH_SIZE = 0x40000;
    /** "First hard disk, no partition", what QEMU's loader reports as the boot device. */
    static final int BOOT_DEVICE = 0x8000FFFF;

    static final int CODE_SELECTOR = 0x08;
    static final int DATA_SELECTOR = 0x10;
    /**
     * QEMU's multiboot option ROM GDT: null, flat 32-bit code (0x08), flat 32-bit data (0x10), and
     * 16-bit code and data (0x18, 0x20), with the accessed bits the processor sets when loading them.
     */
    static final long[] GDT = {
            0L,
            0x00CF9B000000FFFFL,
            0x00CF93000000FFFFL,
            0x00009F000000FFFFL,
            0x000093000000FFFFL,
    };

    // Information structure flags (specification section 3.3).
    static final int HAS_MEMORY = 1, HAS_BOOT_DEVICE = 1 << 1, HAS_CMDLINE = 1 << 2, HAS_MODULES = 1 << 3, HAS_MMAP = 1 << 6,
            HAS_BOOT_LOADER_NAME = 1 << 9;
    static final String BOOT_LOADER_NAME = "j386";

    private static final int INFO_SIZE = 88;
    private static final int MODULE_ENTRY_SIZE = 16;
    private static final int MMAP_ENTRY_SIZE = 24;
    static final int AVAILABLE = 1, RESERVED = 2;

    private MultibootInfo() {
    }

    /**
     * Writes the structures; returns the address of the information structure.
     *
     * @param kernelName starts error messages
     */
    static int write(PhysicalMemory memory, String kernelName, String commandLine, List<LoadedKernel.Module> modules)
            throws ImageFormatException {
        int stringsStart = MODULES_ADDRESS + modules.size() * MODULE_ENTRY_SIZE;
        byte[][] strings = new byte[modules.size() + 2][];
        strings[0] = cString(commandLine);
        for (int i = 0; i < modules.size(); i++) {
            strings[i + 1] = cString(modules.get(i).cmdline());
        }
        strings[strings.length - 1] = cString(BOOT_LOADER_NAME);
        long stringsEnd = stringsStart + Arrays.stream(strings).mapToLong(s -> s.length).sum();
        if (stringsEnd > LOW_MEMORY_END) {
            throw ImageFormatException.of(kernelName,
                    "the command lines and module list need 0x%x bytes of low memory, more than the 0x%x available",
                    stringsEnd - MODULES_ADDRESS, LOW_MEMORY_END - MODULES_ADDRESS);
        }
        Arrays.fill(memory.array(), MMAP_ADDRESS, (int) stringsEnd, (byte) 0);

        int[] stringAddresses = new int[strings.length];
        int at = stringsStart;
        for (int i = 0; i < strings.length; i++) {
            System.arraycopy(strings[i], 0, memory.array(), at, strings[i].length);
            stringAddresses[i] = at;
            at += strings[i].length;
        }
        for (int i = 0; i < modules.size(); i++) {
            int entry = MODULES_ADDRESS + i * MODULE_ENTRY_SIZE;
            memory.write32(entry, modules.get(i).start());
            memory.write32(entry + 4, modules.get(i).end());
            memory.write32(entry + 8, stringAddresses[i + 1]);
        }
        int mmapLength = writeMemoryMap(memory);
        for (int i = 0; i < GDT.length; i++) {
            memory.write32(GDT_ADDRESS + 8 * i, (int) GDT[i]);
            memory.write32(GDT_ADDRESS + 8 * i + 4, (int) (GDT[i] >>> 32));
        }

        int info = INFO_ADDRESS;
        memory.write32(info, HAS_MEMORY | HAS_BOOT_DEVICE | HAS_CMDLINE | HAS_MODULES | HAS_MMAP | HAS_BOOT_LOADER_NAME);
        memory.write32(info + 4, LOW_MEMORY_END >>> 10);
        memory.write32(info + 8, (memory.size() - ONE_MIB - FIRMWARE_TABLES) >>> 10);
        memory.write32(info + 12, BOOT_DEVICE);
        memory.write32(info + 16, stringAddresses[0]);
        memory.write32(info + 20, modules.size());
        memory.write32(info + 24, MODULES_ADDRESS);
        memory.write32(info + 44, mmapLength);
        memory.write32(info + 48, MMAP_ADDRESS);
        memory.write32(info + 64, stringAddresses[strings.length - 1]);
        return info;
    }

    /**
     * The map QEMU's loader gets from SeaBIOS: the EBDA and the BIOS area below 1 MiB reserved, RAM
     * above 1 MiB available up to the firmware tables at its top, and the flash below 4 GiB.
     */
    static long[][] memoryMap(int ramSize) {
        return new long[][] {
                {0, LOW_MEMORY_END, AVAILABLE},
                {LOW_MEMORY_END, 0xA0000 - LOW_MEMORY_END, RESERVED},
                {0xF0000, 0x10000, RESERVED},
                {ONE_MIB, ramSize - ONE_MIB - FIRMWARE_TABLES, AVAILABLE},
                {ramSize - FIRMWARE_TABLES, FIRMWARE_TABLES, RESERVED},
                {FLASH_BASE, FLASH_SIZE, RESERVED},
        };
    }

    private static int writeMemoryMap(PhysicalMemory memory) {
        int at = MMAP_ADDRESS;
        for (long[] region : memoryMap(memory.size())) {
            // The size field counts the bytes after itself: 20, as the BIOS E820 call returns them.
            memory.write32(at, MMAP_ENTRY_SIZE - 4);
            memory.write32(at + 4, (int) region[0]);
            memory.write32(at + 8, (int) (region[0] >>> 32));
            memory.write32(at + 12, (int) region[1]);
            memory.write32(at + 16, (int) (region[1] >>> 32));
            memory.write32(at + 20, (int) region[2]);
            at += MMAP_ENTRY_SIZE;
        }
        return at - MMAP_ADDRESS;
    }

    private static byte[] cString(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        return Arrays.copyOf(bytes, bytes.length + 1);
    }
}
