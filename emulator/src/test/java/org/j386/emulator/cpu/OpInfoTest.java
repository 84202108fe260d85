package org.j386.emulator.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The operation table covers what the decoder produces, and says what the translator relies on. */
class OpInfoTest {
    @Test
    void everyOperationTheDecoderProducesHasARow() {
        TestMachine m = new TestMachine();
        Decoder decoder = new Decoder(m.mmu, m.s);
        Insn d = new Insn();
        Random random = new Random(1386);
        TreeSet<Integer> missing = new TreeSet<>();
        TreeSet<Integer> seen = new TreeSet<>();
        byte[] code = new byte[16];
        for (int i = 0; i < 300_000; i++) {
            random.nextBytes(code);
            // Half the cases start with 0F so the two-byte map is as well covered as the one-byte map.
            if ((i & 1) == 0) {
                code[0] = 0x0F;
            }
            for (int j = 0; j < code.length; j++) {
                m.ram.write8(TestMachine.CODE + j, code[j]);
            }
            try {
                decoder.decode(d, TestMachine.CODE, (i & 2) == 0);
            } catch (CpuFault tooLong) {
                continue;
            }
            seen.add(d.op);
            if (!OpInfo.defined(d.op)) {
                missing.add(d.op);
            }
        }
        assertEquals(new TreeSet<>(), missing, "operations without a row in OpInfo");
        assertTrue(seen.size() > 150, "the random decode reached only " + seen.size() + " operations");
    }

    @Test
    void operationsThatChangeWhatCompiledCodeAssumesEndABlock() {
        for (int op : new int[] {Op.MOV_CR_R, Op.MOV_SREG_RM, Op.POP_SREG, Op.POPF, Op.STI, Op.CLI, Op.IRET, Op.INT,
                Op.HLT, Op.OUT_DX, Op.IN_I, Op.LGDT, Op.LIDT, Op.INVLPG, Op.JMP_FAR, Op.MOVS, Op.STOS}) {
            assertTrue(OpInfo.has(op, OpInfo.ENDS_BLOCK), "operation " + op + " must end a compiled block");
        }
    }

    @Test
    void rotatesWriteOnlyCarryAndOverflowWhileShiftsWriteEveryArithmeticFlag() {
        Insn rol = new Insn();
        rol.op = Op.SHIFT32_RI;
        rol.sub = Op.ROL;
        assertEquals(Flags.CF | Flags.OF, OpInfo.flagsWritten(rol));
        Insn shl = new Insn();
        shl.op = Op.SHIFT32_RI;
        shl.sub = Op.SHL;
        assertEquals(Flags.ARITH, OpInfo.flagsWritten(shl));
    }
}
