package org.j386.emulator.cpu;

import static org.j386.emulator.cpu.CpuState.DS;
import static org.j386.emulator.cpu.CpuState.EAX;
import static org.j386.emulator.cpu.CpuState.ECX;
import static org.j386.emulator.cpu.TestMachine.CODE;
import static org.j386.emulator.cpu.TestMachine.DATA;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.Test;

/** LAR, LSL, VERR, VERW and ARPL, as the Intel SDM and the 80386 manual specify them. */
class SelectorChecksTest {
    private static final String LAR_EAX_ECX = "0f 02 c1", LSL_EAX_ECX = "0f 03 c1", VERR_CX = "0f 00 e1",
            VERW_CX = "0f 00 e9";
    private static final String[] SELECTOR_TESTS = {LAR_EAX_ECX, LSL_EAX_ECX, VERR_CX, VERW_CX};
    /** What EAX holds before each instruction, to see whether it was written. */
    private static final int UNTOUCHED = 0x5A5A5A5A;

    // GDT entries of the default table (selector = index * 8).
    private static final int DATA0 = 1, DATA3 = 2, CODE0 = 3, CONFORMING0 = 4, EXECUTE_ONLY3 = 5, READ_ONLY3 = 6,
            ABSENT_DATA3 = 7, SYSTEM = 8;

    /** A ring-0 machine with a GDT of the segments above; entry SYSTEM is left for each test. */
    private static TestMachine machine() {
        TestMachine m = new TestMachine();
        m.descriptor(DATA0, 0, 0xFFFFF, 0x92, 0xC);
        m.descriptor(DATA3, 0, 0xFFFFF, 0xF2, 0xC);
        m.descriptor(CODE0, 0, 0xFFFFF, 0x9A, 0xC);
        m.descriptor(CONFORMING0, 0, 0xFFFFF, 0x9E, 0xC);
        m.descriptor(EXECUTE_ONLY3, 0, 0xFFFFF, 0xF8, 0xC);
        m.descriptor(READ_ONLY3, 0x1000, 0x12345, 0xF0, 0x4);
        m.descriptor(ABSENT_DATA3, 0, 0xFFFFF, 0x72, 0xC);
        m.descriptor(SYSTEM, 0, 0xFFFFF, 0, 0);
        return m;
    }

    /** Runs one instruction with the selector in ECX and {@link #UNTOUCHED} in EAX. */
    private static TestMachine run(TestMachine m, String hex, int selector) {
        m.r[ECX] = selector;
        m.r[EAX] = UNTOUCHED;
        m.code(hex).run(1);
        assertNull(m.fault, "no exception");
        return m;
    }

    private static boolean zf(TestMachine m, String hex, int selector) {
        return run(m, hex, selector).flag(Flags.ZF);
    }

    private static boolean zfAtCpl(int cpl, String hex, int selector) {
        TestMachine m = machine();
        m.cpu.setCpl(cpl);
        return zf(m, hex, selector);
    }

    /** ZF after the instruction at {@code cpl} on a descriptor with the given access byte and limit 0x67. */
    private static boolean zfOfSystemDescriptor(int cpl, String insn, int access) {
        TestMachine m = machine();
        m.descriptor(SYSTEM, 0, 0x67, access, 0);
        m.cpu.setCpl(cpl);
        return zf(m, insn, SYSTEM * 8);
    }

    @Test
    void larLoadsTheDescriptorsSecondDwordMaskedTo00F0FF00AndSetsOnlyZf() {
        TestMachine m = machine();
        m.s.flags.set(Flags.CF | Flags.SF);
        run(m, LAR_EAX_ECX, DATA0 * 8);
        assertEquals(0x00C09200, m.r[EAX]);
        assertTrue(m.flag(Flags.ZF));
        assertTrue(m.flag(Flags.CF) && m.flag(Flags.SF));
        assertEquals(CODE + 3, m.s.eip);
    }

    @Test
    void sixteenBitOperandFormsWriteOnlyTheLowWordOfTheDestination() {
        TestMachine m = run(machine(), "66 " + LAR_EAX_ECX, CODE0 * 8);
        assertEquals(0x5A5A9A00, m.r[EAX], "LAR: type, S, DPL and P");
        assertTrue(m.flag(Flags.ZF));
        m = run(machine(), "66 " + LSL_EAX_ECX, READ_ONLY3 * 8);
        assertEquals(0x5A5A2345, m.r[EAX], "LSL: the limit's low word");
        assertTrue(m.flag(Flags.ZF));
    }

    @Test
    void aNullSelectorClearsZfAndLeavesTheDestinationUnchanged() {
        for (String insn : SELECTOR_TESTS) {
            TestMachine m = machine();
            m.s.flags.set(Flags.ZF);
            assertFalse(zf(m, insn, 3), insn);
            assertEquals(UNTOUCHED, m.r[EAX], insn);
        }
    }

    @Test
    void aSelectorBeyondTheTableLimitClearsZfWithoutFaulting() {
        for (String insn : SELECTOR_TESTS) {
            TestMachine m = machine();
            assertFalse(zf(m, insn, (SYSTEM + 1) * 8), insn);
            assertEquals(UNTOUCHED, m.r[EAX], insn);
            assertFalse(zf(machine(), insn, 0x4 | DATA0 * 8), insn + " through an LDT that was never loaded");
        }
    }

    /**
     * The system types, as hex digits, whose DPL 0 descriptor (limit 0x67) the instruction reports
     * in ring 0, checking what it loads into EAX for each.
     */
    private static String reportedSystemTypes(String insn, IntUnaryOperator loaded) {
        StringBuilder reported = new StringBuilder();
        for (int type = 0; type < 16; type++) {
            TestMachine m = machine();
            m.descriptor(SYSTEM, 0, 0x67, 0x80 | type, 0);
            if (zf(m, insn, SYSTEM * 8)) {
                reported.append(Integer.toHexString(type));
                assertEquals(loaded.applyAsInt(type), m.r[EAX], insn + " of type " + type);
            }
        }
        return reported.toString();
    }

    @Test
    void larReportsTssLdtCallGatesAndTaskGatesButNotInterruptOrTrapGatesOrReservedTypes() {
        assertEquals("123459bc", reportedSystemTypes(LAR_EAX_ECX, type -> 0x8000 | type << 8));
    }

    @Test
    void lslReportsTheLimitOfTssesAndLdtsButNotOfGatesOrReservedTypes() {
        assertEquals("1239b", reportedSystemTypes(LSL_EAX_ECX, type -> 0x67));
    }

    @Test
    void lslReturnsTheByteGranularLimitScaledByTheGranularityBit() {
        assertEquals(0xFFFFFFFF, run(machine(), LSL_EAX_ECX, DATA0 * 8).r[EAX]);
        assertEquals(0x12345, run(machine(), LSL_EAX_ECX, READ_ONLY3 * 8 + 3).r[EAX]);
        TestMachine m = machine();
        m.descriptor(SYSTEM, 0, 0x0000F, 0x92, 0x8);
        assertEquals(0xFFFF, run(m, LSL_EAX_ECX, SYSTEM * 8).r[EAX]);
    }

    @Test
    void aNonConformingDescriptorIsInvisibleWhenCplOrRplIsNumericallyAboveItsDpl() {
        for (String insn : SELECTOR_TESTS) {
            assertTrue(zfAtCpl(0, insn, DATA0 * 8), insn);
            assertFalse(zfAtCpl(3, insn, DATA0 * 8), insn + " at CPL 3");
            assertFalse(zfAtCpl(0, insn, DATA0 * 8 + 1), insn + " with RPL 1");
            assertTrue(zfAtCpl(3, insn, DATA3 * 8 + 3), insn + " of a DPL 3 segment at CPL 3");
        }
        assertFalse(zfOfSystemDescriptor(3, LAR_EAX_ECX, 0x89), "a DPL 0 TSS from ring 3");
    }

    @Test
    void conformingCodeIsVisibleAtEveryPrivilegeLevel() {
        for (String insn : new String[] {LAR_EAX_ECX, LSL_EAX_ECX, VERR_CX}) {
            assertTrue(zfAtCpl(3, insn, CONFORMING0 * 8 + 3), insn);
        }
        assertFalse(zfAtCpl(0, VERW_CX, CONFORMING0 * 8), "code is never writable");
    }

    @Test
    void anAbsentSegmentIsStillDescribed() {
        TestMachine m = machine();
        m.cpu.setCpl(3);
        assertTrue(zf(m, LAR_EAX_ECX, ABSENT_DATA3 * 8 + 3));
        assertEquals(0x00C07200, m.r[EAX]);
        assertTrue(zfAtCpl(3, VERR_CX, ABSENT_DATA3 * 8 + 3));
        assertTrue(zfAtCpl(3, VERW_CX, ABSENT_DATA3 * 8 + 3));
    }

    @Test
    void verrAcceptsDataAndReadableCodeButNotExecuteOnlyCodeOrSystemDescriptors() {
        assertTrue(zfAtCpl(3, VERR_CX, READ_ONLY3 * 8));
        assertTrue(zfAtCpl(0, VERR_CX, CODE0 * 8));
        assertFalse(zfAtCpl(3, VERR_CX, EXECUTE_ONLY3 * 8));
        assertFalse(zfOfSystemDescriptor(0, VERR_CX, 0x89), "a TSS");
        assertTrue(zfAtCpl(3, LAR_EAX_ECX, EXECUTE_ONLY3 * 8), "LAR describes execute-only code");
    }

    @Test
    void verwAcceptsOnlyWritableDataSegments() {
        assertTrue(zfAtCpl(3, VERW_CX, DATA3 * 8));
        assertFalse(zfAtCpl(3, VERW_CX, READ_ONLY3 * 8));
        assertFalse(zfAtCpl(0, VERW_CX, CODE0 * 8));
        assertFalse(zfOfSystemDescriptor(0, VERW_CX, 0x82), "an LDT");
    }

    @Test
    void aMemorySourceIsASixteenBitSelectorAndAFaultingSourceFaults() {
        TestMachine m = machine();
        m.ram.write32(DATA, 0xFFFF0000 | DATA3 * 8);
        m.code("0f 02 05 00 00 02 00").run(1); // lar eax, [0x20000]
        assertNull(m.fault);
        assertEquals(0x00C0F200, m.r[EAX]);
        m = machine();
        m.s.segs[DS].setNull(0);
        m.code("0f 00 25 00 00 02 00").run(1); // verr [0x20000] through a null DS
        assertEquals(new TestMachine.Fault(Vectors.GP, 0, CODE, 0), m.fault);
    }

    @Test
    void allFiveAreInvalidOpcodesOutsideProtectedMode() {
        for (String insn : new String[] {LAR_EAX_ECX, LSL_EAX_ECX, VERR_CX, VERW_CX, "63 c8"}) {
            TestMachine m = machine();
            m.s.cr0 &= ~CpuState.CR0_PE;
            m.code(insn).run(1);
            assertEquals(Vectors.UD, m.fault.vector(), insn);
            assertEquals(CODE, m.fault.eip(), insn);
        }
    }

    /** ARPL AX, CX (with {@code prefix} bytes in front) from the given EAX and ECX, ZF and CF set before. */
    private static TestMachine arpl(String prefix, int eax, int ecx) {
        TestMachine m = machine();
        m.s.flags.set(Flags.ZF | Flags.CF);
        m.r[EAX] = eax;
        m.r[ECX] = ecx;
        return m.code(prefix + "63 c8").run(1);
    }

    @Test
    void arplRaisesALowerRplToTheSourcesAndSetsZf() {
        TestMachine m = arpl("66 ", 0x12340010, 0x1B); // the operand size prefix changes nothing
        assertEquals(0x12340013, m.r[EAX]);
        assertTrue(m.flag(Flags.ZF) && m.flag(Flags.CF));
    }

    @Test
    void arplLeavesAnEqualOrHigherRplAloneAndClearsZf() {
        for (int sourceRpl : new int[] {1, 3}) {
            TestMachine m = arpl("", 0x12340013, 0x8 | sourceRpl);
            assertEquals(0x12340013, m.r[EAX]);
            assertFalse(m.flag(Flags.ZF));
            assertTrue(m.flag(Flags.CF));
        }
    }

    @Test
    void arplAdjustsAWordInMemory() {
        TestMachine m = machine();
        m.ram.write32(DATA, 0xABCD0020);
        m.r[ECX] = 2;
        m.code("63 0d 00 00 02 00").run(1); // arpl [0x20000], cx
        assertEquals(0xABCD0022, m.read32(DATA));
        assertTrue(m.flag(Flags.ZF));
    }

    @Test
    void arplThroughAReadOnlySegmentFaultsOnlyWhenItWouldChangeTheRpl() {
        TestMachine m = machine();
        m.ram.write32(DATA, 0xABCD0023);
        m.r[ECX] = 2;
        m.code("2e 63 0d 00 00 02 00").run(1); // arpl [cs:0x20000], cx: nothing to raise, nothing written
        assertNull(m.fault);
        assertFalse(m.flag(Flags.ZF));
        m = machine();
        m.ram.write32(DATA, 0xABCD0020);
        m.r[ECX] = 2;
        m.code("2e 63 0d 00 00 02 00").run(1);
        assertEquals(Vectors.GP, m.fault.vector());
        assertEquals(0xABCD0020, m.read32(DATA));
    }
}
