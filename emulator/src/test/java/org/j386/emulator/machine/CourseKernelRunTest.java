package org.j386.emulator.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.j386.emulator.boot.TestKernels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The example course kernel (examples/course-kernel) run to a point a grading script can name:
 * {@code --until} some text, or {@code --max-time}, both at an exact instruction, under both tiers.
 */
class CourseKernelRunTest {
    static final Path KERNEL = Path.of("../examples/course-kernel/kernel.bin");
    private static final String PASSED = "Test Passed!";

    private static MachineConfig config(MachineConfig.CpuTier tier, OutputStream debugcon) {
        MachineConfig config = new MachineConfig();
        config.cpuTier = tier;
        config.debugcon = debugcon;
        config.maxTimeSlots = 300_000_000L;
        return config;
    }

    @ParameterizedTest
    @EnumSource(MachineConfig.CpuTier.class)
    void untilStopsAtTheInstructionThatPrintedTheText(MachineConfig.CpuTier tier) throws Exception {
        // A free run first, noting the instruction count at each byte the kernel printed.
        StringBuilder printed = new StringBuilder();
        List<Long> countAtByte = new ArrayList<>();
        Machine[] free = new Machine[1];
        MachineConfig freeRun = config(tier, new OutputStream() {
            @Override
            public void write(int b) {
                printed.append((char) b);
                countAtByte.add(free[0].cpu().state.instructions);
            }
        });
        freeRun.maxTimeSlots = 50_000_000L;
        free[0] = new Machine(freeRun);
        free[0].boot(KERNEL);
        free[0].run();
        int end = printed.indexOf(PASSED) + PASSED.length();
        assertTrue(end > PASSED.length(), printed.toString());
        long printingInstruction = countAtByte.get(end - 1);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MachineConfig config = config(tier, out);
        config.untilText = PASSED;
        Machine until = new Machine(config);
        until.boot(KERNEL);
        RunResult result = until.run();

        assertEquals(Outcome.UNTIL_TEXT, result.outcome(), result.message());
        assertEquals(0, result.exitStatus());
        assertEquals(printingInstruction, result.instructions(), "the OUT that wrote the text's last byte is the last instruction");
        assertEquals(printed.substring(0, end), out.toString(StandardCharsets.ISO_8859_1));
        assertEquals("\"Test Passed!\" appeared on the debug console after " + printingInstruction
                + " instructions (--until)", result.message());
    }

    @ParameterizedTest
    @EnumSource(MachineConfig.CpuTier.class)
    void maxTimeStopsAtExactlyThatManyInstructionSlots(MachineConfig.CpuTier tier) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MachineConfig config = config(tier, out);
        config.maxTimeSlots = 150_000_000L; // --max-time 1.5
        Machine machine = new Machine(config);
        machine.boot(KERNEL);
        RunResult result = machine.run();

        assertEquals(Outcome.TIME_LIMIT, result.outcome());
        assertEquals(4, result.exitStatus());
        // The kernel never halts, so every slot of virtual time is one instruction.
        assertEquals(150_000_000L, result.instructions());
        assertTrue(out.toString(StandardCharsets.ISO_8859_1).endsWith("Test Passed! Congratulations!\nOne second has passed\n"),
                out.toString(StandardCharsets.ISO_8859_1));
    }

    @ParameterizedTest
    @EnumSource(MachineConfig.CpuTier.class)
    void untilSeesTextWrittenOnlyToTheScreen(MachineConfig.CpuTier tier) throws Exception {
        MachineConfig config = config(tier, null);
        config.untilText = "Hi";
        Machine machine = new Machine(config);
        // mov dword [0xb8000],0x07690748 ("Hi" in grey on black); nop; jmp $
        machine.boot("screen.elf", TestKernels.elfKernelRunning(new byte[] {
            (byte) 0xC7, 0x05, 0x00, (byte) 0x80, 0x0B, 0x00, 0x48, 0x07, 0x69, 0x07, (byte) 0x90, (byte) 0xEB, (byte) 0xFE}));
        RunResult result = machine.run();
        assertEquals(Outcome.UNTIL_TEXT, result.outcome(), result.message());
        assertEquals(1, result.instructions());
        assertEquals("\"Hi\" appeared on the screen after 1 instructions (--until)", result.message());
    }
}
