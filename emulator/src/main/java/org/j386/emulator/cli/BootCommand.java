package org.j386.emulator.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.j386.emulator.machine.Machine;
import org.j386.emulator.machine.MachineConfig;
import org.j386.emulator.machine.Outcome;
import org.j386.emulator.machine.RunResult;
import org.j386.tools.image.ImageFormatException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code j386 boot IMAGE}: loads a Multiboot kernel and runs it to the end. */
@Command(name = "boot", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Boot a Multiboot (v1) kernel: an ELF32 i386 executable, or a flat image whose",
            "Multiboot header gives its load addresses. Options are named after QEMU's."},
        footerHeading = "%nExit status:%n",
        footer = {
            "  0    the guest halted with interrupts disabled (or waits for an interrupt that never comes)",
            "  odd  the guest wrote v to port 0xF4: (v << 1) | 1, as with QEMU's isa-debug-exit",
            "  2    bad command line, or an image or file that cannot be used",
            "  4    --max-instructions reached",
            "  6    triple fault (a fault while delivering a double fault)",
            "  8    the guest used something j386 does not emulate (real mode, task switches)",
            "  10   internal error in j386"
        })
final class BootCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "IMAGE", description = "the kernel to boot")
    Path image;

    @Option(names = "-m", paramLabel = "SIZE", defaultValue = "32M", converter = MemorySize.class,
            description = "RAM size, 2M..2047M (default: ${DEFAULT-VALUE}); suffix K, M or G, plain numbers are MiB")
    long memory;

    @Option(names = "--debugcon", paramLabel = "stdio|none|FILE", defaultValue = "none",
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

    @Option(names = "--max-instructions", paramLabel = "N",
            description = "stop after N instructions (exit status 4)")
    long maxInstructions = Long.MAX_VALUE;

    @Option(names = "--vga-dump", paramLabel = "stdout|FILE",
            description = "write the 80x25 text screen at exit")
    String vgaDump;

    @Option(names = "--stats",
            description = "at exit, print instructions, wall time, MIPS, interrupts by vector, page faults and TLB hits/misses to stderr")
    boolean stats;

    @Option(names = "--trace", paramLabel = "io|int|pf", split = ",",
            description = "one line per port access (io), interrupt or exception (int), page fault (pf), on stderr; repeatable or comma-separated")
    List<String> trace = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        GuestOutputs outputs = new GuestOutputs();
        try {
            MachineConfig config = new MachineConfig();
            config.memoryBytes = memory;
            config.commandLine = append;
            config.maxInstructions = maxInstructions <= 0 ? Long.MAX_VALUE : maxInstructions;
            config.debugcon = outputs.open("--debugcon", debugcon);
            config.serial = outputs.open("--serial", serial);
            for (String t : trace) {
                config.trace.add(parseTrace(t));
            }
            for (String m : modules) {
                config.modules.add(MachineConfig.Module.parse(m, Path.of("")));
            }
            Machine machine = new Machine(config);
            machine.boot(image);
            RunResult result = machine.run();
            outputs.flush();
            if (vgaDump != null) {
                writeScreen(machine.devices().vga.screenText());
            }
            if (result.outcome() != Outcome.DEBUG_EXIT && result.outcome() != Outcome.HALTED
                    || !result.diagnostic().isEmpty()) {
                err.print(result.diagnostic().isEmpty() ? "j386: " + result.message() + "\n" : result.diagnostic());
            }
            if (stats) {
                machine.printStats(result, err);
            }
            err.flush();
            return result.exitStatus();
        } catch (ImageFormatException | UsageException e) {
            outputs.flush();
            err.println("j386: error: " + e.getMessage());
            return Outcome.USAGE_OR_IMAGE_ERROR;
        } catch (IOException e) {
            outputs.flush();
            err.println("j386: error: " + e.getMessage());
            return Outcome.USAGE_OR_IMAGE_ERROR;
        } finally {
            outputs.close();
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

    private void writeScreen(String text) throws IOException {
        if (vgaDump.equals("stdout") || vgaDump.equals("stdio")) {
            System.out.print(text);
            System.out.flush();
        } else {
            try {
                Files.writeString(Path.of(vgaDump), text);
            } catch (IOException e) {
                throw new IOException("--vga-dump: cannot write " + vgaDump + ": " + e.getMessage(), e);
            }
        }
    }

    /** A problem with an option value found after parsing. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    /** Opens and later flushes/closes the guest's output destinations. */
    private static final class GuestOutputs {
        private final List<OutputStream> opened = new ArrayList<>();
        private final List<OutputStream> all = new ArrayList<>();

        OutputStream open(String option, String where) throws UsageException {
            if (where.equals("none")) {
                return null;
            }
            OutputStream out;
            if (where.equals("stdio")) {
                out = new LineFlushingStream(System.out);
            } else {
                try {
                    out = new LineFlushingStream(Files.newOutputStream(Path.of(where)));
                } catch (IOException | RuntimeException e) {
                    throw new UsageException(option + ": cannot write " + where + ": " + e.getMessage());
                }
                opened.add(out);
            }
            all.add(out);
            return out;
        }

        void flush() {
            for (OutputStream o : all) {
                try {
                    o.flush();
                } catch (IOException ignored) {
                    // a closed pipe: nothing more can be delivered
                }
            }
        }

        void close() {
            flush();
            for (OutputStream o : opened) {
                try {
                    o.close();
                } catch (IOException ignored) {
                    // already reported by flush, if at all
                }
            }
        }
    }
}
