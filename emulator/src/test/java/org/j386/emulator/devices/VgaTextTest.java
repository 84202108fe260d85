package org.j386.emulator.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.j386.emulator.memory.PhysicalMemory;
import org.j386.emulator.memory.PortBus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class VgaTextTest {
    private final PhysicalMemory memory = new PhysicalMemory(1 << 20);
    private final VgaText vga = new VgaText(memory);
    private final PortBus bus = new PortBus();

    @BeforeEach
    void setUp() {
        bus.register(0x3D4, 2, vga);
        bus.register(0x3DA, 1, vga);
    }

    private void put(int row, int column, String s) {
        for (int i = 0; i < s.length(); i++) {
            memory.write16(0xB8000 + (row * 80 + column + i) * 2, 0x0700 | s.charAt(i));
        }
    }

    private String[] lines() {
        return vga.screenText().split("\n", -1);
    }

    @Test
    void screenTextRendersTwentyFiveLinesWithTrailingBlanksTrimmed() {
        put(0, 0, "Hello   ");
        put(24, 78, "ok");
        String[] lines = lines();
        assertEquals(25, lines.length);
        assertEquals("Hello", lines[0]);
        assertEquals("", lines[1]);
        assertEquals(" ".repeat(78) + "ok", lines[24]);
    }

    @Test
    void attributesDoNotShowInTheText() {
        memory.write16(0xB8000, 0x4F41);
        assertEquals("A", lines()[0]);
    }

    @Test
    void zeroBytesShowAsBlanksAndBoxDrawingAsUnicode() {
        memory.write8(0xB8000, 0xC9);
        memory.write8(0xB8002, 0xCD);
        memory.write8(0xB8004, 0xBB);
        memory.write8(0xB8008, 0x01);
        assertEquals("\u2554\u2550\u2557 \u263A", lines()[0]);
    }

    @Test
    void cp437TableCoversEveryByte() {
        assertEquals('\u00C7', VgaText.toUnicode(0x80));
        assertEquals('\u25A0', VgaText.toUnicode(0xFE));
        assertEquals(' ', VgaText.toUnicode(0xFF));
        assertEquals('\u2302', VgaText.toUnicode(0x7F));
        assertEquals('\u25BC', VgaText.toUnicode(0x1F));
    }

    @Test
    void cursorLocationRegistersAreReadableAndWritable() {
        bus.out(0x3D4, 1, 0x0E);
        bus.out(0x3D5, 1, 0x01);
        bus.out(0x3D4, 1, 0x0F);
        bus.out(0x3D5, 1, 0x42);
        assertEquals(0x42, bus.in(0x3D5, 1));
        assertEquals(new VgaText.Cursor(4, 2, true), vga.cursor());
    }

    @Test
    void wordWriteToTheIndexPortSetsIndexAndData() {
        bus.out(0x3D4, 2, 0x200A);
        assertFalse(vga.cursor().visible());
        bus.out(0x3D4, 1, 0x0B);
        assertEquals(0x0E, bus.in(0x3D5, 1), "cursor end keeps its mode 3 value");
    }

    @Test
    void startAddressScrollsTheDisplayedScreen() {
        put(1, 0, "second");
        bus.out(0x3D4, 2, 0x000C);
        bus.out(0x3D4, 2, 0x500D);
        assertEquals("second", lines()[0]);
        assertEquals(new VgaText.Cursor(-1, 0, true), vga.cursor());
    }

    @Test
    void inputStatusTogglesRetraceSoPollingLoopsEnd() {
        int first = bus.in(0x3DA, 1) & 0x08;
        int second = bus.in(0x3DA, 1) & 0x08;
        assertNotEquals(first, second);
    }
}
