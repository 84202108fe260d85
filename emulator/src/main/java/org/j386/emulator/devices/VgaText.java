package org.j386.emulator.devices;

import org.j386.emulator.memory.PhysicalMemory;

/**
 * The colour text mode of a VGA: an 80×25 screen of character/attribute pairs in guest memory
 * at physical 0xB8000, the CRT controller's index/data ports at 0x3D4/0x3D5 and input status
 * register 1 at 0x3DA. The screen is read from memory only when {@link #screenText()} asks, so
 * the guest's writes cost nothing extra.
 *
 * <p>All 25 CRTC registers hold what is written (their mode 3 values at reset); the model gives
 * meaning to cursor start/end (0x0A/0x0B, bit 5 of 0x0A hides the cursor), start address
 * (0x0C/0x0D) and cursor location (0x0E/0x0F). Input status register 1 flips its vertical
 * retrace and display-enable bits on every read, so both "wait for retrace" and "wait for the
 * end of retrace" loops finish.
 */
public final class VgaText extends BytePorts {
    /** A cursor position on the screen; row or column may lie off screen if the guest put it there. */
    public record Cursor(int row, int column, boolean visible) {
    }

    public static final int COLUMNS = 80;
    public static final int ROWS = 25;
    public static final int TEXT_BASE = 0xB8000;
    /** The text window is 32 KiB; start addresses wrap inside it. */
    private static final int WINDOW_MASK = 0x7FFF;
    public static final int CRTC_INDEX = 0x3D4;
    public static final int CRTC_DATA = 0x3D5;
    public static final int INPUT_STATUS_1 = 0x3DA;

    private static final int CURSOR_START = 0x0A;
    private static final int CURSOR_DISABLE = 0x20;
    private static final int START_HIGH = 0x0C;
    private static final int START_LOW = 0x0D;
    private static final int CURSOR_HIGH = 0x0E;
    private static final int CURSOR_LOW = 0x0F;
    private static final int RETRACE_BITS = 0x09;

    /** The CRTC as the BIOS programs it for mode 3 (80×25, 9×16 cells, cursor on lines 13–14). */
    private static final int[] MODE3_CRTC = {
        0x5F, 0x4F, 0x50, 0x82, 0x55, 0x81, 0xBF, 0x1F, 0x00, 0x4F, 0x0D, 0x0E, 0x00,
        0x00, 0x00, 0x00, 0x9C, 0x8E, 0x8F, 0x28, 0x1F, 0x96, 0xB9, 0xA3, 0xFF
    };

    /**
     * Code page 437 as the VGA ROM font draws it. 0x00 and 0xFF are blank cells; 0x01-0x1F and
     * 0x7F are the glyphs the font has there, not control characters.
     */
    private static final String CP437_LOW = ""
            + "\u263A\u263B\u2665\u2666\u2663\u2660\u2022\u25D8\u25CB\u25D9\u2642\u2640\u266A\u266B\u263C"
            + "\u25BA\u25C4\u2195\u203C\u00B6\u00A7\u25AC\u21A8\u2191\u2193\u2192\u2190\u221F\u2194\u25B2\u25BC";
    private static final String CP437_HIGH = ""
            + "\u00C7\u00FC\u00E9\u00E2\u00E4\u00E0\u00E5\u00E7\u00EA\u00EB\u00E8\u00EF\u00EE\u00EC\u00C4\u00C5"
            + "\u00C9\u00E6\u00C6\u00F4\u00F6\u00F2\u00FB\u00F9\u00FF\u00D6\u00DC\u00A2\u00A3\u00A5\u20A7\u0192"
            + "\u00E1\u00ED\u00F3\u00FA\u00F1\u00D1\u00AA\u00BA\u00BF\u2310\u00AC\u00BD\u00BC\u00A1\u00AB\u00BB"
            + "\u2591\u2592\u2593\u2502\u2524\u2561\u2562\u2556\u2555\u2563\u2551\u2557\u255D\u255C\u255B\u2510"
            + "\u2514\u2534\u252C\u251C\u2500\u253C\u255E\u255F\u255A\u2554\u2569\u2566\u2560\u2550\u256C\u2567"
            + "\u2568\u2564\u2565\u2559\u2558\u2552\u2553\u256B\u256A\u2518\u250C\u2588\u2584\u258C\u2590\u2580"
            + "\u03B1\u00DF\u0393\u03C0\u03A3\u03C3\u00B5\u03C4\u03A6\u0398\u03A9\u03B4\u221E\u03C6\u03B5\u2229"
            + "\u2261\u00B1\u2265\u2264\u2320\u2321\u00F7\u2248\u00B0\u2219\u00B7\u221A\u207F\u00B2\u25A0\u0020";

    private final PhysicalMemory memory;
    private final int[] crtc = MODE3_CRTC.clone();
    private int crtcIndex;
    private int inputStatus;

    public VgaText(PhysicalMemory memory) {
        this.memory = memory;
    }

    @Override
    protected int inByte(int port) {
        switch (port) {
            case CRTC_INDEX:
                return crtcIndex;
            case CRTC_DATA:
                return crtcIndex < crtc.length ? crtc[crtcIndex] : 0xFF;
            case INPUT_STATUS_1:
                inputStatus ^= RETRACE_BITS;
                return inputStatus;
            default:
                return 0xFF;
        }
    }

    @Override
    protected void outByte(int port, int value) {
        if (port == CRTC_INDEX) {
            crtcIndex = value & 0x1F;
        } else if (port == CRTC_DATA && crtcIndex < crtc.length) {
            crtc[crtcIndex] = value;
        }
    }

    /** The first character cell shown, in cells from 0xB8000. */
    private int startAddress() {
        return crtc[START_HIGH] << 8 | crtc[START_LOW];
    }

    /** The character and attribute of a cell, counted from the top left of the display. */
    public int cell(int row, int column) {
        int offset = ((startAddress() + row * COLUMNS + column) * 2) & WINDOW_MASK;
        return memory.read16(TEXT_BASE + offset);
    }

    /** The 25 lines as Unicode, each without trailing blanks, joined by newlines. */
    public String screenText() {
        StringBuilder text = new StringBuilder(ROWS * (COLUMNS + 1));
        for (int row = 0; row < ROWS; row++) {
            int lineStart = text.length();
            for (int column = 0; column < COLUMNS; column++) {
                text.append(toUnicode(cell(row, column) & 0xFF));
            }
            int end = text.length();
            while (end > lineStart && text.charAt(end - 1) == ' ') {
                end--;
            }
            text.setLength(end);
            if (row < ROWS - 1) {
                text.append('\n');
            }
        }
        return text.toString();
    }

    /** Where the cursor is, relative to the displayed start address. */
    public Cursor cursor() {
        int position = (crtc[CURSOR_HIGH] << 8 | crtc[CURSOR_LOW]) - startAddress();
        boolean visible = (crtc[CURSOR_START] & CURSOR_DISABLE) == 0;
        return new Cursor(Math.floorDiv(position, COLUMNS), Math.floorMod(position, COLUMNS), visible);
    }

    /** A CP437 byte as the character the VGA font shows for it. */
    public static char toUnicode(int b) {
        if (b == 0) {
            return ' ';
        }
        if (b < 0x20) {
            return CP437_LOW.charAt(b - 1);
        }
        if (b < 0x7F) {
            return (char) b;
        }
        return b == 0x7F ? '\u2302' : CP437_HIGH.charAt(b - 0x80);
    }

    /** Takes {@code other}'s state: one machine's copied into another of the same configuration. */
    void copyStateFrom(VgaText other) {
        System.arraycopy(other.crtc, 0, crtc, 0, crtc.length);
        crtcIndex = other.crtcIndex;
        inputStatus = other.inputStatus;
    }
}
