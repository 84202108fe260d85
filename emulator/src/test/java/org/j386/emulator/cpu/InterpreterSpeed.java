package org.j386.emulator.cpu;

/**
 * Throwaway timing of the interpreter on a register-only ALU loop and a memory loop (not a
 * test; run its main by hand). Prints millions of instructions per second.
 */
public final class InterpreterSpeed {
    private static int rounds;

    private InterpreterSpeed() {
    }

    public static void main(String[] args) {
        String which = args.length > 0 ? args[0] : "all";
        rounds = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        if (which.equals("nop") || which.equals("all")) {
            measure("nop loop", "90 90 90 90 90 90 eb f8");
        }
        if (which.equals("alu") || which.equals("all")) {
            // loop: add eax,ebx; xor edx,eax; dec ecx; jnz loop
            measure("alu loop", "b9 ff ff ff 7f  01 d8  31 c2  49  75 f9");
        }
        if (which.equals("bench") || which.equals("all")) {
            // The loop of the bench_alu kernel (add, xor, rol, add imm, mov, shr, sub, cmp, adc, dec, jnz).
            measure("bench_alu loop", "bb ff ff ff 7f  01 c7  31 fd  c1 c5 07  05 f5 79 2b 6d  89 ee  c1 ee 03"
                    + "  29 f7  39 ef  83 d5 00  4b  75 e5");
        }
        if (which.startsWith("hex:")) {
            measure(which, which.substring(4));
        }
        if (which.equals("mem") || which.equals("all")) {
            // loop: mov eax,[esi]; add [esi+4],eax; inc dword [esi+8]; cmp ecx,edi; dec ecx; jnz loop
            measure("memory loop", "b9 ff ff ff 7f  be 00 00 02 00  8b 06  01 46 04  ff 46 08  39 f9  49  75 f2");
        }
    }

    /** Thread CPU time, so that other processes on the machine do not count against us. */
    private static long cpuTime() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    private static void measure(String name, String code) {
        TestMachine m = new TestMachine().code(code);
        long budget = 20_000_000;
        for (int round = 0; round < rounds; round++) {
            long before = m.s.instructions;
            long t0 = cpuTime();
            // In slices, as the machine runs the CPU between device events.
            for (long done = 0; done < budget; done += 100_000) {
                m.cpu.run(100_000);
            }
            long t1 = cpuTime();
            double mips = (m.s.instructions - before) / ((t1 - t0) / 1e3);
            System.out.printf("%s round %d: %.1f MIPS (thread CPU time)%n", name, round, mips);
        }
    }
}
