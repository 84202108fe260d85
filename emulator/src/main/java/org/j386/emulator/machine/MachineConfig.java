package org.j386.emulator.machine;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/** Everything a boot needs besides the image: the options of {@code j386 boot}. */
public final class MachineConfig {
    /** Event classes that {@code --trace} can print. */
    public enum Trace { IO, INT, PF }

    public long memoryBytes = 32L << 20;
    /** Port 0xE9 output, or null to discard. */
    public OutputStream debugcon;
    /** COM1 output, or null to discard. */
    public OutputStream serial;
    public String commandLine = "";
    public final List<Path> modules = new ArrayList<>();
    public long maxInstructions = Long.MAX_VALUE;
    public final EnumSet<Trace> trace = EnumSet.noneOf(Trace.class);
    public PrintStream traceOut = System.err;
}
