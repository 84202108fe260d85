package org.j386.emulator.machine;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.j386.emulator.boot.BootModule;
import org.j386.emulator.boot.LoadedKernel;
import org.j386.emulator.boot.MultibootLoader;
import org.j386.emulator.cpu.Cpu;
import org.j386.emulator.cpu.CpuState;
import org.j386.emulator.cpu.Vectors;
import org.j386.emulator.devices.MachineControl;
import org.j386.emulator.devices.PcDevices;
import org.j386.emulator.memory.Mmu;
import org.j386.emulator.memory.PhysicalMemory;
import org.j386.emulator.memory.PortBus;
import org.j386.tools.image.ImageFormatException;

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

    private LoadedKernel kernel;
    private boolean exitRequested;
    private int exitStatus;

    public Machine(MachineConfig config) {
        this.config = config;
        this.ram = new PhysicalMemory((int) config.memoryBytes);
        this.mmu = new Mmu(ram);
        this.cpu = new Cpu(mmu, ports);
        // Any device event (an interrupt request, a reprogrammed timer) ends the current slice, so
        // the loop below recomputes the deadline and the CPU takes the interrupt at the next boundary.
        Runnable attention = () -> {
            cpu.state.attention = true;
            cpu.state.stopRequested = true;
        };
        this.devices = new PcDevices(ports, ram, () -> cpu.state.cycles, attention, this, config.serial, config.debugcon);
        cpu.setInterruptController(devices.pic);
        Firmware.initialiseInterruptControllers(ports);
        Tracing.install(config, cpu, ports);
    }

    public Cpu cpu() {
        return cpu;
    }

    public PhysicalMemory ram() {
        return ram;
    }

    public PcDevices devices() {
        return devices;
    }

    /**
     * Loads a Multiboot kernel (and the configured modules) into RAM and puts the CPU in the state
     * the Multiboot specification promises at the kernel's entry point.
     */
    public LoadedKernel boot(Path image) throws IOException, ImageFormatException {
        List<BootModule> modules = new ArrayList<>();
        for (MachineConfig.Module m : config.modules) {
            modules.add(new BootModule(m.file().toString(), readFile(m.file(), "module"), m.commandLine()));
        }
        kernel = new MultibootLoader(ram).load(image.toString(), readFile(image, "kernel"), config.commandLine, modules);
        MultibootLoader.setEntryState(kernel, cpu.state);
        cpu.setCpl(0);
        cpu.system.syncPaging();
        cpu.flushDecodedCode();
        return kernel;
    }

    /** The kernel booted last, with its symbols; null before {@link #boot}. */
    public LoadedKernel kernel() {
        return kernel;
    }

    private static byte[] readFile(Path file, String role) throws IOException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": no such " + role + " file");
        } catch (AccessDeniedException e) {
            throw new IOException(file + ": permission denied");
        } catch (IOException e) {
            throw new IOException(file + ": cannot read the " + role + " file (" + e.getMessage() + ")");
        } catch (OutOfMemoryError e) {
            throw new IOException(file + ": too large to be a " + role + " file");
        }
    }

    @Override
    public void exit(int status) {
        exitRequested = true;
        exitStatus = status;
        cpu.state.stopRequested = true;
        cpu.state.attention = true;
    }

    /** Runs until the guest exits, halts for good, crashes, or uses up the instruction limit. */
    public RunResult run() {
        CpuState s = cpu.state;
        long start = System.nanoTime();
        RunResult result;
        try {
            result = loop(s, start);
        } catch (RuntimeException | StackOverflowError defect) {
            result = end(Outcome.INTERNAL_ERROR, "internal error: " + defect + " at eip=" + hex(s.eip), start, true);
        }
        return result;
    }

    private RunResult loop(CpuState s, long start) {
        long limit = config.maxInstructions;
        while (true) {
            if (exitRequested) {
                return end(Outcome.DEBUG_EXIT, "the guest exited through the debug-exit port with status " + exitStatus,
                        start, false);
            }
            if (cpu.stop() == Cpu.Stop.TRIPLE_FAULT) {
                return end(Outcome.TRIPLE_FAULT, cpu.stopDetail(), start, true);
            }
            if (cpu.stop() == Cpu.Stop.UNSUPPORTED) {
                return end(Outcome.UNSUPPORTED, cpu.stopDetail(), start, true);
            }
            s.stopRequested = false;
            if (s.instructions >= limit) {
                return end(Outcome.INSTRUCTION_LIMIT, "stopped after " + s.instructions + " instructions (--max-instructions)",
                        start, false);
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
                s.cycles = Math.max(s.cycles, next); // sleep until the next device event
                advanceDevices(s.cycles);
                continue;
            }
            long budget = Math.min(next - s.cycles, limit - s.instructions);
            cpu.run(Math.max(1, budget));
            advanceDevices(s.cycles);
        }
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
        out.printf("virtual time     %.3f s (%d slots at 100M per second)%n", s.cycles / 1e8, s.cycles);
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
    }

    static String hex(int v) {
        return String.format("0x%08x", v);
    }
}
