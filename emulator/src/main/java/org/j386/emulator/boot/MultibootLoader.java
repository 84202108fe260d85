package org.j386.emulator.boot;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.j386.emulator.cpu.CpuState;
import org.j386.emulator.cpu.ResetState;
import org.j386.emulator.cpu.Segment;
import org.j386.emulator.memory.PhysicalMemory;
import org.j386.tools.image.Elf32File;
import org.j386.tools.image.ImageFormatException;
import org.j386.tools.image.MultibootHeader;
import org.j386.tools.image.ProgramHeader;
import org.j386.tools.image.SymbolTable;

/**
 * Boots a Multiboot (0.6.96) kernel the way QEMU's {@code -kernel} does: loads the image and its
 * modules into RAM, writes the information structure, and puts the processor in the state the
 * specification promises at the kernel's entry.
 *
 * <p>Which loading rule applies follows QEMU and the specification: with header flag 16 the
 * header's address fields say where the image goes, whatever the file format (so an ELF file is
 * then loaded as a flat image, and only its symbols are read); without it the file must be an
 * ELF32 i386 executable whose PT_LOAD segments are loaded at their physical addresses.
 *
 * <p>Nothing is loaded below 1 MiB: that is where the information structure and the BIOS areas
 * are. GRUB Legacy refuses such kernels too ("Loading below 1MB is not supported"); QEMU does not
 * check, and a kernel loaded there would overwrite the structure it is about to be handed.
 */
public final class MultibootLoader {
    /** Header requirement bits this loader honours. Video mode (bit 2) is accepted and ignored, as QEMU does. */
    static final int SUPPORTED_REQUIREMENTS = MultibootHeader.PAGE_ALIGN_MODULES | MultibootHeader.MEMORY_INFO
            | MultibootHeader.VIDEO_MODE;
    private static final int PAGE = 0x1000;

    private final PhysicalMemory memory;

    /** A region of the memory map the loader hands the kernel: available RAM, or reserved. */
    public record MemoryRegion(long base, long length, boolean available) {
    }

    /** The memory map a kernel is given for {@code ramSize} bytes of RAM (the same as QEMU's). */
    public static java.util.List<MemoryRegion> memoryMap(int ramSize) {
        java.util.List<MemoryRegion> regions = new java.util.ArrayList<>();
        for (long[] r : MultibootInfo.memoryMap(ramSize)) {
            regions.add(new MemoryRegion(r[0], r[1], r[2] == MultibootInfo.AVAILABLE));
        }
        return regions;
    }

    public MultibootLoader(PhysicalMemory memory) {
        this.memory = memory;
    }

    /** Bytes of the image destined for {@code [address, address + memLength)}; the part beyond the file bytes is zeroed. */
    private record Chunk(String what, int address, byte[] source, int sourceOffset, int fileLength, long memLength) {
        long start() {
            return Integer.toUnsignedLong(address);
        }

        long end() {
            return start() + memLength;
        }
    }

    /** The kernel image as a list of chunks, before it is checked against RAM and copied. */
    private record Plan(List<Chunk> chunks, int entry, SymbolTable symbols) {
    }

    /**
     * Loads the kernel and modules and writes the Multiboot information.
     *
     * @param name        the kernel's name: starts error messages and, as with QEMU, the command line
     * @param commandLine the kernel's arguments; the kernel sees {@code name + " " + commandLine}
     */
    public LoadedKernel load(String name, byte[] image, String commandLine, List<BootModule> modules)
            throws ImageFormatException {
        if (memory.size() <= MultibootInfo.ONE_MIB) {
            throw ImageFormatException.of(name, "the machine has %d KiB of RAM; a Multiboot kernel is loaded above 1 MiB",
                    memory.size() >>> 10);
        }
        MultibootHeader.Found found = MultibootHeader.find(name, image);
        MultibootHeader header = found.header();
        header.requireOnly(name, SUPPORTED_REQUIREMENTS);

        Plan plan;
        if (header.hasAddressFields()) {
            plan = flatPlan(name, image, found);
        } else if (Elf32File.looksLikeElf(image)) {
            plan = elfPlan(Elf32File.parse(name, image));
        } else {
            throw ImageFormatException.of(name,
                    "not an ELF file, and its Multiboot header (offset 0x%x) has no address fields (flag 16 clear)",
                    found.offset());
        }
        checkPlacement(name, plan.chunks());
        byte[] ram = memory.array();
        for (Chunk c : plan.chunks()) {
            System.arraycopy(c.source(), c.sourceOffset(), ram, c.address(), c.fileLength());
            Arrays.fill(ram, (int) (c.start() + c.fileLength()), (int) c.end(), (byte) 0);
        }
        long kernelStart = plan.chunks().stream().mapToLong(Chunk::start).min().orElse(MultibootInfo.ONE_MIB);
        long kernelEnd = plan.chunks().stream().mapToLong(Chunk::end).max().orElse(MultibootInfo.ONE_MIB);

        List<LoadedKernel.Module> loaded = loadModules(modules, kernelEnd);
        int info = MultibootInfo.write(memory, name, name + " " + commandLine, loaded);
        return new LoadedKernel(plan.entry(), info, plan.symbols(), (int) kernelStart, (int) kernelEnd, loaded);
    }

    private static Plan elfPlan(Elf32File elf) throws ImageFormatException {
        List<Chunk> chunks = new ArrayList<>();
        int entry = elf.entry();
        for (ProgramHeader ph : elf.loadSegments()) {
            if (ph.memsz() == 0) {
                continue; // empty segments occupy nothing; QEMU skips them too
            }
            chunks.add(new Chunk("program header " + ph.index(), ph.paddr(), elf.segmentData(ph), 0, ph.filesz(),
                    Integer.toUnsignedLong(ph.memsz())));
            // e_entry is virtual. When the code segment is linked elsewhere than it is loaded (a
            // higher-half kernel), QEMU translates the entry through that segment; so does this.
            long offset = Integer.toUnsignedLong(elf.entry()) - Integer.toUnsignedLong(ph.vaddr());
            if (ph.vaddr() != ph.paddr() && ph.executable() && offset >= 0
                    && offset < Integer.toUnsignedLong(ph.filesz())) {
                entry = ph.paddr() + (int) offset;
            }
        }
        if (chunks.isEmpty()) {
            throw ImageFormatException.of(elf.name(), "ELF file has no PT_LOAD segment with contents to load");
        }
        return new Plan(chunks, entry, elf.symbolTable());
    }

    /** The a.out kludge: the header's address fields place one contiguous image, as QEMU reads them. */
    private static Plan flatPlan(String name, byte[] image, MultibootHeader.Found found) throws ImageFormatException {
        MultibootHeader h = found.header();
        long headerAddr = Integer.toUnsignedLong(h.headerAddr());
        long loadAddr = Integer.toUnsignedLong(h.loadAddr());
        long loadEndAddr = Integer.toUnsignedLong(h.loadEndAddr());
        long bssEndAddr = Integer.toUnsignedLong(h.bssEndAddr());
        if (headerAddr < loadAddr) {
            throw ImageFormatException.of(name, "Multiboot header_addr 0x%x is below load_addr 0x%x", headerAddr, loadAddr);
        }
        // The file offset that load_addr corresponds to: the header sits at header_addr in memory.
        long textOffset = found.offset() - (headerAddr - loadAddr);
        if (textOffset < 0) {
            throw ImageFormatException.of(name,
                    "Multiboot load_addr 0x%x would start 0x%x bytes before the beginning of the file "
                            + "(header_addr 0x%x, header at offset 0x%x)",
                    loadAddr, -textOffset, headerAddr, found.offset());
        }
        long loadSize;
        if (loadEndAddr == 0) {
            loadSize = image.length - textOffset;
        } else if (loadEndAddr < loadAddr) {
            throw ImageFormatException.of(name, "Multiboot load_end_addr 0x%x is below load_addr 0x%x",
                    loadEndAddr, loadAddr);
        } else {
            loadSize = loadEndAddr - loadAddr;
        }
        if (textOffset + loadSize > image.length) {
            throw ImageFormatException.of(name,
                    "file is truncated: load_end_addr 0x%x needs 0x%x bytes from offset 0x%x, but the file ends at 0x%x",
                    loadEndAddr, loadSize, textOffset, image.length);
        }
        long memSize = loadSize;
        if (bssEndAddr != 0) {
            if (bssEndAddr < loadAddr + loadSize) {
                throw ImageFormatException.of(name, "Multiboot bss_end_addr 0x%x is below the end of the loaded image 0x%x",
                        bssEndAddr, loadAddr + loadSize);
            }
            memSize = bssEndAddr - loadAddr;
        }
        // The address fields are all a flag-16 kernel promises; symbols are a bonus (and the file
        // may be, say, a 64-bit ELF with a 32-bit entry stub, which QEMU boots), read if ever asked for.
        SymbolTable symbols = !Elf32File.looksLikeElf(image) ? SymbolTable.empty() : SymbolTable.deferred(() -> {
            try {
                return Elf32File.parse(name, image).symbolTable();
            } catch (ImageFormatException e) {
                return SymbolTable.empty();
            }
        });
        Chunk chunk = new Chunk("image (load_addr to bss_end_addr)", h.loadAddr(), image, (int) textOffset,
                (int) loadSize, memSize);
        return new Plan(List.of(chunk), h.entryAddr(), symbols);
    }

    private void checkPlacement(String name, List<Chunk> chunks) throws ImageFormatException {
        List<Chunk> sorted = new ArrayList<>(chunks);
        sorted.sort(Comparator.comparingLong(Chunk::start));
        Chunk previous = null;
        for (Chunk c : sorted) {
            if (c.start() < MultibootInfo.ONE_MIB) {
                throw ImageFormatException.of(name,
                        "%s (0x%x-0x%x) starts below 1 MiB, where the Multiboot information and the BIOS areas are",
                        c.what(), c.start(), c.end());
            }
            if (c.end() > memory.size()) {
                throw ImageFormatException.of(name, "%s (0x%x-0x%x) lies outside RAM (%s)",
                        c.what(), c.start(), c.end(), describeSize(memory.size()));
            }
            if (previous != null && c.start() < previous.end()) {
                throw ImageFormatException.of(name, "%s (0x%x-0x%x) overlaps %s (0x%x-0x%x)", c.what(), c.start(),
                        c.end(), previous.what(), previous.start(), previous.end());
            }
            previous = c;
        }
    }

    /** Places each module at the next page boundary, in the order given, after the kernel. */
    private List<LoadedKernel.Module> loadModules(List<BootModule> modules, long kernelEnd) throws ImageFormatException {
        List<LoadedKernel.Module> loaded = new ArrayList<>();
        long next = alignUp(kernelEnd);
        for (BootModule m : modules) {
            long end = next + m.data().length;
            if (end > memory.size()) {
                throw ImageFormatException.of(m.name(), "module of 0x%x bytes at 0x%x does not fit in RAM (%s)",
                        m.data().length, next, describeSize(memory.size()));
            }
            System.arraycopy(m.data(), 0, memory.array(), (int) next, m.data().length);
            loaded.add(new LoadedKernel.Module(m.name(), (int) next, (int) end, m.cmdline()));
            next = alignUp(end);
        }
        return loaded;
    }

    private static long alignUp(long address) {
        return (address + PAGE - 1) & -PAGE;
    }

    /** QEMU's EDX at entry: 0x511, and in the upper half RAM above 2 MiB in 64 MiB units (32M: 0x511, 128M: 0x10511). */
    static int qemuEntryEdx(long ramBytes) {
        return 0x511 | (int) ((ramBytes - (2 << 20)) >> 26) << 16;
    }

    private static String describeSize(long bytes) {
        return bytes % (1 << 20) == 0 ? (bytes >> 20) + " MiB" : (bytes >> 10) + " KiB";
    }

    /**
     * Where QEMU's Multiboot option ROM leaves ESP when it jumps to the kernel: the specification
     * leaves ESP undefined, but a kernel that pushes before loading its own stack works under QEMU
     * only because this points into free low memory (below the information structure).
     */
    public static final int QEMU_ENTRY_ESP = 0x6F08;
    /** EDI as QEMU leaves it for a kernel loaded through the header's address fields. */
    public static final int QEMU_ENTRY_EDI = 0x1000;
    /** EFLAGS as QEMU leaves it: reserved bit 1 and PF, interrupts disabled. */
    public static final int QEMU_ENTRY_EFLAGS = 0x6;

    /**
     * Puts the processor in the state the specification defines at a Multiboot kernel's entry,
     * with the selectors and GDT of QEMU's loader: EAX = 0x2BADB002, EBX = the information
     * structure, CS = 0x08 and DS/ES/FS/GS/SS = 0x10 flat 4 GiB segments, protected mode without
     * paging, interrupts disabled, CPL 0.
     *
     * <p>The registers the specification leaves undefined hold what QEMU 7.2's option ROM leaves
     * in them (measured with a kernel that prints its registers first thing): ECX = the entry
     * address, EDX = 0x511 with (RAM - 2 MiB) / 64 MiB in its upper half, ESP = 0x6F08, EDI =
     * 0x1000, EBP = ESI = 0, EFLAGS = 0x6. Kernels may not rely on them; some do without knowing.
     */
    public static void setEntryState(LoadedKernel kernel, CpuState cpu, long ramBytes) {
        Arrays.fill(cpu.regs, 0);
        cpu.regs[CpuState.EAX] = MultibootHeader.BOOTLOADER_MAGIC;
        cpu.regs[CpuState.EBX] = kernel.infoAddress();
        cpu.regs[CpuState.ECX] = kernel.entry();
        cpu.regs[CpuState.EDX] = qemuEntryEdx(ramBytes);
        cpu.regs[CpuState.ESP] = QEMU_ENTRY_ESP;
        cpu.regs[CpuState.EDI] = QEMU_ENTRY_EDI;
        cpu.flags.set(QEMU_ENTRY_EFLAGS);
        cpu.eip = kernel.entry();
        for (int i = 0; i < cpu.segs.length; i++) {
            Segment s = cpu.segs[i];
            if (i == CpuState.CS) {
                s.setFlat(MultibootInfo.CODE_SELECTOR, true);
            } else {
                s.setFlat(MultibootInfo.DATA_SELECTOR, false);
            }
        }
        cpu.cr0 = CpuState.CR0_PE | CpuState.CR0_ET;
        cpu.cr2 = 0;
        cpu.cr3 = 0;
        cpu.cr4 = 0;
        cpu.gdtBase = MultibootInfo.GDT_ADDRESS;
        cpu.gdtLimit = MultibootInfo.GDT.length * 8 - 1;
        // The real-mode interrupt vector table, as the BIOS left it: the kernel must load its own IDT.
        cpu.idtBase = 0;
        cpu.idtLimit = 0x3FF;
        // TR keeps its "not loaded" state, which the debugger reports, rather than QEMU's reset
        // value: only a kernel that changes rings or does ring-3 I/O before LTR could tell.
        ResetState.resetLdtr(cpu);
        cpu.cpl = 0;
        cpu.halted = false;
        cpu.interruptShadow = false;
    }
}
