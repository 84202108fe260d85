package org.j386.emulator.jit;

import static org.j386.emulator.cpu.CpuState.EAX;
import static org.j386.emulator.cpu.CpuState.EBX;
import static org.j386.emulator.cpu.CpuState.ECX;
import static org.j386.emulator.cpu.CpuState.EDX;
import static org.j386.emulator.cpu.CpuState.ESI;
import static org.j386.emulator.jit.TierMachine.CODE;
import static org.j386.emulator.jit.TierMachine.DATA;
import static org.j386.emulator.jit.TierMachine.SCRATCH;
import static org.j386.emulator.jit.TierMachine.hex32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Consumer;
import org.j386.emulator.cpu.BlockRuntime;
import org.junit.jupiter.api.Test;

/**
 * Compiled code reads and writes guest RAM itself when the TLB already allows the access; every
 * other case takes the interpreter's path. These are the cases at the edge of that shortcut: an
 * access across a page boundary, a fault on the second page of one, a page mapped beyond installed
 * RAM, rights that the current privilege or CR0.WP deny, a first write to a page that is not yet
 * dirty, and the TLB statistics, which must come out as the interpreter counts them.
 */
class InlineMemoryAccessTest {

    /** Runs {@code code} at {@link TierMachine#CODE} on both tiers; returns the compiled one after checking they agree. */
    private static TierMachine bothTiers(Consumer<TierMachine> setup, String code) {
        return bothTiers(TierMachine.RAM, setup, code);
    }

    /** As {@link #bothTiers(Consumer, String)} on machines of {@code ramBytes} of RAM. */
    private static TierMachine bothTiers(int ramBytes, Consumer<TierMachine> setup, String code) {
        TierMachine jit = TierMachine.onBothTiers(ramBytes, setup.andThen(m -> m.code(CODE, code)), 10_000, "");
        assertTrue(jit.s.halted, "the code ran to its HLT");
        return jit;
    }

    private static int patternAt(int address) {
        return address * 0x9E3779B1;
    }

    private static void pattern(TierMachine t) {
        for (int a = DATA; a < DATA + 0x3000; a += 4) {
            t.ram.write32(a, patternAt(a));
        }
        t.s.regs[EAX] = 0x11223344;
        t.s.regs[EBX] = 0xA1B2C3D4;
        t.s.regs[ECX] = 0x00000101;
    }

    @Test
    void accessesAcrossAPageBoundaryReadAndWriteBothPages() {
        TierMachine t = bothTiers(m -> {
            m.paging(false);
            pattern(m);
        }, "8B 05" + hex32(DATA + 0xFFE) // mov eax, [page end - 2]
                + "89 1D" + hex32(DATA + 0x1FFD) // mov [next page end - 3], ebx
                + "66 01 0D" + hex32(DATA + 0xFFF) // add [page end - 1], cx
                + "BC" + hex32(DATA + 0x3002) // mov esp, just above a page boundary
                + "50 5A" // push eax; pop edx
                + "8B 35" + hex32(DATA + 0x1FFF) // mov esi, [next page end - 1]
                + "F4");
        int expectedEax = patternAt(DATA + 0xFFC) >>> 16 | patternAt(DATA + 0x1000) << 16;
        assertEquals(expectedEax, t.s.regs[EAX]);
        assertEquals((expectedEax >>> 8 & 0xFFFF) + 0x101, t.ram.read16(DATA + 0xFFF), "the word added to across the boundary");
        assertEquals(0xA1B2C3D4, t.ram.read32(DATA + 0x1FFD));
        assertEquals(expectedEax, t.s.regs[EDX]);
        assertEquals(0xA1B2 | (patternAt(DATA + 0x2000) >>> 8 & 0xFFFF) << 16, t.s.regs[ESI]);
    }

    @Test
    void aStoreWhoseSecondPageIsMissingFaultsFirstAndWritesBothHalvesOnlyWhenRetried() {
        TierMachine t = bothTiers(m -> {
            m.paging(false);
            pattern(m);
            m.ram.write32(TierMachine.PAGE_TABLE + 4 * ((DATA + 0x1000) >>> 12), 0);
        }, "89 05" + hex32(DATA + 0xFFE) + "F4"); // mov [page end - 2], eax
        assertTrue(t.events.get(0).startsWith(String.format("exception 14 error 2 at %08x cr2 %08x", CODE, DATA + 0x1000)),
                t.events.get(0));
        assertEquals(0x3344, t.ram.read16(DATA + 0xFFE));
        assertEquals(0x1122, t.ram.read16(SCRATCH), "the retried store's upper half, through the page the handler mapped");
    }

    @Test
    void aPageMappedBeyondInstalledRamReadsAllOnesAndDropsWrites() {
        int beyond = 0x60000;
        TierMachine t = bothTiers(m -> {
            m.paging(false);
            pattern(m);
            m.map(beyond, TierMachine.RAM + 0x10000);
        }, "89 05" + hex32(beyond + 0x10) // mov [beyond], eax
                + "8B 1D" + hex32(beyond + 0x10) // mov ebx, [beyond]
                + "8A 15" + hex32(beyond + 0x20) // mov dl, [beyond]
                + "F4");
        assertEquals(-1, t.s.regs[EBX]);
        assertEquals(0xFF, t.s.regs[EDX] & 0xFF);
    }

    @Test
    void withPagingOffAccessesGoInlineToRamAndBeyondItReadAllOnesWithoutCountingTlbHits() {
        TierMachine t = bothTiers(m -> {
            pattern(m);
            m.s.regs[ECX] = 300;
        }, "8B 04 8D" + hex32(DATA) // L: mov eax, [DATA + ecx*4]
                + "01 04 8D" + hex32(DATA + 0x1000) // add [DATA + 0x1000 + ecx*4], eax
                + "49 75 EF" // dec ecx; jnz L
                + "89 05" + hex32(TierMachine.RAM + 0x10) // mov [beyond RAM], eax
                + "8B 1D" + hex32(TierMachine.RAM + 0x10) // mov ebx, [beyond RAM]
                + "F4");
        assertEquals(-1, t.s.regs[EBX]);
        assertEquals(patternAt(DATA + 0x1000 + 4) + patternAt(DATA + 4), t.ram.read32(DATA + 0x1000 + 4));
        assertEquals(0, t.mmu.tlbHits(), "without paging the TLB is not used");
        assertTrue(t.cpu.jitStatistics().compiledInstructions() > 3 * 300, "the loop ran compiled");
    }

    @Test
    void aRingThreeStoreToASupervisorPageFaultsWithTheUserWriteErrorCode() {
        TierMachine t = bothTiers(m -> {
            m.paging(false);
            pattern(m);
            m.ring3();
            m.supervisorOnly(DATA);
        }, "8B 1D" + hex32(DATA + 0x1000) // mov ebx, [a user page]: allowed
                + "89 05" + hex32(DATA + 0x10) // mov [a supervisor page], eax
                + "CD 81"); // the way ring 3 stops
        assertTrue(t.events.get(0).startsWith("exception 14 error 7"), t.events.get(0));
    }

    @Test
    void aFunctionCompiledInRingZeroAndCalledFromRingThreeMayNotWriteWhatOnlyRingZeroMay() {
        // A page that ring 3 may read but not write, and ring 0 may write (CR0.WP is clear). The
        // function's block is compiled while ring 0 calls it, its store allowed there; called from
        // ring 3, after a read has put the page's translation in the TLB, the store must fault.
        int function = CODE + 0x1000;
        int userEntry = CODE + 0x30;
        int page = DATA + 0x1000;
        TierMachine t = bothTiers(m -> {
            m.paging(false);
            pattern(m);
            m.ram.write32(TierMachine.PAGE_TABLE + 4 * (page >>> 12), page | 5); // user, read-only
            m.code(function, "89 05" + hex32(page + 0x10) + "C3"); // mov [page], eax; ret
            m.code(userEntry, "6A 33 1F 6A 33 07" // push user data; pop ds; and es (the IRET to ring 3 nulled them)
                    + "8B 1D" + hex32(page + 0x20) // mov ebx, [page]: allowed, and now in the TLB
                    + TierMachine.callRel(userEntry + 12, function) + "CD 81"); // call it; the way ring 3 stops
        }, "B9 32 00 00 00" // mov ecx, 50
                + TierMachine.callRel(CODE + 5, function) // again: call the function in ring 0
                + "49 75 F8" // dec ecx; jnz again
                + "6A 33 68" + hex32(TierMachine.INITIAL_ESP - 0x100) // push user SS, ESP
                + "9C 6A 2B 68" + hex32(userEntry) + "CF"); // pushfd; push user CS, EIP; iret to ring 3
        assertTrue(t.cpu.jitStatistics().compiledInstructions() > 50, "the calls from ring 0 ran compiled");
        assertTrue(t.events.get(0).startsWith("exception 14 error 7"), String.valueOf(t.events));
    }

    @Test
    void aRingZeroStoreToAReadOnlyPageFaultsUnderWriteProtect() {
        TierMachine t = bothTiers(m -> {
            m.paging(true);
            pattern(m);
        }, "8B 1D" + hex32(DATA + 0x1000) // mov ebx, [the read-only page]: allowed
                + "89 05" + hex32(DATA + 0x1010) // mov [the read-only page], eax
                + "F4");
        assertTrue(t.events.get(0).startsWith("exception 14 error 3"), t.events.get(0));
    }

    @Test
    void aHotLoopCountsTlbHitsAndSetsDirtyBitsAsTheInterpreterDoes() {
        // Reads fill entries that are not yet dirty; the first write to each of those pages then
        // takes the walk that sets the PTE's D bit. The comparison covers the page table in RAM
        // and the TLB's hit and miss counts.
        TierMachine t = bothTiers(m -> {
            m.paging(false);
            pattern(m);
            m.s.regs[ECX] = 1500;
            m.code(CODE + 0x100, "F4");
        }, "8B 04 8D" + hex32(DATA) // L: mov eax, [DATA + ecx*4]
                + "01 04 8D" + hex32(DATA + 0x1000) // add [DATA + 0x1000 + ecx*4], eax
                + "50 5B 49 75 ED" // push eax; pop ebx; dec ecx; jnz L
                + "BA" + hex32(CODE + 0x100) + "FF E2"); // leave the block by a jump: mov edx, the HLT; jmp edx
        assertEquals(0, t.s.regs[ECX]);
        assertTrue(t.mmu.tlbHits() > 4 * 1500, "hits: " + t.mmu.tlbHits());
        int pte = t.ram.read32(TierMachine.PAGE_TABLE + 4 * ((DATA + 0x1000 + 4 * 1500) >>> 12));
        assertEquals(0x40, pte & 0x40, "dirty bit of a page the loop wrote");
    }

    @Test
    void aReadModifyWriteTestsItsEntryOnceButCountsBothAccessesAndLeavesForTheFirstWriteOrAReadOnlyPage() {
        // Each update is one test of the entry, for writing: a page read but not yet written (its
        // entry not dirty) or a read-only one sends the instruction to the interpreter, which
        // makes the read and then the write that sets D, or faults with the write's error code.
        TierMachine t = bothTiers(m -> {
            m.paging(true);
            pattern(m);
            m.s.regs[ECX] = 1000;
        }, "8B 04 8D" + hex32(DATA) // L: mov eax, [DATA + ecx*4]
                + "8B 1C 8D" + hex32(DATA + 0x2000) // mov ebx, [DATA + 0x2000 + ecx*4]: read first
                + "01 04 8D" + hex32(DATA + 0x2000) // add [DATA + 0x2000 + ecx*4], eax
                + "FF 05" + hex32(DATA + 0x2FF0) // inc dword [DATA + 0x2FF0]
                + "F7 1D" + hex32(DATA + 0x2FF4) // neg dword [DATA + 0x2FF4]
                + "80 35" + hex32(DATA + 0x2FF8) + "5A" // xor byte [DATA + 0x2FF8], 0x5A
                + "49 75 D5" // dec ecx; jnz L
                + "01 05" + hex32(DATA + 0x1010) // add [the read-only page], eax
                + "F4");
        assertEquals(0, t.s.regs[ECX]);
        assertTrue(t.cpu.jitStatistics().compiledInstructions() > 5_000, "the loop ran compiled");
        assertEquals(patternAt(DATA + 0x2FF0) + 1000, t.ram.read32(DATA + 0x2FF0));
        int pte = t.ram.read32(TierMachine.PAGE_TABLE + 4 * ((DATA + 0x2000) >>> 12));
        assertEquals(0x40, pte & 0x40, "dirty bit of the page the loop updated");
        assertTrue(t.events.get(0).startsWith("exception 14 error 3"), t.events.get(0));
        assertEquals(patternAt(DATA + 0x1010), t.ram.read32(DATA + 0x1010), "the read-only dword unchanged");
    }

    @Test
    void accessesAtTheEndOfRamGoInlineWhetherOrNotRamsSizeIsAPowerOfTwoAndWithPagingOnOrOff() {
        // RAM's last dword, word and byte, read and written in a loop that runs compiled: under
        // the TLB and under the identity table (whose stores test their frame themselves), with
        // RAM of 512 KiB (its index mask bounds the index) and of 384 KiB (it has none).
        for (int ramBytes : new int[] {TierMachine.RAM, TierMachine.RAM - 0x20000}) {
            for (boolean paging : new boolean[] {false, true}) {
                int last = ramBytes - 0x1000;
                TierMachine t = bothTiers(ramBytes, m -> {
                    if (paging) {
                        m.paging(false);
                    }
                    m.ram.write32(last + 0xFFC, 0x01020304);
                    m.s.regs[ECX] = 200;
                }, "8B 05" + hex32(last + 0xFFC) // L: mov eax, [RAM's last dword]
                        + "01 05" + hex32(last + 0x10) // add [RAM's last page + 0x10], eax
                        + "66 01 05" + hex32(last + 0xFFE) // add [RAM's last word], ax
                        + "88 0D" + hex32(last + 0xFFF) // mov [RAM's last byte], cl
                        + "49 75 E4" // dec ecx; jnz L
                        + "F4");
                String machine = (ramBytes >> 10) + " KiB, paging " + (paging ? "on" : "off");
                assertEquals(1, t.ram.read8(ramBytes - 1), machine + ": the last byte written");
                assertTrue(t.cpu.jitStatistics().compiledInstructions() > 4 * 150, machine + ": the loop ran compiled");
            }
        }
    }

    @Test
    void theFrameMaskBoundsTheIndexByRamsSizeWhenItIsAPowerOfTwoAndBelowTwoGibibytesOtherwise() {
        assertEquals(0x1FFF000, BlockRuntime.inlineFrameMask(0x1FFFFFF));
        assertEquals(0x7FFFF000, BlockRuntime.inlineFrameMask(-1));
    }
}
