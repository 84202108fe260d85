package org.j386.emulator.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.j386.emulator.machine.Machine;
import org.j386.emulator.machine.MachineConfig;
import org.j386.emulator.machine.RunResult;
import org.j386.guest.GuestKernel;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Boots a bundled guest kernel once per folder under {@code src/test/guest-kernel} (its
 * {@code cmdline} is the kernel command line; a {@code guest} file names the kernel, mp4 when
 * absent; a {@code seed} file passes the scenario of that seed as a module) with the reference
 * checker attached, on each CPU tier: the debug
 * console must hold exactly what QEMU printed for the same command line (recorded by
 * {@code record.sh}), the exit status must be QEMU's, every event record must agree with the
 * Java reference, and both tiers must retire the same number of instructions.
 */
class BundledGuestKernelTest {
    static final Path CASES = Path.of("src/test/guest-kernel");

    @TestFactory
    Stream<DynamicTest> theGuestKernelPrintsWhatQemuPrintedAndAgreesWithTheReference() throws IOException {
        List<Path> dirs = new ArrayList<>();
        try (Stream<Path> list = Files.list(CASES)) {
            list.filter(d -> Files.exists(d.resolve("expected.out"))).sorted().forEach(dirs::add);
        }
        assertFalse(dirs.isEmpty(), "no guest-kernel cases under " + CASES.toAbsolutePath());
        return dirs.stream().map(d -> DynamicTest.dynamicTest(d.getFileName().toString(), () -> {
            RunResult interpreted = check(d, MachineConfig.CpuTier.INTERP);
            RunResult compiled = check(d, MachineConfig.CpuTier.JIT);
            assertEquals(interpreted.instructions(), compiled.instructions(),
                    d.getFileName() + ": the bytecode tier retired another number of instructions");
        }));
    }

    /** Under the bytecode tier every block is compiled on first sight. */
    private static RunResult check(Path dir, MachineConfig.CpuTier tier) throws Exception {
        MachineConfig config = new MachineConfig();
        config.cpuTier = tier;
        config.jitThreshold = 0;
        ByteArrayOutputStream debugcon = new ByteArrayOutputStream();
        config.debugcon = debugcon;
        config.commandLine = Files.readString(dir.resolve("cmdline")).strip();
        config.maxInstructions = 2_000_000_000L;
        Path guest = dir.resolve("guest");
        String guestName = Files.exists(guest) ? Files.readString(guest).strip() : GuestKernel.MP4.guestName;
        GuestKernel kernel = GuestKernel.named(guestName);
        assertNotNull(kernel, dir + ": no bundled guest kernel is called " + guestName);
        Path seed = dir.resolve("seed");
        if (Files.exists(seed)) {
            Path module = Files.createTempFile("j386-scenario", ".bin");
            module.toFile().deleteOnExit();
            Files.write(module, kernel.scenario(Long.parseLong(Files.readString(seed).strip()), kernel.scenarioLength()));
            config.modules.add(MachineConfig.Module.parse(module.toString(), Path.of("")));
        }
        Machine machine = new Machine(config);
        ReferenceChecker checker = new ReferenceChecker(() -> machine.cpu().state.instructions, () -> machine.exit(0))
                .compareStateWith(machine.ram(), () -> machine.cpu().state.cr3);
        machine.ports().register(TracePort.PORT, 1, new TracePort(checker));
        machine.boot(kernel.bootName, kernel.elf());
        RunResult result = machine.run();

        String name = dir.getFileName() + " (" + tier.name().toLowerCase() + ")";
        assertNull(checker.divergence(), () -> name + ": " + checker.divergence().describe());
        assertTrue(checker.checked() > 0, name + ": the guest wrote no event records");
        assertEquals(Files.readString(dir.resolve("expected.out"), StandardCharsets.ISO_8859_1),
                debugcon.toString(StandardCharsets.ISO_8859_1), name + ": output differs from QEMU's (" + result.message() + ")");
        assertEquals(Integer.parseInt(Files.readString(dir.resolve("expected.status")).strip()), result.exitStatus(),
                name + ": exit status differs from QEMU's");
        return result;
    }
}
