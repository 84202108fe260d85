package org.j386.tools.disasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Any bytes decode to something: an instruction of 1..15 bytes or a one-byte db. */
class DecoderRobustnessTest {

    @Test
    void randomBytesAlwaysDecodeToOneToFifteenBytes() {
        Random rnd = new Random(0x386);
        byte[] code = new byte[1 << 16];
        rnd.nextBytes(code);
        for (int bits : new int[] {16, 32}) {
            long at = 0;
            int count = 0;
            while (at < code.length) {
                Instruction i = Disassembler.standard().decode(ByteSource.of(code, 0), at, bits);
                assertTrue(i.length() >= 1 && i.length() <= 15, i.toString());
                assertEquals(at, i.address());
                assertTrue(!i.text().isEmpty());
                at += i.length();
                count++;
            }
            assertTrue(count > code.length / 8, "instructions: " + count);
        }
    }
}
