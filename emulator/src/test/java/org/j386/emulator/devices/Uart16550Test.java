package org.j386.emulator.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class Uart16550Test {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final List<Boolean> irqEdges = new ArrayList<>();
    private final Uart16550 uart = new Uart16550(0x3F8, out, irqEdges::add);

    @Test
    void bytesWrittenToThrAppearOnTheOutput() {
        for (byte b : "hi\n".getBytes(StandardCharsets.US_ASCII)) {
            uart.out(0x3F8, 1, b);
        }
        assertEquals("hi\n", out.toString(StandardCharsets.US_ASCII));
    }

    @Test
    void lineStatusAlwaysReportsTransmitterEmptyAndNoReceivedData() {
        uart.out(0x3F8, 1, 'a');
        assertEquals(0x60, uart.in(0x3FD, 1));
    }

    @Test
    void dlabSwitchesTheFirstTwoPortsToTheDivisorLatch() {
        uart.out(0x3F9, 1, 0x00);
        uart.out(0x3FB, 1, 0x80);
        uart.out(0x3F8, 1, 0x03);
        uart.out(0x3F9, 1, 0x00);
        uart.out(0x3FB, 1, 0x03);
        assertEquals(3, uart.divisor());
        assertEquals(0, out.size(), "divisor writes are not transmitted");
        assertEquals(0x03, uart.in(0x3FB, 1));
        uart.out(0x3FB, 1, 0x83);
        assertEquals(0x03, uart.in(0x3F8, 1));
        assertEquals(0x00, uart.in(0x3F9, 1));
    }

    @Test
    void registersReadBackWhatWasWritten() {
        uart.out(0x3F9, 1, 0x01);
        uart.out(0x3FC, 1, 0x0B);
        uart.out(0x3FF, 1, 0x5A);
        assertEquals(0x01, uart.in(0x3F9, 1));
        assertEquals(0x0B, uart.in(0x3FC, 1));
        assertEquals(0x5A, uart.in(0x3FF, 1));
    }

    @Test
    void iirShowsNoInterruptAndFifoStateAfterFcr() {
        assertEquals(0x01, uart.in(0x3FA, 1));
        uart.out(0x3FA, 1, 0xC7);
        assertEquals(0xC1, uart.in(0x3FA, 1));
    }

    @Test
    void modemStatusShowsAReadyTerminal() {
        assertEquals(0xB0, uart.in(0x3FE, 1));
    }

    @Test
    void enablingThreInterruptRaisesTheLineOnlyWithOut2() {
        uart.out(0x3F9, 1, 0x02);
        assertTrue(irqEdges.isEmpty());
        uart.out(0x3FC, 1, 0x08);
        assertEquals(List.of(true), irqEdges);
    }

    @Test
    void readingIirAcknowledgesThreAndWritingThrRearmsItWithANewEdge() {
        uart.out(0x3FC, 1, 0x08);
        uart.out(0x3F9, 1, 0x02);
        assertEquals(0x02, uart.in(0x3FA, 1));
        assertEquals(0x01, uart.in(0x3FA, 1));
        uart.out(0x3F8, 1, 'z');
        assertEquals(List.of(true, false, true), irqEdges);
    }

    @Test
    void nullOutputDiscardsBytes() {
        Uart16550 u = new Uart16550(null);
        u.out(0x3F8, 1, 'q');
        assertFalse((u.in(0x3FD, 1) & 1) != 0);
    }
}
