package org.j386.emulator.cpu;

import static org.j386.emulator.cpu.CpuState.EAX;
import static org.j386.emulator.cpu.CpuState.ECX;
import static org.j386.emulator.cpu.CpuState.EDI;
import static org.j386.emulator.cpu.CpuState.ESI;
import static org.j386.emulator.cpu.TestMachine.DATA;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Repeated STOS, MOVS and SCAS run many iterations at once where they can (see {@code
 * StringOps.run}); one iteration at a time is the reference. A debugger's boundary hook keeps the
 * CPU's attention set, which makes every iteration run alone, so the same program run with and
 * without one must end in the same state: registers, flags, memory, the instruction count, the
 * exception taken and the TLB's hit and miss counts.
 */
class StringRunsTest {
    /** Pages of DATA: the fourth is not present, the sixth is read-only. */
    private static final int HOLE = DATA + 0x3000, READ_ONLY = DATA + 0x5000;

    @Test
    void overlappingRepMovsbRepeatsThePatternAsOneByteAtATimeDoes() {
        TestMachine m = new TestMachine();
        m.ram.write8(DATA, 0x5A);
        m.r[ESI] = DATA;
        m.r[EDI] = DATA + 1;
        m.r[ECX] = 100;
        m.code("f3 a4").run(100);
        for (int i = 0; i <= 100; i++) {
            assertEquals(0x5A, m.ram.read8(DATA + i), "byte " + i);
        }
        assertEquals(100, m.s.instructions);
    }

    @Test
    void aRunIntoAMissingPageFaultsThereWithTheEarlierIterationsDone() {
        TestMachine m = paged(new TestMachine());
        m.r[EDI] = HOLE - 8;
        m.r[ECX] = 16;
        m.r[EAX] = -1;
        m.code("f3 ab").run(16);
        assertEquals(14, m.fault.vector());
        assertEquals(HOLE, m.fault.cr2());
        assertEquals(14, m.r[ECX]);
        assertEquals(HOLE, m.r[EDI]);
        assertEquals(-1, m.read32(HOLE - 4));
    }

    @Test
    void everyRunEndsAsOneIterationAtATimeWouldEndIt() {
        Random random = new Random(386);
        for (int n = 0; n < 600; n++) {
            long seed = random.nextLong();
            Outcome fast = run(seed, false);
            Outcome reference = run(seed, true);
            assertEquals(reference.text(), fast.text(), "case " + n + " (seed " + seed + "): " + reference.program);
            assertArrayEquals(reference.memory, fast.memory, "case " + n + " (seed " + seed + "): memory");
        }
    }

    private record Outcome(String program, String text, byte[] memory) {
    }

    private static final String[] OPS = {"aa", "ab", "a4", "a5", "ae", "af"}; // STOSB/D MOVSB/D SCASB/D

    private static Outcome run(long seed, boolean oneAtATime) {
        Random r = new Random(seed);
        TestMachine m = r.nextInt(4) == 0 ? new TestMachine() : paged(new TestMachine());
        for (int i = 0; i < 0x8000; i += 4) {
            m.ram.write32(DATA + i, r.nextInt(8) == 0 ? 0x41414141 : r.nextInt());
        }
        String prefix = r.nextBoolean() ? "f3" : "f2";
        String op = OPS[r.nextInt(OPS.length)];
        boolean word = r.nextInt(4) == 0;
        String program = (r.nextBoolean() ? "fd " : "fc ") + (word ? "66 " : "") + prefix + " " + op + "  90";
        m.r[EAX] = r.nextInt(3) == 0 ? 0x41414141 : r.nextInt();
        m.r[ECX] = r.nextInt(8) == 0 ? -1 : r.nextInt(r.nextBoolean() ? 20 : 9000);
        m.r[ESI] = DATA + 0x1000 * r.nextInt(8) + r.nextInt(0x1000);
        m.r[EDI] = r.nextInt(5) == 0 ? m.r[ESI] + r.nextInt(9) - 4 : DATA + 0x1000 * r.nextInt(8) + r.nextInt(0x1000);
        m.code(program);
        if (oneAtATime) {
            m.cpu.setBoundaryHook(eip -> false);
        }
        int budget = 1 + r.nextInt(12000);
        m.run(budget);
        String text = String.format("eax=%08x ecx=%08x esi=%08x edi=%08x eip=%08x flags=%08x insns=%d fault=%s tlb=%d/%d",
                m.r[EAX], m.r[ECX], m.r[ESI], m.r[EDI], m.s.eip, m.flags(), m.s.instructions, m.fault,
                m.mmu.tlbHits(), m.mmu.tlbMisses());
        return new Outcome(program, text, Arrays.copyOfRange(m.ram.array(), DATA, DATA + 0x8000));
    }

    /** Identity-maps the first MiB, but for {@link #HOLE} (not present) and {@link #READ_ONLY}. */
    private static TestMachine paged(TestMachine m) {
        int dir = 0x90000;
        int table = 0x91000;
        m.ram.write32(dir, table | 7);
        for (int i = 0; i < 256; i++) {
            int page = i * 0x1000;
            m.ram.write32(table + 4 * i, page == HOLE ? 0 : page | (page == READ_ONLY ? 5 : 7));
        }
        m.mmu.configure(true, true, false, false);
        m.mmu.setCr3(dir);
        m.s.cr3 = dir;
        m.s.cr0 |= CpuState.CR0_PG | CpuState.CR0_WP;
        return m;
    }
}
