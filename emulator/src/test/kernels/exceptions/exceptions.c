/* Exception and software-interrupt delivery in protected mode: which vector,
 * which error code, and whether the saved EIP points at the instruction
 * (faults: #BR, #UD, #GP) or after it (traps and INT n: INT3, INTO, INT n).
 * Each site records both addresses through local labels; the handler prints
 * which one it saw and resumes after the instruction. */
#include "kernel.h"

volatile uint32_t at_insn, after_insn;
static volatile int hits;

static void handler(struct frame *f)
{
    hits++;
    print("  vector="); print_dec(f->vector);
    print(" err="); print_hexn(f->err, 4);
    print(" eip=");
    print(f->eip == at_insn ? "at-insn" : f->eip == after_insn ? "after-insn" : "WRONG");
    print(" cs="); print_hexn(f->cs, 4);
    nl();
    f->eip = after_insn;
    f->eax = 0xC0DE0000 | f->vector;   /* visible to the interrupted code */
}

int kmain(uint32_t magic, struct mb_info *mbi)
{
    (void)mbi;
    print("exceptions: vector, error code, saved EIP at/after the instruction\n");
    if (magic != MB_BOOT_MAGIC) { print("FAIL bad magic\n"); return 0x10; }
    idt_init();
    for (int v = 0; v < 48; v++) set_handler(v, handler);

    uint32_t eax;
    print("int3\n");
    eax = 0; FAULT_SITE("int3", : "+a"(eax) : : "memory");
    print("  eax="); print_hexn(eax, 8); nl();

    print("int $0x2D\n");
    eax = 0; FAULT_SITE("int $0x2D", : "+a"(eax) : : "memory");
    print("  eax="); print_hexn(eax, 8); nl();

    print("into with OF=0 (nothing)\n");
    eax = 0; FAULT_SITE("xorl %%ecx, %%ecx\n\tinto", : "+a"(eax) : : "ecx", "cc", "memory");
    print("  eax="); print_hexn(eax, 8); nl();

    print("into with OF=1\n");
    eax = 0x7FFFFFFF;
    __asm__ volatile("movl $1f, at_insn\n\tmovl $2f, after_insn\n\t"
                     "addl $1, %%eax\n1:\tinto\n2:" : "+a"(eax) : : "cc", "memory");
    print("  eax="); print_hexn(eax, 8); nl();

    static const struct { int32_t lo, hi; } bounds = { -5, 10 };
    int32_t idx = 10;
    print("bound 10 in [-5,10] (nothing)\n");
    eax = 0; FAULT_SITE("boundl %[i], %[b]", : "+a"(eax) : [i] "r"(idx), [b] "m"(bounds) : "memory");
    print("  eax="); print_hexn(eax, 8); nl();
    idx = -6;
    print("bound -6 in [-5,10]\n");
    eax = 0; FAULT_SITE("boundl %[i], %[b]", : "+a"(eax) : [i] "r"(idx), [b] "m"(bounds) : "memory");
    print("  eax="); print_hexn(eax, 8); nl();

    print("ud2\n");
    eax = 0; FAULT_SITE("ud2", : "+a"(eax) : : "memory");
    print("  eax="); print_hexn(eax, 8); nl();

    print("mov to ds of selector 0x18 (beyond GDT limit)\n");
    eax = 0; FAULT_SITE("movw %w[s], %%ds", : "+a"(eax) : [s] "r"(0x18) : "memory");
    print("  eax="); print_hexn(eax, 8); nl();

    print("mov to ss of null selector\n");
    eax = 0; FAULT_SITE("movw %w[s], %%ss", : "+a"(eax) : [s] "r"(0) : "memory");
    print("  eax="); print_hexn(eax, 8); nl();

    print("int $0x80 through an empty IDT entry\n");
    eax = 0; FAULT_SITE("int $0x80", : "+a"(eax) : : "memory");
    print("  eax="); print_hexn(eax, 8); nl();

    /* Not tested: a memory access through a null ES/DS selector.  Real
     * CPUs raise #GP(0); QEMU's TCG does not check it, so there is no
     * trustworthy reference output for it. */

    print("hits="); print_dec(hits); nl();
    if (hits != 8) { print("FAIL hit count\n"); return 0x60; }
    print("PASS exceptions done\n");
    return 0;
}
