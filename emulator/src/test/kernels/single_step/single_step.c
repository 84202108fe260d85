/* The single-step trap (EFLAGS.TF): which instructions are followed by #DB, the EIP and
 * EFLAGS in its frame, DR6 (BS set, nothing cleared by the processor), TF cleared in every
 * handler, and the interplay with INT n, faults, MOV SS/POP SS, REP, a pending timer
 * interrupt and ring 3.  The sequences are in steps.S; every event prints EIP relative to the start of
 * the running sequence. */
#include "ring3.h"

#define FL_TF 0x100
#define FL_RF 0x10000

void step_plain(void), step_iret(void), step_int(void), step_fault(void), step_ss(void),
     step_rep(void), step_irq(void), user_steps(void);

static volatile uint32_t base;
/* Whether the #DB handler clears DR6 after printing it (software's job, not the CPU's). */
static volatile int clear_dr6 = 1;

static inline uint32_t read_dr6(void) { uint32_t v; __asm__ volatile("mov %%dr6, %0" : "=r"(v)); return v; }
static inline void write_dr6(uint32_t v) { __asm__ volatile("mov %0, %%dr6" : : "r"(v)); }
static inline uint32_t eflags(void) { uint32_t v; __asm__ volatile("pushfl; popl %0" : "=r"(v)); return v; }

static void print_where(const char *what, struct frame *f)
{
    print("  "); print(what);
    print(" cs="); print_hexn(f->cs, 2);
    print(" eip=+"); print_hexn(f->eip - base, 2);
    print(" tf="); print_dec(!!(f->eflags & FL_TF));
    print(" if="); print_dec(!!(f->eflags & FL_IF));
    print(" rf="); print_dec(!!(f->eflags & FL_RF));
    print(" handler-tf="); print_dec(!!(eflags() & FL_TF));
}

static void debug_trap(struct frame *f)
{
    print_where("#DB", f);
    print(" dr6="); print_hexn(read_dr6(), 8);
    print(" ecx="); print_dec(f->ecx);
    nl();
    if (clear_dr6) write_dr6(0);
}

static void software(struct frame *f)
{
    print_where(f->vector == 3 ? "#BP" : f->vector == 4 ? "#OF" : "int 0x2d", f);
    nl();
}

static void invalid_opcode(struct frame *f)
{
    print_where("#UD", f);
    nl();
    f->eip += 2;
}

static void timer(struct frame *f)
{
    pic_eoi(0);
    print_where("irq0", f);
    nl();
}

static void run(const char *title, void (*sequence)(void))
{
    print(title); nl();
    base = (uint32_t)sequence;
    sequence();
}

int kmain(uint32_t magic, struct mb_info *mbi)
{
    (void)mbi;
    print("single_step: #DB after instructions that begin with TF set\n");
    if (magic != MB_BOOT_MAGIC) { print("FAIL bad magic\n"); return 0x10; }
    idt_init();
    set_handler(1, debug_trap);
    set_handler(3, software);
    set_handler(4, software);
    set_handler(0x2D, software);
    set_handler(6, invalid_opcode);
    set_handler(0x20, timer);
    ring3_init();

    write_dr6(0);
    print("dr6 after writing 0: "); print_hexn(read_dr6(), 8); nl();

    run("plain instructions, POPF setting and clearing TF", step_plain);
    run("IRET setting TF", step_iret);
    run("INT n, INT3, INTO", step_int);
    run("a fault", step_fault);
    run("MOV SS, POP SS", step_ss);
    run("REP STOSB, 3 iterations and 0", step_rep);

    print("DR6 left alone by the handler, BD set beforehand\n");
    clear_dr6 = 0;
    write_dr6(0x2000);
    base = (uint32_t)step_plain;
    step_plain();
    clear_dr6 = 1;
    write_dr6(0);

    pic_remap(0x20, 0x28);
    pic_set_masks(0xFE, 0xFF);              /* IRQ0 only */
    pit_start(0xFFFF);
    while (!(pic_read_irr(0) & 1)) { }      /* IF is clear: the request waits */
    run("a trap and a timer interrupt at the same boundary", step_irq);
    pic_set_masks(0xFF, 0xFF);

    print("ring 3 entered by an IRET that sets TF\n");
    base = (uint32_t)user_steps;
    run_user(user_steps, FL_TF | 2, 0);
    print("done\n");
    return 0;
}
