package org.j386.emulator.machine;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/** Everything a boot needs besides the image: the options of {@code j386 boot}. */
public final class MachineConfig {
    /** Event classes that {@code --trace} can print. */
    public enum Trace { IO, INT, PF, POST }

    /** Which tier runs guest code: the bytecode tier with the interpreter beside it, or the interpreter alone. */
    public enum CpuTier { JIT, INTERP }

    /**
     * Measured on the bundled guest kernel's default run and page-table test and the bench
     * kernels: much below 500 entries (300 and 250 were tried), translating and the JVM compiling
     * the classes cost a short run more than compiled code gives back; from 500 to 1,000 the
     * page-table test is 2-3% sooner at 500, and the long runs do not notice the difference.
     */
    public static final int DEFAULT_JIT_THRESHOLD = 500;

    public CpuTier cpuTier = CpuTier.JIT;
    /** Entries into a block before it is compiled (0: on first sight). */
    public int jitThreshold = DEFAULT_JIT_THRESHOLD;
    /** Bytes of generated code kept before the cache drops every block. */
    public long jitCacheBytes = 64L << 20;
    /**
     * Runs each compiled block on the interpreter too and stops at the first difference (for
     * developing the bytecode tier; only with {@link CpuTier#JIT}).
     */
    public boolean jitCheck;
    /**
     * Whether the MMU's TLB hits include those of compiled code's inline accesses. Only a machine
     * whose count nothing reads (no --stats, report or debugger) turns it off: with it off, the count
     * is the interpreter's accesses alone, and compiled code's hot loops no longer carry a counter.
     */
    public boolean countTlbHits = true;

    public long memoryBytes = 32L << 20;
    /** Port 0xE9 output, or null to discard. */
    public OutputStream debugcon;
    /** COM1 output, or null to discard. */
    public OutputStream serial;
    public String commandLine = "";
    /** A Multiboot module: the file to load and the command line the kernel sees for it. */
    public record Module(Path file, String commandLine) {
        /** QEMU's -initrd convention: "FILE ARGS" loads FILE and passes the whole string as its command line. */
        public static Module parse(String spec, Path relativeTo) {
            String trimmed = spec.strip();
            int space = trimmed.indexOf(' ');
            String file = space < 0 ? trimmed : trimmed.substring(0, space);
            return new Module(relativeTo.resolve(file), trimmed);
        }
    }

    public final List<Module> modules = new ArrayList<>();
    public long maxInstructions = Long.MAX_VALUE;
    /**
     * The virtual time, in instruction slots ({@code CpuState.cycles()}, 100,000,000 per virtual
     * second), after which the run stops: unlike {@link #maxInstructions} it also counts the time
     * a halted CPU sleeps, so it bounds a guest that idles forever on its timer.
     */
    public long maxTimeSlots = Long.MAX_VALUE;
    /**
     * {@code --until}: the run ends (status 0) after the instruction that made this text readable
     * on COM1, the debug console or the text screen; null for no such end.
     */
    public String untilText;
    public final EnumSet<Trace> trace = EnumSet.noneOf(Trace.class);
    /** Where {@link #trace} lines go; flushed when the run ends. */
    public PrintWriter traceOut = new PrintWriter(System.err);

    /**
     * The same machine for a replay that must not be seen: the same memory, command line, modules
     * and limits, with no output, no tracing and the interpreter (which knows the EIP of each
     * instruction; both tiers run a guest alike).
     */
    public MachineConfig silentReplica() {
        MachineConfig c = new MachineConfig();
        c.cpuTier = CpuTier.INTERP;
        c.memoryBytes = memoryBytes;
        c.commandLine = commandLine;
        c.modules.addAll(modules);
        c.maxInstructions = maxInstructions;
        c.maxTimeSlots = maxTimeSlots;
        c.traceOut = new PrintWriter(java.io.Writer.nullWriter());
        return c;
    }
}
