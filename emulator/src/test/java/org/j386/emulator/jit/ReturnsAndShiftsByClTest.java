package org.j386.emulator.jit;

import static org.j386.emulator.cpu.CpuState.EBX;
import static org.j386.emulator.cpu.CpuState.ECX;
import static org.j386.emulator.cpu.CpuState.ESP;
import static org.j386.emulator.jit.CodeChangesUnderCompiledBlocksTest.agree;
import static org.j386.emulator.jit.TierMachine.CODE;
import static org.j386.emulator.jit.TierMachine.DATA;
import static org.j386.emulator.jit.TierMachine.INITIAL_ESP;
import static org.j386.emulator.jit.TierMachine.PAGE_TABLE;
import static org.j386.emulator.jit.TierMachine.SCRATCH;
import static org.j386.emulator.jit.TierMachine.callRel;
import static org.j386.emulator.jit.TierMachine.hex32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * RET on a flat 32-bit stack and the shifts and rotations of a dword (a register, or memory) by CL
 * are generated in the block rather than called in the interpreter. Each case runs on the
 * interpreter too, and the bytecode tier must leave exactly its state, flags included.
 */
class ReturnsAndShiftsByClTest {
    /** Functions live on the page after the caller's, so that each is a block of its own. */
    private static final int FUNCTIONS = CODE + 0x1000;

    @Test
    void retWithAnImmediateReleasesTheArgumentsAsTheInterpreterDoes() {
        TierMachine m = agree(t -> {
            t.code(FUNCTIONS, "8B 44 24 04 03 44 24 08 C2 08 00"); // eax = [esp+4] + [esp+8]; ret 8
            t.code(CODE, "B9 64 00 00 00" // mov ecx, 100
                    + "51 6A 03" // again: push ecx; push 3
                    + callRel(CODE + 8, FUNCTIONS)
                    + "01 C3 49 75 F3 F4"); // add ebx, eax; dec ecx; jnz again; hlt
        }, 100_000);
        assertEquals(5050 + 3 * 100, m.s.regs[EBX]);
        assertEquals(INITIAL_ESP, m.s.regs[ESP], "every argument was released");
    }

    @Test
    void retOfAReturnAddressAcrossTwoPagesGoesThroughTheInterpreter() {
        TierMachine m = agree(t -> {
            t.code(FUNCTIONS, "C3"); // ret
            t.code(CODE, "B9 32 00 00 00" // mov ecx, 50
                    + "BC 02 F0 02 00" // again: mov esp, 0x2F002: the return address straddles two pages
                    + callRel(CODE + 10, FUNCTIONS)
                    + "43 49 75 F2 F4"); // inc ebx; dec ecx; jnz again; hlt
        }, 100_000);
        assertEquals(50, m.s.regs[EBX]);
    }

    @Test
    void aShiftByAZeroCountKeepsTheFlagsOfTheInstructionBefore() {
        // CL runs from 40 down to 1: counts 0 (CL = 32) and above 31 among them. At CL = 32 the
        // compare leaves the carry clear, where a shift of 0x80000001 would set it; ADC and LAHF
        // must see the compare's flags.
        TierMachine m = agree(t -> t.code(CODE, "B9 28 00 00 00" // mov ecx, 40
                + "BA 01 00 00 80" // again: mov edx, 0x80000001
                + "83 F9 1E" // cmp ecx, 30
                + "D3 E2 11 D3" // shl edx, cl; adc ebx, edx
                + "D3 C2 83 D6 00" // rol edx, cl; adc esi, 0
                + "D3 FA 9F 01 C7" // sar edx, cl; lahf; add edi, eax
                + "49 75 E7 F4"), 100_000); // dec ecx; jnz again; hlt
        assertEquals(0, m.s.regs[ECX], "the loop ran to its end");
        assertEquals(1 + 40 * 11 + 1, m.s.instructions, "every instruction ran");
    }

    @Test
    void rotationsKeepTheOtherFourFlagsOfEveryKindOfRecordBeforeThem() {
        // ROL and ROR set CF and OF and keep the rest, which the block takes from the record it
        // holds of the instruction before: a compare, an add, a byte test, INC (after STC, so that
        // the carry it keeps shows), DEC and IMUL here, each followed by a rotation by CL (counts 0
        // to 31, CL = 32 among them, which changes no flag) whose flags PUSHFD sees; the last by an
        // immediate.
        TierMachine m = agree(t -> t.code(CODE, "B9 28 00 00 00" // mov ecx, 40
                + "BA 01 00 00 80" // again: mov edx, 0x80000001
                + "83 F9 1E D3 C2 9C 58 01 C7" // cmp ecx, 30; rol edx, cl; pushfd; pop eax; add edi, eax
                + "01 CE D3 CA 9C 58 01 C7" // add esi, ecx; ror edx, cl; pushfd; pop eax; add edi, eax
                + "F6 C3 83 D3 C2 9C 58 31 C7" // test bl, 0x83; rol edx, cl; pushfd; pop eax; xor edi, eax
                + "F9 46 D3 CA 9C 58 01 C7" // stc; inc esi; ror edx, cl; pushfd; pop eax; add edi, eax
                + "4B D3 C2 9C 58 31 C7" // dec ebx; rol edx, cl; pushfd; pop eax; xor edi, eax
                + "0F AF F1 D3 CA 9C 58 01 C7" // imul esi, ecx; ror edx, cl; pushfd; pop eax; add edi, eax
                + "C1 C7 05" // rol edi, 5
                + "49 75 C3 F4"), 100_000); // dec ecx; jnz again; hlt
        assertEquals(0, m.s.regs[ECX], "the loop ran to its end");
        assertEquals(1 + 40 * 35 + 1, m.s.instructions, "every instruction ran");
    }

    @Test
    void aShiftOfMemoryByAZeroCountStillReadsAndWritesItsOperandAsQemuDoes() {
        // A count of 0 (CL = 32 here) changes neither the operand nor the flags, but the operand is
        // read and written back all the same, as QEMU does it (and as the processor does, which
        // faults on such a write): the page's accessed and dirty bits are set, and a read-only
        // page raises #PF for the write.
        int readOnly = DATA + 0x1010;
        TierMachine m = agree(t -> {
            t.paging(true);
            t.ram.write32(DATA + 0x10, 0x12345678);
            t.ram.write32(SCRATCH + 0x20, 0x9ABCDEF0);
            t.code(CODE, "B9 20 00 00 00" // mov ecx, 32
                    + "D3 25" + hex32(DATA + 0x10) // shl dword [DATA + 0x10], cl
                    + "0F A5 05" + hex32(SCRATCH + 0x20) // shld [SCRATCH + 0x20], eax, cl
                    + "D3 2D" + hex32(readOnly) // shr dword [a read-only page], cl
                    + "F4");
        }, 10_000);
        assertEquals(0x12345678, m.ram.read32(DATA + 0x10));
        assertEquals(0x9ABCDEF0, m.ram.read32(SCRATCH + 0x20));
        assertEquals(0x60, m.ram.read32(PAGE_TABLE + 4 * (DATA >>> 12)) & 0x60, "accessed and dirty");
        assertEquals(0x60, m.ram.read32(PAGE_TABLE + 4 * (SCRATCH >>> 12)) & 0x60, "accessed and dirty");
        assertTrue(m.events.get(0).startsWith(String.format("exception 14 error 3 at %08x cr2 %08x", CODE + 18, readOnly)),
                String.valueOf(m.events));
    }

    @Test
    void shiftsOfAMemoryDwordByClRunInTheBlockWhetherOrNotTheirFlagsAreRead() {
        // Counts 40 down to 1 (0 and above 31 among them), each of SHL, SHR, SAR, ROL and ROR of a
        // dword in memory, its result added into EBX: with ADC, which reads the shift's carry, and
        // with ADD, which writes every flag, so that the shift's are never seen.
        for (String add : new String[] {"13 1D", "03 1D"}) { // adc / add ebx, [DATA + 0x20]
            StringBuilder body = new StringBuilder();
            for (int reg : new int[] {4, 5, 7, 0, 1}) { // shl shr sar rol ror
                body.append("C7 05").append(hex32(DATA + 0x20)).append("21 43 65 87") // mov dword [DATA + 0x20], 0x87654321
                        .append(String.format(" D3 %02X", 0x05 | reg << 3)).append(hex32(DATA + 0x20)) // shift dword [DATA + 0x20], cl
                        .append(add).append(hex32(DATA + 0x20));
            }
            TierMachine m = agree(t -> {
                t.paging(true);
                t.code(CODE, "B9 28 00 00 00" // mov ecx, 40
                        + body // again: the five shifts
                        + "49 75 8F F4"); // dec ecx; jnz again; hlt
            }, 100_000);
            assertEquals(0, m.s.regs[ECX], "the loop ran to its end");
            assertEquals(Integer.rotateRight(0x87654321, 1), m.ram.read32(DATA + 0x20), "the last ROR, by 1");
            assertTrue(m.cpu.jitStatistics().compiledInstructions() > 40 * 16, "the loop ran compiled");
        }
    }

    @Test
    void aShiftsCarryReachesTheLoopHeadItJumpsBackToThoughAnotherTraceFollowsIt() {
        // The trace from the entry ends at the jump back; the block's next trace (at "done") starts
        // with an XOR that writes every flag. The carry the SHL leaves is read by the ADC at the
        // loop head, so it must be computed, whatever the instruction placed after the jump.
        TierMachine m = agree(t -> t.code(CODE, "B9 28 00 00 00" // mov ecx, 40
                + "31 DB" // xor ebx, ebx
                + "BA 01 00 00 80" // mov edx, 0x80000001
                + "83 D3 00" // again: adc ebx, 0
                + "49 74 04" // dec ecx; jz done
                + "D1 E2 EB F6" // shl edx, 1; jmp again
                + "31 C0 F4"), 100_000); // done: xor eax, eax; hlt
        assertEquals(0, m.s.regs[ECX], "the loop ran to its end");
        assertEquals(2, m.s.regs[EBX], "the carry out of bit 31 was added twice");
    }

    @Test
    void shiftsByClWhoseFlagsNoOneReadsShiftByTheCountModulo32() {
        StringBuilder body = new StringBuilder();
        for (String shift : new String[] {"D3 E2", "D3 EA", "D3 FA", "D3 C2", "D3 CA"}) { // shl shr sar rol ror edx, cl
            body.append("BA 21 43 65 87 ").append(shift).append(" 01 D3 "); // mov edx, 0x87654321; shift; add ebx, edx
        }
        TierMachine m = agree(t -> t.code(CODE, "B9 28 00 00 00" // mov ecx, 40
                + body // again: five shifts, each summed into ebx
                + "49 75 D0 F4"), 100_000); // dec ecx; jnz again; hlt
        int expected = 0;
        for (int c = 40; c >= 1; c--) {
            int v = 0x87654321;
            int n = c & 31;
            expected += v << n;
            expected += v >>> n;
            expected += v >> n;
            expected += Integer.rotateLeft(v, n);
            expected += Integer.rotateRight(v, n);
        }
        assertEquals(expected, m.s.regs[EBX]);
    }
}
