package org.j386.emulator.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.j386.emulator.cpu.CpuState;
import org.j386.emulator.cpu.Flags;
import org.j386.emulator.cpu.Segment;
import org.j386.emulator.memory.PhysicalMemory;
import org.j386.tools.image.ImageFormatException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The machine state at a Multiboot kernel's first instruction (specification section 3.2). */
class EntryStateTest {
    private final PhysicalMemory memory = new PhysicalMemory(32 << 20);
    private final CpuState cpu = new CpuState();
    private LoadedKernel kernel;

    @BeforeEach
    void boot() throws ImageFormatException {
        cpu.regs[CpuState.ESI] = 0x1234;
        cpu.flags.set(Flags.IF | Flags.CF);
        kernel = new MultibootLoader(memory).load("kernel.elf", TestKernels.elfKernel(), "", List.of());
        MultibootLoader.setEntryState(kernel, cpu);
    }

    @Test
    void eaxHoldsTheBootloaderMagicAndEbxTheInformationStructure() {
        assertEquals(0x2BADB002, cpu.regs[CpuState.EAX]);
        assertEquals(kernel.infoAddress(), cpu.regs[CpuState.EBX]);
        assertEquals(0, cpu.regs[CpuState.ESI], "other registers start at zero");
        assertEquals(0, cpu.regs[CpuState.ESP], "no stack: the kernel sets up its own");
    }

    @Test
    void executionStartsAtTheEntryPoint() {
        assertEquals(kernel.entry(), cpu.eip);
    }

    @Test
    void theProcessorIsInProtectedModeWithoutPagingAndInterruptsOff() {
        assertEquals(CpuState.CR0_PE | CpuState.CR0_ET, cpu.cr0);
        assertEquals(2, cpu.flags.get(), "IF clear, reserved bit 1 set");
        assertFalse(cpu.flags.interruptsEnabled());
        assertEquals(0, cpu.cpl);
    }

    @Test
    void segmentsAreFlat4GiBWithQemusSelectors() {
        for (int i = 0; i < cpu.segs.length; i++) {
            Segment s = cpu.segs[i];
            String name = CpuState.SEGMENT_NAMES[i];
            assertEquals(i == CpuState.CS ? 0x08 : 0x10, s.selector, name);
            assertEquals(0, s.base, name);
            assertEquals(-1, s.limit, name);
            assertTrue(s.big() && s.present() && s.readWrite() && s.usable, name);
            assertEquals(i == CpuState.CS, s.isCode(), name);
            assertEquals(0, s.dpl(), name);
        }
    }

    @Test
    void theGdtInMemoryHoldsTheDescriptorsTheSegmentCachesCameFrom() {
        assertEquals(5 * 8 - 1, cpu.gdtLimit);
        for (int i : new int[] {CpuState.CS, CpuState.DS}) {
            Segment cached = cpu.segs[i];
            Segment reloaded = new Segment();
            int at = cpu.gdtBase + (cached.selector & ~7);
            reloaded.load(cached.selector, memory.read32(at), memory.read32(at + 4));
            assertEquals(cached.base, reloaded.base);
            assertEquals(cached.limit, reloaded.limit);
            assertEquals(cached.attributes, reloaded.attributes, CpuState.SEGMENT_NAMES[i]);
        }
    }
}
