package org.j386.emulator.debug.gdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class GdbPacketsTest {
    private final ByteArrayOutputStream sent = new ByteArrayOutputStream();

    private GdbPackets over(String input) {
        return new GdbPackets(new ByteArrayInputStream(input.getBytes(StandardCharsets.ISO_8859_1)), sent);
    }

    private String sent() {
        return sent.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void aPacketWithTheRightChecksumIsAcknowledgedAndDelivered() throws IOException {
        GdbPackets p = over("+$qSupported#37");
        GdbPackets.Event e = p.read();
        assertEquals(GdbPackets.Kind.PACKET, e.kind());
        assertEquals("qSupported", e.payload());
        assertEquals("+", sent());
    }

    @Test
    void aWrongChecksumIsRefusedWithAMinusSoGdbSendsItAgain() throws IOException {
        GdbPackets p = over("$g#00$g#67");
        assertEquals(GdbPackets.Kind.BAD, p.read().kind());
        assertEquals(GdbPackets.Kind.PACKET, p.read().kind());
        assertEquals("-+", sent());
    }

    @Test
    void theInterruptByteArrivesOutsidePackets() throws IOException {
        GdbPackets p = over("\u0003$?#3f");
        assertEquals(GdbPackets.Kind.INTERRUPT, p.read().kind());
        assertEquals("?", p.read().payload());
    }

    @Test
    void aPacketLargerThanThePacketSizeIsReportedNotBuffered() throws IOException {
        String big = "M0,1:" + "0".repeat(GdbPackets.MAX_PACKET + 10);
        int sum = 0;
        for (char c : big.toCharArray()) {
            sum = (sum + c) & 0xFF;
        }
        GdbPackets p = over("$" + big + String.format("#%02x", sum) + "$?#3f");
        assertEquals(GdbPackets.Kind.OVERSIZED, p.read().kind());
        assertEquals("?", p.read().payload(), "the stream stays in step after it");
    }

    @Test
    void aTruncatedStreamEndsCleanly() throws IOException {
        assertEquals(GdbPackets.Kind.END, over("$g#6").read().kind());
        assertEquals(GdbPackets.Kind.END, over("$gggg").read().kind());
        assertEquals(GdbPackets.Kind.END, over("").read().kind());
    }

    @Test
    void repliesCarryTheModulo256Checksum() throws IOException {
        over("").reply("OK");
        assertEquals("$OK#9a", sent());
    }

    @Test
    void binaryDataIsEscapedAndUnescaped() {
        assertEquals("a}\u0003}\u0004}]}\n", GdbPackets.escape("a#$}*"));
        assertArrayEquals("a#$}*".getBytes(StandardCharsets.ISO_8859_1),
                GdbPackets.unescape("a}\u0003}\u0004}]}\n"));
        assertNull(GdbPackets.unescape("abc}"));
    }

    @Test
    void hexRoundTripsAndRejectsOddOrNonHexText() {
        byte[] b = {0, 0x7f, (byte) 0x80, (byte) 0xff};
        assertEquals("007f80ff", GdbPackets.hex(b, 4));
        assertArrayEquals(b, GdbPackets.unhex("007F80ff"));
        assertNull(GdbPackets.unhex("abc"));
        assertNull(GdbPackets.unhex("zz"));
    }
}
