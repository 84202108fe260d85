package org.j386.emulator.check;

import java.util.function.Consumer;
import org.j386.emulator.memory.PortDevice;
import org.j386.guest.reference.Event;

/**
 * The guest kernel's event trace port: dword writes form records, a header
 * ({@code op | end << 8 | count << 16}) then {@code count} values; each complete record goes to
 * the listener. Reads answer all-ones, like an absent device.
 */
public final class TracePort implements PortDevice {
    /** The port the guest kernel writes its records to (TRACE_PORT in trace.asm). */
    public static final int PORT = 0x504;

    private final Consumer<Event> listener;
    private int header;
    private int[] values;
    private int filled = -1;

    public TracePort(Consumer<Event> listener) {
        this.listener = listener;
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
            listener.accept(Event.fromHeader(header, values));
        }
    }
}
