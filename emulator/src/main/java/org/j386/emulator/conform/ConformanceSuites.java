package org.j386.emulator.conform;

import java.util.List;
import org.j386.emulator.machine.MachineConfig.CpuTier;

/** The conformance suites j386 ships, in the order {@code j386 conform} runs them. */
public final class ConformanceSuites {
    private ConformanceSuites() {
    }

    /** Each suite under the interpreter, then under the bytecode tier compiling everything on first sight. */
    public static List<ConformanceSuite> all() {
        return List.of(new VectorSuite(CpuTier.INTERP), new ProbeSuite(CpuTier.INTERP),
                new VectorSuite(CpuTier.JIT), new ProbeSuite(CpuTier.JIT));
    }

    /** The suffix of a suite's name under {@code tier}: none for the interpreter, the reference. */
    static String suffix(CpuTier tier) {
        return tier == CpuTier.JIT ? "-jit" : "";
    }

    static String tierNote(CpuTier tier) {
        return tier == CpuTier.JIT ? " (bytecode tier: every block compiled on first sight)" : "";
    }
}
