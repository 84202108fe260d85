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

import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The image and machine options shared by {@code j386 boot} and {@code j386 debug}. */
final class MachineOptions {
    @Parameters(index = "0", arity = "0..1", paramLabel = "IMAGE",
            description = "the kernel to boot (default: a bundled guest kernel, see --guest)")
    Path image;

    @Option(names = "--symbols", paramLabel = "FILE",
            description = "name addresses with the symbols of this ELF file (one linked from the same objects as a flat IMAGE)")
    Path symbols;

    @Option(names = "--guest", paramLabel = "mp4|lab2",
            description = "the bundled guest kernel to boot when no IMAGE is given: mp4 (the default: frame pools,"
                    + " recursive page tables with lazy faults, VM pools) or lab2 (xv6-style free-list page allocator"
                    + " and higher-half kernel page tables); both are described in guest-kernel/README.md")
    String guest;

    @Option(names = "-m", paramLabel = "SIZE", defaultValue = "32M", converter = MemorySize.class,
            description = "RAM size, 2M..2047M (default: ${DEFAULT-VALUE}); suffix K, M or G, plain numbers are MiB")
    long memory;

    @Option(names = "--debugcon", paramLabel = "stdio|none|FILE", defaultValue = "stdio",
            description = "where bytes written to port 0xE9 go (default: ${DEFAULT-VALUE})")
    String debugcon;

    @Option(names = "--serial", paramLabel = "stdio|none|FILE", defaultValue = "stdio",
            description = "where COM1 (0x3F8) output goes (default: ${DEFAULT-VALUE})")
    String serial;

    @Option(names = "--append", paramLabel = "CMDLINE", defaultValue = "",
            description = "the kernel command line in the Multiboot information")
    String append;

    @Option(names = "--module", paramLabel = "FILE[ ARGS]",
            description = "a Multiboot module (repeatable, like QEMU's -initrd); text after the file name is its command line")
    List<String> modules = new ArrayList<>();

    @Option(names = "--max-instructions", paramLabel = "N", converter = PositiveCount.class,
            description = "stop after N instructions (exit status 4)")
    long maxInstructions = Long.MAX_VALUE;

    /** The default of --max-time, in virtual seconds: ten minutes (60 billion instruction slots). */
    static final String DEFAULT_MAX_TIME = "600";

    @Option(names = "--max-time", paramLabel = "SECONDS", defaultValue = DEFAULT_MAX_TIME, converter = VirtualSeconds.class,
            description = "stop after SECONDS of virtual time, halted time included (default: ${DEFAULT-VALUE};"
                    + " 100M instructions make a second; none for no limit; exit status 4)")
    long maxTimeSlots;

    @Option(names = "--until", paramLabel = "TEXT",
            description = "end the run (exit status 0) at the instruction after which TEXT has appeared on COM1,"
                    + " the debug console or the text screen")
    String until;

    @Option(names = "--trace", paramLabel = "io|int|pf", split = ",",
            description = "one line per port access (io), interrupt or exception (int), page fault (pf), on stderr; repeatable or comma-separated")
    List<String> trace = new ArrayList<>();

    @Option(names = "--cpu", paramLabel = "jit|interp", defaultValue = "jit",
            description = "jit compiles hot blocks to JVM bytecode; interp interprets every instruction (default: ${DEFAULT-VALUE})")
    String cpu;

    @Option(names = "--jit-threshold", paramLabel = "N", defaultValue = "" + MachineConfig.DEFAULT_JIT_THRESHOLD,
            description = "entries into a block before it is compiled; 0 compiles on first sight (default: ${DEFAULT-VALUE})")
    int jitThreshold;

    @Option(names = "--jit-cache", paramLabel = "SIZE", defaultValue = "64M", converter = MemorySize.CodeCacheSize.class,
            description = "compiled code kept before every block is dropped and compiled again when hot, 64K..1G (default: ${DEFAULT-VALUE})")
    long jitCache;

    @Option(names = "--jit-check",
            description = "for developing the JIT: run each compiled block on the interpreter too and stop at the first difference (exit status 14); much slower")
    boolean jitCheck;

    /** Builds the machine these options describe and loads the image; trace lines go to {@code err}. */
    Machine boot(GuestOutputs outputs, PrintWriter err) throws UsageException, IOException, ImageFormatException {
        Machine machine = create(outputs, err);
        load(machine);
        return machine;
    }

    /** Loads the image named on the command line, or a bundled guest kernel when none is. */
    void load(Machine machine) throws IOException, ImageFormatException {
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
            } catch (IOException | ImageFormatException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
            return copy;
        };
    }

    /** Builds the machine these options describe, with no image loaded yet. */
    Machine create(GuestOutputs outputs, PrintWriter err) throws UsageException, IOException {
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
            default: throw new UsageException("--trace: unknown event class '" + name + "' (expected io, int or pf)");
        }
    }
}
