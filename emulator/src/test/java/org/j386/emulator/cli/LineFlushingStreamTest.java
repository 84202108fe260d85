package org.j386.emulator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

import org.junit.jupiter.api.Test;

class LineFlushingStreamTest {
    @Test
    void guestOutputIsHeldUntilTheLineIsComplete() throws IOException {
        ByteArrayOutputStream terminal = new ByteArrayOutputStream();
        LineFlushingStream out = new LineFlushingStream(terminal);
        out.write('o');
        out.write('k');
        assertEquals("", terminal.toString());
        out.write('\n');
        assertEquals("ok\n", terminal.toString());
        out.write('!');
        out.flush();
        assertEquals("ok\n!", terminal.toString());
    }
}
