/* GDT with user segments, a TSS, and entering/leaving ring 3 (see ring3.h). */
#include "ring3.h"

struct tss {
    uint32_t link, esp0, ss0, esp1, ss1, esp2, ss2, cr3, eip, eflags;
    uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi;
    uint32_t es, cs, ss, ds, fs, gs, ldt;
    uint16_t trap, iomap;
} __attribute__((packed));

/* The TSS and its I/O permission bitmap for ports 0..255 (all denied until io_allow), followed by
 * the all-ones byte the processor may read past the last port. */
static struct {
    struct tss t;
    uint8_t io[33];
} __attribute__((packed, aligned(64))) task;
#define tss task.t
static uint64_t gdt[9] __attribute__((aligned(8)));
static uint8_t ring0_stack[8192] __attribute__((aligned(16)));
static uint8_t user_stack[8192] __attribute__((aligned(16)));
uint8_t *const user_stack_end = user_stack + sizeof user_stack;
uint32_t tss_esp0;
uint32_t ring3_saved_esp;

static void exit_handler(struct frame *f)
{
    (void)f;
    leave_user();
}

void ring3_init(void)
{
    gdt[0] = 0;
    gdt[1] = descriptor(0, 0xFFFFF, 0x9A, 0xC);   /* ring-0 code */
    gdt[2] = descriptor(0, 0xFFFFF, 0x92, 0xC);   /* ring-0 data */
    gdt[3] = descriptor(0, 0xFFFFF, 0xFA, 0xC);   /* ring-3 code */
    gdt[4] = descriptor(0, 0xFFFFF, 0xF2, 0xC);   /* ring-3 data */
    gdt[5] = descriptor((uint32_t)&task, sizeof task - 1, 0x89, 0x0); /* available 32-bit TSS */
    gdt[6] = descriptor(0, 0xFFFFF, 0x12, 0xC);   /* data, not present */
    gdt[7] = descriptor(0, 0xFFF, 0x92, 0x4);     /* data, limit 0xFFF bytes */
    gdt[8] = descriptor(0, 0xFFFFF, 0x9A, 0xC);   /* ring-0 code (for RPL tests) */
    struct { uint16_t limit; uint32_t base; } __attribute__((packed)) gdtr = { sizeof gdt - 1, (uint32_t)gdt };
    __asm__ volatile("lgdt %0\n\t"
                     "ljmp $0x08, $1f\n"
                     "1:\tmovw $0x10, %%ax\n\t"
                     "movw %%ax, %%ds\n\tmovw %%ax, %%es\n\tmovw %%ax, %%fs\n\tmovw %%ax, %%gs\n\tmovw %%ax, %%ss"
                     : : "m"(gdtr) : "eax", "memory");
    tss_esp0 = (uint32_t)(ring0_stack + sizeof ring0_stack);
    tss.esp0 = tss_esp0;
    tss.ss0 = SEL_KDATA;
    tss.iomap = sizeof tss;                       /* the bitmap follows the TSS */
    memset(task.io, 0xFF, sizeof task.io);
    __asm__ volatile("ltr %w0" : : "r"(SEL_TSS));
    set_gate(VEC_EXIT, 1, 3);
    set_handler(VEC_EXIT, exit_handler);
}

void io_allow(int port)
{
    task.io[port >> 3] &= (uint8_t)~(1u << (port & 7));
}

void set_gate(int vector, int present, int dpl)
{
    struct { uint16_t limit; uint32_t base; } __attribute__((packed)) idtr;
    __asm__ volatile("sidt %0" : "=m"(idtr));
    volatile uint8_t *type = (volatile uint8_t *)(idtr.base + vector * 8 + 5);
    *type = (uint8_t)((present ? 0x80 : 0) | (dpl << 5) | 0x0E);
}

/* run_user(fn, eflags, by_lret): saves the callee-saved registers and ESP,
 * then enters ring 3 at fn on the user stack.  leave_user() restores them and
 * returns from run_user on the saved stack, abandoning the handler's frame. */
__asm__(".text\n"
        ".globl run_user\n"
        "run_user:\n"
        "  pushl %ebp\n  pushl %ebx\n  pushl %esi\n  pushl %edi\n"
        "  movl %esp, ring3_saved_esp\n"
        "  movl 20(%esp), %eax\n"          /* fn */
        "  movl 24(%esp), %edx\n"          /* eflags */
        "  orl $2, %edx\n"
        "  movl 28(%esp), %ecx\n"          /* by_lret */
        "  movw $0x23, %bx\n  movw %bx, %ds\n  movw %bx, %es\n  movw %bx, %fs\n  movw %bx, %gs\n"
        "  testl %ecx, %ecx\n  jnz 1f\n"
        "  pushl $0x23\n  pushl user_stack_end\n  pushl %edx\n  pushl $0x1B\n  pushl %eax\n"
        "  iret\n"
        "1:pushl %edx\n  popfl\n"          /* IOPL may rise: we are at CPL 0 here */
        "  pushl $0x23\n  pushl user_stack_end\n  pushl $0x1B\n  pushl %eax\n"
        "  lret\n"
        ".globl leave_user\n"
        "leave_user:\n"
        "  movl ring3_saved_esp, %esp\n"
        "  movw $0x10, %ax\n  movw %ax, %ds\n  movw %ax, %es\n  movw %ax, %fs\n  movw %ax, %gs\n"
        "  pushl $0x2\n  popfl\n"
        "  popl %edi\n  popl %esi\n  popl %ebx\n  popl %ebp\n"
        "  ret\n");
