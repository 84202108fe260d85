package org.j386.emulator.fuzz;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import org.j386.tools.asm.Assembler;
import org.j386.tools.asm.ElfFormat;

/**
 * Random instruction streams in ring 0 and ring 3: a small kernel (assembled here) sets up a GDT
 * with ring-0 and ring-3 segments, a TSS and an IDT whose every gate leads to a handler that exits
 * through port 0xF4, loads random values into the registers, some of them pointing at writable
 * memory, and enters random bytes in ring 0 or by IRET in ring 3, with EFLAGS.TF sometimes set.
 * Booted through the command line with a small virtual-time limit, every run must end with a
 * documented status and no stack trace: whatever the bytes, the outcome is architectural.
 */
final class CodeFuzzer implements Fuzz.Target {
    private static final String PRELUDE = """
            bits 32
            section .text
            multiboot: dd 0x1BADB002, 3, -(0x1BADB002 + 3)
            global _start
            _start:
                cli
                mov esp, stack0_top
                mov eax, tss
                mov [gdt + 0x28 + 2], ax
                shr eax, 16
                mov [gdt + 0x28 + 4], al
                mov [gdt + 0x28 + 7], ah
                lgdt [gdtr]
                jmp 0x08:reload
            reload:
                mov ax, 0x10
                mov ds, ax
                mov es, ax
                mov fs, ax
                mov gs, ax
                mov ss, ax
                mov dword [tss + 4], stack0_top
                mov dword [tss + 8], 0x10
                mov ax, 0x28
                ltr ax
                xor ecx, ecx
            fill:
                mov eax, handler
                mov [idt + ecx * 8], ax
                mov word [idt + ecx * 8 + 2], 0x08
                mov word [idt + ecx * 8 + 4], 0xEE00
                shr eax, 16
                mov [idt + ecx * 8 + 6], ax
                inc ecx
                cmp ecx, 256
                jne fill
                lidt [idtr]
            """;
    private static final String EPILOGUE = """
                ud2
            handler:
                mov al, 0x21
                out 0xF4, al
                cli
                hlt
            section .data
            align 8
            gdt: dq 0, 0x00CF9A000000FFFF, 0x00CF92000000FFFF, 0x00CFFA000000FFFF, 0x00CFF2000000FFFF
                 dw 103, 0
                 db 0, 0x89, 0, 0
            gdtr: dw 6 * 8 - 1
                  dd gdt
            idtr: dw 256 * 8 - 1
                  dd idt
            scratch: times 4096 db 0x5A
            section .bss
            tss: resb 104
            idt: resb 256 * 8
            resb 4096
            stack0_top:
            resb 4096
            stack3_top:
            """;
    private static final List<String> REGISTERS = List.of("eax", "ebx", "ecx", "edx", "esi", "edi", "ebp");
    private final Path dir;

    CodeFuzzer(Path dir) {
        this.dir = dir;
    }

    @Override
    public String name() {
        return "code";
    }

    @Override
    public void run(Random r, StringBuilder input) throws Exception {
        boolean ring3 = r.nextBoolean();
        boolean trap = r.nextInt(4) == 0;
        StringBuilder registers = new StringBuilder();
        for (String reg : REGISTERS) {
            registers.append(r.nextBoolean() ? String.format("    mov %s, scratch + %d%n", reg, r.nextInt(4096))
                    : String.format("    mov %s, 0x%x%n", reg, r.nextInt()));
        }
        int flags = 0x2 | (trap ? 0x100 : 0) | (r.nextInt() & 0x8D5); // arithmetic flags, DF, TF sometimes
        byte[] code = new byte[1 + r.nextInt(64)];
        r.nextBytes(code);
        String source = source(ring3, flags, registers.toString(), code);
        input.append(source);
        Path file = kernel(source, dir);
        CliRun.of("boot", "--max-time", "0.01", "--serial", "none", file.toString()).assertWellBehaved();
    }

    /** The kernel's source: the prelude, registers, entry in ring 0 or 3 with {@code flags}, then {@code code}. */
    static String source(boolean ring3, int flags, String registers, byte[] code) {
        StringBuilder source = new StringBuilder(PRELUDE).append(registers);
        if (ring3) {
            source.append("""
                        push 0x23
                        push stack3_top
                        push %d
                        push 0x1B
                        push random
                        push eax
                        mov ax, 0x23
                        mov ds, ax
                        mov es, ax
                        mov fs, ax
                        mov gs, ax
                        pop eax
                        iret
                    """.formatted(flags));
        } else {
            source.append("""
                        push %d
                        popf
                        jmp random
                    """.formatted(flags));
        }
        source.append("random:\n");
        for (byte b : code) {
            source.append("    db 0x").append(Integer.toHexString(b & 0xFF)).append('\n');
        }
        return source.append(EPILOGUE).toString();
    }

    /** Assembles {@code source} into {@code dir}/code.elf. */
    static Path kernel(String source, Path dir) throws Exception {
        Assembler.Result kernel = Assembler.assemble("code.asm", source, dir,
                new Assembler.Options(List.of(), new ElfFormat()));
        if (!kernel.ok()) {
            throw new AssertionError("the fuzzer's own kernel does not assemble: " + kernel.diagnostics());
        }
        Path file = dir.resolve("code.elf");
        Files.write(file, kernel.output());
        return file;
    }
}
