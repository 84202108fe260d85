package org.j386.emulator.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class KeyboardControllerTest {
    private int resets;
    private Boolean a20;
    private final KeyboardController kbc = new KeyboardController(new MachineControl() {
        @Override
        public void exit(int status) {
        }

        @Override
        public void reset() {
            resets++;
        }

        @Override
        public void setA20(boolean enabled) {
            a20 = enabled;
        }
    });

    @Test
    void statusReportsNoDataAndAnEmptyInputBuffer() {
        assertEquals(0, kbc.in(0x64, 1) & 0x03);
    }

    @Test
    void selfTestAnswers55ThroughTheOutputBuffer() {
        kbc.out(0x64, 1, 0xAA);
        assertEquals(0x01, kbc.in(0x64, 1) & 0x01);
        assertEquals(0x55, kbc.in(0x60, 1));
        assertEquals(0x00, kbc.in(0x64, 1) & 0x01);
    }

    @Test
    void commandByteCanBeWrittenAndReadBack() {
        kbc.out(0x64, 1, 0x60);
        kbc.out(0x60, 1, 0x25);
        kbc.out(0x64, 1, 0x20);
        assertEquals(0x25, kbc.in(0x60, 1));
    }

    @Test
    void outputPortWriteSetsTheA20GateFromBit1AndReadsBack() {
        kbc.out(0x64, 1, 0xD1);
        kbc.out(0x60, 1, 0xDD);
        assertEquals(false, a20);
        kbc.out(0x64, 1, 0xD0);
        assertEquals(0xDD, kbc.in(0x60, 1));
        kbc.out(0x64, 1, 0xD1);
        kbc.out(0x60, 1, 0xDF);
        assertEquals(true, a20);
    }

    @Test
    void pulseResetCommandAsksTheMachineToReset() {
        kbc.out(0x64, 1, 0xFE);
        assertEquals(1, resets);
    }

    @Test
    void bytesForTheAbsentKeyboardGetNoAnswer() {
        kbc.out(0x60, 1, 0xFF);
        assertEquals(0, kbc.in(0x64, 1) & 0x01);
    }

    @Test
    void resetHookDoesNothingUnlessTheMachineOverridesIt() {
        KeyboardController plain = new KeyboardController(status -> { });
        plain.out(0x64, 1, 0xFE);
        assertEquals(0, plain.in(0x64, 1) & 0x01);
    }
}
