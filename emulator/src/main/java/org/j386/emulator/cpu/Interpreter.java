package org.j386.emulator.cpu;

/** Decodes and executes instructions. (Placeholder until the interpreter lands.) */
final class Interpreter {
    private final Cpu cpu;

    Interpreter(Cpu cpu) {
        this.cpu = cpu;
    }

    void run(long budget) {
        throw new IllegalStateException("interpreter: pending");
    }

    void flushDecodedCode() {
    }
}
