package org.j386.emulator.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.j386.emulator.machine.Machine;
import org.j386.emulator.machine.MachineConfig;
import org.j386.guest.GuestKernel;
import org.j386.tools.image.ImageFormatException;


/** The image and machine options shared by {@code j386 boot} and {@code j386 debug}. */
final class MachineOptions {
    /** The default of --max-time, in virtual seconds: ten minutes (60 billion instruction slots). */
    static final String DEFAULT_MAX_TIME = "600";

    Path image;
    Path bios;
    Path symbols;
    String guest;
    long memory;
    String debugcon;
    String serial;
    String append;
    List<String> modules = new ArrayList<>();
    long maxInstructions = Long.MAX_VALUE;
    long maxTimeSlots;
    String until;
    List<String> trace = new ArrayList<>();
    String cpu;
    int jitThreshold;
    long jitCache;
    boolean jitCheck;

    /** Adds the options to the model of {@code j386 boot} or {@code j386 debug}. */
    void addTo(CommandModel model) {
        model.optionalParameter("IMAGE", "the kernel to boot (default: a bundled guest kernel, see --guest)",
                Path.class, v -> image = v);
        model.option("--bios", "FILE", "boot a ROM image (64-256 KiB, like QEMU's -bios) from the reset vector"
                + " F000:FFF0 in real mode, instead of a Multiboot kernel", null, Path.class, null, v -> bios = v);
        model.option("--symbols", "FILE", "name addresses with the symbols of this ELF file (one linked from the same"
                + " objects as a flat IMAGE)", null, Path.class, null, v -> symbols = v);
        model.option("--guest", "mp4|lab2", "the bundled guest kernel to boot when no IMAGE is given: mp4 (the"
                + " default: frame pools, recursive page tables with lazy faults, VM pools) or lab2 (xv6-style"
                + " free-list page allocator and higher-half kernel page tables); both are described in"
                + " guest-kernel/README.md", v -> guest = v);
        model.option("-m", "SIZE", "RAM size, 2M..2047M (default: ${DEFAULT-VALUE}); suffix K, M or G, plain numbers"
                + " are MiB", "32M", Long.class, new MemorySize(), v -> memory = v);
        model.option("--debugcon", "stdio|none|FILE", "where bytes written to port 0xE9 go (default: ${DEFAULT-VALUE})",
                "stdio", v -> debugcon = v);
        model.option("--serial", "stdio|none|FILE", "where COM1 (0x3F8) output goes (default: ${DEFAULT-VALUE})",
                "stdio", v -> serial = v);
        model.option("--append", "CMDLINE", "the kernel command line in the Multiboot information", "",
                v -> append = v);
        model.repeatable("--module", "FILE[ ARGS]", false, modules, "a Multiboot module (repeatable, like QEMU's"
                + " -initrd); text after the file name is its command line");
        model.option("--max-instructions", "N", "stop after N instructions (exit status 4)", null, Long.class,
                new PositiveCount(), v -> maxInstructions = v);
        model.option("--max-time", "SECONDS", "stop after SECONDS of virtual time, halted time included (default:"
                + " ${DEFAULT-VALUE}; 100M instructions make a second; none for no limit; exit status 4)",
                DEFAULT_MAX_TIME, Long.class, new VirtualSeconds(), v -> maxTimeSlots = v);
        model.option("--until", "TEXT", "end the run (exit status 0) at the instruction after which TEXT has appeared"
                + " on COM1, the debug console or the text screen", v -> until = v);
        model.repeatable("--trace", "io|int|pf|post", true, trace, "one line per port access (io), interrupt or"
                + " exception (int), page fault (pf), POST code written to port 0x80 or 0x190 (post), on stderr;"
                + " repeatable or comma-separated");
        model.option("--cpu", "jit|interp", "jit compiles hot blocks to JVM bytecode; interp interprets every"
                + " instruction (default: ${DEFAULT-VALUE})", "jit", v -> cpu = v);
        model.option("--jit-threshold", "N", "entries into a block before it is compiled; 0 compiles on first sight"
                + " (default: ${DEFAULT-VALUE})", "" + MachineConfig.DEFAULT_JIT_THRESHOLD, Integer.class, null,
                v -> jitThreshold = v);
        model.option("--jit-cache", "SIZE", "compiled code kept before every block is dropped and compiled again when"
                + " hot, 64K..1G (default: ${DEFAULT-VALUE})", "64M", Long.class, new MemorySize.CodeCacheSize(),
                v -> jitCache = v);
        model.flag("--jit-check", "for developing the JIT: run each compiled block on the interpreter too and stop at"
                + " the first difference (exit status 14); much slower", v -> jitCheck = v);
    }

    /** Loads the image named on the command line, or a bundled guest kernel when none is. */
    void load(Machine machine) throws IOException, ImageFormatException, UsageException {
        if (bios != null) {
            if (image != null || !modules.isEmpty() || !append.isEmpty() || symbols != null) {
                throw new UsageException("--bios boots a ROM alone: it takes no IMAGE, --module, --append or --symbols");
            }
            machine.bootRom(bios);
            return;
        }
        if (image == null) {
            GuestKernel kernel = guest == null ? GuestKernel.MP4 : GuestKernel.named(guest);
            machine.boot(kernel.bootName, kernel.elf());
        } else {
            machine.boot(image);
        }
        if (symbols != null) {
            machine.useSymbols(symbols);
        }
    }

    /**
     * What boots a silent copy of {@code machine} (built and loaded from these options), for the
     * debugger's replays of the run; a file that can no longer be read is an error of the replay.
     */
    Supplier<Machine> replica(Machine machine) {
        return () -> {
            Machine copy = new Machine(machine.config().silentReplica());
            try {
                load(copy);
            } catch (IOException | ImageFormatException | UsageException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
            return copy;
        };
    }

    /**
     * Builds the machine these options describe, with no image loaded yet. {@code tlbHitsRead}:
     * whether anything will read the MMU's TLB hits (MachineConfig#countTlbHits).
     */
    Machine create(GuestOutputs outputs, PrintWriter err, boolean tlbHitsRead) throws UsageException, IOException {
        if (guest != null && image != null) {
            throw new UsageException("--guest boots a bundled kernel: give --guest or an IMAGE, not both");
        }
        if (guest != null && GuestKernel.named(guest) == null) {
            throw new UsageException("--guest: no bundled guest kernel is called '" + guest + "' (there are "
                    + GuestKernel.names() + ")");
        }
        MachineConfig config = new MachineConfig();
        config.memoryBytes = memory;
        config.commandLine = append;
        config.maxInstructions = maxInstructions <= 0 ? Long.MAX_VALUE : maxInstructions;
        config.maxTimeSlots = maxTimeSlots;
        config.traceOut = err;
        if (until != null && until.isEmpty()) {
            throw new UsageException("--until: the text must not be empty");
        }
        config.untilText = until;
        config.cpuTier = parseTier(cpu);
        if (jitCheck && config.cpuTier != MachineConfig.CpuTier.JIT) {
            throw new UsageException("--jit-check checks the bytecode tier: it cannot be used with --cpu interp");
        }
        config.jitCheck = jitCheck;
        if (jitThreshold < 0) {
            throw new UsageException("--jit-threshold: " + jitThreshold + " must be 0 or more");
        }
        config.jitThreshold = jitThreshold;
        config.jitCacheBytes = jitCache;
        config.countTlbHits = tlbHitsRead;
        config.debugcon = outputs.open("--debugcon", debugcon);
        config.serial = outputs.open("--serial", serial);
        for (String t : trace) {
            config.trace.add(parseTrace(t));
        }
        for (String m : modules) {
            config.modules.add(MachineConfig.Module.parse(m, Path.of("")));
        }
        return new Machine(config);
    }

    private static MachineConfig.CpuTier parseTier(String name) throws UsageException {
        switch (name.trim().toLowerCase()) {
            case "jit": return MachineConfig.CpuTier.JIT;
            case "interp": return MachineConfig.CpuTier.INTERP;
            default: throw new UsageException("--cpu: unknown tier '" + name + "' (expected jit or interp)");
        }
    }

    private static MachineConfig.Trace parseTrace(String name) throws UsageException {
        switch (name.trim().toLowerCase()) {
            case "io": return MachineConfig.Trace.IO;
            case "int": return MachineConfig.Trace.INT;
            case "pf": return MachineConfig.Trace.PF;
            case "post": return MachineConfig.Trace.POST;
            default: throw new UsageException("--trace: unknown event class '" + name + "' (expected io, int, pf or post)");
        }
    }
}
