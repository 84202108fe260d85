package org.j386.emulator.check;

import java.util.function.Consumer;
import org.j386.emulator.memory.PortDevice;
import org.j386.guest.reference.Event;
import org.j386.guest.reference.Op;

/**
 * The guest kernel's event trace port: dword writes form records, a header
 * ({@code op | end << 8 | count << 16}) then {@code count} values; each complete record goes to
 * the listener. Reads answer all-ones, like an absent device.
 *
 * <p>The guest is not trusted: a record whose operation code is unknown, or whose value count is
 * not the one its operation and phase carry ({@link Op#values}), is a guest protocol error. It
 * never reaches the listener; the first {@value #WARNINGS} are reported to {@code warnings}, the
 * rest only counted.
 */
public final class TracePort implements PortDevice {
    /** The port the guest kernel writes its records to (TRACE_PORT in trace.asm). */
    public static final int PORT = 0x504;
    /** Malformed records reported one by one; later ones are counted silently. */
    public static final int WARNINGS = 10;

    private final Consumer<Event> listener;
    private final Consumer<String> warnings;
    private int header;
    private int[] values;
    private int filled = -1;
    private long malformed;

    /** A port whose malformed records are dropped without a word (for tests of well-formed guests). */
    public TracePort(Consumer<Event> listener) {
        this(listener, problem -> { });
    }

    /** {@code warnings} receives one line per malformed record, for the first {@value #WARNINGS}. */
    public TracePort(Consumer<Event> listener, Consumer<String> warnings) {
        this.listener = listener;
        this.warnings = warnings;
    }

    @Override
    public int in(int port, int size) {
        return size == 4 ? -1 : (1 << size * 8) - 1;
    }

    @Override
    public void out(int port, int size, int value) {
        if (size != 4) {
            return;
        }
        if (filled < 0) {
            header = value;
            values = new int[Event.valueCount(value)];
            filled = 0;
        } else {
            values[filled++] = value;
        }
        if (filled == values.length) {
            filled = -1;
            String problem = problem(header);
            if (problem == null) {
                listener.accept(Event.fromHeader(header, values));
            } else if (++malformed <= WARNINGS) {
                warnings.accept(String.format("trace port 0x%x: malformed record ignored (header 0x%08x): %s%s", PORT,
                        header, problem, malformed == WARNINGS ? "; further malformed records are ignored silently" : ""));
            }
        }
    }

    /** What is wrong with a record of this header, or null if nothing. */
    static String problem(int header) {
        Op op = Op.find(header & 0xFF);
        if (op == null) {
            return "no operation has code " + (header & 0xFF);
        }
        boolean end = (header & 0x100) != 0;
        int count = Event.valueCount(header);
        if (count != op.values(end)) {
            return op + (end ? " end" : " begin") + " carries " + op.values(end) + " value"
                    + (op.values(end) == 1 ? "" : "s") + ", not " + count;
        }
        if ((header & 0xFF00FE00) != 0) {
            return "the header's bits 9-15 and 24-31 must be zero";
        }
        return null;
    }

    /** Records refused as malformed so far. */
    public long malformed() {
        return malformed;
    }
}
