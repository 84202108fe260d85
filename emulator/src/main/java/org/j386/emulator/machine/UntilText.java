package org.j386.emulator.machine;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.IntConsumer;
import org.j386.emulator.devices.PcDevices;
import org.j386.emulator.devices.VgaText;
import org.j386.emulator.memory.PhysicalMemory;

/**
 * {@code --until TEXT}: watches COM1, the debug console and the text screen, and stops the CPU at
 * the end of the instruction after which TEXT can be read on one of them. The channels are
 * matched separately, so bytes interleaved from two of them never make a match neither shows.
 *
 * <p>Serial and debug-console bytes are seen as the port write happens. The screen is ordinary
 * RAM, so its frames are marked like frames holding code: the first write to one stops the CPU
 * after that instruction, the screen is read, and the frames are marked again. Both are
 * functions of the instruction stream alone, so the run ends at the same instruction every time.
 */
final class UntilText {
    private static final int SCREEN_FIRST_FRAME = VgaText.TEXT_BASE >>> 12;
    /** The 32 KiB text window: 0xB8000-0xBFFFF. */
    private static final int SCREEN_FRAMES = 8;

    private final String text;
    private final PhysicalMemory ram;
    private final VgaText screen;
    private final Runnable stop;
    private boolean screenWritten;
    /** Where the text appeared, or null while it has not. */
    private String seenOn;

    UntilText(String text, PcDevices devices, PhysicalMemory ram, Runnable stop) {
        this.text = text;
        this.ram = ram;
        this.screen = devices.vga;
        this.stop = stop;
        byte[] pattern = text.getBytes(StandardCharsets.UTF_8);
        devices.com1.watchOutput(matcher(pattern, "the serial port"));
        devices.debugConsole.watchOutput(matcher(pattern, "the debug console"));
        ram.addCodeWriteListener(frame -> {
            if (frame - SCREEN_FIRST_FRAME >= 0 && frame - SCREEN_FIRST_FRAME < SCREEN_FRAMES) {
                screenWritten = true;
                stop.run();
            }
        });
        markScreen();
    }

    /** A matcher over one channel: the last bytes written, compared with the pattern at each byte. */
    private IntConsumer matcher(byte[] pattern, String channel) {
        byte[] last = new byte[pattern.length];
        int[] count = {0};
        return b -> {
            if (seenOn != null || pattern.length == 0) {
                return;
            }
            System.arraycopy(last, 1, last, 0, last.length - 1);
            last[last.length - 1] = (byte) b;
            count[0] = Math.min(count[0] + 1, pattern.length);
            if (count[0] == pattern.length && Arrays.equals(last, pattern)) {
                seenOn = channel;
                stop.run();
            }
        };
    }

    private void markScreen() {
        for (int i = 0; i < SCREEN_FRAMES; i++) {
            ram.markCodeFrame(SCREEN_FIRST_FRAME + i);
        }
    }

    /** Whether the text has appeared; reads the screen if the last instructions wrote to it. */
    boolean reached() {
        if (seenOn == null && screenWritten) {
            screenWritten = false;
            if (screen.screenText().contains(text)) {
                seenOn = "the screen";
            } else {
                markScreen();
            }
        }
        return seenOn != null;
    }

    /** The run's last message. */
    String message(long instructions) {
        return "\"" + text + "\" appeared on " + seenOn + " after " + instructions + " instructions (--until)";
    }
}
