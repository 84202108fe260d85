package org.j386.emulator.fuzz;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import org.j386.emulator.boot.TestKernels;

/**
 * Malformed kernel images: test kernels with bytes changed where the loader looks (ELF and
 * program headers, the Multiboot header), fields set to edge values, truncated or extended, booted
 * through the command line with a small virtual-time limit. Every run must end with a documented
 * status and no stack trace.
 */
final class ImageFuzzer implements Fuzz.Target {
    private static final int[] EDGES = {0, 1, -1, 0x7FFFFFFF, 0x80000000, 0xFFFFF000, 0x100000, 0x1BADB002, 0x1000};
    private final List<byte[]> bases;
    private final Path dir;

    ImageFuzzer(Path dir) throws Exception {
        this.dir = dir;
        this.bases = List.of(TestKernels.elfKernel(), TestKernels.flatKernel(0x40, 0x100000, 0x1000),
                Files.readAllBytes(Path.of("src/test/kernels/paging_lazy/paging_lazy.elf")),
                Files.readAllBytes(Path.of("src/test/kernels/exit_code/exit_code.elf")));
    }

    @Override
    public String name() {
        return "images";
    }

    @Override
    public void run(Random r, StringBuilder input) throws Exception {
        int which = r.nextInt(bases.size());
        byte[] image = bases.get(which).clone();
        int header = multibootHeader(image);
        int[] hot = {0, 0x18, 0x1C, 0x2A, 0x34, 0x54, header, header + 12, header + 28};
        int edits = 1 + r.nextInt(8);
        input.append("base image ").append(which).append(", edits:\n");
        for (int i = 0; i < edits; i++) {
            if (image.length < 8) {
                break; // nothing left to edit
            }
            int at = r.nextInt(4) == 0 ? r.nextInt(image.length) : Math.min(image.length - 4, Math.max(0,
                    hot[r.nextInt(hot.length)] + r.nextInt(32)));
            switch (r.nextInt(5)) {
                case 0 -> {
                    int v = EDGES[r.nextInt(EDGES.length)];
                    for (int k = 0; k < 4 && at + k < image.length; k++) {
                        image[at + k] = (byte) (v >>> (8 * k));
                    }
                    input.append(String.format("  dword 0x%08x at 0x%x%n", v, at));
                }
                case 1 -> {
                    int len = r.nextInt(image.length);
                    image = java.util.Arrays.copyOf(image, len);
                    input.append("  truncated to ").append(len).append(" bytes\n");
                }
                case 2 -> {
                    byte[] longer = java.util.Arrays.copyOf(image, image.length + r.nextInt(4096));
                    for (int k = image.length; k < longer.length; k++) {
                        longer[k] = (byte) r.nextInt(256);
                    }
                    input.append("  extended to ").append(longer.length).append(" bytes\n");
                    image = longer;
                }
                default -> {
                    image[at] = (byte) r.nextInt(256);
                    input.append(String.format("  byte 0x%02x at 0x%x%n", image[at] & 0xFF, at));
                }
            }
        }
        input.append("image: ").append(HexFormat.of().formatHex(image, 0, Math.min(image.length, 256))).append('\n');
        Path file = dir.resolve("fuzz-image.elf");
        Files.write(file, image);
        CliRun.of("boot", "--max-time", "0.02", "--serial", "none", "-m", r.nextBoolean() ? "32M" : "4M",
                file.toString()).assertWellBehaved();
    }

    /** Where the Multiboot magic is, or 0. */
    private static int multibootHeader(byte[] image) {
        for (int i = 0; i + 4 <= Math.min(image.length, 8192); i += 4) {
            if ((image[i] & 0xFF) == 0x02 && (image[i + 1] & 0xFF) == 0xB0 && (image[i + 2] & 0xFF) == 0xAD
                    && (image[i + 3] & 0xFF) == 0x1B) {
                return i;
            }
        }
        return 0;
    }
}
