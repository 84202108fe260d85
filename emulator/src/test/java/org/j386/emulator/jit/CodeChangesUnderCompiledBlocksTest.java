package org.j386.emulator.jit;

import static org.j386.emulator.cpu.CpuState.EAX;
import static org.j386.emulator.cpu.CpuState.EBX;
import static org.j386.emulator.cpu.CpuState.ECX;
import static org.j386.emulator.jit.TierMachine.CODE;
import static org.j386.emulator.jit.TierMachine.DATA;
import static org.j386.emulator.jit.TierMachine.hex32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Consumer;
import org.j386.emulator.cpu.JitStatistics;
import org.junit.jupiter.api.Test;

/**
 * Compiled code must never outlive the bytes or the mapping it was compiled from: stores into
 * the running block, into a later instruction of it, into another block of the same page, and a
 * page remapped under a compiled block. (A block leaves before a store into a frame holding code,
 * which the interpreter then runs; a store by an instruction the block calls the interpreter for
 * stops the block after it.) Each case runs on the interpreter too, and the bytecode
 * tier must leave exactly its state; the values checked are those only the new code produces.
 */
class CodeChangesUnderCompiledBlocksTest {
    /** Runs {@code setup}'s program on both tiers (the bytecode tier compiling on first sight). */
    static TierMachine agree(Consumer<TierMachine> setup, long budget) {
        TierMachine jit = TierMachine.onBothTiers(TierMachine.RAM, setup, budget, "");
        assertTrue(jit.cpu.jitStatistics().compiledInstructions() > 0, "nothing ran in compiled code");
        return jit;
    }

    @Test
    void storeIntoTheRunningBlockLeavesItBeforeTheStoreAndTheNewBytesRun() {
        TierMachine m = agree(t -> {
            t.code(CODE, "41" // inc ecx: compiled code runs first
                    + "C6 05" + hex32(CODE + 8) + "40" // mov byte [next], 0x40: dec eax becomes inc eax
                    + "48 F4"); // dec eax; hlt
            t.s.regs[EAX] = 5;
        }, 100);
        assertEquals(6, m.s.regs[EAX], "the rewritten instruction ran");
        assertTrue(m.cpu.jitStatistics().invalidatedBySelfModification() >= 1);
    }

    @Test
    void storeIntoALaterInstructionOfTheSameBlockRunsTheNewBytes() {
        TierMachine m = agree(t -> {
            t.code(CODE, "41" // inc ecx: compiled code runs first
                    + "C7 05" + hex32(CODE + 0x12) + hex32(0x12345678) // the immediate of mov ebx below
                    + "83 C0 01 83 C0 02" // add eax, 1; add eax, 2
                    + "BB 11 11 11 11 F4"); // mov ebx, 0x11111111; hlt
            t.s.regs[EAX] = 10;
        }, 100);
        assertEquals(0x12345678, m.s.regs[EBX]);
        assertEquals(13, m.s.regs[EAX]);
    }

    @Test
    void storeIntoAnotherBlockOnTheSamePageRecompilesIt() {
        TierMachine m = agree(t -> {
            t.code(CODE, "E8 FB 00 00 00" // call 0x10100, which is compiled
                    + "C7 05" + hex32(CODE + 0x101) + hex32(0x22222222) // rewrite its immediate
                    + "E8 EC 00 00 00 F4"); // call it again; hlt
            t.code(CODE + 0x100, "BB 11 11 11 11 01 D9 C3"); // mov ebx, 0x11111111; add ecx, ebx; ret
        }, 100);
        assertEquals(0x33333333, m.s.regs[ECX], "the second call ran the rewritten block");
        assertTrue(m.cpu.jitStatistics().invalidatedBySelfModification() >= 1, "the store dropped compiled code");
    }

    @Test
    void aStoreToAFrameThatBecameCodeAfterItsTranslationWasCachedIsHeard() {
        // The first pass stores to the data page while no code is cached from it, so its TLB entry
        // lets compiled stores write unheard; then the function there is compiled. The next
        // passes' stores, through the same entry, must drop that code.
        TierMachine m = agree(t -> {
            t.paging(false);
            t.code(TierMachine.DATA, "B8 01 00 00 00 C3"); // mov eax, 1; ret
            t.code(CODE, "B9 03 00 00 00" // mov ecx, 3
                    + "83 05" + hex32(TierMachine.DATA + 1) + "01" // again: add dword [function's immediate], 1
                    + TierMachine.callRel(CODE + 12, TierMachine.DATA)
                    + "01 C3 49 75 EF F4"); // add ebx, eax; dec ecx; jnz again; hlt
        }, 10_000);
        assertEquals(2 + 3 + 4, m.s.regs[EBX], "each call ran the function as it was rewritten");
    }

    /**
     * Code at linear page 0x50000, mapped to frame 0x60000 and later to 0x61000: both frames hold
     * {@code code} with its "k" bytes 1 and 2 respectively, and at 0x100 a function returning 1
     * and 2 in EAX respectively. What runs after the remapping tells which frame it came from.
     */
    private static void twoFramesAtOneAddress(TierMachine t, String code) {
        t.paging(false);
        t.code(0x60000, code.replace("k", "01"));
        t.code(0x61000, code.replace("k", "02"));
        t.code(0x60100, "B8 01 00 00 00 C3");
        t.code(0x61100, "B8 02 00 00 00 C3");
        t.map(0x50000, 0x60000);
        t.s.eip = 0x50000;
    }

    @Test
    void pageRemappedUnderItsOwnRunningCodeByPteAndInvlpgRunsTheNewFrameAtTheSameEip() {
        TierMachine m = agree(t -> twoFramesAtOneAddress(t, "E8 FB 00 00 00 01 C3" // call 0x50100; add ebx, eax
                + "C7 05" + hex32(TierMachine.PAGE_TABLE + 4 * 0x50) + hex32(0x61003) // remap this very page
                + "0F 01 3D" + hex32(0x50000) // invlpg [0x50000]
                + "B9 k 00 00 00" // mov ecx, k
                + "E8 DE 00 00 00 01 C3 F4"), 100); // call 0x50100; add ebx, eax; hlt
        assertEquals(2, m.s.regs[ECX], "the instruction after INVLPG came from the new frame");
        assertEquals(1 + 2, m.s.regs[EBX], "the second call ran the new frame's function");
    }

    @Test
    void blocksEnteredOneAfterAnotherFollowTheirLinksAndDropThemWhenTheCalledPageIsRemapped() {
        TierMachine m = agree(t -> {
            t.paging(false);
            t.code(0x60000, "83 C3 01 C3"); // add ebx, 1; ret
            t.code(0x61000, "83 C3 02 C3"); // add ebx, 2; ret
            t.map(0x50000, 0x60000);
            t.s.regs[EBX] = 0;
            t.code(CODE, loopCallingAndRemappingAtRound100(new int[] {0x50000}, 0x50000, 0x61003));
        }, 10_000);
        assertEquals(101 * 1 + 99 * 2, m.s.regs[EBX], "after the remap every call ran the new frame's function");
        assertTrue(m.cpu.jitStatistics().linksFollowed() > 150,
                "block entries through a link: " + m.cpu.jitStatistics().linksFollowed());
    }

    /**
     * At {@link TierMachine#CODE}: 200 rounds that each call every one of {@code callees}, and after
     * the calls of round 100 write {@code pte} to the page-table entry of {@code page} and INVLPG it.
     */
    private static String loopCallingAndRemappingAtRound100(int[] callees, int page, int pte) {
        StringBuilder code = new StringBuilder("B9 C8 00 00 00"); // mov ecx, 200
        int again = CODE + 5;
        for (int k = 0; k < callees.length; k++) {
            code.append(TierMachine.callRel(again + 5 * k, callees[k]));
        }
        int skip = again + 5 * callees.length + 5 + 17;
        return code.append("83 F9 64 75 11") // cmp ecx, 100; jne skip
                .append("C7 05").append(hex32(TierMachine.PAGE_TABLE + 4 * (page >>> 12))).append(hex32(pte))
                .append("0F 01 3D").append(hex32(page)) // invlpg [page]
                .append(String.format("49 75 %02X", (again - (skip + 3)) & 0xFF)) // skip: dec ecx; jnz again
                .append("F4").toString();
    }

    @Test
    void anInterruptReturningToTheSameRingAndAnInvlpgOfADataPageKeepTheLinks() {
        // What a page-fault handler does at each fault: CS is loaded twice with what it held, the
        // privilege stays, and the page invalidated holds no code. Nothing a link was made through
        // changes, so links are made once, not again after each round.
        TierMachine m = agree(t -> {
            t.paging(false);
            t.code(0x60000, "83 C3 01 C3"); // add ebx, 1; ret
            t.map(0x50000, 0x60000);
            t.s.regs[EBX] = 0;
            t.code(CODE, "B9 C8 00 00 00" // mov ecx, 200
                    + "E8 F6 FF 03 00" // again: call 0x50000
                    + "CD 80" // int 0x80: its handler only returns
                    + "0F 01 3D" + hex32(DATA) // invlpg [DATA]
                    + "49 75 EF" // dec ecx; jnz again
                    + "F4");
        }, 10_000);
        assertEquals(200, m.s.regs[EBX], "every call ran");
        JitStatistics st = m.cpu.jitStatistics();
        assertTrue(st.linksMade() < 40, "links made: " + st.linksMade());
        assertTrue(st.linksFollowed() > 300, "block entries through a link: " + st.linksFollowed());
    }

    @Test
    void remappingTheLastOfNineCalledPagesDropsTheLinkToIt() {
        // The code cache keeps the pages its links were made through up to a bound, and past it
        // lets any page's INVLPG cut the links: here the loop's page and eight called ones come
        // first, so the ninth called page is one past the bound.
        TierMachine m = agree(t -> {
            t.paging(false);
            int[] callees = new int[9];
            for (int k = 0; k < 9; k++) {
                t.code(0x60000 + 0x1000 * k, "83 C3 01 C3"); // add ebx, 1; ret
                t.map(0x50000 + 0x1000 * k, 0x60000 + 0x1000 * k);
                callees[k] = 0x50000 + 0x1000 * k;
            }
            t.code(0x69000, "83 C3 02 C3"); // add ebx, 2; ret
            t.s.regs[EBX] = 0;
            t.code(CODE, loopCallingAndRemappingAtRound100(callees, 0x58000, 0x69007));
        }, 100_000);
        assertEquals(101 * 9 + 99 * 10, m.s.regs[EBX], "after the remap every call to the ninth page ran its new frame");
    }

    @Test
    void aStoreIntoALinkedSuccessorDropsTheLinkSoTheRewrittenCodeRuns() {
        TierMachine m = agree(t -> {
            t.paging(false);
            t.code(0x60000, "B8 11 11 11 11 01 C3 C3"); // mov eax, 0x11111111; add ebx, eax; ret
            t.map(0x50000, 0x60000);
            t.s.regs[EBX] = 0;
            t.code(CODE, "B9 03 00 00 00" // mov ecx, 3
                    + "E8 F6 FF 03 00" // again: call 0x50000 (its block is linked from this one)
                    + "81 05" + hex32(0x50001) + hex32(0x11111111) // the called function's immediate grows
                    + "49 75 EE" // dec ecx; jnz again
                    + "F4");
        }, 10_000);
        assertEquals(0x11111111 + 0x22222222 + 0x33333333, m.s.regs[EBX], "each call ran the function as rewritten");
        assertTrue(m.cpu.jitStatistics().linksMade() > 0);
    }

    @Test
    void switchingCr3RunsTheOtherAddressSpacesCodeAtTheSameEip() {
        TierMachine m = agree(t -> {
            twoFramesAtOneAddress(t, "E8 FB 00 00 00 01 C3" // call 0x50100; add ebx, eax
                    + "B8 00 60 00 00 0F 22 D8" // mov eax, 0x6000; mov cr3, eax
                    + "B9 k 00 00 00" // mov ecx, k
                    + "E8 E7 00 00 00 01 C3 F4"); // call 0x50100; add ebx, eax; hlt
            // The second page directory: the same mappings but page 0x50000 on the other frame.
            for (int i = 0; i < 1024; i++) {
                t.ram.write32(0x7000 + 4 * i, t.ram.read32(TierMachine.PAGE_TABLE + 4 * i));
            }
            t.ram.write32(0x7000 + 4 * 0x50, 0x61003);
            t.ram.write32(0x6000, 0x7000 | 3);
        }, 100);
        assertEquals(2, m.s.regs[ECX], "the instruction after MOV CR3 came from the other address space");
        assertEquals(1 + 2, m.s.regs[EBX], "the second call ran the other address space's function");
    }

    @Test
    void aFrameMappedAtTwoAddressesRunsWithTheEipOfEach() {
        TierMachine m = agree(t -> {
            t.paging(false);
            t.code(0x60000, "E8 00 00 00 00 58 C3"); // call the next instruction; pop eax: its own address
            t.map(0x50000, 0x60000);
            t.map(0x58000, 0x60000);
            t.code(CODE, "E8 FB FF 03 00 01 C3" // call 0x50000; add ebx, eax
                    + "E8 F4 7F 04 00 01 C3 F4"); // call 0x58000; add ebx, eax; hlt
        }, 100);
        assertEquals(0x50005 + 0x58005, m.s.regs[EBX], "each mapping saw its own EIP");
    }

    @Test
    void storeThroughAnotherMappingOfTheRunningBlocksFrameIsSeen() {
        TierMachine m = agree(t -> {
            t.paging(false);
            t.map(0x58000, CODE); // a second, writable view of the code's frame
            t.code(CODE, "41" // inc ecx: compiled code runs first
                    + "C6 05" + hex32(0x58000 + 8) + "40" // through the alias: dec eax becomes inc eax
                    + "48 F4"); // dec eax; hlt
            t.s.regs[EAX] = 5;
        }, 100);
        assertEquals(6, m.s.regs[EAX], "the instruction rewritten through the alias ran");
    }

    @Test
    void storeByAnInstructionTheInterpreterRunsStopsTheBlockToo() {
        TierMachine m = agree(t -> {
            t.code(CODE, "B0 40" // mov al, 0x40 (inc eax)
                    + "86 05" + hex32(CODE + 8) // xchg [the dec eax below], al: left to the interpreter's code
                    + "48 F4"); // dec eax; hlt
            t.s.regs[EAX] = 0x100;
        }, 100);
        assertEquals(0x149, m.s.regs[EAX], "AL took the old opcode 0x48, then the new instruction incremented EAX");
    }
}
