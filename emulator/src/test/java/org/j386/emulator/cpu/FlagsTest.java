package org.j386.emulator.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The lazy flags against a direct, eager reference: for edge operands of every width the
 * derived EFLAGS bits and all sixteen conditions must agree with the definitions.
 */
class FlagsTest {
    private static final int[] EDGES = {0, 1, 2, 0x0F, 0x10, 0x7E, 0x7F, 0x80, 0x81, 0xFE, 0xFF, 0x100, 0x7FFF,
        0x8000, 0x8001, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000, 0x80000001, 0xFFFFFFFE, 0xFFFFFFFF};

    private static int mask(int size) {
        return size == 0 ? 0xFF : size == 1 ? 0xFFFF : -1;
    }

    /** Reference flags of a + b + carry or a - b - borrow, computed with wide arithmetic. */
    private static int reference(int size, int a, int b, int carry, boolean subtract) {
        int bits = 8 << size;
        long m = (1L << bits) - 1;
        long ua = a & m;
        long ub = b & m;
        long wide = subtract ? ua - ub - carry : ua + ub + carry;
        long r = wide & m;
        long sa = ua >= (1L << (bits - 1)) ? ua - (1L << bits) : ua;
        long sb = ub >= (1L << (bits - 1)) ? ub - (1L << bits) : ub;
        long signedWide = subtract ? sa - sb - carry : sa + sb + carry;
        int f = 0;
        if (wide < 0 || wide > m) {
            f |= Flags.CF;
        }
        if (r == 0) {
            f |= Flags.ZF;
        }
        if ((r >>> (bits - 1)) != 0) {
            f |= Flags.SF;
        }
        if (Long.bitCount(r & 0xFF) % 2 == 0) {
            f |= Flags.PF;
        }
        long lowNibble = subtract ? (ua & 0xF) - (ub & 0xF) - carry : (ua & 0xF) + (ub & 0xF) + carry;
        if (lowNibble < 0 || lowNibble > 0xF) {
            f |= Flags.AF;
        }
        if (signedWide < -(1L << (bits - 1)) || signedWide >= (1L << (bits - 1))) {
            f |= Flags.OF;
        }
        return f;
    }

    private static boolean referenceCondition(int cc, int f) {
        boolean cf = (f & Flags.CF) != 0;
        boolean zf = (f & Flags.ZF) != 0;
        boolean sf = (f & Flags.SF) != 0;
        boolean of = (f & Flags.OF) != 0;
        boolean pf = (f & Flags.PF) != 0;
        boolean r;
        switch (cc >> 1) {
            case 0: r = of; break;
            case 1: r = cf; break;
            case 2: r = zf; break;
            case 3: r = cf || zf; break;
            case 4: r = sf; break;
            case 5: r = pf; break;
            case 6: r = sf != of; break;
            default: r = zf || sf != of; break;
        }
        return r ^ ((cc & 1) != 0);
    }

    @Test
    void lazyAddAndSubtractFlagsMatchTheDefinitionsForEdgeOperandsOfEveryWidth() {
        Flags f = new Flags();
        for (int size = 0; size < 3; size++) {
            for (int a0 : EDGES) {
                for (int b0 : EDGES) {
                    int a = a0 & mask(size);
                    int b = b0 & mask(size);
                    for (int carry = 0; carry < 2; carry++) {
                        String what = "size " + size + " a=" + Integer.toHexString(a) + " b=" + Integer.toHexString(b)
                                + " c=" + carry;
                        f.add(size, a, b, a + b + carry);
                        int expected = reference(size, a, b, carry, false);
                        assertEquals(expected, f.get() & Flags.ARITH, "add " + what);
                        for (int cc = 0; cc < 16; cc++) {
                            assertEquals(referenceCondition(cc, expected), f.condition(cc), "add cc " + cc + " " + what);
                        }
                        f.sub(size, a, b, a - b - carry);
                        expected = reference(size, a, b, carry, true);
                        assertEquals(expected, f.get() & Flags.ARITH, "sub " + what);
                        for (int cc = 0; cc < 16; cc++) {
                            assertEquals(referenceCondition(cc, expected), f.condition(cc), "sub cc " + cc + " " + what);
                        }
                    }
                }
            }
        }
    }

    @Test
    void incrementAndDecrementKeepTheCarryThatWasThere() {
        Flags f = new Flags();
        f.set(Flags.CF);
        f.inc(2, -1, 0);
        assertTrue(f.cf());
        assertTrue(f.zf());
        f.sub(0, 0, 1, -1); // borrow: CF=1
        f.dec(0, 0x80, 0x7F);
        assertTrue(f.cf());
        assertTrue(f.of());
        f.set(0);
        f.inc(0, 0x7F, 0x80);
        assertFalse(f.cf());
        assertTrue(f.of());
        assertTrue(f.sf());
        assertTrue(f.af());
    }

    @Test
    void logicResultsClearCarryOverflowAndAuxiliaryCarry() {
        Flags f = new Flags();
        f.set(Flags.ARITH);
        f.logic(1, 0x8000);
        assertEquals(Flags.SF | Flags.PF, f.get() & Flags.ARITH);
    }

    @Test
    void bitOneAlwaysReadsAsOneAndReservedBitsCannotBeSet() {
        Flags f = new Flags();
        f.set(0);
        assertEquals(2, f.get());
        f.set(-1);
        assertEquals(Flags.WRITABLE | 2, f.get());
    }

    @Test
    void setAbsorbsTheArithmeticFlagsAndTheSystemBitsSurviveLaterArithmetic() {
        Flags f = new Flags();
        f.set(Flags.IF | Flags.DF | Flags.CF | (3 << 12));
        assertTrue(f.cf());
        f.add(2, 1, 1, 2);
        assertFalse(f.cf());
        assertTrue(f.interruptsEnabled());
        assertTrue(f.df());
        assertEquals(3, f.iopl());
        assertEquals(Flags.IF | Flags.DF | (3 << 12) | 2, f.get() & ~Flags.ARITH);
    }

    @Test
    void setBitCanChangeAnArithmeticFlagOfALazyResult() {
        Flags f = new Flags();
        f.sub(2, 0, 1, -1);
        f.setBit(Flags.CF, false);
        assertFalse(f.cf());
        assertTrue(f.sf());
    }
}
