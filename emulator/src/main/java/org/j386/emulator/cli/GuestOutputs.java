package org.j386.emulator.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** Opens and later flushes/closes the guest's output destinations. */
final class GuestOutputs {
    private final List<OutputStream> opened = new ArrayList<>();
    private final List<OutputStream> all = new ArrayList<>();

    private UnaryOperator<OutputStream> wrap = UnaryOperator.identity();

    /** Puts each output opened from now on behind {@code wrap} (the debugger's output gate). */
    void wrapEach(UnaryOperator<OutputStream> wrap) {
        this.wrap = wrap;
    }

    OutputStream open(String option, String where) throws UsageException {
        if (where.equals("none")) {
            return null;
        }
        OutputStream out;
        if (where.equals("stdio")) {
            out = new LineFlushingStream(System.out);
        } else {
            try {
                out = new LineFlushingStream(Files.newOutputStream(Path.of(where)));
            } catch (IOException | RuntimeException e) {
                throw new UsageException(option + ": cannot write " + where + ": " + IoProblem.describe(e));
            }
            opened.add(out);
        }
        all.add(out);
        return wrap.apply(out);
    }

    void flush() {
        for (OutputStream o : all) {
            try {
                o.flush();
            } catch (IOException ignored) {
                // a closed pipe: nothing more can be delivered
            }
        }
    }

    void close() {
        flush();
        for (OutputStream o : opened) {
            try {
                o.close();
            } catch (IOException ignored) {
                // already reported by flush, if at all
            }
        }
    }
}
