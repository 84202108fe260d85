package org.j386.emulator.debug;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

import org.j386.emulator.cpu.CpuState;
import org.j386.emulator.cpu.Vectors;
import org.j386.emulator.machine.Machine;
import org.j386.emulator.machine.MachineConfig;
import org.j386.guest.GuestKernel;
import org.junit.jupiter.api.Test;

/** {@code last-write} and {@code history}, which replay the run from boot in a second machine. */
class WriteHistoryTest {
    private static final Path PAGING_LAZY = Path.of("src/test/kernels/paging_lazy/paging_lazy.elf");

    private Machine machine;
    private Debugger debugger;
    private CpuState s;

    private void load(MachineConfig.CpuTier tier) throws Exception {
        MachineConfig config = new MachineConfig();
        config.cpuTier = tier;
        config.jitThreshold = 0;
        machine = new Machine(config);
        machine.boot(PAGING_LAZY);
        debugger = new Debugger(machine);
        debugger.enableReplay(() -> {
            Machine copy = new Machine(config.silentReplica());
            try {
                copy.boot(PAGING_LAZY);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return copy;
        });
        s = machine.cpu().state;
    }

    private String console(String line) {
        StringWriter text = new StringWriter();
        Console console = new Console(debugger, new PrintWriter(text, true));
        console.execute(line);
        console.out().flush();
        return text.toString();
    }

    private void stopAtPageFault(int nth) throws Exception {
        BitSet pf = new BitSet();
        pf.set(Vectors.PF);
        debugger.catchVectors(pf, true);
        for (int i = 0; i < nth; i++) {
            assertEquals(Stop.Kind.EXCEPTION, debugger.continueRun().kind());
        }
    }

    @Test
    void lastWriteOnAPageTableEntryNamesTheFaultHandlerThatMappedThePage() throws Exception {
        load(MachineConfig.CpuTier.JIT);
        stopAtPageFault(2); // the first fault mapped the window's first page
        int pde = machine.ram().read32((s.cr3 & ~0xFFF) + (0x40000000 >>> 22) * 4);
        assertTrue((pde & 1) != 0, "the window has a page table");
        int pte = (pde & ~0xFFF) + ((0x40000000 >>> 12) & 0x3FF) * 4;
        String answer = console(String.format("last-write -p 0x%x", pte));
        int now = machine.ram().read32(pte);
        assertTrue(answer.matches(String.format("(?s)instruction \\d+ at 0x\\p{XDigit}{8} <(map_page|pf_handler)\\+0x\\p{XDigit}+> wrote 0x%08x over 0x00000000\\n"
                + "  \\(since then the page walk set accessed or dirty bits in it, last at instruction \\d+\\)\\n", now & ~0x60)),
                answer);
    }

    @Test
    void historyListsEveryChangeSteppingForwardSees() throws Exception {
        for (MachineConfig.CpuTier tier : MachineConfig.CpuTier.values()) {
            load(MachineConfig.CpuTier.INTERP);
            // What stepping one instruction at a time sees change in the dword ESP points to at 2,000.
            debugger.step(20000);
            int slot = s.regs[CpuState.ESP] - 8;
            load(tier);
            List<String> seen = new ArrayList<>();
            int before = machine.ram().read32(slot);
            while (s.instructions < 20000) {
                debugger.step(1);
                int after = machine.ram().read32(slot);
                if (after != before) {
                    seen.add(String.format("instruction %d wrote 0x%08x over 0x%08x", s.instructions, after, before));
                    before = after;
                }
            }
            List<String> listed = new ArrayList<>();
            for (String line : console(String.format("history -p 0x%x", slot)).split("\n")) {
                java.util.regex.Matcher m = java.util.regex.Pattern
                        .compile("  instruction (\\d+) at \\S+ <\\S+> wrote (0x\\p{XDigit}{8}) over (0x\\p{XDigit}{8})").matcher(line);
                if (m.matches() && !m.group(2).equals(m.group(3))) {
                    listed.add("instruction " + m.group(1) + " wrote " + m.group(2) + " over " + m.group(3));
                }
            }
            assertFalse(seen.isEmpty(), "the stack slot changes");
            assertEquals(seen, listed, tier.name());
        }
    }

    @Test
    void aRunChangedFromTheDebuggerIsNotPassedOffAsReplayed() throws Exception {
        load(MachineConfig.CpuTier.JIT);
        debugger.step(500);
        machine.ram().write32(0x00200000, 0x12345678);
        String answer = console("last-write -p 0x00200000");
        assertTrue(answer.startsWith("no write to the dword at physical 0x00200000 from the start to instruction 500"), answer);
        assertTrue(answer.contains("warning: the replay did not end in this machine's state"), answer);
    }

    @Test
    void whenSaysTheInstructionCount() throws Exception {
        load(MachineConfig.CpuTier.INTERP);
        debugger.step(1234);
        assertEquals("instruction 1234, virtual time 0.00001234 s\n", console("when"));
    }

    @Test
    void onTheBundledKernelLastWriteFindsTheHandlerThatMappedThePageAndReverseContinueTheFaultBefore() throws Exception {
        MachineConfig config = new MachineConfig();
        machine = new Machine(config);
        GuestKernel kernel = GuestKernel.MP4;
        machine.boot(kernel.bootName, kernel.elf());
        debugger = new Debugger(machine);
        debugger.enableReplay(() -> {
            Machine copy = new Machine(config.silentReplica());
            try {
                copy.boot(kernel.bootName, kernel.elf());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return copy;
        });
        s = machine.cpu().state;
        stopAtPageFault(1);
        long first = s.instructions;
        int firstCr2 = s.cr2;
        stopAtPageFault(1);
        int pde = machine.ram().read32((s.cr3 & ~0xFFF) + (firstCr2 >>> 22) * 4);
        int pte = (pde & ~0xFFF) + ((firstCr2 >>> 12) & 0x3FF) * 4;
        String answer = console(String.format("last-write -p 0x%x", pte));
        assertTrue(answer.matches("(?s)instruction \\d+ at 0x\\p{XDigit}{8} <pt_handle_fault[.+].*"), answer);
        String back = console("reverse-continue");
        assertTrue(back.contains("(back at instruction " + first + ")"), back);
        assertEquals(first, s.instructions);
    }
}
