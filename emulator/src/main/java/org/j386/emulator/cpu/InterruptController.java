package org.j386.emulator.cpu;

/** The INTR line as the CPU sees it: the 8259 pair answers it on a real PC. */
public interface InterruptController {
    /** Whether an unmasked request is waiting for the CPU to acknowledge it. */
    boolean pending();

    /** The interrupt-acknowledge cycle: returns the vector and moves the request in service. */
    int acknowledge();

    /** Nothing is ever pending. */
    InterruptController NONE = new InterruptController() {
        @Override
        public boolean pending() {
            return false;
        }

        @Override
        public int acknowledge() {
            throw new IllegalStateException("no interrupt pending");
        }
    };
}
