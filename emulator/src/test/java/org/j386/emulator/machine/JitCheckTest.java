package org.j386.emulator.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

import org.j386.emulator.boot.TestKernels;
import org.j386.emulator.cpu.BlockCompiler;
import org.j386.emulator.cpu.CompiledBlock;
import org.j386.emulator.cpu.CpuState;
import org.j386.emulator.jit.BlockTranslator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * {@code --jit-check}: compiled blocks run in lockstep with the interpreter. A correct tier passes
 * unnoticed; a wrong block stops the machine at its entry with both results side by side.
 */
class JitCheckTest {
    private static final Path KERNELS = Path.of("src/test/kernels");

    @ParameterizedTest
    @ValueSource(strings = {"arith_flags", "paging_matrix", "smc"})
    void aTestKernelUnderTheJitCheckFindsNoDifferenceAndPrintsWhatQemuPrinted(String name) throws Exception {
        MachineConfig config = new MachineConfig();
        ByteArrayOutputStream debugcon = new ByteArrayOutputStream();
        config.debugcon = debugcon;
        config.jitThreshold = 0;
        config.jitCheck = true;
        config.maxInstructions = QemuGoldenKernelsTest.INSTRUCTION_LIMIT;
        Machine machine = new Machine(config);
        machine.boot(KERNELS.resolve(name).resolve(name + ".elf"));
        RunResult result = machine.run();

        assertEquals(Files.readString(KERNELS.resolve(name).resolve("expected.out"), StandardCharsets.ISO_8859_1),
                debugcon.toString(StandardCharsets.ISO_8859_1), result.message() + "\n" + result.diagnostic());
        assertEquals(Integer.parseInt(Files.readString(KERNELS.resolve(name).resolve("expected.status")).strip()),
                result.exitStatus(), result.message());
        assertTrue(machine.cpu().jitCheckCounts()[0] > 0, "no compiled block was compared");
    }

    /** mov eax, 1; mov dword [0x102000], 0x11223344; cli; hlt */
    private static final byte[] CODE = {
        (byte) 0xB8, 1, 0, 0, 0,
        (byte) 0xC7, 0x05, 0x00, 0x20, 0x10, 0x00, 0x44, 0x33, 0x22, 0x11,
        (byte) 0xFA, (byte) 0xF4};
    private static final int DATA = 0x102000;

    @Test
    void aBlockThatSetsARegisterWronglyStopsTheMachineAtItsEntryWithADiagnosticNamingTheRegister() throws Exception {
        Machine[] m = new Machine[1];
        m[0] = machineCompiling(s -> {
            s.regs[CpuState.EAX] = 2; // the interpreter loads 1
            m[0].ram().write32(DATA, 0x11223344);
        });
        Machine machine = m[0];
        int entry = machine.cpu().state.eip;
        int eax = machine.cpu().state.regs[CpuState.EAX];
        long before = machine.cpu().state.instructions;
        RunResult result = machine.run();

        assertEquals(Outcome.JIT_MISMATCH, result.outcome());
        assertEquals(14, result.exitStatus());
        assertEquals(String.format("jit check: the compiled block at eip=0x%08x differs from the interpreter in eax", entry),
                result.message());
        assertTrue(result.diagnostic().contains(String.format("eax            %08x     00000002     00000001    <<", eax)),
                result.diagnostic());
        assertTrue(result.diagnostic().contains("no listing kept"), result.diagnostic());
        assertEquals(entry, machine.cpu().state.eip, "the machine stops at the block's entry");
        assertEquals(before, machine.cpu().state.instructions);
        assertEquals(eax, machine.cpu().state.regs[CpuState.EAX]);
    }

    @Test
    void aBlockThatWritesAWrongByteIsCaughtWithTheByteShownAndTheWriteUndone() throws Exception {
        Machine[] m = new Machine[1];
        m[0] = machineCompiling(s -> {
            s.regs[CpuState.EAX] = 1;
            m[0].ram().write32(DATA, 0x11223345);
        });
        RunResult result = m[0].run();

        assertEquals(Outcome.JIT_MISMATCH, result.outcome());
        assertTrue(result.message().endsWith("differs from the interpreter in memory"), result.message());
        assertTrue(result.diagnostic().contains(String.format("  %08x: 00 45 44  <<", DATA)), result.diagnostic());
        assertEquals(0, m[0].ram().read32(DATA), "both runs' writes are taken back");
    }

    @Test
    void aCorrectBlockPassesTheCheckAndTheMachineRunsOnFromItsResult() throws Exception {
        Machine[] m = new Machine[1];
        m[0] = machineCompiling(s -> {
            s.regs[CpuState.EAX] = 1;
            m[0].ram().write32(DATA, 0x11223344);
        });
        RunResult result = m[0].run();

        assertEquals(Outcome.HALTED, result.outcome(), result.message() + "\n" + result.diagnostic());
        assertEquals(1, m[0].cpu().state.regs[CpuState.EAX]);
        assertEquals(0x11223344, m[0].ram().read32(DATA));
        assertEquals(1, m[0].cpu().jitCheckCounts()[0]);
    }

    @Test
    void aWrongTranslatedBlockIsReportedWithItsGuestCodeAndItsBytecode() throws Exception {
        // mov esp, 0x104800; call next; next: pop ecx; add ecx, 14; mov eax, 1; add eax, 2; jmp ecx; cli; hlt
        byte[] code = {
            (byte) 0xBC, 0x00, 0x48, 0x10, 0x00,
            (byte) 0xE8, 0, 0, 0, 0,
            0x59,
            (byte) 0x83, (byte) 0xC1, 0x0E,
            (byte) 0xB8, 1, 0, 0, 0,
            (byte) 0x83, (byte) 0xC0, 0x02,
            (byte) 0xFF, (byte) 0xE1,
            (byte) 0xFA, (byte) 0xF4};
        MachineConfig config = new MachineConfig();
        config.jitThreshold = 0;
        config.jitCheck = true;
        config.maxInstructions = 1000;
        Machine machine = new Machine(config);
        int entry = machine.boot("test", TestKernels.elfKernelRunning(code)).entry();
        CpuState s = machine.cpu().state;
        BlockTranslator translator = new BlockTranslator(machine.cpu().blockRuntime(), 0).keepListings();
        machine.cpu().setBlockCompiler(new BlockCompiler() {
            @Override
            public CompiledBlock compile(BlockSource source, int eip) {
                CompiledBlock real = translator.compile(source, eip);
                if (eip != entry) {
                    return real;
                }
                // The translator's block, with a defect added after it: EBX comes out changed.
                CompiledBlock wrong = new CompiledBlock(real.eip, real.length) {
                    @Override
                    public void run(long limit) {
                        real.run(limit);
                        s.regs[CpuState.EBX] ^= 0x100;
                    }
                };
                wrong.listing = real.listing;
                return wrong;
            }

            @Override
            public int threshold() {
                return 0;
            }
        }, 1 << 20);
        RunResult result = machine.run();

        assertEquals(Outcome.JIT_MISMATCH, result.outcome(), result.message());
        assertTrue(result.message().endsWith("differs from the interpreter in ebx"), result.message());
        String d = result.diagnostic();
        assertTrue(d.contains(String.format("  %08x <start>:", entry)), d);
        for (String text : new String[] {"call ", "pop ecx", "jmp ecx", "bytecode:", "run(J)V", "INVOKEVIRTUAL"}) {
            assertTrue(d.contains(text), "the report lacks " + text + ":\n" + d);
        }
        assertTrue(d.contains("eip            " + String.format("%08x     %08x     %08x", entry, entry + 24, entry + 24)), d);
    }

    /**
     * A machine under the check whose only compiled block is made by hand: it stands for the first
     * two instructions of {@link #CODE}, doing {@code body} and moving EIP and the count on.
     */
    private static Machine machineCompiling(Consumer<CpuState> body) throws Exception {
        MachineConfig config = new MachineConfig();
        config.jitThreshold = 0;
        config.jitCheck = true;
        config.maxInstructions = 1000;
        Machine machine = new Machine(config);
        int entry = machine.boot("test", TestKernels.elfKernelRunning(CODE)).entry();
        CpuState s = machine.cpu().state;
        machine.cpu().setBlockCompiler(new BlockCompiler() {
            @Override
            public CompiledBlock compile(BlockSource source, int eip) {
                if (eip != entry) {
                    return null;
                }
                return new CompiledBlock(eip, 2) {
                    @Override
                    public void run(long limit) {
                        body.accept(s);
                        s.eip = entry + 15;
                        s.instructions += 2;
                    }
                };
            }

            @Override
            public int threshold() {
                return 0;
            }
        }, 1 << 20);
        return machine;
    }
}
