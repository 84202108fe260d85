package org.j386.emulator.check;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.j386.emulator.machine.Machine;
import org.j386.emulator.machine.MachineConfig;
import org.j386.emulator.machine.RunResult;
import org.j386.emulator.memory.TlbAudit;
import org.j386.guest.GuestKernel;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code make mutants}: every mutant of guest-kernel/mutants, assembled and run, (1) through the
 * kernel's own tests with the state-comparing reference check and the stale-TLB audit beside them,
 * then (2) through the differential scenarios; prints which check killed each and the score, and
 * fails when a mutant survives the Java-side checks (the reference, the audit, the scenarios).
 * Runs only with {@code -Dj386.mutants=true}; {@code -Dj386.mutant=NAME} runs one,
 * {@code -Dj386.mutants.seeds=N} bounds the scenarios per mutant (default 100).
 */
class MutationScoreTest {
    static final int SEEDS = Integer.getInteger("j386.mutants.seeds", 100);
    static final long MAX_INSTRUCTIONS = 1_000_000_000L;

    @TempDir
    Path dir;

    /** What each check made of one mutant; {@code scenario} names the first seed that disagreed, or null. */
    record Outcome(MutantCatalogue.Mutant mutant, boolean guestTests, boolean reference, boolean tlb, String scenario) {
        boolean killedByJava() {
            return reference || tlb || scenario != null;
        }

        String row() {
            List<String> by = new ArrayList<>();
            if (reference) {
                by.add("reference");
            }
            if (tlb) {
                by.add("tlb");
            }
            if (scenario != null) {
                by.add("scenarios (" + scenario + ")");
            }
            return String.format("%-28s %-6s %-9s %-5s %-15s %s", mutant.name(), mark(guestTests), mark(reference), mark(tlb),
                    scenario == null ? "-" : scenario, by.isEmpty() ? "SURVIVED" : String.join(", ", by));
        }

        private static String mark(boolean killed) {
            return killed ? "x" : "-";
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(GuestKernel.class)
    void everyMutantOfTheGuestKernelIsKilledByAJavaSideCheck(GuestKernel kernel) throws Exception {
        assumeTrue(Boolean.getBoolean("j386.mutants"), "make mutants runs this");
        String only = System.getProperty("j386.mutant");
        assertArrayEquals(kernel.elf(), assemble(kernel, null),
                "the sources as they stand must assemble to the bundled image, or the mutants test something else");
        List<Outcome> outcomes = new ArrayList<>();
        long start = System.nanoTime();
        System.out.printf("%n%s: %-23s %-6s %-9s %-5s %-15s %s%n", kernel.guestName, "mutant", "tests", "reference",
                "tlb", "scenario seed", "killed by (Java side)");
        for (MutantCatalogue.Mutant m : MutantCatalogue.of(kernel.guestName)) {
            if (only != null && !only.equals(m.name())) {
                continue;
            }
            byte[] elf = assemble(kernel, m);
            Outcome o = run(kernel, m, elf);
            outcomes.add(o);
            System.out.println(o.row());
        }
        long killed = outcomes.stream().filter(Outcome::killedByJava).count();
        System.out.printf("%s: %d of %d mutants killed by the Java-side checks (%d by the guest's own tests), %d s%n",
                kernel.guestName, killed, outcomes.size(), outcomes.stream().filter(Outcome::guestTests).count(),
                (System.nanoTime() - start) / 1_000_000_000L);
        List<String> survivors = outcomes.stream().filter(o -> !o.killedByJava()).map(o -> o.mutant().name()).toList();
        assertTrue(survivors.isEmpty(), kernel.guestName + ": survived the Java-side checks: " + survivors);
    }

    private byte[] assemble(GuestKernel kernel, MutantCatalogue.Mutant mutant) throws Exception {
        return MutantCatalogue.assemble(kernel, mutant, dir);
    }

    private Outcome run(GuestKernel kernel, MutantCatalogue.Mutant m, byte[] elf) throws Exception {
        MachineConfig config = new MachineConfig();
        config.debugcon = new ByteArrayOutputStream();
        config.maxInstructions = MAX_INSTRUCTIONS;
        Machine machine = new Machine(config);
        // The checker does not stop the run, so the guest's own tests still report what they see.
        ReferenceChecker checker = new ReferenceChecker(() -> machine.cpu().state.instructions, () -> { })
                .compareStateWith(machine.ram(), () -> machine.cpu().state.cr3);
        machine.ports().register(TracePort.PORT, 1, new TracePort(checker));
        List<TlbAudit.StaleUse> stale = new ArrayList<>();
        machine.auditTlb(stale::add);
        machine.boot(kernel.bootName, elf);
        RunResult result = machine.run();
        String scenario = null;
        for (int seed = 1; seed <= SEEDS && scenario == null; seed++) {
            if (DifferentialScenarioTest.disagreement(kernel, elf, seed, dir, true) != null) {
                scenario = "seed " + seed;
            }
        }
        return new Outcome(m, result.exitStatus() != 1, checker.divergence() != null || checker.endedMidOperation(),
                !stale.isEmpty(), scenario);
    }
}
