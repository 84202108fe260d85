package org.j386.emulator.conform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.j386.emulator.machine.MachineConfig.CpuTier;
import org.junit.jupiter.api.Test;

/** The replaying machine itself: it accepts what the CPU did and names every field that differs. */
class VectorMachineTest {
    private static final String REGS = "00000001 00000002 00000000 00000000 00208000 00000000 00000000 00000000";
    private final VectorMachine machine = new VectorMachine(CpuTier.INTERP);

    @Test
    void acceptsAnAddWhoseResultAndFlagsMatch() {
        // add eax, ecx: 1 + 2 = 3, no flags set except PF (3 has two bits set)
        assertNull(machine.check(InstructionVector.parse("01c8 " + REGS + " 000 000 > "
                + "00000003 00000002 00000000 00000000 00208000 00000000 00000000 00000000 004")));
    }

    @Test
    void namesTheRegisterAndFlagsThatDiffer() {
        VectorMachine.Mismatch m = machine.check(InstructionVector.parse("01c8 " + REGS + " 000 000 > "
                + "00000004 00000002 00000000 00000000 00208000 00000000 00000000 00000000 001"));
        assertEquals(2, m.differences().size(), m.details());
        assertTrue(m.details().contains("eflags: expected 001 (CF), got 004 (PF)"), m.details());
        assertTrue(m.details().contains("eax: expected 00000004, got 00000003"), m.details());
        assertTrue(m.details().contains("instruction: 01 c8 (add eax,ecx)"), m.details());
        assertTrue(m.details().contains("initial:     eax=00000001 ecx=00000002"), m.details());
    }

    @Test
    void ignoresFlagsTheManualLeavesUndefined() {
        // and eax, ecx: AF is undefined; a vector recording AF set must still pass
        assertNull(machine.check(InstructionVector.parse("21c8 " + REGS + " 000 010 > "
                + "00000000 00000002 00000000 00000000 00208000 00000000 00000000 00000000 054")));
    }

    @Test
    void comparesMemoryWindows() {
        // mov [0x200010], ecx
        String code = "890d10002000";
        assertNull(machine.check(InstructionVector.parse(code + " " + REGS + " 000 000 20000e:eeee00000000eeee > "
                + REGS + " 000 eeee02000000eeee")));
        VectorMachine.Mismatch m = machine.check(InstructionVector.parse(code + " " + REGS
                + " 000 000 20000e:eeee00000000eeee > " + REGS + " 000 eeee03000000eeee"));
        assertTrue(m.summary().contains("memory at 0020000e: expected eeee03000000eeee, got eeee02000000eeee"),
                m.summary());
    }

    @Test
    void expectsTheRecordedExceptionWithTheStateUnchanged() {
        // div ecx with ecx = 0 raises #DE
        String zero = "00000001 00000000 00000000 00000000 00208000 00000000 00000000 00000000";
        assertNull(machine.check(InstructionVector.parse("f7f1 " + zero + " 000 8d5 > #0")));
        VectorMachine.Mismatch m = machine.check(InstructionVector.parse("f7f1 " + REGS + " 000 8d5 > #0"));
        assertEquals("f7 f1 (div ecx): expected #DE (vector 0), it completed", m.summary());
    }

    @Test
    void checksWhereABranchWent() {
        // jz +6 with ZF set goes to the taken exit six bytes past the instruction's end
        String taken = "7406 " + REGS + " 040 000 > " + REGS + " 040 @100008";
        assertNull(machine.check(InstructionVector.parse(taken)));
        VectorMachine.Mismatch m = machine.check(InstructionVector.parse("7406 " + REGS + " 000 000 > " + REGS
                + " 000 @100008"));
        assertEquals("74 06 (jz 0x100008): eip: expected 00100008 (the branch target), got 00100002", m.summary());
    }

    @Test
    void rejectsMalformedLinesWithTheFieldNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> InstructionVector.parse("01c8 " + REGS + " 0g0 000 > #0"));
        assertEquals("bad eflags '0g0'", e.getMessage());
    }
}
