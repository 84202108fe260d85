package org.j386.emulator.devices;

/**
 * One counter of the 8254. Rather than decrementing at every input clock edge, the counter keeps
 * the tick at which its current count was loaded and computes its value and OUT level from the
 * tick being asked about, so it costs nothing while the guest does not look at it.
 *
 * <p>Timing follows the data sheet: a count written during tick {@code t} is loaded into the
 * counting element on the next clock edge ({@code t + 1}) without being decremented, so with a
 * count of N, mode 0's OUT rises N + 1 edges after the write, and modes 2 and 3 end a period
 * (OUT rising, which is what interrupts on IRQ0) every N edges after the load. A new count
 * written in modes 2 and 3 while counting takes effect at the end of the current period.
 *
 * <p>Simplified: a falling gate stops the counter and a rising gate restarts it from the
 * programmed count in every mode (modes 0 and 4 should resume instead); in BCD mode the count is
 * converted on the way in and out but counts in binary.
 */
final class PitCounter {
    static final long NEVER = Long.MAX_VALUE;

    private static final int ACCESS_LATCH = 0;
    private static final int ACCESS_LOW = 1;
    private static final int ACCESS_HIGH = 2;

    private int mode;
    private int access = 3;
    private boolean bcd;
    /** The count the guest programmed (1–65536), and the one the current period runs with. */
    private int reload = 65536;
    private int count = 65536;
    private boolean countWritten;
    private boolean running;
    private boolean gate;
    /** The tick at which the counting element was loaded with {@link #count}. */
    private long start;
    /** A mode 2/3 reload waiting for the end of the current period at {@link #reloadAt}. */
    private boolean reloadPending;
    private long reloadAt;
    /** OUT and value while not counting. */
    private boolean idleOut = true;
    private int idleValue;

    private boolean writeHighNext;
    private int lowByteWritten;
    private boolean readHighNext;
    private int latchedBytes;
    private int latchedValue;
    private boolean statusLatched;
    private int latchedStatus;

    PitCounter(boolean gate) {
        this.gate = gate;
    }

    /** A control word addressed to this counter with a non-zero access field. */
    void program(int controlWord) {
        access = (controlWord >>> 4) & 3;
        int m = (controlWord >>> 1) & 7;
        mode = m > 5 ? m - 4 : m;
        bcd = (controlWord & 1) != 0;
        countWritten = false;
        running = false;
        reloadPending = false;
        idleOut = mode != 0;
        writeHighNext = false;
        readHighNext = false;
        latchedBytes = 0;
        statusLatched = false;
    }

    void writeByte(int value, long tick) {
        int raw;
        switch (access) {
            case ACCESS_LOW -> raw = value;
            case ACCESS_HIGH -> raw = value << 8;
            default -> {
                if (!writeHighNext) {
                    lowByteWritten = value;
                    writeHighNext = true;
                    return;
                }
                writeHighNext = false;
                raw = lowByteWritten | value << 8;
            }
        }
        load(bcd ? fromBcd(raw) : raw == 0 ? 65536 : raw, tick);
    }

    private void load(int newCount, long tick) {
        settle(tick);
        reload = newCount;
        boolean periodic = mode == 2 || mode == 3;
        if (periodic && running && tick >= start) {
            reloadPending = true;
            reloadAt = nextPeriodEnd(tick);
            return;
        }
        countWritten = true;
        if (mode == 0) {
            idleOut = false;
        }
        boolean needsTrigger = mode == 1 || mode == 5;
        if (gate && !needsTrigger) {
            begin(tick);
        }
    }

    private void begin(long tick) {
        count = reload;
        start = tick + 1;
        running = true;
        reloadPending = false;
    }

    /** The gate input (only counter 2's is not tied high on a PC). */
    void setGate(boolean high, long tick) {
        if (high == gate) {
            return;
        }
        settle(tick);
        if (!high) {
            idleValue = value(tick);
            idleOut = mode == 2 || mode == 3 || out(tick);
            running = false;
        } else if (countWritten) {
            begin(tick);
        }
        gate = high;
    }

    /** Applies a pending mode 2/3 reload once its period boundary has passed. */
    private void settle(long tick) {
        if (reloadPending && tick >= reloadAt) {
            count = reload;
            start = reloadAt;
            reloadPending = false;
        }
    }

    private boolean counting(long tick) {
        return running && tick >= start;
    }

    /** The first period boundary strictly after {@code tick} (modes 2 and 3, while counting). */
    private long nextPeriodEnd(long tick) {
        return start + ((tick - start) / count + 1) * count;
    }

    /** The counting element's value at {@code tick}, in binary. */
    int value(long tick) {
        settle(tick);
        if (!counting(tick)) {
            return running ? count & 0xFFFF : idleValue;
        }
        long elapsed = tick - start;
        switch (mode) {
            case 2:
                return (int) (count - elapsed % count) & 0xFFFF;
            case 3: {
                int phase = (int) (elapsed % count);
                // Even counts go N, N-2, ..., 2 twice per period; odd counts load N-1 and spend
                // one more edge in the high half than in the low half.
                int highHalf = (count + 1) / 2;
                int within = phase < highHalf ? phase : phase - highHalf;
                int top = (count & 1) == 0 ? count : count - 1;
                return (top - 2 * within) & 0xFFFF;
            }
            default:
                return (int) Math.floorMod(count - elapsed, 65536L);
        }
    }

    /** The OUT pin at {@code tick}. */
    boolean out(long tick) {
        settle(tick);
        if (!counting(tick)) {
            return idleOut;
        }
        long elapsed = tick - start;
        return switch (mode) {
            case 0, 1 -> elapsed >= count;
            case 2 -> elapsed % count != count - 1;
            case 3 -> elapsed % count < (count + 1) / 2;
            default -> elapsed != count;
        };
    }

    /** The first tick after {@code tick} at which OUT rises, or {@link #NEVER}. */
    long nextRisingEdge(long tick) {
        settle(tick);
        if (!running) {
            return NEVER;
        }
        long rise;
        switch (mode) {
            case 2, 3 -> {
                return reloadPending ? reloadAt : tick < start ? start + count : nextPeriodEnd(tick);
            }
            case 0, 1 -> rise = start + count;
            default -> rise = start + count + 1;
        }
        return rise > tick ? rise : NEVER;
    }

    /** The counter latch command: freezes the value until it has been read in full. */
    void latchCount(long tick) {
        if (latchedBytes == 0) {
            latchedValue = external(value(tick));
            latchedBytes = access == 3 ? 2 : 1;
        }
    }

    /** The 8254 read-back command's status byte: OUT, null count, and the programmed mode. */
    void latchStatus(long tick) {
        if (!statusLatched) {
            boolean nullCount = !countWritten || reloadPending || !counting(tick);
            latchedStatus = (out(tick) ? 0x80 : 0) | (nullCount ? 0x40 : 0)
                    | access << 4 | mode << 1 | (bcd ? 1 : 0);
            statusLatched = true;
        }
    }

    int readByte(long tick) {
        if (statusLatched) {
            statusLatched = false;
            return latchedStatus;
        }
        int v;
        if (latchedBytes > 0) {
            v = latchedValue;
            latchedBytes--;
        } else {
            v = external(value(tick));
        }
        return switch (access) {
            case ACCESS_LOW -> v & 0xFF;
            case ACCESS_HIGH -> v >>> 8 & 0xFF;
            default -> {
                boolean high = readHighNext;
                readHighNext = !readHighNext;
                yield high ? v >>> 8 & 0xFF : v & 0xFF;
            }
        };
    }

    private int external(int binary) {
        return bcd ? toBcd(binary) : binary;
    }

    /** A BCD count of 0 stands for 10000, as a binary 0 stands for 65536. */
    private static int fromBcd(int bcdValue) {
        int n = 0;
        for (int shift = 12; shift >= 0; shift -= 4) {
            n = n * 10 + Math.min(9, bcdValue >>> shift & 0xF);
        }
        return n == 0 ? 10000 : n;
    }

    private static int toBcd(int n) {
        n %= 10000;
        return n / 1000 << 12 | n / 100 % 10 << 8 | n / 10 % 10 << 4 | n % 10;
    }

    int mode() {
        return mode;
    }

    /** The access field 00 (latch) is a command, never a mode; callers route it here. */
    static boolean isLatchCommand(int controlWord) {
        return (controlWord >>> 4 & 3) == ACCESS_LATCH;
    }

    /** Takes {@code other}'s state: one machine's copied into another of the same configuration. */
    void copyStateFrom(PitCounter other) {
        mode = other.mode;
        access = other.access;
        bcd = other.bcd;
        reload = other.reload;
        count = other.count;
        countWritten = other.countWritten;
        running = other.running;
        gate = other.gate;
        start = other.start;
        reloadPending = other.reloadPending;
        reloadAt = other.reloadAt;
        idleOut = other.idleOut;
        idleValue = other.idleValue;
        writeHighNext = other.writeHighNext;
        lowByteWritten = other.lowByteWritten;
        readHighNext = other.readHighNext;
        latchedBytes = other.latchedBytes;
        latchedValue = other.latchedValue;
        statusLatched = other.statusLatched;
        latchedStatus = other.latchedStatus;
    }
}
