package org.j386.emulator.machine;

import java.io.PrintWriter;

import org.j386.emulator.cpu.Cpu;
import org.j386.emulator.cpu.Vectors;
import org.j386.emulator.devices.PostCode;
import org.j386.emulator.memory.PortBus;

/** {@code --trace io|int|pf|post}: one line per port access, interrupt, page fault or POST code. */
final class Tracing {
    private Tracing() {
    }

    static void install(MachineConfig config, Cpu cpu, PortBus ports, PostCode postCode) {
        PrintWriter out = config.traceOut;
        if (config.trace.contains(MachineConfig.Trace.POST)) {
            postCode.setListener((port, value) -> out.printf("post %02x (port %x) eip=%08x cycle=%d%n", value, port,
                    cpu.state.eip, cpu.state.cycles()));
        }
        if (config.trace.contains(MachineConfig.Trace.IO)) {
            ports.setObserver((port, size, write, value, claimed) -> out.printf("io  %s %04x/%d %0" + (size * 2) + "x%s%n",
                    write ? "out" : "in ", port, size, value, claimed ? "" : " (no device)"));
        }
        boolean ints = config.trace.contains(MachineConfig.Trace.INT);
        boolean pfs = config.trace.contains(MachineConfig.Trace.PF);
        if (!ints && !pfs) {
            return;
        }
        cpu.setEventObserver(new Cpu.EventObserver() {
            @Override
            public void exception(int vector, int errorCode, boolean hasErrorCode, int eip, int cr2) {
                if (vector == Vectors.PF && pfs) {
                    out.printf("pf  cr2=%08x err=%x (%s, %s, %s) eip=%08x cycle=%d%n", cr2, errorCode,
                            (errorCode & 1) != 0 ? "protection" : "not present", (errorCode & 2) != 0 ? "write" : "read",
                            (errorCode & 4) != 0 ? "user" : "supervisor", eip, cpu.state.cycles());
                } else if (ints) {
                    out.printf("int %s%s eip=%08x cycle=%d%n", Vectors.name(vector),
                            hasErrorCode ? String.format(" err=%x", errorCode) : "", eip, cpu.state.cycles());
                }
            }

            @Override
            public void interrupt(int vector, boolean external, int eip) {
                if (ints) {
                    out.printf("int %s 0x%02x eip=%08x cycle=%d%n", external ? "irq" : "soft", vector, eip,
                            cpu.state.cycles());
                }
            }
        });
    }
}
