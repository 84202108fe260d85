package org.j386.tools.asm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Branch sizes settle where NASM puts them (bytes below are what nasm 2.16 writes for the same source). */
class BranchSizingTest {
    private static byte[] assemble(String source) {
        Assembler.Result r = Assembler.assemble("b.asm", source, null, new Assembler.Options(List.of(), new BinFormat()));
        assertTrue(r.ok(), () -> r.diagnostics().toString());
        return r.output();
    }

    @Test
    void branchOverCodeThatShrinksInALaterPassStaysShort() {
        // In the first pass SMALL is unknown, so each ADD takes its imm32 form and the label lies
        // 200 bytes on; once SMALL is known they shrink to imm8 and the target is in short reach.
        byte[] out = assemble(String.join("\n",
            "BITS 32",
            "        jz .done",
            "        times 40 add eax, SMALL",
            ".done:  ret",
            "SMALL equ 4",
            ""));
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.write(0x74);
        expected.write(0x78);
        for (int i = 0; i < 40; i++) {
            expected.writeBytes(new byte[] {(byte) 0x83, (byte) 0xC0, 0x04});
        }
        expected.write(0xC3);
        assertArrayEquals(expected.toByteArray(), out);
    }

    @Test
    void branchThatIsOutOfReachInTheEndIsNear() {
        byte[] out = assemble(String.join("\n",
            "BITS 32",
            "        jz .done",
            "        times 130 nop",
            ".done:  ret",
            ""));
        assertArrayEquals(new byte[] {0x0F, (byte) 0x84, (byte) 130, 0, 0, 0}, java.util.Arrays.copyOf(out, 6));
    }
}
