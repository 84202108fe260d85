package org.j386.emulator.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.regex.Pattern;
import org.j386.tools.disasm.ByteSource;
import org.j386.tools.disasm.Disassembler;
import org.j386.tools.disasm.Instruction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The interpreter's decoder and the tools' table-driven disassembler read the same bytes the same
 * way: wherever the decoder takes bytes the disassembler knows as an instruction, both give it the
 * same length, so the debugger's disassembly steps through what the CPU runs. The decoder refuses
 * (#UD) only what the processor refuses too (UD2, MOV to CS, LOCK on an instruction that cannot
 * take it).
 */
class DecoderAgreesWithDisassemblerTest {
    /**
     * Refused by the processor itself: also RSM outside system-management mode, and RDMSR, WRMSR, RDPMC,
     * SYSENTER and SYSEXIT, which the modelled processor lacks (the assembler knows them all).
     */
    private static final Pattern INVALID = Pattern.compile(
        "((rep|repe|repne|o16|o32|a16|a32) )*(ud2|mov cs,.*|lock .*|rsm|rdmsr|wrmsr|rdpmc|sysenter|sysexit)");

    @ParameterizedTest(name = "{0}-bit code")
    @ValueSource(ints = {16, 32})
    void everyInstructionBothReadHasTheSameLengthAndOnlyTheInvalidOnesAreRefused(int bits) {
        TestMachine m = new TestMachine();
        Decoder decoder = new Decoder(m.mmu, m.s);
        Insn insn = new Insn();
        Random rnd = new Random(386);
        byte[] code = new byte[16];
        int compared = 0;
        StringBuilder disagreements = new StringBuilder();
        for (int round = 0; round < 200_000; round++) {
            rnd.nextBytes(code);
            if (round % 2 == 0) {
                code[0] = 0x0F; // as many two-byte opcodes as one-byte ones
            }
            for (int i = 0; i < code.length; i++) {
                m.ram.write8(TestMachine.CODE + i, code[i]);
            }
            Instruction known = Disassembler.standard().decode(ByteSource.of(code, TestMachine.CODE),
                TestMachine.CODE, bits);
            if (!known.valid()) {
                continue;
            }
            decoder.decode(insn, TestMachine.CODE, bits == 32);
            boolean refused = insn.op == Op.UD;
            boolean mayRefuse = INVALID.matcher(known.text()).matches();
            if (refused ? !mayRefuse : insn.length != known.length()) {
                if (disagreements.length() < 3000) {
                    disagreements.append(known).append("   decoder: ")
                        .append(refused ? "#UD" : insn.length + " bytes").append('\n');
                }
            }
            compared += refused ? 0 : 1;
        }
        assertTrue(compared > 100_000, "instructions compared: " + compared);
        assertEquals("", disagreements.toString());
    }
}
