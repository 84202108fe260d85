package org.j386.emulator.jit;

import static org.j386.emulator.cpu.CpuState.EAX;
import static org.j386.emulator.cpu.CpuState.ESI;
import static org.j386.emulator.cpu.CpuState.ECX;
import static org.j386.emulator.jit.TierMachine.CODE;
import static org.j386.emulator.jit.TierMachine.hex32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.j386.emulator.cpu.BlockCompiler;
import org.j386.emulator.cpu.CompiledBlock;
import org.j386.emulator.cpu.CpuState;
import org.j386.emulator.cpu.Flags;
import org.j386.emulator.cpu.JitStatistics;
import org.j386.emulator.cpu.Vectors;
import org.junit.jupiter.api.Test;

/**
 * The edges of compiled blocks, where the bytecode tier hands control back: a page fault at any
 * instruction of a block, one whose delivery fails and makes a double fault, an interrupt at any boundary of a hot loop, single-stepping switched on
 * inside compiled code, the longest block, eviction from a tiny code cache, a self-looping
 * block meeting the end of its budget, and a loop coming back to the run loop after each slice.
 * The interpreter is the reference throughout.
 */
class CompiledBlockBoundariesTest {
    private static final int[] REGISTERS = {0x11111111, 0x82345678, 0x7FFFFFFF, 0x00000044, TierMachine.INITIAL_ESP,
        0x55555555, 0x66666666, 0xFFFFFFFE};

    private static TierMachine interpreter(Consumer<TierMachine> setup) {
        TierMachine m = new TierMachine();
        setup.accept(m);
        return m;
    }

    private static TierMachine compiled(Consumer<TierMachine> setup) {
        return interpreter(setup).jit();
    }

    private static void assertAgree(TierMachine reference, TierMachine jit, String when) {
        assertEquals("", jit.differencesFrom(reference), when + ": the bytecode tier disagrees with the interpreter");
    }

    /** Runs {@code budget} instructions of the setup on both tiers: the compiled one, found to agree. */
    private static TierMachine agreeingJit(Consumer<TierMachine> setup, int budget, String when) {
        return TierMachine.onBothTiers(TierMachine.RAM, setup, budget, when + ": ");
    }

    private static String addressOf(int j) {
        return hex32(0x50010 + 0x1000 * j);
    }

    /** Thirteen memory operands in one block, operand j on page 0x50000 + j * 0x1000, with flags live between. */
    private static final String FAULTING_BLOCK = "03 05" + addressOf(0) // add eax, [a0]
            + "29 C3" // sub ebx, eax
            + "89 1D" + addressOf(1) // mov [a1], ebx
            + "41" // inc ecx
            + "13 15" + addressOf(2) // adc edx, [a2]
            + "39 D8" // cmp eax, ebx
            + "0F 92 05" + addressOf(3) // setb [a3]
            + "D1 E0" // shl eax, 1
            + "F7 1D" + addressOf(4) // neg dword [a4]
            + "4A" // dec edx
            + "FF 05" + addressOf(5) // inc dword [a5]
            + "0F 4C 35" + addressOf(6) // cmovl esi, [a6]
            + "0F B7 3D" + addressOf(7) // movzx edi, word [a7]
            + "0F C1 05" + addressOf(8) // xadd [a8], eax
            + "81 35" + addressOf(9) + hex32(0x5555AAAA) // xor dword [a9], 0x5555aaaa
            + "0F BA 25" + addressOf(10) + "05" // bt dword [a10], 5
            + "85 0D" + addressOf(11) // test [a11], ecx
            + "8B 2D" + addressOf(12) // mov ebp, [a12]
            + "F4";

    @Test
    void pageFaultAtEachInstructionOfABlockLeavesExactlyTheInterpretersState() {
        for (int k = 0; k < 13; k++) {
            int missing = 0x50000 + 0x1000 * k;
            Consumer<TierMachine> setup = t -> {
                t.paging(false);
                for (int j = 0; j < 13; j++) {
                    t.ram.write32(0x50010 + 0x1000 * j, 0x01020304 * (j + 1));
                }
                t.ram.write32(TierMachine.PAGE_TABLE + 4 * (missing >>> 12), 0);
                t.code(CODE, FAULTING_BLOCK);
                System.arraycopy(REGISTERS, 0, t.s.regs, 0, 8);
                t.s.flags.set(2 | Flags.CF);
            };
            TierMachine reference = interpreter(setup);
            reference.run(1000);
            TierMachine jit = compiled(setup);
            jit.run(1000);
            String when = "memory operand " + k + " on a missing page";
            assertTrue(reference.events.get(0).startsWith("exception 14 "), when + ": " + reference.events);
            assertAgree(reference, jit, when);
            assertTrue(jit.cpu.jitStatistics().compiledInstructions() > 0, when + ": the block was not compiled");
        }
    }

    @Test
    void aPageFaultInCompiledCodeWhoseGateIsNotPresentIsTheInterpretersDoubleFault() {
        // The loop touches one page a round, the sixth unmapped. #PF's gate is not present, so its
        // delivery raises #NP: a contributory fault while delivering a page fault, which Intel's
        // table makes a double fault (error code 0, EIP at the faulting instruction), whose handler
        // halts. XCHG's access is made by the interpreter's code, called from the block, so the
        // #PF is thrown inside compiled code (an inline access that misses leaves the block first).
        int loop = CODE + 10;
        int faulting = 2 + 5 * 4 + 1; // the two moves, five rounds, the sixth round's XCHG
        Consumer<TierMachine> setup = t -> {
            t.paging(false);
            for (int k = 1; k <= 5; k++) {
                t.map(TierMachine.UNMAPPED - 0x1000 * k, TierMachine.SCRATCH);
            }
            t.ram.write8(TierMachine.IDT + 8 * Vectors.PF + 5, 0x0E); // the gate's P bit clear
            t.code(CODE, "B9 08 00 00 00" // mov ecx, 8
                    + "BE" + hex32(TierMachine.UNMAPPED - 0x5000) // mov esi, the first of the five mapped pages
                    + "87 06 81 C6 00 10 00 00 49 75 F5" // L: xchg [esi], eax; add esi, 0x1000; dec ecx; jnz L
                    + "F4");
        };
        TierMachine jit = agreeingJit(setup, 1000, "a page fault without its gate");
        List<String> events = jit.events;
        assertEquals(2, events.size(), String.join("\n", events));
        assertTrue(events.get(0).startsWith(String.format("exception %d error ", Vectors.PF))
                && events.get(0).contains(" after " + faulting + " instructions:"), events.get(0));
        assertTrue(events.get(1).startsWith(String.format("exception %d error 0 at %08x ", Vectors.DF, loop)),
                events.get(1));
        int esp = jit.s.regs[CpuState.ESP];
        assertEquals(TierMachine.INITIAL_ESP - 16, esp, "EFLAGS, CS, EIP and an error code pushed once, by #DF");
        assertEquals(0, jit.ram.read32(esp), "#DF's error code");
        assertEquals(loop, jit.ram.read32(esp + 4), "the return address is the faulting instruction");
        assertTrue(jit.s.halted, "the #DF handler ran");
        assertTrue(jit.cpu.jitStatistics().compiledInstructions() >= faulting,
                "every instruction up to the faulting one ran compiled: " + jit.cpu.jitStatistics().compiledInstructions());
    }

    @Test
    void interruptAtEveryBoundaryOfAHotLoopIsDeliveredAfterTheSameInstructionCount() {
        // mov ecx, 40; L: add eax, ecx; xor ebx, eax; dec ecx; jnz L; hlt: 162 instructions
        Consumer<TierMachine> setup = t -> {
            t.code(CODE, "B9 28 00 00 00 01 C8 31 C3 49 75 F9 F4");
            t.s.flags.set(2 | Flags.IF);
        };
        for (int at = 1; at < 162; at++) {
            TierMachine[] machines = {interpreter(setup), compiled(setup)};
            for (TierMachine m : machines) {
                m.run(at);
                m.raiseInterrupt();
                m.run(1000);
            }
            assertAgree(machines[0], machines[1], "interrupt after " + at + " instructions");
            assertTrue(machines[1].events.get(0).endsWith(" after " + at + " instructions"), machines[1].events.get(0));
            if (at >= 8) {
                assertTrue(machines[1].cpu.jitStatistics().compiledInstructions() > 0, "the loop was not compiled");
            }
        }
    }

    @Test
    void instructionsABlockRanBeforeOneOfItsInstructionsFaultedCountAsCompiledCode() {
        // inc eax; inc eax; inc eax; div ecx with ECX zero; hlt: #DE at the block's fourth
        // instruction, which counts as run (as on the interpreter); then the first instruction of
        // the handler on the interpreter, its block (two instructions) not fitting the budget left.
        Consumer<TierMachine> setup = t -> {
            t.code(CODE, "40 40 40 F7 F1 F4");
            t.s.regs[ECX] = 0;
        };
        TierMachine jit = compiled(setup);
        jit.run(5);
        assertTrue(jit.events.get(0).startsWith("exception 0 "), jit.events.toString());
        assertEquals(4, jit.cpu.jitStatistics().compiledInstructions(), "--stats' share of compiled code");
        assertEquals(1, jit.cpu.jitStatistics().blockEntries());
    }

    @Test
    void interruptsReturningIntoTheMiddleOfAHotLoopAreServedByItsOneCompiledCopy() {
        // mov ecx, 100000; L: add eax, ecx; xor ebx, eax; dec ecx; jnz L; hlt
        Consumer<TierMachine> setup = t -> {
            t.code(CODE, "B9 A0 86 01 00 01 C8 31 C3 49 75 F9 F4");
            t.s.flags.set(2 | Flags.IF);
        };
        TierMachine reference = interpreter(setup);
        TierMachine jit = interpreter(setup).jit(1, BlockTranslator.DEFAULT_MAX_INSTRUCTIONS, 64L << 20);
        for (TierMachine m : new TierMachine[] {reference, jit}) {
            for (int i = 0; i < 40; i++) {
                m.run(97 + i); // the interrupts return to each of the loop's four instructions in turn
                m.raiseInterrupt();
                m.run(300);
            }
        }
        assertAgree(reference, jit, "after 40 interrupts");
        // The block at the entry, which holds the loop, and one at its head, where a budget that
        // runs out inside the loop leaves it; returns elsewhere into the loop run on the
        // interpreter to the jump back to the head, rather than each compiling a copy of the loop.
        assertEquals(2, jit.cpu.jitStatistics().blocksCompiled());
    }

    @Test
    void aLoopBlockEnteredWithAFlagRecordOfAnotherKindLeavesItsFirstPassToTheInterpreter() {
        // The loop's head is the block's entry (POPF ends the block before it), and every jump back
        // to it brings a CMP's record, so the block keeps that kind at the head and takes the record
        // from memory at entry when it is of that kind. The first entry finds POPF's flags (CF
        // clear) with a CMP's operands left over from before them, which would give CF set: the
        // block must leave the first pass to the interpreter, and the ADC add 0 then, 1 after.
        Consumer<TierMachine> setup = t -> t.code(CODE, "B9 28 00 00 00" // mov ecx, 40
                + "31 F6 31 DB" // xor esi, esi; xor ebx, ebx
                + "BA 01 00 00 00 39 D6" // mov edx, 1; cmp esi, edx (a borrow)
                + "6A 02 9D" // push 2; popf: every arithmetic flag clear
                + "83 D3 00" // L: adc ebx, 0
                + "49 39 CE 75 F8" // dec ecx; cmp esi, ecx (a borrow while ecx > 0); jnz L
                + "F4");
        TierMachine jit = agreeingJit(setup, 1000, "entering the loop");
        assertEquals(39, jit.s.regs[CpuState.EBX], "the first pass added POPF's carry, the others the CMP's");
        assertTrue(jit.cpu.jitStatistics().compiledInstructions() > 100, "the loop did not run compiled");
    }

    /**
     * A loop whose head reads the flags it is reached with in every way: PUSHFD (all six, summed
     * into EDI), ADC (CF, into EBX), SETL and SETBE (into EBP); a CMP of ECX, counted down from 40
     * by whatever comes before, closes it at 20. Then HLT.
     */
    private static final String LOOP_READING_ITS_FLAGS = "9C 58 01 C7" // L: pushfd; pop eax; add edi, eax
            + "83 D3 00" // adc ebx, 0
            + "0F 9C C2 01 D5 0F 96 C2 01 D5" // setl dl; add ebp, edx; setbe dl; add ebp, edx
            + "49 83 F9 14 75 E9" // dec ecx; cmp ecx, 20; jne L
            + "F4";

    @Test
    void aLoopEnteredFromALogicRecordSeesItsFlagsFirstAndTheComparisonsAfter() {
        // The loop's way in brings OR's record of a result with the sign set, its jump back a CMP's:
        // the head keeps the comparison's kind, and the way in rewrites the OR as subtracting 0 from
        // its result. PUSHFD at the head sees OR's flags on the first pass (SF and PF set, CF, OF,
        // AF and ZF clear), the comparisons' on the others; ADC, SETL and SETBE read single flags.
        Consumer<TierMachine> setup = t -> t.code(CODE, "B9 28 00 00 00" // mov ecx, 40
                + "BE 81 00 00 80 09 F6" // mov esi, 0x80000081; or esi, esi
                + LOOP_READING_ITS_FLAGS);
        TierMachine jit = agreeingJit(setup, 1000, "entering the loop");
        assertEquals(20, jit.s.regs[CpuState.ECX], "the loop ran to its end");
        assertTrue(jit.cpu.jitStatistics().compiledInstructions() > 100, "the loop did not run compiled");
    }

    @Test
    void aLoopBlockEnteredWithALogicRecordTakesItAsTheComparisonKindItKeeps() {
        // OUT ends a block without touching the flags: the first leaves a compare's record in
        // memory, the second OR's, and the loop's head begins a block of its own, which keeps the
        // CMP's kind there and is entered with OR's record: it takes that as subtracting 0 from
        // the result (not the operands the compare left in the processor's record), rather than
        // leaving the first pass to the interpreter, and the loop's first pass sees OR's flags.
        Consumer<TierMachine> setup = t -> t.code(CODE, "B9 28 00 00 00 BA 80 00 00 00" // mov ecx, 40; mov edx, 0x80
                + "BE 81 00 00 80 81 F9 55 23 01 00 EE" // mov esi, 0x80000081; cmp ecx, 0x12355; out dx, al
                + "09 F6 EE" // or esi, esi; out dx, al
                + LOOP_READING_ITS_FLAGS);
        TierMachine jit = agreeingJit(setup, 1000, "entering the loop");
        assertEquals(20, jit.s.regs[CpuState.ECX], "the loop ran to its end");
        assertEquals(jit.s.instructions, jit.cpu.jitStatistics().compiledInstructions(),
                "every instruction ran compiled, the loop's first pass included");
    }

    @Test
    void trapFlagSetByPopfInsideCompiledCodeSingleStepsEveryLaterInstruction() {
        Consumer<TierMachine> setup = t -> t.code(CODE, "BA 02 00 00 00" // mov edx, 2
                + "B9 04 00 00 00" // outer: mov ecx, 4
                + "40 49 75 FC" // L: inc eax; dec ecx; jnz L (compiled in the first round)
                + "9C 81 0C 24 00 01 00 00 9D" // pushf; or dword [esp], TF; popf
                + "4A 75 EB" // dec edx; jnz outer
                + "9C 81 24 24 FF FE FF FF 9D F4"); // pushf; and dword [esp], ~TF; popf; hlt
        TierMachine jit = agreeingJit(setup, 1000, "single-stepping");
        long traps = jit.events.stream().filter(e -> e.startsWith("exception 1 ")).count();
        // Every instruction after the first POPF up to the one clearing TF: dec, jnz, mov, 12 of the
        // loop, pushf, or, popf, dec, jnz, pushf, and, popf.
        assertEquals(23, traps, String.join("\n", jit.events));
        assertTrue(jit.cpu.jitStatistics().compiledInstructions() >= 12, "the first round did not run compiled");
    }

    @Test
    void aBlockThatUsesUpTheBudgetLeavesTheNextFetchToTheNextRun() {
        // mov ecx, 12; jmp 0x100000 (an unmapped page): two instructions, then a budget of two.
        Consumer<TierMachine> setup = t -> {
            t.paging(false);
            t.code(CODE, "B9 0C 00 00 00 E9" + hex32(TierMachine.UNMAPPED - (CODE + 10)));
        };
        TierMachine reference = interpreter(setup);
        reference.run(2);
        TierMachine jit = compiled(setup);
        jit.run(2);
        // The fetch at 0x100000 belongs to the third instruction: no #PF yet, whatever comes first
        // in the next run (an interrupt taken at this boundary, say) comes before it.
        assertAgree(reference, jit, "after the budget");
        assertEquals(TierMachine.UNMAPPED, jit.s.eip);
        assertTrue(jit.events.isEmpty(), String.join("\n", jit.events));
        assertTrue(jit.cpu.jitStatistics().compiledInstructions() == 2, "the block did not run");
        reference.raiseInterrupt();
        jit.raiseInterrupt();
        reference.s.flags.set(reference.s.flags.get() | Flags.IF);
        jit.s.flags.set(jit.s.flags.get() | Flags.IF);
        reference.run(10);
        jit.run(10);
        assertAgree(reference, jit, "the interrupt, then the page fault");
    }

    /** {@code n} straight-line instructions with a flag consumer now and then, then HLT. */
    private static String straightLine(int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            switch (i % 4) {
                case 0: b.append(String.format("83 C0 %02X ", (i * 37) & 0x7F)); break; // add eax, imm8
                case 1: b.append("31 C3 "); break; // xor ebx, eax
                case 2: b.append("0F 42 CB "); break; // cmovb ecx, ebx
                default: b.append("8D 54 0A 01 "); break; // lea edx, [edx+ecx+1]
            }
        }
        return b.append("F4").toString();
    }

    @Test
    void aBlockOfTheMaximumLengthRunsWholeAndOnlyWhenTheBudgetHoldsAllOfIt() {
        int max = BlockTranslator.DEFAULT_MAX_INSTRUCTIONS;
        Consumer<TierMachine> setup = t -> t.code(CODE, straightLine(max));
        for (int budget : new int[] {max - 1, max, max + 1}) {
            TierMachine jit = agreeingJit(setup, budget, "budget " + budget);
            long compiled = jit.cpu.jitStatistics().compiledInstructions();
            // Below the block's length it must not be entered at all; from there it runs whole.
            assertEquals(budget < max ? 0 : max, compiled - (budget > max ? 1 : 0), "budget " + budget);
        }
    }

    @Test
    void codeLongerThanTheLongestBlockIsCutIntoSeveralBlocks() {
        int n = 2 * BlockTranslator.DEFAULT_MAX_INSTRUCTIONS + 5;
        Consumer<TierMachine> setup = t -> t.code(CODE, straightLine(n));
        TierMachine jit = agreeingJit(setup, 1000, "long straight line");
        JitStatistics st = jit.cpu.jitStatistics();
        assertTrue(st.blocksCompiled() >= 3, "at most 48 instructions a block");
        assertEquals(n + 1, st.compiledInstructions(), "every instruction ran compiled, HLT included");
    }

    @Test
    void aTraceCutOffAtTheLongestBlockEndsWhereTheRunLoopAlreadyEntersInstead() {
        // X's trace runs on into Y, which has its block already, and would be cut off eight
        // instructions into it: it ends at Y instead, and no block is made from Y's ninth.
        int max = BlockTranslator.DEFAULT_MAX_INSTRUCTIONS;
        String beforeY = stripHlt(straightLine(max - 8));
        String ownOfY = stripHlt(straightLine(30));
        int x = CODE + 12;
        int y = x + bytes(beforeY);
        int h = y + bytes(ownOfY) + 1 + 2 + 5 + 2;
        Consumer<TierMachine> setup = t -> t.code(CODE, "BE 02 00 00 00" // mov esi, 2
                + "BF" + hex32(y) + "FF E7" // mov edi, y; jmp edi
                + beforeY // x: ...
                + ownOfY // y: ...
                + "4E" // dec esi
                + String.format("74 %02X", h - (y + bytes(ownOfY) + 3)) // jz h
                + "BF" + hex32(x) + "FF E7" // mov edi, x; jmp edi
                + "F4"); // h: hlt
        TierMachine jit = agreeingJit(setup, 1000, "into a block's start");
        assertTrue(jit.s.halted, "the program ran to its end");
        assertEquals(3, jit.cpu.jitStatistics().blocksCompiled(), "blocks at the start, at x and at y, none inside y");
    }

    @Test
    void aBlockCalledWithThePrimingLimitReturnsAtOnceAndChangesNothing() {
        // The translator calls each new block this way so that the JVM queues its method for
        // compiling at once: none of the block's instructions may run then.
        Consumer<TierMachine> setup = t -> t.code(CODE, "B9 0A 00 00 00" // mov ecx, 10
                + "01 0D" + hex32(TierMachine.DATA) // a: add [data], ecx
                + "49" // dec ecx
                + "75 F7" // jnz a
                + "F4"); // hlt
        TierMachine primed = interpreter(setup);
        List<CompiledBlock> blocks = new ArrayList<>();
        BlockTranslator translator = new BlockTranslator(primed.cpu.blockRuntime(), 0);
        primed.cpu.setBlockCompiler(new BlockCompiler() {
            @Override
            public CompiledBlock compile(BlockSource source, int eip) {
                CompiledBlock b = translator.compile(source, eip);
                blocks.add(b);
                return b;
            }

            @Override
            public int threshold() {
                return 0;
            }
        }, 64L << 20);
        primed.run(1000);
        TierMachine plain = compiled(setup);
        plain.run(1000);
        assertTrue(primed.s.halted, "the program ran to its end");
        assertEquals(1, blocks.size(), "one block, holding the loop");
        for (CompiledBlock b : blocks) {
            b.run(CompiledBlock.PRIMING);
        }
        assertEquals("", primed.differencesFrom(plain), "the priming calls changed the machine");
    }

    private static String stripHlt(String code) {
        return code.substring(0, code.length() - 2).trim();
    }

    private static int bytes(String code) {
        return code.replace(" ", "").length() / 2;
    }

    @Test
    void aLoopWithTwoWaysBackRunsInsideOneBlockThoughTheWaysOutAreLongerThanABlock() {
        // As a hash table's lookup: the outer loop (a) starts a probe loop (c back to b), which ends
        // by jumping ahead to d, which goes back to a. Past each loop lies more code than a block
        // holds. Were the ways out traced before the ways back, each block would end before it
        // closed the loop, and control would go from block to block on every pass.
        String wayOut = straightLine(BlockTranslator.DEFAULT_MAX_INSTRUCTIONS + 10) + "F4"; // ...; hlt
        int d = 0x1C + wayOut.replace(" ", "").length() / 2;
        Consumer<TierMachine> setup = t -> t.code(CODE, "B9 E8 03 00 00" // mov ecx, 1000
                + "BB 03 00 00 00" // a: mov ebx, 3
                + "EB 08" // jmp c
                + "46 4B" // b: inc esi; dec ebx
                + "0F 84" + hex32(d - 0x14) // jz d
                + "47 85 DB 75 F3" // c: inc edi; test ebx, ebx; jnz b
                + "49 75 E9" // dec ecx; jnz a (never: EBX is not 0 at c)
                + wayOut
                + "49 0F 85" + hex32(0x05 - (d + 7)) // d: dec ecx; jnz a
                + "F4"); // hlt
        TierMachine jit = agreeingJit(setup, 100_000, "two loops");
        assertEquals(3000, jit.s.regs[ESI], "every probe ran");
        assertEquals(0, jit.s.regs[ECX], "every pass ran");
        assertTrue(jit.cpu.jitStatistics().blockEntries() < 10,
                "the loops ran inside one block: " + jit.cpu.jitStatistics().blockEntries() + " block entries");
    }

    @Test
    void aLoopLongerThanASliceComesBackToTheRunLoopAtItsHeadEverySliceAndAgrees() {
        // 30,000 passes of four instructions: 120,000 instructions in one loop, which the run loop
        // enters again after each slice (CompiledBlock.SLICE) for the JVM's counts.
        Consumer<TierMachine> setup = t -> t.code(CODE, "B9 30 75 00 00" // mov ecx, 30000
                + "01 C8 31 C3 49 75 F9" // a: add eax, ecx; xor ebx, eax; dec ecx; jnz a
                + "F4"); // hlt
        TierMachine jit = agreeingJit(setup, 200_000, "a loop of many slices");
        assertEquals(0, jit.s.regs[ECX], "every pass ran");
        long entries = jit.cpu.jitStatistics().blockEntries();
        int loop = 4 * 30_000;
        assertTrue(entries >= loop / CompiledBlock.SLICE && entries <= 2 * loop / CompiledBlock.SLICE + 2,
                "one entry a slice: " + entries + " block entries");
    }

    @Test
    void aBlockIsCompiledAtTheEntryAfterTheThresholdsEntriesAndRunsCompiledFromThere() {
        // L: inc eax; dec ecx; jnz L; hlt. The run starts at L, and each pass's taken jnz enters it
        // again: entries 1..threshold are counted and run by the interpreter, the next compiles.
        int passes = 150;
        Consumer<TierMachine> setup = t -> {
            t.code(CODE, "40 49 75 FC F4");
            t.s.regs[ECX] = passes;
        };
        for (int threshold : new int[] {0, 1, 7, 100}) {
            TierMachine jit = interpreter(setup).jit(threshold, BlockTranslator.DEFAULT_MAX_INSTRUCTIONS, 1 << 20);
            jit.run(10_000);
            assertTrue(jit.s.halted, "threshold " + threshold + ": the loop ran to its end");
            JitStatistics st = jit.cpu.jitStatistics();
            assertEquals(1, st.blocksCompiled(), "threshold " + threshold + ": one block, the loop's");
            // The block holds the loop and the HLT after it: all but the first passes ran in it. With
            // 0 it is compiled at the first entry, which brings the flags as EFLAGS holds them
            // rather than the record of a DEC the loop's head takes, so it hands its first pass to
            // the interpreter all the same.
            assertEquals(3L * Math.max(threshold, 1), jit.s.instructions - st.compiledInstructions(),
                    "threshold " + threshold + ": instructions the interpreter ran");
        }
    }

    @Test
    void evictionFromATinyCodeCacheKeepsEverythingRunningCorrectly() {
        // 300 blocks of add eax, imm32; xor ebx, eax; jmp to the next, all run three times.
        StringBuilder code = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            code.append("05").append(hex32(i * 0x01010101 + 7)).append("31 C3 EB 00 ");
        }
        int back = -(300 * 9 + 1 + 6);
        code.append("49 0F 85").append(hex32(back)).append("F4"); // dec ecx; jnz start; hlt
        Consumer<TierMachine> setup = t -> {
            t.code(CODE, code.toString());
            t.s.regs[ECX] = 3;
        };
        TierMachine reference = interpreter(setup);
        reference.run(10_000);
        TierMachine jit = interpreter(setup).jit(0, BlockTranslator.DEFAULT_MAX_INSTRUCTIONS, 32 * 1024);
        jit.run(10_000);
        assertAgree(reference, jit, "tiny code cache");
        assertTrue(reference.s.halted, "the program ran to its end");
        JitStatistics st = jit.cpu.jitStatistics();
        assertTrue(st.evictions() > 0, "the cache never filled");
        assertTrue(st.compiledInstructions() > 2000, "little ran compiled: " + st.compiledInstructions());
    }

    @Test
    void aSelfLoopingBlockStopsAtExactlyTheBudget() {
        // L: inc eax; add ebx, eax; dec ecx; jnz L: four instructions a round
        Consumer<TierMachine> setup = t -> {
            t.code(CODE, "40 01 C3 49 75 FA F4");
            t.s.regs[ECX] = 1_000_000;
        };
        for (int budget : new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 99, 100, 101, 102, 103, 1000, 4001, 65537}) {
            TierMachine jit = agreeingJit(setup, budget, "budget " + budget);
            assertEquals(budget, jit.s.instructions, "budget " + budget);
            long compiled = jit.cpu.jitStatistics().compiledInstructions();
            // The block (its four loop instructions and the HLT behind them) only starts a round that
            // fits; the few instructions left over are the interpreter's.
            assertTrue(compiled <= budget && compiled >= budget - 8, "compiled " + compiled + " of " + budget);
        }
        // Run in many small slices, it arrives exactly where one long run does.
        TierMachine reference = interpreter(setup);
        reference.run(5000);
        TierMachine jit = compiled(setup);
        for (int slice = 1, done = 0; done < 5000; slice = slice % 13 + 1) {
            int n = Math.min(slice, 5000 - done);
            jit.run(n);
            done += n;
        }
        assertAgree(reference, jit, "5000 instructions in slices");
        assertEquals(5000 / 4, reference.s.regs[EAX], "rounds");
    }

    @Test
    void blockCompiledForFlatDataIsNotEnteredAfterABlockThatLoadedANarrowDs() {
        // round: mov ax, flat data; test cl, 1; jz .load; mov ax, the window; .load: mov ds, ax
        // (the segment load ends the block); then a block of its own, compiled on its first entry
        // under the flat DS: mov edx, [0x100]; add ebx, edx; dec ecx; jnz round; and at the end
        // mov ax, flat data; mov ds, ax; hlt. Under the window, [0x100] is DATA + 0x100.
        String flat = "66 B8 10 00", window = "66 B8 1B 00";
        String code = flat + "F6 C1 01 74 04" + window + "8E D8" // round, 15 bytes
                + "8B 15" + hex32(0x100) + "01 D3 49 75 E6" // body, 11 bytes; jnz back 26
                + flat + "8E D8 F4";
        Consumer<TierMachine> setup = t -> {
            t.code(CODE, code);
            t.ram.write32(0x100, 0x1111);
            t.ram.write32(TierMachine.DATA + 0x100, 0x220000);
            t.s.regs[ECX] = 10;
            t.s.regs[CpuState.EBX] = 0;
        };
        TierMachine reference = interpreter(setup);
        reference.run(10_000);
        TierMachine jit = compiled(setup);
        jit.run(10_000);
        assertEquals(5 * 0x1111 + 5 * 0x220000, reference.s.regs[CpuState.EBX], "five rounds under each DS");
        assertAgree(reference, jit, "alternating DS");
        assertTrue(jit.cpu.jitStatistics().compiledInstructions() > 0, "nothing ran compiled");
    }

    @Test
    void blockCompiledWithPagingOffIsCompiledAgainWhenItsCodeRunsWithPagingOn() {
        // call f; call f; hlt, with f: mov edx, [DATA]; add ebx, edx; ret. Run once with paging
        // off, then again from the start with paging on and DATA's page mapped to SCRATCH: f's block,
        // whose inline read was compiled against the identity table, must not read DATA's frame.
        int f = CODE + 0x100;
        Consumer<TierMachine> setup = t -> {
            t.code(CODE, "E8" + hex32(f - (CODE + 5)) + "E8" + hex32(f - (CODE + 10)) + "F4");
            t.code(f, "8B 15" + hex32(TierMachine.DATA) + "01 D3 C3");
            t.ram.write32(TierMachine.DATA, 0x1111);
            t.ram.write32(TierMachine.SCRATCH, 0x220000);
            t.s.regs[CpuState.EBX] = 0;
        };
        Consumer<TierMachine> pagingOn = t -> {
            t.paging(false);
            t.ram.write32(TierMachine.PAGE_TABLE + 4 * (TierMachine.DATA >>> 12), TierMachine.SCRATCH | 7);
            t.s.eip = CODE;
            t.s.halted = false;
        };
        TierMachine reference = interpreter(setup);
        reference.run(100);
        pagingOn.accept(reference);
        reference.run(100);
        TierMachine jit = compiled(setup);
        jit.run(100);
        long compiledBefore = jit.cpu.jitStatistics().blocksCompiled();
        pagingOn.accept(jit);
        jit.run(100);
        assertEquals(2 * 0x1111 + 2 * 0x220000, reference.s.regs[CpuState.EBX], "two calls without paging, two with");
        assertAgree(reference, jit, "paging switched on between two runs of the same code");
        assertTrue(jit.cpu.jitStatistics().blocksCompiled() > compiledBefore, "nothing was compiled again under paging");
    }

    @Test
    void callSiteWithEightTargetsFindsEachThroughItsSuccessorLinks() {
        // xor esi, esi; loop: mov eax, esi; and eax, 7; call [eax*4 + table]; inc esi;
        // cmp esi, 800; jne loop; hlt. Function k (16 bytes apart): add ebx, k + 1; ret.
        int table = TierMachine.DATA;
        int functions = CODE + 0x100;
        Consumer<TierMachine> setup = t -> {
            t.code(CODE, "31 F6 89 F0 83 E0 07 FF 14 85" + hex32(table) + "46 81 FE 20 03 00 00 75 EB F4");
            for (int k = 0; k < 8; k++) {
                t.ram.write32(table + 4 * k, functions + 16 * k);
                t.code(functions + 16 * k, String.format("83 C3 %02X C3", k + 1));
            }
        };
        TierMachine reference = interpreter(setup);
        reference.run(100_000);
        TierMachine jit = compiled(setup);
        jit.run(100_000);
        assertEquals(100 * 36, reference.s.regs[CpuState.EBX], "800 calls");
        assertAgree(reference, jit, "calls through a table");
        JitStatistics st = jit.cpu.jitStatistics();
        // Two entries a call (the function, then the loop from the return address): each block is
        // linked to each of its successors once, and after that every entry follows a link.
        assertTrue(st.linksMade() < 60, "links made: " + st.linksMade());
        assertTrue(st.linksFollowed() > 1500, "entries through a link: " + st.linksFollowed());
    }
}
