package org.j386.guest.lab2;

import static org.j386.guest.lab2.Lab2Kernel.PGSIZE;
import static org.j386.guest.lab2.Lab2Kernel.p2v;
import static org.j386.guest.lab2.Lab2Kernel.v2p;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.j386.guest.reference.Event;
import org.j386.guest.reference.Op;

/**
 * The page tables of vm.asm: directories and tables are pages from {@link Kmem}, entries live in
 * simulated memory, and kmap says what every kernel directory maps.
 */
public final class KernelVm {
    public static final int PTE_P = 1, PTE_W = 2, PTE_U = 4;
    static final int FLAGS = 0xFFF;
    /** The screen's page, mapped where the shared console writes it (lab2.asm's device window). */
    public static final int VGA_TEXT = 0xB8000;

    /** One row of kmap: virtual start, physical range, permissions. */
    public record Mapping(int virt, int physStart, int physEnd, int perm) {
        public int pages() {
            return (physEnd - physStart) >>> 12;
        }
    }

    private final Lab2Kernel kernel;
    private final Kmem kmem;
    private int current;
    /** Directories handed out by pgdirAlloc and not yet given back by vmFree. */
    private final Set<Integer> directories = new LinkedHashSet<>();

    KernelVm(Lab2Kernel kernel, Kmem kmem) {
        this.kernel = kernel;
        this.kmem = kmem;
    }

    /** kmap, as lab2.asm lays it out for the kernel's layout. */
    public List<Mapping> kmap() {
        return List.of(
                new Mapping(Lab2Kernel.KERNBASE, 0, Lab2Kernel.EXTMEM, PTE_W),
                new Mapping(Lab2Kernel.KERNLINK, v2p(Lab2Kernel.KERNLINK), v2p(kernel.dataStart), 0),
                new Mapping(kernel.dataStart, v2p(kernel.dataStart), kernel.phystop, PTE_W),
                new Mapping(VGA_TEXT, VGA_TEXT, VGA_TEXT + PGSIZE, PTE_W));
    }

    private int read(int va) {
        return kernel.memory.read32(v2p(va));
    }

    private void write(int va, int value) {
        kernel.memory.write32(v2p(va), value);
    }

    /** The address of va's PTE, or 0 when its table is missing and alloc is 0 or no page is left. */
    public int pgdirWalk(int pgdir, int va, int alloc) {
        kernel.emit(Event.begin(Op.PGDIR_WALK, pgdir, va, alloc));
        int pde = pgdir + (va >>> 22) * 4;
        int table;
        if ((read(pde) & PTE_P) != 0) {
            table = p2v(read(pde) & ~FLAGS);
        } else {
            table = alloc == 0 ? 0 : kmem.kalloc();
            if (table != 0) {
                kernel.memory.zeroFrame(v2p(table) >>> 12);
                write(pde, v2p(table) | PTE_P | PTE_W | PTE_U);
            }
        }
        int pte = table == 0 ? 0 : table + (va >>> 12 & 0x3FF) * 4;
        kernel.emit(Event.end(Op.PGDIR_WALK, pte));
        return pte;
    }

    /** 0, or -1 when a table could not be allocated; a present PTE in the range is a panic. */
    public int mapRegion(int pgdir, int va, int size, int pa, int perm) {
        kernel.emit(Event.begin(Op.MAP_REGION, pgdir, va, size, pa, perm));
        int result = 0;
        if (size != 0) {
            int page = va & ~FLAGS;
            int last = va + size - 1 & ~FLAGS;
            int frame = pa & ~FLAGS;
            for (;; page += PGSIZE, frame += PGSIZE) {
                int pte = pgdirWalk(pgdir, page, 1);
                if (pte == 0) {
                    result = -1;
                    break;
                }
                if ((read(pte) & PTE_P) != 0) {
                    throw Lab2Kernel.panic("remap");
                }
                write(pte, frame | perm & FLAGS | PTE_P);
                if (page == last) {
                    break;
                }
            }
        }
        kernel.emit(Event.end(Op.MAP_REGION, result));
        return result;
    }

    /** A new empty directory, or 0 when no page is left. */
    public int pgdirAlloc() {
        kernel.emit(Event.begin(Op.PGDIR_ALLOC));
        int pgdir = kmem.kalloc();
        if (pgdir != 0) {
            kernel.memory.zeroFrame(v2p(pgdir) >>> 12);
            directories.add(pgdir);
        }
        kernel.emit(Event.end(Op.PGDIR_ALLOC, pgdir));
        return pgdir;
    }

    /** A new directory mapping kmap, or 0 (everything given back) when memory ran out. */
    public int setupKvm() {
        kernel.emit(Event.begin(Op.SETUP_KVM));
        int pgdir = pgdirAlloc();
        if (pgdir != 0) {
            for (Mapping m : kmap()) {
                if (mapRegion(pgdir, m.virt(), m.physEnd() - m.physStart(), m.physStart(), m.perm()) != 0) {
                    vmFree(pgdir);
                    pgdir = 0;
                    break;
                }
            }
        }
        kernel.emit(Event.end(Op.SETUP_KVM, pgdir));
        return pgdir;
    }

    public void switchVm(int pgdir) {
        kernel.emit(Event.begin(Op.SWITCH_VM, pgdir));
        current = pgdir;
        kernel.emit(Event.end(Op.SWITCH_VM));
    }

    /** The live directories (kernel virtual), oldest first. */
    public List<Integer> directories() {
        return List.copyOf(directories);
    }

    /** The directory loaded last (0: none yet). */
    public int current() {
        return current;
    }

    /** Frees every table the directory's present entries point to, then the directory. */
    public void vmFree(int pgdir) {
        kernel.emit(Event.begin(Op.VM_FREE, pgdir));
        if (pgdir == 0) {
            throw Lab2Kernel.panic("vm_free: no pgdir");
        }
        for (int i = 0; i < 1024; i++) {
            int pde = read(pgdir + i * 4);
            if ((pde & PTE_P) != 0) {
                kmem.kfree(p2v(pde & ~FLAGS));
            }
        }
        kmem.kfree(pgdir);
        directories.remove(pgdir);
        kernel.emit(Event.end(Op.VM_FREE));
    }

    /** The PTE mapping va in pgdir, or 0 when it is not mapped (no table allocated, no record). */
    public int lookup(int pgdir, int va) {
        int pde = read(pgdir + (va >>> 22) * 4);
        if ((pde & PTE_P) == 0) {
            return 0;
        }
        int pte = read(p2v(pde & ~FLAGS) + (va >>> 12 & 0x3FF) * 4);
        return (pte & PTE_P) == 0 ? 0 : pte;
    }
}
