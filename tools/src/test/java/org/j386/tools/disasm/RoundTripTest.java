package org.j386.tools.disasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.HexFormat;
import java.util.List;
import org.j386.tools.asm.Assembler;
import org.j386.tools.asm.FormSamples;
import org.j386.tools.isa.Form;
import org.j386.tools.isa.InstructionTable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * For every row of the table, random operands: assemble, disassemble, assemble the
 * disassembly, and the bytes must come out the same. This ties the decoder's reading of the
 * table to the encoder's, and the printed syntax to the parser.
 */
class RoundTripTest {
    private static final int SAMPLES_PER_FORM = 12;
    /** Far enough from 0 that backward branches do not wrap around the address space. */
    private static final long ORIGIN = 0x4000;

    @ParameterizedTest(name = "BITS {0}")
    @ValueSource(ints = {16, 32})
    void everyFormSurvivesAssembleDisassembleAssemble(int bits) {
        FormSamples samples = new FormSamples(1234 + bits, bits);
        int cases = 0;
        StringBuilder failures = new StringBuilder();
        for (Form f : InstructionTable.standard().forms()) {
            if (!samples.reachable(f)) {
                continue;
            }
            for (int i = 0; i < SAMPLES_PER_FORM; i++) {
                String source = samples.line(f);
                byte[] first = assemble(bits, source);
                List<Instruction> lines = Disassembler.disassemble(first, ORIGIN, bits);
                StringBuilder text = new StringBuilder();
                lines.forEach(l -> text.append(l.text()).append('\n'));
                byte[] second = assembleOrNull(bits, text.toString());
                if (!java.util.Arrays.equals(first, second) && failures.length() < 20000) {
                    failures.append(f).append(": ").append(source).append(" -> ").append(hex(first))
                        .append(" -> ").append(text.toString().strip()).append(" -> ").append(hex(second)).append('\n');
                }
                cases++;
            }
        }
        assertTrue(cases > 4000, "cases: " + cases);
        assertEquals("", failures.toString());
    }

    static byte[] assemble(int bits, String source) {
        Assembler.Result r = Assembler.assemble("roundtrip.asm", "bits " + bits + "\norg " + ORIGIN + "\n" + source, null,
            Assembler.Options.defaults());
        if (!r.ok()) {
            fail(source + ": " + r.diagnostics());
        }
        return r.output();
    }

    private static byte[] assembleOrNull(int bits, String source) {
        Assembler.Result r = Assembler.assemble("roundtrip.asm", "bits " + bits + "\norg " + ORIGIN + "\n" + source, null,
            Assembler.Options.defaults());
        return r.ok() ? r.output() : null;
    }

    static String hex(byte[] b) {
        return b == null ? "(error)" : HexFormat.of().formatHex(b);
    }
}
