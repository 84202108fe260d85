package org.j386.emulator.conform;

/**
 * A set of conformance cases whose expected results come from outside j386 (a real CPU, QEMU).
 * Cases belong to groups (instruction groups, probe kernels), which is how results are tabulated.
 */
public interface ConformanceSuite {
    /** The name users pick the suite by: {@code j386 conform NAME}. */
    String name();

    /** One line saying where the expected results come from. */
    String description();

    /** How many cases {@link #run} reports, for a progress display. */
    long size();

    /** Runs every case and reports each one, in order. */
    void run(Listener listener);

    /** Receives each case's result. */
    interface Listener {
        /**
         * One case ran. {@code label} names it (form and case number, kernel name); {@code failure}
         * is null when j386 agreed, else one line saying how it did not.
         */
        void result(String group, String label, String failure);
    }
}
