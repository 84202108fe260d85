package org.j386.guest.lab2;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;
import org.j386.guest.GuestKernel;
import org.j386.guest.lab2.Lab2Scenario.Operation;
import org.j386.guest.reference.Event;
import org.j386.tools.image.Elf32File;
import org.j386.tools.image.ImageFormatException;
import org.j386.tools.image.Symbol;

/**
 * Runs a scenario on the reference exactly as the Lab2 kernel does (lab2.asm's boot steps, then
 * lab2_scenario.asm), so the two event streams can be compared record for record. The kernel's
 * end and the start of its data come from the bundled image's symbols.
 */
public final class Lab2ScenarioRunner {
    private final Lab2Kernel kernel;
    private final Kmem kmem;
    private final KernelVm vm;
    private final int[] pages = new int[Lab2Scenario.PAGE_SLOTS];
    private final int[] spaces = new int[Lab2Scenario.SPACE_SLOTS];
    private final boolean[] withKernel = new boolean[Lab2Scenario.SPACE_SLOTS];
    private final Deque<Integer> held = new ArrayDeque<>();
    private int kpgdir, current;

    private Lab2ScenarioRunner(Consumer<Event> sink) {
        kernel = new Lab2Kernel(sink);
        kmem = kernel.kmem();
        vm = kernel.vm();
    }

    /** {@code ramTop}: the top of RAM the kernel computes from the Multiboot mem_upper. */
    public static void run(Lab2Scenario scenario, int ramTop, Consumer<Event> sink) {
        Lab2ScenarioRunner runner = new Lab2ScenarioRunner(sink);
        runner.boot(ramTop, scenario.phystopLimit());
        for (Operation op : scenario.operations()) {
            runner.perform(op);
        }
    }

    /** The kernel's boot steps: layout, kinit1, kvm_init, kinit2, each list checked. */
    void boot(int ramTop, int limit) {
        long phystop = Math.min(Integer.toUnsignedLong(ramTop) & -Lab2Kernel.PGSIZE, Lab2Kernel.PHYSTOP_MAX);
        if (limit != 0 && phystop > Integer.toUnsignedLong(limit)) {
            phystop = Integer.toUnsignedLong(limit);
        }
        byte[] image = GuestKernel.LAB2.elf();
        kernel.layout(symbol(image, "kernel_end"), symbol(image, "data_start"), (int) phystop);
        kmem.freeRange(kernel.kernelEnd, Lab2Kernel.p2v((int) Math.min(phystop, Lab2Kernel.BOOT_MAPPED)));
        kmem.checkFreeList();
        kpgdir = vm.setupKvm();
        if (kpgdir == 0) {
            throw Lab2Kernel.panic("kvm_init: out of memory");
        }
        vm.switchVm(kpgdir);
        current = kpgdir;
        kmem.freeRange(Lab2Kernel.p2v(Lab2Kernel.BOOT_MAPPED), Lab2Kernel.p2v((int) phystop));
        kmem.checkFreeList();
    }

    private static int symbol(byte[] image, String name) {
        try {
            return Elf32File.parse("lab2.elf", image).symbolTable().lookup(name).map(Symbol::value)
                    .orElseThrow(() -> new IllegalStateException("the Lab2 kernel has no symbol " + name));
        } catch (ImageFormatException e) {
            throw new IllegalStateException(e);
        }
    }

    private void perform(Operation op) {
        switch (op.kind()) {
            case KALLOC -> {
                kfreeSlot(op.a());
                pages[op.a()] = kmem.kalloc();
            }
            case KFREE -> kfreeSlot(op.a());
            case NEW_SPACE -> {
                freeSpace(op.a());
                if (op.b() != 0) {
                    spaces[op.a()] = vm.setupKvm();
                    withKernel[op.a()] = spaces[op.a()] != 0;
                } else {
                    spaces[op.a()] = vm.pgdirAlloc();
                }
            }
            case MAP -> {
                if (spaces[op.a()] != 0) {
                    vm.mapRegion(spaces[op.a()], op.b(), op.c(), op.d() & ~KernelVm.FLAGS, op.d() & KernelVm.FLAGS);
                }
            }
            case WALK -> {
                if (spaces[op.a()] != 0) {
                    vm.pgdirWalk(spaces[op.a()], op.b(), op.c());
                }
            }
            case FREE_SPACE -> freeSpace(op.a());
            case SWITCH -> {
                if (op.a() == -1 || withKernel[op.a()]) {
                    current = op.a() == -1 ? kpgdir : spaces[op.a()];
                    vm.switchVm(current);
                }
            }
            case CHECK -> kmem.checkFreeList();
            case HOLD -> {
                for (int take = kmem.freePages() - op.a(); take > 0; take--) {
                    int page = kmem.kalloc();
                    if (page == 0) {
                        break;
                    }
                    held.push(page);
                }
            }
            case RELEASE_HELD -> {
                while (!held.isEmpty()) {
                    kmem.kfree(held.pop());
                }
            }
        }
    }

    private void kfreeSlot(int slot) {
        if (pages[slot] != 0) {
            int page = pages[slot];
            pages[slot] = 0;
            kmem.kfree(page);
        }
    }

    private void freeSpace(int slot) {
        if (spaces[slot] == 0) {
            return;
        }
        if (spaces[slot] == current) {
            vm.switchVm(kpgdir);
            current = kpgdir;
        }
        vm.vmFree(spaces[slot]);
        spaces[slot] = 0;
        withKernel[slot] = false;
    }
}
