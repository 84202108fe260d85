package org.j386.emulator.boot;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.Random;
import org.j386.emulator.memory.PhysicalMemory;
import org.j386.tools.image.ImageFormatException;
import org.junit.jupiter.api.Test;

/** Property-style: a damaged kernel is loaded or refused with a message, never a runtime exception. */
class LoaderRobustnessTest {
    private final PhysicalMemory memory = new PhysicalMemory(4 << 20);

    @Test
    void corruptedKernelsAreLoadedOrRefusedButNeverCrashTheLoader() {
        Random random = new Random(0x2BADB002L);
        byte[] elf = TestKernels.elfKernel();
        byte[] flat = TestKernels.flatKernel(0x40, 0x100000, 0x1000);
        List<BootModule> modules = List.of(new BootModule("module.bin", new byte[3], "module.bin"));
        for (int round = 0; round < 5_000; round++) {
            boolean useElf = random.nextBoolean();
            byte[] image = (useElf ? elf : flat).clone();
            // Aim at the ELF headers and the Multiboot header, where a bad byte changes the loader's course.
            int[] hot = useElf ? new int[] {0, 0x80, 0x1000, 0x1020} : new int[] {0x40, 0x60};
            int changes = 1 + random.nextInt(6);
            for (int i = 0; i < changes; i++) {
                int base = hot[random.nextInt(hot.length)];
                int at = random.nextInt(8) == 0 ? random.nextInt(image.length) : Math.min(image.length - 1,
                        base + random.nextInt(0x20));
                image[at] = random.nextInt(3) == 0 ? (byte) 0xFF : (byte) random.nextInt(256);
            }
            try {
                new MultibootLoader(memory).load("fuzz.elf", image, "", modules);
            } catch (ImageFormatException e) {
                String m = e.getMessage();
                assertTrue((m.startsWith("fuzz.elf: ") || m.startsWith("module.bin: ")) && !m.contains("\n"), m);
            } catch (RuntimeException e) {
                fail("round " + round + ": " + e, e);
            }
        }
    }
}
