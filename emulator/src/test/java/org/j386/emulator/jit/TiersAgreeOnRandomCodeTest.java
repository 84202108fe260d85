package org.j386.emulator.jit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.j386.emulator.cpu.Cpu;
import org.j386.emulator.cpu.CpuState;
import org.j386.emulator.cpu.Flags;
import org.j386.emulator.cpu.JitStatistics;
import org.j386.tools.disasm.Disassembler;
import org.j386.tools.disasm.Instruction;
import org.junit.jupiter.api.Test;

/**
 * Differential test of the two CPU tiers: each random sequence from {@link CodeGenerator} runs on
 * an interpreter-only machine and on one with the bytecode tier compiling blocks (mostly on first
 * sight), with the same budgets, and the machines must agree on every register, EIP, EFLAGS, the
 * instruction count, CR2, every exception and interrupt delivered (with the count at which it
 * was) and every byte of memory, after each call to {@code run}.
 *
 * <p>Case {@code n} is generated from seed {@code n} alone; {@code make jit-fuzz SEED=n COUNT=k}
 * runs cases n to n+k-1 (system properties {@code j386.fuzz.seed}, {@code j386.fuzz.count}), and a
 * failure names the seed that replays it with COUNT=1.
 */
class TiersAgreeOnRandomCodeTest {
    private static final long DEFAULT_SEED = 1;
    private static final int DEFAULT_COUNT = 8000;

    /** What the cases exercised, so that the test fails if the interesting paths stop being reached. */
    private long instructions, compiledInstructions, blocks, selfModifications, evictions, pageFaults, otherFaults,
            traps, halted;
    private final Map<String, Integer> vectors = new TreeMap<>();

    @Test
    void bothTiersAgreeOnEveryRandomSequence() {
        long seed = Long.getLong("j386.fuzz.seed", DEFAULT_SEED);
        long count = Long.getLong("j386.fuzz.count", DEFAULT_COUNT);
        long started = System.nanoTime();
        for (long n = seed; n < seed + count; n++) {
            String failure = runCase(n);
            if (failure != null) {
                fail(failure);
            }
        }
        System.out.printf("jit fuzz: %d sequences from seed %d in %.1f s: %d instructions, %d in compiled code, "
                + "%d blocks compiled, %d pages invalidated by stores, %d evictions, %d #PF, %d other faults, "
                + "%d traps and software interrupts; %d halted; deliveries %s%n", count, seed, (System.nanoTime() - started) / 1e9,
                instructions, compiledInstructions, blocks, selfModifications, evictions, pageFaults, otherFaults, traps,
                halted, vectors);
        if (count >= 1000) {
            // Without these the agreement would prove little: the bytecode tier must have run most
            // instructions, and the hard paths must have been taken.
            assertTrue(compiledInstructions * 2 > instructions, "share of instructions in compiled code too low");
            assertTrue(selfModifications > 0 && evictions > 0 && pageFaults > 0 && otherFaults > 0 && traps > 0,
                    "some path was never taken");
        }
    }

    /** Runs case {@code n}; returns why the tiers disagree, or null. */
    private String runCase(long n) {
        Random rnd = new Random(n * 0x9E3779B97F4A7C15L + 17);
        int paging = rnd.nextInt(5); // 0-1: off, 2-3: on, 4: on with a read-only data page
        boolean ring3 = rnd.nextInt(10) < 3;
        boolean supervisorData = ring3 && paging >= 2 && rnd.nextBoolean();
        // Anywhere in the first code page: longer sequences run on into the second.
        int base = TierMachine.CODE + rnd.nextInt(0x1000);
        CodeGenerator.Program p = CodeGenerator.generate(rnd, base, 5 + rnd.nextInt(36), paging >= 2, ring3);
        assertTrue(base + p.code().length <= TierMachine.CODE + TierMachine.CODE_SIZE, "case " + n + " too long");
        int threshold = rnd.nextInt(5) == 0 ? 1 + rnd.nextInt(3) : 0;
        int maxInstructions = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(8) : BlockTranslator.DEFAULT_MAX_INSTRUCTIONS;
        long cache = rnd.nextInt(10) == 0 ? 1024 + rnd.nextInt(8192) : 64L << 20;
        byte[] data = new byte[TierMachine.DATA_SIZE];
        byte[] low = new byte[TierMachine.LOW_WINDOW_SIZE];
        rnd.nextBytes(data);
        rnd.nextBytes(low);
        int[] regs = new int[8];
        for (int r = 0; r < 8; r++) {
            regs[r] = CodeGenerator.value(rnd);
        }
        regs[CpuState.ESP] = TierMachine.INITIAL_ESP;
        int eflags = 2 | (rnd.nextInt() & (Flags.ARITH | Flags.DF | Flags.IF));
        List<Long> budgets = new ArrayList<>();
        long total = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(400) : 4000;
        if (rnd.nextBoolean()) {
            budgets.add(total);
        } else {
            for (long left = total; left > 0; ) {
                long b = Math.min(left, 1 + rnd.nextInt(rnd.nextBoolean() ? 8 : 80));
                budgets.add(b);
                left -= b;
            }
        }
        // An interrupt request now and then between runs: taken at once or when IF comes on.
        boolean[] interruptBefore = new boolean[budgets.size()];
        for (int k = 1; k < budgets.size(); k++) {
            interruptBefore[k] = rnd.nextInt(10) == 0;
        }
        String settings = String.format("ring %d, IF %d, paging %s%s, threshold %d, blocks of at most %d instructions, cache %d bytes, "
                + "budgets %s", ring3 ? 3 : 0, (eflags & Flags.IF) != 0 ? 1 : 0, paging < 2 ? "off" : paging == 2 || paging == 3 ? "on" : "on with a read-only page",
                supervisorData ? ", the first data page supervisor-only" : "",
                threshold, maxInstructions, cache, budgets.size() > 12 ? budgets.size() + " runs of " + budgets.subList(0, 12)
                        + "..." : budgets);

        TierMachine reference = machine(p, paging, ring3, supervisorData, data, low, regs, eflags);
        TierMachine jit = machine(p, paging, ring3, supervisorData, data, low, regs, eflags)
                .jit(threshold, maxInstructions, cache);
        for (int k = 0; k < budgets.size(); k++) {
            if (interruptBefore[k]) {
                reference.raiseInterrupt();
                jit.raiseInterrupt();
            }
            String escaped = run(reference, budgets.get(k), "interpreter");
            escaped = escaped != null ? escaped : run(jit, budgets.get(k), "bytecode tier");
            String diff = escaped != null ? escaped : jit.differencesFrom(reference);
            if (!diff.isEmpty()) {
                return String.format("the tiers disagree on case %d (make jit-fuzz SEED=%d COUNT=1)%n%s%n"
                        + "after run %d of %d (the interpreter is the expected side):%n%s"
                        + "code at %08x: %s%n%s", n, n, settings, k + 1, budgets.size(), diff, p.base(), p.hex(),
                        TierMachine.listing(Arrays.copyOf(p.code(), p.length()), p.base()));
            }
            if (reference.s.halted || reference.cpu.stop() != Cpu.Stop.NONE) {
                break; // nothing can wake it: the machine has no interrupt controller
            }
        }
        account(reference, jit);
        return null;
    }

    private static TierMachine machine(CodeGenerator.Program p, int paging, boolean ring3, boolean supervisorData,
            byte[] data, byte[] low, int[] regs, int eflags) {
        TierMachine m = new TierMachine();
        if (paging >= 2) {
            m.paging(paging == 4);
        }
        if (supervisorData) {
            m.supervisorOnly(TierMachine.DATA);
        }
        if (ring3) {
            m.ring3();
        }
        m.bytes(TierMachine.DATA, data);
        m.bytes(TierMachine.LOW_WINDOW, low);
        m.bytes(p.base(), p.code());
        System.arraycopy(regs, 0, m.s.regs, 0, 8);
        m.s.flags.set(eflags);
        m.s.eip = p.base();
        return m;
    }

    private static String run(TierMachine m, long budget, String tier) {
        try {
            m.run(budget);
            return null;
        } catch (RuntimeException e) {
            StringWriter w = new StringWriter();
            e.printStackTrace(new PrintWriter(w));
            return "a Java exception escaped the " + tier + ": " + w + "\n";
        }
    }

    private void account(TierMachine reference, TierMachine jit) {
        JitStatistics st = jit.cpu.jitStatistics();
        instructions += jit.s.instructions;
        compiledInstructions += st.compiledInstructions();
        blocks += st.blocksCompiled();
        selfModifications += st.invalidatedBySelfModification();
        evictions += st.evictions();
        halted += reference.s.halted ? 1 : 0;
        for (String e : reference.events) {
            vectors.merge(e.substring(0, e.indexOf(" at ")).replaceAll(" error.*", ""), 1, Integer::sum);
            if (e.startsWith("exception 14 ")) {
                pageFaults++;
            } else if (e.startsWith("exception ")) {
                otherFaults++;
            } else {
                traps++;
            }
        }
    }

    /**
     * The generator's promise, checked against the tools' disassembler: every item starts on an
     * instruction boundary and everything up to the sentinel is a valid instruction. Without it
     * the differential test could be comparing how both tiers run garbage.
     */
    @Test
    void generatedCodeIsValidAndEveryItemStartsAnInstruction() {
        for (long n = 0; n < 400; n++) {
            Random rnd = new Random(n);
            CodeGenerator.Program p = CodeGenerator.generate(rnd, TierMachine.CODE, 40, rnd.nextBoolean(),
                    rnd.nextBoolean());
            byte[] code = Arrays.copyOf(p.code(), p.length());
            Set<Long> boundaries = new HashSet<>();
            for (Instruction i : Disassembler.disassemble(code, p.base(), 32)) {
                assertTrue(i.valid(), "case " + n + ": " + i + "\n" + TierMachine.listing(code, p.base()));
                boundaries.add(i.address());
            }
            for (int start : p.itemStarts()) {
                assertTrue(boundaries.contains((long) start), "case " + n + ": item at " + Integer.toHexString(start)
                        + " is not an instruction boundary\n" + TierMachine.listing(code, p.base()));
            }
            byte last = code[p.sentinel() - p.base()];
            assertTrue(last == (byte) 0xF4 || last == (byte) 0xCD, "the sentinel is HLT or INT 0x81");
        }
    }
}
