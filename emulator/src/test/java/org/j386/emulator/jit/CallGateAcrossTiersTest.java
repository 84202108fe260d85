package org.j386.emulator.jit;

import static org.j386.emulator.cpu.CpuState.DS;
import static org.j386.emulator.cpu.CpuState.ECX;
import static org.j386.emulator.jit.TierMachine.CODE;
import static org.j386.emulator.jit.TierMachine.CODE_SELECTOR;
import static org.j386.emulator.jit.TierMachine.GDT;
import static org.j386.emulator.jit.TierMachine.hex32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * A far CALL through a call gate and the RET back, from code the bytecode tier compiles: the
 * transfer is the interpreter's, and compiled code around it must see the new ring, stack and
 * segments exactly as the interpreter does.
 */
class CallGateAcrossTiersTest {
    /** A 32-bit call gate of DPL 3 in the GDT slot after TierMachine's last, two dwords copied. */
    private static final int GATE = 8 * 8, RING0_ENTRY = CODE + 0x100;

    private static TierMachine ring3CallingRing0ThroughAGate() {
        TierMachine m = new TierMachine();
        m.ram.write32(GDT + GATE, (CODE_SELECTOR << 16) | (RING0_ENTRY & 0xFFFF));
        m.ram.write32(GDT + GATE + 4, (RING0_ENTRY & 0xFFFF0000) | 0xEC00 | 2);
        m.s.gdtLimit = GATE + 7;
        m.ring3();
        m.code(CODE, "68" + hex32(0x11111111) // push 0x11111111
                + "68" + hex32(0x22222222) // push 0x22222222
                + "9A 00 00 00 00" + String.format("%02X 00", GATE | 3) // call GATE|3:0
                + "89 C1" // mov ecx, eax
                + "CD 81"); // the way ring 3 stops
        m.code(RING0_ENTRY, "8B 44 24 08" // mov eax, [esp + 8]: the parameter pushed last
                + "03 44 24 0C" // add eax, [esp + 12]: and the one before
                + "BA 10 00 00 00 8E DA" // mov edx, 0x10; mov ds, edx: a ring-0 DS the return nulls
                + "CA 08 00"); // retf 8
        return m;
    }

    @Test
    void aCallThroughAGateIntoRing0AndTheReturnAgreeWithTheInterpreter() {
        TierMachine reference = ring3CallingRing0ThroughAGate();
        reference.run(10_000);
        TierMachine compiled = ring3CallingRing0ThroughAGate().jit();
        compiled.run(10_000);
        assertEquals("", compiled.differencesFrom(reference), "the bytecode tier disagrees with the interpreter");
        assertEquals(compiled.s.instructions, compiled.cpu.jitStatistics().compiledInstructions(),
                "every instruction, the far CALL and RET among them, ran in compiled blocks");
        assertEquals(0x33333333, compiled.s.regs[ECX], "both parameters reached ring 0");
        assertEquals(0, compiled.s.segs[DS].selector, "DS nulled on the way back to ring 3");
        assertTrue(compiled.events.get(0).startsWith("software interrupt 129"), compiled.events.get(0));
    }
}
