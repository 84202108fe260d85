package org.j386.emulator.conform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.j386.emulator.machine.MachineConfig.CpuTier;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every instruction vector recorded on a real x86 CPU (conformance/generator, {@code make vectors})
 * replayed through the interpreter, and through the bytecode tier with each instruction compiled
 * on its own (one class per case): one test per instruction form, failing with the bytes, the
 * initial state and the differing fields of the first few disagreeing cases.
 */
class InstructionVectorsTest {
    private static final int SHOWN = 3;

    @TestFactory
    Stream<DynamicNode> everyFormAgreesWithTheRecordedCpu() {
        VectorMachine machine = new VectorMachine(CpuTier.INTERP);
        return VectorSet.groups().stream().map(group -> DynamicContainer.dynamicContainer(group,
                VectorSet.forms(group).stream().map(form -> DynamicTest.dynamicTest(
                        form.name() + " agrees with the CPU on all " + form.cases().size() + " cases",
                        () -> checkForm(machine, form)))));
    }

    @TestFactory
    Stream<DynamicNode> everyFormAgreesWithTheRecordedCpuWhenCompiled() {
        VectorMachine machine = new VectorMachine(CpuTier.JIT);
        return VectorSet.groups().stream().map(group -> DynamicContainer.dynamicContainer(group,
                VectorSet.forms(group).stream().map(form -> DynamicTest.dynamicTest(
                        form.name() + " compiled agrees with the CPU on all " + form.cases().size() + " cases",
                        () -> checkForm(machine, form)))));
    }

    private static void checkForm(VectorMachine machine, VectorSet.Form form) {
        List<String> failures = new ArrayList<>();
        int failed = 0;
        for (int i = 0; i < form.cases().size(); i++) {
            VectorMachine.Mismatch m = machine.check(InstructionVector.parse(form.cases().get(i)));
            if (m != null) {
                failed++;
                if (failures.size() < SHOWN) {
                    failures.add("case " + i + ":\n" + m.details());
                }
            }
        }
        if (failed > 0) {
            fail(form.name() + " (" + form.text() + "): " + failed + " of " + form.cases().size()
                    + " cases disagree with the CPU\n" + String.join("", failures));
        }
    }

    @TestFactory
    Stream<DynamicTest> everyFormHasAtLeastFiveHundredCasesAndTheIndexCountsThem() {
        return VectorSet.index().stream().map(group -> DynamicTest.dynamicTest(group.name(), () -> {
            int cases = 0;
            for (VectorSet.Form form : VectorSet.forms(group.name())) {
                assertTrue(form.cases().size() >= 500, form.name() + " has only " + form.cases().size() + " cases");
                cases += form.cases().size();
            }
            assertEquals(group.cases(), cases, "index.txt count of " + group.name());
        }));
    }
}
