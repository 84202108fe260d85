package org.j386.emulator.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SvgTest {
    @Test
    void sizesUseTheLargestUnitThatStaysExactOrShort() {
        assertEquals("4 KiB", Svg.bytes(4096));
        assertEquals("16 MiB", Svg.bytes(16 << 20));
        assertEquals("2047 MiB", Svg.bytes(2047L << 20));
        assertEquals("15.9 MiB", Svg.bytes(4064 * 4096.0));
        assertEquals("4 GiB", Svg.bytes(1L << 32));
    }

    @Test
    void numbersOnThePageAreShortAndReadable() {
        assertEquals("0x0000abcd", Svg.hex(0xABCD));
        assertEquals("0xffffffff", Svg.hex(0xFFFFFFFFL));
        assertEquals("12.5", Svg.n(12.46));
        assertEquals("-3", Svg.n(-3.01));
        assertEquals("3.4M", Svg.count(3_400_000));
        assertEquals("2nd", Svg.ordinal(2));
        assertEquals("64th", Svg.ordinal(64));
        assertEquals("1 frame", Svg.plural(1, "frame"));
        assertEquals("&lt;a href=&quot;x&quot;&gt; &amp;", Svg.esc("<a href=\"x\"> &"));
    }
}
