package org.j386.emulator.devices;

/**
 * One 8259A programmable interrupt controller: request, in-service and mask registers, the
 * priority resolver and the programming interface. {@link PicPair} cascades two of them.
 *
 * <p>The INT output is latched as on the chip: once a request wins the resolver, INT stays high
 * until the acknowledge cycle even if the request line drops in between, which is exactly how the
 * real part ends up delivering a spurious IR7. Programming writes (a new mask, an EOI,
 * initialisation) re-run the resolver and may drop INT, so a guest that masks a line while
 * interrupts are disabled does not get a spurious interrupt later.
 */
final class Pic8259 {
    /** Where the next data-port write goes during initialisation. */
    private enum Expect { OCW, ICW2, ICW3, ICW4 }

    int irr;
    private int isr;
    private int imr;
    /** Input levels of the IR lines (edge detection and level-triggered mode). */
    private int lines;
    int vectorBase;
    /** ICW3: slave-bearing inputs on a master, the identity on a slave. */
    int icw3;
    boolean singleMode;
    private boolean levelTriggered;
    private boolean autoEoi;
    private boolean rotateOnAutoEoi;
    private boolean specialMask;
    /** The IR line with the lowest priority; the one after it has the highest (7 after reset). */
    private int lowestPriority = 7;
    private boolean readIsr;
    private boolean pollNext;
    private Expect expect = Expect.OCW;
    private boolean icw4Needed;
    boolean intOut;

    Pic8259(int vectorBase, int icw3) {
        this.vectorBase = vectorBase;
        this.icw3 = icw3;
    }

    /** A rising or falling edge on an IR input; in edge mode a falling edge withdraws the request. */
    void setLine(int irq, boolean high) {
        int bit = 1 << irq;
        boolean wasHigh = (lines & bit) != 0;
        if (high) {
            lines |= bit;
            if (!wasHigh || levelTriggered) {
                irr |= bit;
            }
        } else {
            lines &= ~bit;
            irr &= ~bit;
        }
    }

    /** A short pulse: the edge is latched and held until acknowledged, the line is left low. */
    void pulse(int irq) {
        irr |= 1 << irq;
    }

    /**
     * The priority resolver: the highest-priority unmasked request not blocked by an in-service
     * level of equal or higher priority, or -1. {@code extraRequests} carries the cascade input.
     */
    int resolve(int extraRequests) {
        int requests = (irr | extraRequests) & ~imr;
        if (requests == 0) {
            return -1;
        }
        // In special mask mode only unmasked in-service levels inhibit others.
        int blocking = specialMask ? isr & ~imr : isr;
        for (int i = 1; i <= 8; i++) {
            int irq = (lowestPriority + i) & 7;
            int bit = 1 << irq;
            if ((blocking & bit) != 0) {
                return -1;
            }
            if ((requests & bit) != 0) {
                return irq;
            }
        }
        return -1;
    }

    /** The acknowledge of {@code irq}: in service (unless auto-EOI), its edge latch consumed. */
    void accept(int irq) {
        int bit = 1 << irq;
        irr &= ~bit;
        if (levelTriggered && (lines & bit) != 0) {
            irr |= bit;
        }
        if (autoEoi) {
            if (rotateOnAutoEoi) {
                lowestPriority = irq;
            }
        } else {
            isr |= bit;
        }
    }

    /** A command-port write: ICW1 if bit 4 is set, else OCW3 if bit 3 is set, else OCW2. */
    void writeCommand(int value) {
        if ((value & 0x10) != 0) {
            initialise(value);
        } else if ((value & 0x08) != 0) {
            operationControl3(value);
        } else {
            operationControl2(value);
        }
    }

    private void initialise(int icw1) {
        // ICW1 clears the edge-sense latches (a line already high must fall and rise again to
        // request), the mask, priorities and the status-read selection.
        levelTriggered = (icw1 & 0x08) != 0;
        irr = levelTriggered ? lines : 0;
        isr = 0;
        imr = 0;
        lowestPriority = 7;
        specialMask = false;
        readIsr = false;
        pollNext = false;
        intOut = false;
        singleMode = (icw1 & 0x02) != 0;
        icw4Needed = (icw1 & 0x01) != 0;
        if (!icw4Needed) {
            autoEoi = false;
            rotateOnAutoEoi = false;
        }
        expect = Expect.ICW2;
    }

    void writeData(int value) {
        switch (expect) {
            case ICW2 -> {
                vectorBase = value & 0xF8;
                expect = !singleMode ? Expect.ICW3 : icw4Needed ? Expect.ICW4 : Expect.OCW;
            }
            case ICW3 -> {
                icw3 = value;
                expect = icw4Needed ? Expect.ICW4 : Expect.OCW;
            }
            case ICW4 -> {
                // Only 8086 mode exists here; buffered and special fully nested modes change
                // nothing a single-CPU PC can observe, so they are accepted and ignored.
                autoEoi = (value & 0x02) != 0;
                expect = Expect.OCW;
            }
            case OCW -> imr = value;
        }
    }

    private void operationControl2(int value) {
        int level = value & 7;
        switch (value >>> 5) {
            case 0b001 -> endOfInterrupt(highestInService(), false);
            case 0b011 -> endOfInterrupt(level, false);
            case 0b101 -> endOfInterrupt(highestInService(), true);
            case 0b111 -> endOfInterrupt(level, true);
            case 0b100 -> rotateOnAutoEoi = true;
            case 0b000 -> rotateOnAutoEoi = false;
            case 0b110 -> lowestPriority = level;
            default -> { } // 010: no operation
        }
    }

    private void endOfInterrupt(int level, boolean rotate) {
        if (level < 0) {
            return;
        }
        isr &= ~(1 << level);
        if (rotate) {
            lowestPriority = level;
        }
    }

    private int highestInService() {
        for (int i = 1; i <= 8; i++) {
            int irq = (lowestPriority + i) & 7;
            if ((isr & (1 << irq)) != 0) {
                return irq;
            }
        }
        return -1;
    }

    private void operationControl3(int value) {
        if ((value & 0x40) != 0) {
            specialMask = (value & 0x20) != 0;
        }
        if ((value & 0x02) != 0) {
            readIsr = (value & 0x01) != 0;
        }
        pollNext = (value & 0x04) != 0;
    }

    /**
     * A read of the command port (IRR or ISR as OCW3 selected) or the data port (IMR). After a
     * poll command the next read of either port is the poll word instead, and acknowledges.
     */
    int read(boolean dataPort, int extraRequests) {
        if (pollNext) {
            pollNext = false;
            int irq = resolve(extraRequests);
            if (irq < 0) {
                return 0;
            }
            accept(irq);
            intOut = false;
            return 0x80 | irq;
        }
        if (dataPort) {
            return imr;
        }
        return readIsr ? isr : irr | extraRequests;
    }

    /** Takes {@code other}'s state: one machine's copied into another of the same configuration. */
    void copyStateFrom(Pic8259 other) {
        irr = other.irr;
        isr = other.isr;
        imr = other.imr;
        lines = other.lines;
        vectorBase = other.vectorBase;
        icw3 = other.icw3;
        singleMode = other.singleMode;
        levelTriggered = other.levelTriggered;
        autoEoi = other.autoEoi;
        rotateOnAutoEoi = other.rotateOnAutoEoi;
        specialMask = other.specialMask;
        lowestPriority = other.lowestPriority;
        readIsr = other.readIsr;
        pollNext = other.pollNext;
        expect = other.expect;
        icw4Needed = other.icw4Needed;
        intOut = other.intOut;
    }
}
