package org.j386.emulator.boot;

import java.util.List;
import org.j386.tools.image.SymbolTable;

/**
 * What {@link MultibootLoader#load} put into RAM. Addresses are physical, unsigned; ends are
 * exclusive.
 *
 * @param entry       where execution starts (a physical address, paging being off)
 * @param infoAddress the Multiboot information structure, passed to the kernel in EBX
 * @param symbols     the kernel's ELF symbols, empty for flat images
 * @param kernelStart lowest address of the kernel image
 * @param kernelEnd   end of the kernel image including its bss
 * @param modules     the modules, in the order given, each page-aligned after the previous
 */
public record LoadedKernel(int entry, int infoAddress, SymbolTable symbols, int kernelStart, int kernelEnd,
                           List<Module> modules) {
    /** A module's place in RAM and the string the kernel sees for it. */
    public record Module(String name, int start, int end, String cmdline) {
    }

    public LoadedKernel {
        modules = List.copyOf(modules);
    }

    /** The same kernel named by other symbols (those of an ELF built from the same objects as a flat image). */
    public LoadedKernel withSymbols(SymbolTable other) {
        return new LoadedKernel(entry, infoAddress, other, kernelStart, kernelEnd, modules);
    }

    /** End of everything loaded above 1 MiB: the last module's end, or the kernel's. */
    public int highestAddress() {
        return modules.isEmpty() ? kernelEnd : modules.get(modules.size() - 1).end();
    }
}
