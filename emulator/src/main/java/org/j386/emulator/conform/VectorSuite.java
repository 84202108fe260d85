package org.j386.emulator.conform;

import org.j386.emulator.machine.MachineConfig.CpuTier;

/** The instruction vectors recorded on a real x86 CPU, one group per vector file. */
public final class VectorSuite implements ConformanceSuite {
    private final CpuTier tier;

    public VectorSuite(CpuTier tier) {
        this.tier = tier;
    }

    @Override
    public String name() {
        return "vectors" + ConformanceSuites.suffix(tier);
    }

    @Override
    public String description() {
        return "single instructions replayed against results recorded on a real x86 CPU" + ConformanceSuites.tierNote(tier);
    }

    @Override
    public long size() {
        return VectorSet.index().stream().mapToLong(VectorSet.Group::cases).sum();
    }

    @Override
    public void run(Listener listener) {
        VectorMachine machine = new VectorMachine(tier);
        for (String group : VectorSet.groups()) {
            for (VectorSet.Form form : VectorSet.forms(group)) {
                for (int i = 0; i < form.cases().size(); i++) {
                    VectorMachine.Mismatch m = machine.check(InstructionVector.parse(form.cases().get(i)));
                    listener.result(group, form.name() + " #" + i, m == null ? null : m.summary());
                }
            }
        }
    }
}
