package org.j386.guest.build;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.j386.tools.asm.Assembler;
import org.j386.tools.asm.Diagnostic;
import org.j386.tools.asm.ElfFormat;

/**
 * Build step: assembles the guest kernel with j386's assembler into a Multiboot ELF with a symbol
 * table. Usage: {@code KernelBuild SOURCE.asm OUTPUT.elf}; included files are looked up beside
 * the source. Exit status 1 and the assembler's diagnostics when the source has errors.
 */
public final class KernelBuild {
    private KernelBuild() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: KernelBuild SOURCE.asm OUTPUT.elf");
            System.exit(2);
        }
        Path source = Path.of(args[0]);
        Path output = Path.of(args[1]);
        Assembler.Result result = Assembler.assemble(source,
                new Assembler.Options(List.of(source.toAbsolutePath().getParent()), new ElfFormat()));
        for (Diagnostic d : result.diagnostics()) {
            System.err.println(d);
        }
        if (!result.ok()) {
            System.exit(1);
        }
        Files.createDirectories(output.toAbsolutePath().getParent());
        Files.write(output, result.output());
    }
}
