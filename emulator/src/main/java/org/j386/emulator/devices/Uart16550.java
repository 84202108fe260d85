package org.j386.emulator.devices;

import java.io.OutputStream;
import java.util.function.IntConsumer;

/**
 * A 16550A UART (COM1 at 0x3F8–0x3FF on a PC) with only its transmit side connected: a byte
 * written to the transmitter holding register is on the {@link OutputStream} at once, so the
 * transmitter is always empty and the line status always reports THRE and TEMT. Nothing is ever
 * received (LSR bit 0 stays clear); modem status shows a ready terminal (DCD, DSR, CTS).
 *
 * <p>The THRE interrupt is modelled because interrupt-driven drivers wait for it: it is pending
 * while enabled in IER and the holding register is empty, is cleared by reading IIR while it is
 * the reason shown there or by writing THR, and becomes pending again immediately after a write
 * since transmission takes no time. The interrupt line reaches the PIC only while MCR OUT2 is set,
 * as on PC serial cards. Loopback mode is not modelled.
 */
public final class Uart16550 extends BytePorts {
    /** A level-sensitive interrupt line (wire to {@code PicPair.raiseIrq}/{@code lowerIrq}). */
    public interface IrqLine {
        void set(boolean high);
    }

    public static final int COM1 = 0x3F8;
    public static final int PORT_COUNT = 8;
    public static final int COM1_IRQ = 4;

    private static final int LCR_DLAB = 0x80;
    private static final int IER_THRE = 0x02;
    private static final int MCR_OUT2 = 0x08;
    private static final int IIR_NONE = 0x01;
    private static final int IIR_THRE = 0x02;
    private static final int IIR_FIFOS_ENABLED = 0xC0;
    private static final int LSR_THRE = 0x20;
    private static final int LSR_TEMT = 0x40;
    /** DCD, DSR and CTS: a terminal is attached and ready, so flow-controlled drivers send. */
    private static final int MSR_TERMINAL_READY = 0xB0;

    private final int base;
    private final ByteSink sink;
    private final IrqLine irq;
    private int divisor = 12;
    private int ier;
    private int lcr;
    private int mcr;
    private int scr;
    private boolean fifosEnabled;
    private boolean thrEmptyPending;
    private boolean irqLevel;

    /**
     * @param base the first port (0x3F8 for COM1)
     * @param out where transmitted bytes go; null discards them
     * @param irq the card's interrupt line, or null if interrupts are not wired
     */
    public Uart16550(int base, OutputStream out, IrqLine irq) {
        this.base = base;
        this.sink = new ByteSink(out);
        this.irq = irq;
    }

    /** COM1 with no interrupt line. */
    public Uart16550(OutputStream out) {
        this(COM1, out, null);
    }

    /** Shows {@code watcher} every byte written to the channel, before it goes to the output (if any). */
    public void watchOutput(IntConsumer watcher) {
        sink.watch(watcher);
    }

    @Override
    protected int inByte(int port) {
        boolean dlab = (lcr & LCR_DLAB) != 0;
        return switch (port - base) {
            case 0 -> dlab ? divisor & 0xFF : 0;
            case 1 -> dlab ? divisor >>> 8 : ier;
            case 2 -> readIir();
            case 3 -> lcr;
            case 4 -> mcr;
            case 5 -> LSR_THRE | LSR_TEMT;
            case 6 -> MSR_TERMINAL_READY;
            case 7 -> scr;
            default -> 0xFF;
        };
    }

    private int readIir() {
        int fifoBits = fifosEnabled ? IIR_FIFOS_ENABLED : 0;
        if (threPending()) {
            // Reading IIR while THRE is the reported source acknowledges it.
            thrEmptyPending = false;
            updateIrq();
            return fifoBits | IIR_THRE;
        }
        return fifoBits | IIR_NONE;
    }

    @Override
    protected void outByte(int port, int value) {
        boolean dlab = (lcr & LCR_DLAB) != 0;
        switch (port - base) {
            case 0 -> {
                if (dlab) {
                    divisor = divisor & 0xFF00 | value;
                } else {
                    sink.write(value);
                    // Writing THR clears THRE; the byte leaves at once and re-arms it, and the
                    // line's drop and rise give the edge-triggered PIC a new request.
                    thrEmptyPending = false;
                    updateIrq();
                    thrEmptyPending = true;
                }
            }
            case 1 -> {
                if (dlab) {
                    divisor = divisor & 0x00FF | value << 8;
                } else {
                    // Enabling THRE with the holding register empty interrupts at once.
                    if ((value & IER_THRE) != 0 && (ier & IER_THRE) == 0) {
                        thrEmptyPending = true;
                    }
                    ier = value & 0x0F;
                }
            }
            case 2 -> fifosEnabled = (value & 0x01) != 0;
            case 3 -> lcr = value;
            case 4 -> mcr = value & 0x1F;
            case 7 -> scr = value;
            default -> {
                return;
            }
        }
        updateIrq();
    }

    private boolean threPending() {
        return thrEmptyPending && (ier & IER_THRE) != 0;
    }

    private void updateIrq() {
        boolean level = threPending() && (mcr & MCR_OUT2) != 0;
        if (irq != null && level != irqLevel) {
            irq.set(level);
        }
        irqLevel = level;
    }

    /** The programmed baud-rate divisor (115200 / divisor baud). */
    public int divisor() {
        return divisor;
    }

    /** Takes {@code other}'s state: one machine's copied into another of the same configuration. */
    void copyStateFrom(Uart16550 other) {
        divisor = other.divisor;
        ier = other.ier;
        lcr = other.lcr;
        mcr = other.mcr;
        scr = other.scr;
        fifosEnabled = other.fifosEnabled;
        thrEmptyPending = other.thrEmptyPending;
        irqLevel = other.irqLevel;
    }
}
