package org.j386.emulator.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.j386.emulator.cpu.CpuState;
import org.junit.jupiter.api.Test;

/** Booting a ROM from the reset vector, as far as the QEMU recordings cannot tell. */
class RomBootTest {
    private static final Path ROMS = Path.of("src/test/roms");

    private static Machine boot(String rom, MachineConfig.CpuTier tier) throws Exception {
        MachineConfig config = new MachineConfig();
        config.cpuTier = tier;
        config.jitThreshold = 0;
        config.maxInstructions = 10_000_000;
        Machine machine = new Machine(config);
        machine.bootRom(ROMS.resolve(rom).resolve(rom + ".bin"));
        return machine;
    }

    @Test
    void theFirstInstructionComesFromSixteenBytesBelow4GibAndItsFarJumpLeadsBelow1Mib() throws Exception {
        Machine machine = boot("real_mode", MachineConfig.CpuTier.INTERP);
        CpuState s = machine.cpu().state;
        assertEquals(0xFFFF0000, s.segs[CpuState.CS].base);
        assertEquals(0xFFF0, s.eip);
        machine.resume(1);
        assertEquals(0xF000, s.segs[CpuState.CS].selector);
        assertEquals(0xF0000, s.segs[CpuState.CS].base);
        assertEquals(0xFFFF, s.segs[CpuState.CS].limit);
    }

    @Test
    void realModeCodeIsNeverCompiledEvenWhenEveryBlockIsHot() throws Exception {
        Machine machine = boot("real_mode", MachineConfig.CpuTier.JIT);
        RunResult result = machine.run();
        assertEquals(Outcome.DEBUG_EXIT, result.outcome(), result.message());
        assertEquals(0, machine.cpu().jitStatistics().blocksCompiled());
    }

    @Test
    void flatProtectedModeCodeReachedFromARomIsCompiled() throws Exception {
        Machine machine = boot("unreal", MachineConfig.CpuTier.JIT);
        RunResult result = machine.run();
        assertEquals(Outcome.DEBUG_EXIT, result.outcome(), result.message());
        assertTrue(machine.cpu().jitStatistics().blocksCompiled() > 0);
    }
}
