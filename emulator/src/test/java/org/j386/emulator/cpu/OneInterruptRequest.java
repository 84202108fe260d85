package org.j386.emulator.cpu;

/** An INTR line with at most one request on it, for tests that need an interrupt at a given moment. */
public final class OneInterruptRequest implements InterruptController {
    private final int vector;
    private boolean raised;

    public OneInterruptRequest(int vector, boolean raised) {
        this.vector = vector;
        this.raised = raised;
    }

    public void raise() {
        raised = true;
    }

    @Override
    public boolean pending() {
        return raised;
    }

    @Override
    public int acknowledge() {
        raised = false;
        return vector;
    }
}
