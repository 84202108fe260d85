package org.j386.emulator.report;

import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.j386.emulator.cpu.Cpu;
import org.j386.emulator.cpu.CpuState;
import org.j386.emulator.cpu.Vectors;
import org.j386.emulator.machine.Machine;
import org.j386.emulator.machine.Outcome;
import org.j386.emulator.machine.RunResult;
import org.j386.emulator.memory.Mmu;
import org.j386.guest.reference.Event;

/**
 * What the report needs from the past of a run: page faults, deliveries by vector over time, TLB
 * activity over time and the guest kernel's pools. It listens where the machine already reports
 * (the CPU's event observer, the trace port), so a run without a collector does no work for it,
 * and its memory is bounded: faults and pool samples are thinned evenly, timelines have a fixed
 * number of buckets.
 */
public final class ReportCollector {
    static final int FAULT_CAPACITY = 8192;
    static final int POOL_SAMPLES = 256;
    /** Timeline series: one per vector, then the TLB's hits and misses. */
    static final int TLB_HITS = 256, TLB_MISSES = 257;

    private final Cpu cpu;
    private final CpuState state;
    private final Mmu mmu;
    final FaultLog faults = new FaultLog(FAULT_CAPACITY);
    final Timeline timeline = new Timeline(258);
    final PoolHistory pools;
    private long hitsSeen, missesSeen, sampledAt;

    private ReportCollector(Machine machine) {
        this.cpu = machine.cpu();
        this.state = cpu.state;
        this.mmu = machine.mmu();
        this.pools = new PoolHistory(() -> state.instructions, POOL_SAMPLES);
    }

    /** Starts collecting on {@code machine}; chains to the event observer already installed. */
    public static ReportCollector attach(Machine machine) {
        ReportCollector collector = new ReportCollector(machine);
        Cpu cpu = machine.cpu();
        Cpu.EventObserver previous = cpu.eventObserver();
        cpu.setEventObserver(new Cpu.EventObserver() {
            @Override
            public void exception(int vector, int errorCode, boolean hasErrorCode, int eip, int cr2) {
                collector.delivered(vector);
                if (vector == Vectors.PF) {
                    collector.faults.add(collector.state.instructions, cr2, errorCode, eip);
                }
                previous.exception(vector, errorCode, hasErrorCode, eip, cr2);
            }

            @Override
            public void interrupt(int vector, boolean external, int eip) {
                collector.delivered(vector);
                previous.interrupt(vector, external, eip);
            }

            @Override
            public boolean holdException(int vector, int errorCode, boolean hasErrorCode) {
                return previous.holdException(vector, errorCode, hasErrorCode);
            }
        });
        return collector;
    }

    /** Where the guest kernel's event records go (add it to the trace port's listeners). */
    public Consumer<Event> poolRecords() {
        return e -> {
            sampleTlb();
            pools.accept(e);
        };
    }

    private void delivered(int vector) {
        timeline.add(vector & 0xFF, state.instructions, 1);
        sampleTlb();
    }

    /**
     * The TLB counters are read only at deliveries and records (never per access); what they
     * counted since the last reading is spread evenly over the instructions in between.
     */
    void sampleTlb() {
        long hits = mmu.tlbHits(), misses = mmu.tlbMisses(), now = state.instructions;
        timeline.spread(TLB_HITS, sampledAt, now, hits - hitsSeen);
        timeline.spread(TLB_MISSES, sampledAt, now, misses - missesSeen);
        hitsSeen = hits;
        missesSeen = misses;
        sampledAt = now;
    }

    /** The page fault a debugger holds back at this stop ({@code catch exception pf}), or null. */
    FaultLog.Fault heldFault() {
        if (cpu.interrupts.heldVector() != Vectors.PF) {
            return null;
        }
        return new FaultLog.Fault(state.instructions, state.cr2, cpu.interrupts.heldErrorCode(), state.eip, false);
    }

    private static final Pattern TRIPLE_PF = Pattern.compile("triple fault: #PF\\(0x([0-9a-f]+)\\)");

    /** The run ended: a fault that ended it is marked (for a triple fault, the one never delivered is added). */
    void ended(RunResult result) {
        sampleTlb();
        timeline.extendTo(state.instructions);
        if (result == null || result.outcome() != Outcome.TRIPLE_FAULT) {
            return;
        }
        Matcher m = TRIPLE_PF.matcher(result.message());
        FaultLog.Fault unseen = m.find()
                ? new FaultLog.Fault(state.instructions, state.cr2, Integer.parseInt(m.group(1), 16), state.eip, true)
                : null;
        faults.endedAt(state.instructions, unseen);
    }
}
