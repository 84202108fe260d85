package org.j386.emulator.machine;

import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.j386.emulator.boot.BootModule;
import org.j386.emulator.boot.LoadedKernel;
import org.j386.emulator.boot.MultibootLoader;
import org.j386.emulator.cpu.CompiledBlock;
import org.j386.emulator.cpu.Cpu;
import org.j386.emulator.cpu.CpuState;
import org.j386.emulator.cpu.JitStatistics;
import org.j386.emulator.cpu.ResetState;
import org.j386.emulator.cpu.Vectors;
import org.j386.emulator.devices.MachineControl;
import org.j386.emulator.devices.PcDevices;
import org.j386.emulator.devices.VirtualTime;
import org.j386.emulator.jit.BlockListing;
import org.j386.emulator.jit.BlockTranslator;
import org.j386.emulator.memory.Mmu;
import org.j386.emulator.memory.PhysicalMemory;
import org.j386.emulator.memory.PortBus;
import org.j386.emulator.memory.TlbAudit;
import org.j386.tools.disasm.ByteSource;
import org.j386.tools.disasm.SymbolLookup;
import org.j386.tools.image.Elf32File;
import org.j386.tools.image.ImageFormatException;
import org.j386.tools.image.SymbolTable;

/**
 * The PC: CPU, memory and devices wired together, and the loop that runs them on one virtual
 * clock. Time is counted in instruction slots ({@link CpuState#cycles}); the CPU runs until the
 * next device event is due, the devices act, and while the CPU is halted the clock jumps straight
 * to the next event, so a guest waiting for the timer costs no host time and every run of the same
 * image prints the same output.
 */
public final class Machine implements MachineControl {
    private final MachineConfig config;
    private final PhysicalMemory ram;
    private final Mmu mmu;
    private final PortBus ports = new PortBus();
    private final Cpu cpu;
    private final PcDevices devices;

    /** In a pausable run, the longest stretch between two looks at {@link #pauseRequested}. */
    private static final long PAUSE_SLICE = 1 << 20;

    private LoadedKernel kernel;
    private boolean exitRequested;
    private int exitStatus;
    /** Why a checker stopped the run ({@link #stopForCheck}), or null. */
    private String checkStop;
    private volatile boolean pauseRequested;
    private RunResult ended;
    /** {@code --until}'s watcher; null without that option. */
    private final UntilText until;
    /** The debugger's recording, told at the instruction counts it asks for; null while nobody records. */
    private Checkpoints checkpoints;

    /**
     * Called between two instructions at the counts it names: the debugger takes its snapshots
     * there. A run never steps over such a count, and stopping at one changes nothing the guest
     * sees; the time spent running is reported, so that snapshots can be spaced by their cost.
     */
    public interface Checkpoints {
        /** The instruction count at which {@link #reached} is due next (Long.MAX_VALUE: none). */
        long nextCheckpoint();

        /** The run is at (or past) {@link #nextCheckpoint()}, at an instruction boundary. */
        void reached(Machine machine);

        /** A run of the machine begins ({@code true}) or ends ({@code false}). */
        default void running(boolean running) {
        }
    }

    /** Installs (or with null removes) the checkpoints; see {@link Checkpoints}. */
    public void setCheckpoints(Checkpoints checkpoints) {
        this.checkpoints = checkpoints;
    }

    public Machine(MachineConfig config) {
        this.config = config;
        this.ram = new PhysicalMemory((int) config.memoryBytes);
        this.mmu = new Mmu(ram);
        this.cpu = new Cpu(mmu, ports);
        if (config.cpuTier == MachineConfig.CpuTier.JIT) {
            BlockTranslator translator = new BlockTranslator(cpu.blockRuntime(), config.jitThreshold);
            if (config.jitCheck) {
                translator.keepListings();
                cpu.enableJitCheck(this::describeBlock);
            }
            if (!config.countTlbHits) {
                translator.leaveTlbHitsUncounted();
            }
            cpu.setBlockCompiler(translator, config.jitCacheBytes);
        }
        // Any device event (an interrupt request, a reprogrammed timer) ends the current slice, so
        // the loop below recomputes the deadline and the CPU takes the interrupt at the next boundary.
        Runnable attention = cpu::stopAtNextBoundary;
        this.devices = new PcDevices(ports, ram, cpu.state::cycles, attention, this, config.serial, config.debugcon);
        cpu.setInterruptController(devices.pic);
        Firmware.initialiseInterruptControllers(ports);
        Tracing.install(config, cpu, ports, devices.postCode);
        until = config.untilText == null ? null : new UntilText(config.untilText, devices, ram, attention);
    }

    public Cpu cpu() {
        return cpu;
    }

    public PhysicalMemory ram() {
        return ram;
    }

    /** The I/O port bus, where optional devices (such as the event trace port) can be added. */
    public PortBus ports() {
        return ports;
    }

    public PcDevices devices() {
        return devices;
    }

    /**
     * Installs the stale-translation audit ({@code --check tlb}). The CPU then runs on the
     * interpreter, which knows the EIP of each instruction that writes an entry or uses a stale
     * translation.
     */
    public void auditTlb(TlbAudit.Listener listener) {
        cpu.setBlockCompiler(null, 0);
        cpu.state.trackInstructionEip = true;
        mmu.setAudit(new TlbAudit(ram, () -> cpu.state.instructionEip, () -> cpu.state.instructions, listener));
    }

    /**
     * Becomes {@code other}, a machine of the same configuration booted from the same image: its
     * memory, processor, MMU with the translations it caches, devices and whether it has ended.
     * Output already written stays written; what the guest writes from here on goes to this
     * machine's outputs. The debugger's way back in time: a replica run to an earlier instruction.
     */
    public void copyStateFrom(Machine other) {
        ram.copyContentsFrom(other.ram);
        mmu.copyStateFrom(other.mmu);
        cpu.copyStateFrom(other.cpu);
        devices.copyStateFrom(other.devices);
        exitRequested = other.exitRequested;
        exitStatus = other.exitStatus;
        checkStop = other.checkStop;
        ended = other.ended;
    }

    /** Everything but the RAM, as {@link #restoreState} takes it back; only between two instructions of a run. */
    public MachineState saveState() {
        return new MachineState(this);
    }

    /**
     * Takes back a {@link #saveState}d state of this machine or of one of the same configuration
     * booted from the same image; the RAM is the caller's to put back. Decoded code is dropped.
     */
    public void restoreState(MachineState state) {
        mmu.restore(state.mmu);
        cpu.restore(state.cpu);
        devices.copyStateFrom(state.devices);
        exitRequested = false;
        checkStop = null;
        ended = null;
    }

    /** Names for guest addresses, from the loaded kernel's symbols (none before a kernel is loaded). */
    public SymbolLookup symbols() {
        return kernel == null ? SymbolLookup.NONE : SymbolLookup.of(kernel.symbols());
    }

    public Mmu mmu() {
        return mmu;
    }

    public MachineConfig config() {
        return config;
    }

    /**
     * Loads a Multiboot kernel (and the configured modules) into RAM and puts the CPU in the state
     * the Multiboot specification promises at the kernel's entry point.
     */
    public LoadedKernel boot(Path image) throws IOException, ImageFormatException {
        return boot(image.toString(), readFile(image, "kernel"));
    }

    /** As {@link #boot(Path)}, for an image already in memory (the bundled kernel). */
    public LoadedKernel boot(String name, byte[] image) throws IOException, ImageFormatException {
        List<BootModule> modules = new ArrayList<>();
        for (MachineConfig.Module m : config.modules) {
            modules.add(new BootModule(m.file().toString(), readFile(m.file(), "module"), m.commandLine()));
        }
        kernel = new MultibootLoader(ram).load(name, image, config.commandLine, modules);
        MultibootLoader.setEntryState(kernel, cpu.state, config.memoryBytes);
        cpu.setCpl(0);
        cpu.system.syncPaging();
        cpu.flushDecodedCode();
        return kernel;
    }

    /** QEMU's rule for -bios images, kept so that a ROM that boots here boots there too. */
    static final int ROM_GRANULE = 64 << 10;

    /**
     * Maps a boot ROM ({@code --bios}, QEMU's {@code -bios}) at the top of the address space and
     * below 1 MiB, and puts the CPU in its reset state, so the ROM's code at F000:FFF0 runs first.
     * No kernel is loaded and nothing is set up for it: the ROM owns the machine.
     */
    public void bootRom(Path rom) throws IOException {
        byte[] image = readFile(rom, "ROM");
        if (image.length == 0 || image.length > PhysicalMemory.ROM_MAX || image.length % ROM_GRANULE != 0) {
            throw new IOException(rom + ": a ROM image must be 64, 128, 192 or 256 KiB (a whole number of 64 KiB"
                    + " blocks, as for QEMU's -bios), not " + image.length + " bytes");
        }
        ram.mapRom(image);
        ResetState.apply(cpu);
        cpu.flushDecodedCode();
    }

    /**
     * Names the booted kernel's addresses with the symbols of another file: an ELF linked from the
     * same objects as a flat image, which has none of its own ({@code --symbols}).
     */
    public void useSymbols(Path elf) throws IOException, ImageFormatException {
        if (kernel == null) {
            throw new IllegalStateException("symbols before a kernel was booted");
        }
        SymbolTable table = Elf32File.parse(elf.toString(), readFile(elf, "symbol")).symbolTable();
        if (table.isEmpty()) {
            throw ImageFormatException.of(elf.toString(), "has no symbols (.symtab): link it without -s or strip");
        }
        kernel = kernel.withSymbols(table);
    }

    /** The kernel booted last, with its symbols; null before {@link #boot}. */
    public LoadedKernel kernel() {
        return kernel;
    }

    /**
     * Reads a kernel or module file. Only a regular file no larger than RAM can be one, and both are
     * checked before any byte is read: {@code /dev/zero} or a FIFO is refused at once, not after
     * reading until memory runs out.
     */
    private byte[] readFile(Path file, String role) throws IOException {
        try {
            if (Files.exists(file) && !Files.isRegularFile(file)) {
                throw new IOException(file + ": not a regular file, so not a " + role + " file");
            }
            long size = Files.exists(file) ? Files.size(file) : 0;
            if (size > config.memoryBytes) {
                throw new IOException(file + ": too large to be a " + role + " file (" + size + " bytes, more than the "
                        + (config.memoryBytes >> 20) + " MiB of RAM)");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": no such " + role + " file");
        } catch (AccessDeniedException e) {
            throw new IOException(file + ": permission denied");
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(file + ": ")) {
                throw e;
            }
            throw new IOException(file + ": cannot read the " + role + " file (" + e.getMessage() + ")");
        } catch (OutOfMemoryError e) {
            throw new IOException(file + ": too large to be a " + role + " file");
        }
    }

    @Override
    public void setA20(boolean enabled) {
        if (enabled != mmu.a20Enabled()) {
            mmu.setA20(enabled);
        }
    }

    @Override
    public void exit(int status) {
        exitRequested = true;
        exitStatus = status;
        cpu.stopAtNextBoundary();
    }

    /**
     * Ends the run at the current instruction's end with {@link Outcome#CHECK_STOPPED}: for a checker
     * that found the guest wrong ({@code reason} says how), so that neither a debugger nor the
     * exit status mistakes the stop for the guest's own exit.
     */
    public void stopForCheck(String reason) {
        checkStop = reason;
        cpu.stopAtNextBoundary();
    }

    /** Runs until the guest exits, halts for good, crashes, or uses up the instruction limit. */
    public RunResult run() {
        return run(false, Long.MAX_VALUE);
    }

    /**
     * A debugger's run: like {@link #run()}, but returns null when {@link #requestPause()} was
     * called (from any thread) or when {@code instructions} more instructions have retired. Once
     * the machine has ended, returns the same result again without running. A pause requested
     * while the machine was not running is kept, so this call returns at once: a debugger asking
     * between two runs is never lost.
     */
    public RunResult resume(long instructions) {
        if (ended != null) {
            return ended;
        }
        long now = cpu.state.instructions;
        long stopAt = instructions >= Long.MAX_VALUE - now ? Long.MAX_VALUE : now + instructions;
        RunResult result = run(true, stopAt);
        ended = result;
        return result;
    }

    /**
     * Makes a {@link #resume} return at the next instruction boundary (a breakpoint, Ctrl-C, a
     * debugger attaching). Safe to call from any thread.
     */
    public void requestPause() {
        pauseRequested = true;
        cpu.stopAtNextBoundary();
    }

    /** Withdraws a {@link #requestPause} that no run has taken yet. */
    public void cancelPause() {
        pauseRequested = false;
    }

    /** The result the machine ended with, or null while it can still run. */
    public RunResult endResult() {
        return ended;
    }

    private RunResult run(boolean pausable, long stopAt) {
        CpuState s = cpu.state;
        long start = System.nanoTime();
        RunResult result;
        Checkpoints told = checkpoints;
        if (told != null) {
            told.running(true);
        }
        try {
            result = loop(s, start, pausable, stopAt);
        } catch (RuntimeException | StackOverflowError defect) {
            result = end(Outcome.INTERNAL_ERROR, "internal error: " + defect + " at eip=" + hex(s.eip), start, true);
        } finally {
            if (told != null) {
                told.running(false);
            }
        }
        config.traceOut.flush();
        return result;
    }

    private RunResult loop(CpuState s, long start, boolean pausable, long stopAt) {
        long limit = config.maxInstructions;
        long timeLimit = config.maxTimeSlots;
        while (true) {
            if (checkStop != null) {
                return end(Outcome.CHECK_STOPPED, checkStop, start, false);
            }
            if (exitRequested) {
                return end(Outcome.DEBUG_EXIT, "the guest exited through the debug-exit port with status " + exitStatus,
                        start, false);
            }
            if (until != null && until.reached()) {
                return end(Outcome.UNTIL_TEXT, until.message(s.instructions), start, false);
            }
            if (cpu.stop() == Cpu.Stop.TRIPLE_FAULT) {
                return end(Outcome.TRIPLE_FAULT, cpu.stopDetail(), start, true);
            }
            if (cpu.stop() == Cpu.Stop.UNSUPPORTED) {
                return end(Outcome.UNSUPPORTED, cpu.stopDetail(), start, true);
            }
            if (cpu.stop() == Cpu.Stop.JIT_MISMATCH) {
                return end(Outcome.JIT_MISMATCH, cpu.stopDetail(), start, true);
            }
            if (pausable && pauseRequested) {
                pauseRequested = false;
                return null;
            }
            if (pausable && s.instructions >= stopAt) {
                return null;
            }
            if (checkpoints != null && s.instructions >= checkpoints.nextCheckpoint()) {
                checkpoints.reached(this);
            }
            s.stopRequested = false;
            if (s.instructions >= limit) {
                return end(Outcome.INSTRUCTION_LIMIT, "stopped after " + s.instructions + " instructions (--max-instructions)",
                        start, false);
            }
            if (s.cycles() >= timeLimit) {
                return end(Outcome.TIME_LIMIT, "stopped after " + seconds(timeLimit) + " s of virtual time (--max-time), "
                        + s.instructions + " instructions", start, false);
            }
            long next = nextEvent();
            if (s.halted && !cpu.interruptController().pending()) {
                if (!s.flags.interruptsEnabled()) {
                    return end(Outcome.HALTED, "the guest halted with interrupts disabled at eip=" + hex(s.eip), start, false);
                }
                if (next == Long.MAX_VALUE) {
                    return end(Outcome.HALTED, "the guest waits for an interrupt that no device will raise (eip="
                            + hex(s.eip) + ")", start, false);
                }
                if (devices.nextWakeUp() == Long.MAX_VALUE) {
                    // The guest cannot run to unmask anything, so this halt is as final as one with IF=0.
                    return end(Outcome.HALTED, "the guest waits for an interrupt that no device will raise: the timer's"
                            + " IRQ 0 is masked or blocked at the PIC (eip=" + hex(s.eip) + ")", start, false);
                }
                s.idleUntil(Math.min(next, timeLimit)); // sleep until the next device event
                advanceDevices(s.cycles());
                continue;
            }
            long budget = Math.min(Math.min(next, timeLimit) - s.cycles(), limit - s.instructions);
            if (pausable) {
                budget = Math.min(budget, Math.min(stopAt - s.instructions, PAUSE_SLICE));
            }
            if (checkpoints != null) {
                budget = Math.min(budget, checkpoints.nextCheckpoint() - s.instructions);
            }
            cpu.run(Math.max(1, budget));
            advanceDevices(s.cycles());
        }
    }

    /** Instruction slots as virtual seconds, without a trailing fraction when there is none. */
    static String seconds(long slots) {
        return BigDecimal.valueOf(slots).divide(BigDecimal.valueOf(VirtualTime.SLOTS_PER_SECOND))
                .stripTrailingZeros().toPlainString();
    }

    private long nextEvent() {
        return devices.nextEvent();
    }

    private void advanceDevices(long now) {
        if (devices.nextEvent() <= now) {
            devices.advanceTo(now);
        }
    }

    private RunResult end(Outcome outcome, String message, long start, boolean withDiagnostic) {
        int status = outcome == Outcome.DEBUG_EXIT ? exitStatus : outcome.fixedStatus();
        String diagnostic = withDiagnostic ? diagnostic(message) : "";
        if (outcome == Outcome.JIT_MISMATCH) {
            // The machine is back at the block's entry: the screen above, then both results.
            diagnostic += cpu.jitCheckReport();
        }
        return new RunResult(outcome, status, message, diagnostic, cpu.state.instructions, System.nanoTime() - start);
    }

    /** One screen: what stopped the machine, the registers, control registers and last exceptions. */
    public String diagnostic(String headline) {
        CpuState s = cpu.state;
        StringBuilder b = new StringBuilder();
        b.append("j386: ").append(headline).append('\n');
        for (int i = 0; i < 8; i++) {
            b.append(String.format("%s=%08x%s", CpuState.REGISTER_NAMES[i], s.regs[i], i % 4 == 3 ? "\n" : "  "));
        }
        b.append(String.format("eip=%08x  eflags=%08x  cpl=%d  instructions=%d%n", s.eip, s.flags.get(), s.cpl,
                s.instructions));
        for (int i = 0; i < 6; i++) {
            b.append(String.format("%s=%04x base=%08x limit=%08x%s", CpuState.SEGMENT_NAMES[i], s.segs[i].selector,
                    s.segs[i].base, s.segs[i].limit, i % 2 == 1 ? "\n" : "   "));
        }
        b.append(String.format("cr0=%08x  cr2=%08x  cr3=%08x  cr4=%08x%n", s.cr0, s.cr2, s.cr3, s.cr4));
        b.append(String.format("gdt=%08x/%04x  idt=%08x/%04x  tr=%04x%n", s.gdtBase, s.gdtLimit, s.idtBase, s.idtLimit,
                s.tr.selector));
        b.append("last exceptions: ");
        List<String> recent = cpu.interrupts.recentExceptions();
        b.append(recent.isEmpty() ? "none" : String.join(", ", recent)).append('\n');
        return b.toString();
    }

    /** The {@code --stats} report. */
    public void printStats(RunResult result, PrintWriter out) {
        CpuState s = cpu.state;
        double seconds = result.wallNanos() / 1e9;
        out.printf("instructions     %d%n", s.instructions);
        out.printf("wall time        %.3f s%n", seconds);
        out.printf("MIPS             %.1f%n", seconds > 0 ? s.instructions / seconds / 1e6 : 0.0);
        out.printf("virtual time     %.3f s (%d slots at 100M per second)%n", s.cycles() / 1e8, s.cycles());
        StringBuilder vectors = new StringBuilder();
        for (int v = 0; v < 256; v++) {
            long n = cpu.interrupts.deliveries(v);
            if (n > 0) {
                vectors.append(vectors.length() == 0 ? "" : ", ").append(Vectors.name(v)).append('=').append(n);
            }
        }
        out.printf("interrupts       %s%n", vectors.length() == 0 ? "none" : vectors);
        out.printf("page faults      %d%n", mmu.pageFaults());
        out.printf("TLB hits         %d%n", mmu.tlbHits());
        out.printf("TLB misses       %d%n", mmu.tlbMisses());
        out.printf("POST code        %s%n", postCodeText());
        if (config.cpuTier == MachineConfig.CpuTier.JIT) {
            JitStatistics jit = cpu.jitStatistics();
            out.printf("jit blocks       %d compiled (%d of them again, with their indirect targets), %d bytes of bytecode%n",
                    jit.blocksCompiled(), jit.blocksRetraced(), jit.bytecodeBytes());
            out.printf("jit compile time %.1f ms%n", jit.compileNanos() / 1e6);
            out.printf("jit coverage     %.1f%% of instructions in compiled code, %d block entries%n",
                    s.instructions > 0 ? 100.0 * jit.compiledInstructions() / s.instructions : 0.0, jit.blockEntries());
            out.printf("jit invalidated  %d pages by guest writes, %d by loader or debugger writes; %d cache evictions%n",
                    jit.invalidatedBySelfModification(), jit.invalidatedByFlush(), jit.evictions());
            out.printf("jit chain links  %d made, %d block entries through a link%n", jit.linksMade(), jit.linksFollowed());
            out.printf("jit links cut    %d at CR3 loads, %d at INVLPG, %d at paging or A20 changes,"
                    + " %d at CS or privilege changes%n", jit.linksCutAtCr3Loads(), jit.linksCutAtInvlpg(),
                    jit.linksCutAtPagingChanges(), jit.linksCutAtCsOrPrivilegeChanges());
            if (config.jitCheck) {
                long[] checked = cpu.jitCheckCounts();
                out.printf("jit check        %d block entries compared with the interpreter, %d run unchecked"
                        + " (port I/O, interrupts, INVLPG, system-register loads)%n", checked[0], checked[1]);
            }
        }
    }

    /** The last POST code (port 0x80 or 0x190) as {@code --stats} and the debugger show it. */
    public String postCodeText() {
        var post = devices.postCode;
        return post.written() ? String.format("0x%02x (last written, to port 0x%x)", post.lastCode(), post.lastPort())
                : "none written";
    }

    /** A compiled block's guest code and bytecode, for the JIT check's report. */
    private String describeBlock(CompiledBlock b) {
        int base = cpu.state.segs[CpuState.CS].base;
        ByteSource code = eip -> {
            long physical = mmu.peek((int) (base + eip));
            return physical < 0 || physical >= ram.size() ? -1 : ram.read8((int) physical);
        };
        SymbolLookup names = symbols();
        return BlockListing.describe(b, code, names);
    }

    static String hex(int v) {
        return String.format("0x%08x", v);
    }
}
