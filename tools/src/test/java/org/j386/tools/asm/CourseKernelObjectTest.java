package org.j386.tools.asm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The example course kernel's assembly (examples/course-kernel/start.asm: the Multiboot header,
 * the entry and twenty exception stubs, calling C++ through EXTERN symbols) assembles with
 * {@code -f elf32} to the object nasm wrote, committed as nasm/start.o. The same object links
 * to the same kernel; {@code make -C examples/course-kernel check-j386} links it with g++'s
 * objects and compares the images.
 */
class CourseKernelObjectTest {
    private static final Path DIR = Path.of("../examples/course-kernel");

    @Test
    void theCourseKernelsStartAsmAssemblesToTheObjectNasmWrote() throws Exception {
        Assembler.Result r = Assembler.assemble("start.asm",
            Files.readString(DIR.resolve("start.asm"), StandardCharsets.ISO_8859_1), DIR,
            new Assembler.Options(List.of(), new ElfObjectFormat()));
        assertEquals(List.of(), r.diagnostics());
        assertArrayEquals(Files.readAllBytes(DIR.resolve("nasm/start.o")), r.output());
    }
}
