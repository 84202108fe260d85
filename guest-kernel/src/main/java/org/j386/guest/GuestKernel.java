package org.j386.guest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.j386.guest.lab2.Lab2Kernel;
import org.j386.guest.lab2.Lab2Scenario;
import org.j386.guest.lab2.Lab2ScenarioRunner;
import org.j386.guest.reference.Event;
import org.j386.guest.reference.MemoryManager;
import org.j386.guest.reference.Op;
import org.j386.guest.reference.Reference;
import org.j386.guest.scenario.ScenarioGenerator;
import org.j386.guest.scenario.ScenarioRunner;
import org.j386.guest.scenario.WriteScenario;

/**
 * The bundled guest kernels, the Multiboot ELFs the build assembles from src/main/asm, and what
 * tests each of them: its Java reference and its random scenarios. {@link #MP4} is the one a bare
 * {@code j386 boot} boots.
 */
public enum GuestKernel {
    /** Contiguous frame pools, a recursive page directory with lazy faults, VM pools. */
    MP4("mp4", "kernel.elf", "j386-guest-kernel.elf", Op.POOL_INIT, MemoryManager::new, WriteScenario.DEFAULT_LENGTH,
            (seed, length) -> ScenarioGenerator.generate(seed, length).toBytes(),
            (seed, length, ramTop, sink) -> ScenarioRunner.run(ScenarioGenerator.generate(seed, length), ramTop, sink)),
    /** The xv6-style physical page allocator and kernel page tables, a higher-half kernel. */
    LAB2("lab2", "lab2.elf", "j386-guest-lab2.elf", Op.KERNEL_LAYOUT, Lab2Kernel::new, Lab2Scenario.DEFAULT_LENGTH,
            (seed, length) -> Lab2Scenario.generate(seed, length).toBytes(),
            (seed, length, ramTop, sink) -> Lab2ScenarioRunner.run(Lab2Scenario.generate(seed, length), ramTop, sink));

    /** How a kernel's scenario of a seed becomes its module. */
    private interface ScenarioWriter {
        byte[] module(long seed, int length);
    }

    /** How a kernel's scenario of a seed runs on its reference alone. */
    private interface ScenarioReplay {
        void run(long seed, int length, int ramTop, Consumer<Event> sink);
    }

    /** The name the default kernel boots under when no image is given. */
    public static final String NAME = MP4.bootName;

    /** What {@code --guest} calls it. */
    public final String guestName;
    private final String resource;
    /** The name it boots under (symbols and messages show it). */
    public final String bootName;

    /** Its operation with the lowest code: each kernel's codes run up to the next kernel's first. */
    private final Op firstOp;
    private final Function<Consumer<Event>, Reference> reference;
    private final int scenarioLength;
    private final ScenarioWriter scenarios;
    private final ScenarioReplay replay;

    GuestKernel(String guestName, String resource, String bootName, Op firstOp,
            Function<Consumer<Event>, Reference> reference, int scenarioLength, ScenarioWriter scenarios,
            ScenarioReplay replay) {
        this.guestName = guestName;
        this.resource = resource;
        this.bootName = bootName;
        this.firstOp = firstOp;
        this.reference = reference;
        this.scenarioLength = scenarioLength;
        this.scenarios = scenarios;
        this.replay = replay;
    }

    /** The default kernel's image; fails only if the jar was built without it. */
    public static byte[] image() {
        return MP4.elf();
    }

    /** The kernel image; fails only if the jar was built without it. */
    public byte[] elf() {
        try (InputStream in = GuestKernel.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the " + guestName + " guest kernel is missing from the build (org/j386/guest/"
                        + resource + ")");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A reference for this kernel's event records, writing its own records to {@code sink}. */
    public Reference newReference(Consumer<Event> sink) {
        return reference.apply(sink);
    }

    /** The random scenario of {@code seed}, as the Multiboot module the kernel reads. */
    public byte[] scenario(long seed, int length) {
        return scenarios.module(seed, length);
    }

    /**
     * Runs the scenario of {@code seed} on the reference alone, as the kernel does with
     * {@code ramTop} bytes of RAM (the top the Multiboot mem_upper gives), records to {@code sink}.
     */
    public void runScenario(long seed, int length, int ramTop, Consumer<Event> sink) {
        replay.run(seed, length, ramTop, sink);
    }

    /** Operations per scenario in the differential test. */
    public int scenarioLength() {
        return scenarioLength;
    }

    /** The kernel whose operation {@code op} is. */
    public static GuestKernel of(Op op) {
        GuestKernel owner = MP4;
        for (GuestKernel k : values()) {
            if (op.code >= k.firstOp.code) {
                owner = k;
            }
        }
        return owner;
    }

    /** The kernel {@code --guest NAME} names, or null. */
    public static GuestKernel named(String name) {
        for (GuestKernel k : values()) {
            if (k.guestName.equals(name)) {
                return k;
            }
        }
        return null;
    }

    /** The names, for messages: "mp4, lab2". */
    public static String names() {
        return Arrays.stream(values()).map(k -> k.guestName).collect(Collectors.joining(", "));
    }
}
