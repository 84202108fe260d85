/* Shared entry point of the test kernels.
 *
 * A Multiboot v1 loader jumps here in 32-bit protected mode with paging off,
 * EAX = 0x2BADB002 and EBX = physical address of the Multiboot info.  The
 * loader's GDT is not guaranteed to stay valid, so we load our own flat one
 * before touching any segment register, set up a stack, call
 * kmain(magic, info) and send its return value to the isa-debug-exit port.
 */

    /* Fixed FILE symbol: otherwise gcc names it after a random temp file
     * and rebuilt ELFs would never be byte-identical. */
    .file "start.S"

#define MB_MAGIC  0x1BADB002
#define MB_FLAGS  0x00000003        /* bit 0: page-align modules, bit 1: memory info */

    .section .multiboot, "a"
    .align 4
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)

    .section .bss
    .align 16
stack_bottom:
    .skip 16384
    .globl stack_top
stack_top:

    .section .data
    .align 8
    /* Flat 4 GiB segments: 0x08 = ring-0 code, 0x10 = ring-0 data. */
gdt:
    .quad 0
    .quad 0x00CF9A000000FFFF
    .quad 0x00CF92000000FFFF
gdt_end:
gdt_ptr:
    .word gdt_end - gdt - 1
    .long gdt

    .text
    .globl _start
_start:
    cli
    /* Keep the loader's registers: the stack is not ours yet. */
    movl %eax, %esi
    movl %ebx, %edi
    lgdt gdt_ptr
    ljmp $0x08, $1f
1:  movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %fs
    movw %ax, %gs
    movw %ax, %ss
    movl $stack_top, %esp
    /* The spec leaves EFLAGS.DF unspecified; C code expects it clear. */
    cld
    pushl %edi
    pushl %esi
    call kmain
    /* exit_qemu(return value): only the low byte reaches the port. */
    outb %al, $0xF4
halt:
    cli
    hlt
    jmp halt

    .section .note.GNU-stack, "", @progbits
