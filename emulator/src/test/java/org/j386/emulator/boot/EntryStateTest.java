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
        MultibootLoader.setEntryState(kernel, cpu, memory.size());
    }

    @Test
    void eaxHoldsTheBootloaderMagicAndEbxTheInformationStructure() {
        assertEquals(0x2BADB002, cpu.regs[CpuState.EAX]);
        assertEquals(kernel.infoAddress(), cpu.regs[CpuState.EBX]);
    }

    @Test
    void theUndefinedRegistersHoldWhatQemusOptionRomLeavesInThem() {
        assertEquals(kernel.entry(), cpu.regs[CpuState.ECX]);
        assertEquals(0x511, cpu.regs[CpuState.EDX], "with 32 MiB of RAM");
        assertEquals(0x6F08, cpu.regs[CpuState.ESP], "a stack in free low memory, below the Multiboot information");
        assertEquals(0, cpu.regs[CpuState.EBP]);
        assertEquals(0, cpu.regs[CpuState.ESI], "whatever it held before the boot");
        assertEquals(0x1000, cpu.regs[CpuState.EDI]);
        assertEquals(0x6, cpu.flags.get(), "PF and the reserved bit 1");
    }

    @Test
    void edxCarriesTheRamSizeInSixtyFourMebibyteStepsAsUnderQemu() {
        // Measured with qemu-system-i386 7.2 -m 65M, 66M, 128M, 130M, 2047M.
        assertEquals(0x00000511, MultibootLoader.qemuEntryEdx(65L << 20));
        assertEquals(0x00010511, MultibootLoader.qemuEntryEdx(66L << 20));
        assertEquals(0x00010511, MultibootLoader.qemuEntryEdx(128L << 20));
        assertEquals(0x00020511, MultibootLoader.qemuEntryEdx(130L << 20));
        assertEquals(0x001F0511, MultibootLoader.qemuEntryEdx(2047L << 20));
    }

    @Test
    void ldtrKeepsItsResetValueSoAnLdtSelectorBeforeLldtReadsFromLinearZero() {
        assertTrue(cpu.ldtr.usable);
        assertEquals(0, cpu.ldtr.base);
        assertEquals(0xFFFF, cpu.ldtr.limit);
    }

    @Test
    void executionStartsAtTheEntryPoint() {
        assertEquals(kernel.entry(), cpu.eip);
    }

    @Test
    void theProcessorIsInProtectedModeWithoutPagingAndInterruptsOff() {
        assertEquals(CpuState.CR0_PE | CpuState.CR0_ET, cpu.cr0);
        assertEquals(0, cpu.flags.get() & Flags.IF);
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
