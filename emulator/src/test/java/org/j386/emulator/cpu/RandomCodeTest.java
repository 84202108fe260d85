package org.j386.emulator.cpu;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * No byte sequence may make the interpreter throw a Java exception: every outcome is an
 * architectural one (a fault delivered to the guest, a halt, a port access).
 */
class RandomCodeTest {
    /** Units still being written elsewhere throw this until they exist; it is not a guest outcome. */
    private static boolean pendingUnit(IllegalStateException e) {
        return e.getMessage() != null && e.getMessage().contains("pending");
    }

    @Test
    void randomBytesNeverEscapeAsJavaExceptions() {
        Random random = new Random(386);
        TestMachine m = new TestMachine();
        for (int trial = 0; trial < 40000; trial++) {
            // One machine for all trials (a fresh one costs megabytes); reset what code can change.
            for (int i = 0; i < 6; i++) {
                m.s.segs[i].setFlat(i == CpuState.CS ? 0x08 : 0x10, i == CpuState.CS);
            }
            m.s.cr0 = CpuState.CR0_PE | CpuState.CR0_ET;
            m.s.cpl = 0;
            m.s.halted = false;
            m.s.attention = false;
            m.s.interruptShadow = false;
            m.r[CpuState.ESP] = TestMachine.STACK;
            byte[] code = new byte[48];
            random.nextBytes(code);
            for (int i = 0; i < code.length; i++) {
                m.ram.write8(TestMachine.CODE + i, code[i]);
            }
            for (int r = 0; r < 8; r++) {
                if (r != CpuState.ESP) {
                    m.r[r] = random.nextInt(2) == 0 ? random.nextInt() : random.nextInt(0x40000);
                }
            }
            m.s.flags.set(random.nextInt());
            // Start anywhere in the buffer: a fault ends a run while delivery is unavailable.
            m.s.eip = TestMachine.CODE + random.nextInt(32);
            try {
                m.cpu.run(64);
            } catch (IllegalStateException e) {
                if (!pendingUnit(e)) {
                    fail("trial " + trial + ": " + e, e);
                }
            } catch (RuntimeException e) {
                if (e instanceof CpuFault || e instanceof org.j386.emulator.memory.PageFault) {
                    fail("trial " + trial + ": a guest fault escaped the run loop");
                }
                fail("trial " + trial + " at eip " + Integer.toHexString(m.s.eip) + ": " + e, e);
            }
        }
    }
}
