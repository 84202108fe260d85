package org.j386.emulator.check;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.j386.guest.reference.Event;

/** {@code --trace-events}: one JSON object per guest record, with the instruction count. */
public final class EventLog implements Consumer<Event> {
    private final Writer out;
    private final LongSupplier instructions;

    public EventLog(Writer out, LongSupplier instructions) {
        this.out = out;
        this.instructions = instructions;
    }

    @Override
    public void accept(Event e) {
        String json = e.toJson();
        try {
            out.write("{\"instructions\":" + instructions.getAsLong() + "," + json.substring(1) + "\n");
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
    }
}
