/* Privilege levels 0 and 3 and exception delivery with error codes.
 * Ring 3 is entered by IRET and by a far RET; from there, privileged
 * instructions (HLT, CLI, STI, MOV CR, LGDT, LIDT, LTR, INVLPG), I/O with
 * IOPL 0, INT n through DPL 0 gates, segment loads of ring-0 selectors and
 * far transfers to ring 0 must raise #GP with the right error code, on the
 * ring-0 stack named by the TSS, and IRET must resume ring 3 where it was.
 * With IOPL 3 the I/O and interrupt-flag instructions are allowed; with IOPL
 * 0 the TSS I/O bitmap decides, port by port and for every byte of a word
 * access, and ports past its end are denied.  A timer
 * interrupt taken in ring 3 switches to the TSS stack too and IRET resumes
 * the interrupted loop.  Ring 0
 * then raises #NP, #SS, #GP, #UD and #DE with their error codes.  (Not
 * probed, because QEMU differs from the manual there: data segment limits,
 * which it does not enforce, and LTR of a null selector, which it accepts.)  Each site
 * records the instruction's address and the one after it; the handler
 * prints what it saw and resumes after the instruction. */
#include "ring3.h"

#define VEC_REPORT 0x2D     /* DPL 3 gate */
#define VEC_DPL0   0x2E     /* DPL 0 gate */
#define VEC_ABSENT 0x2F     /* DPL 3 gate, not present */

volatile uint32_t at_insn, after_insn, site_no;
volatile uint32_t user_esp_at_site;

static void handler(struct frame *f)
{
    int from_user = (f->cs & 3) == 3;
    print("  site="); print_dec(site_no);
    print(" vector="); print_dec(f->vector);
    print(" err="); print_hexn(f->err, 4);
    print(f->eip == at_insn ? " eip=at-insn" : f->eip == after_insn ? " eip=after-insn" : " eip=WRONG");
    print(" cs="); print_hexn(f->cs, 4);
    if (from_user) {
        print(" ss="); print_hexn(frame_user_ss(f), 4);
        print(frame_user_esp(f) == user_esp_at_site ? " esp=user" : " esp=WRONG");
        /* The CPU frame (EIP, CS, EFLAGS, ESP, SS) ends exactly at ESP0. */
        print((uint32_t)(&f->eflags + 3) == tss_esp0 ? " stack=esp0" : " stack=WRONG");
    }
    print(" iopl="); print_dec((f->eflags >> 12) & 3);
    nl();
    f->eip = after_insn;
}

/* "1: insn 2:" numbered, with both addresses recorded and ESP as the handler should see it.
 * A site that does not fault prints nothing: its number is missing from the output. */
#define SITE(insn, ...) \
    __asm__ volatile("incl site_no\n\tmovl $1f, at_insn\n\tmovl $2f, after_insn\n\t" \
                     "movl %%esp, user_esp_at_site\n1:\t" insn "\n2:" __VA_ARGS__)

struct { uint16_t limit; uint32_t base; } __attribute__((packed)) table_ptr;

/* Ring 3, IOPL 0: every one of these must fault. */
static void user_privileged(void)
{
    uint32_t eax = 0, cs;
    __asm__ volatile("movl %%cs, %0" : "=r"(cs));
    SITE("int $0x2D", : : : "memory");          /* DPL 3 gate: delivered; the handler reports CS */
    SITE("hlt", : : : "memory");
    SITE("cli", : : : "memory");
    SITE("sti", : : : "memory");
    SITE("movl %%cr0, %%eax", : "+a"(eax) : : "memory");
    SITE("movl %%eax, %%cr3", : : "a"(eax) : "memory");
    SITE("lgdt table_ptr", : : : "memory");
    SITE("lidt table_ptr", : : : "memory");
    SITE("ltr %%ax", : : "a"(0x28) : "memory");
    SITE("invlpg (%%eax)", : : "a"(0) : "memory");
    SITE("outb %%al, $0xE9", : : "a"('!') : "memory");
    SITE("inb $0x60, %%al", : "+a"(eax) : : "memory");
    SITE("int $0x2E", : : : "memory");          /* DPL 0 gate: #GP(0x2E*8+2) */
    SITE("int3", : : : "memory");               /* DPL 0 gate: INT3 is checked too */
    SITE("int $0x2F", : : : "memory");          /* DPL 3 gate, not present: #NP(0x2F*8+2) */
    SITE("movw %%ax, %%ds", : : "a"(SEL_KDATA) : "memory");
    SITE("movw %%ax, %%ss", : : "a"(SEL_KDATA) : "memory");
    SITE("movw %%ax, %%es", : : "a"(SEL_UDATA & ~3) : "memory"); /* RPL 0 < CPL 3: allowed */
    SITE("ljmp $0x08, $2f", : : : "memory");
    SITE("lcall $0x08, $2f", : : : "memory");
    /* IRET to ring 0 from ring 3: #GP(0x08); the frame it would pop is dropped after the site */
    __asm__ volatile("incl site_no\n\tmovl $1f, at_insn\n\tmovl $2f, after_insn\n\t"
                     "pushfl\n\tpushl $0x08\n\tpushl $2f\n\tmovl %%esp, user_esp_at_site\n"
                     "1:\tiret\n2:\taddl $12, %%esp" : : : "memory");
    __asm__ volatile("movw $0x23, %%ax\n\tmovw %%ax, %%es" : : : "eax"); /* whatever the site left */
    SITE("ud2", : : : "memory");
    SITE("divl %%ecx", : "+a"(eax) : "c"(0), "d"(0) : "memory");
    SITE("smsw %%eax", : "+a"(eax) : : "memory");               /* not privileged: no fault */
    SITE("str %%eax", : "+a"(eax) : : "memory");                /* not privileged */
    SITE("sldt %%eax", : "+a"(eax) : : "memory");               /* not privileged */
    SITE("lmsw %%ax", : : "a"(0x11) : "memory");                /* #GP(0) */
    SITE("clts", : : : "memory");                               /* #GP(0) */
    SITE("lldt %%ax", : : "a"(0) : "memory");                   /* #GP(0) */
    (void)cs;
    __asm__ volatile("int $0x2C");
}

static volatile uint32_t user_flags_after;

/* Ring 3, IOPL 3: I/O and the interrupt flag are allowed; POPF cannot change IOPL. */
static void user_iopl3(void)
{
    uint32_t eax = 0;
    SITE("outb %%al, $0xE9", : : "a"('+') : "memory");
    SITE("outb %%al, $0xE9", : : "a"('\n') : "memory");
    SITE("cli\n\tsti\n\tcli", : : : "memory");
    SITE("inb $0x60, %%al", : "+a"(eax) : : "memory");
    SITE("pushl $0x0\n\tpopfl\n\tpushfl\n\tpopl user_flags_after", : : : "memory");
    __asm__ volatile("int $0x2C");
}

/* Ring 3, IOPL 0, with ports 0x80 and 0xE9 allowed in the TSS I/O bitmap. */
static void user_io_bitmap(void)
{
    uint32_t eax = 0;
    SITE("outb %%al, $0xE9", : : "a"('*') : "memory");             /* allowed: prints '*' */
    SITE("outb %%al, $0xE9", : : "a"('\n') : "memory");
    SITE("outb %%al, $0xE8", : : "a"('?') : "memory");             /* denied: #GP(0) */
    SITE("outw %%ax, $0xE9", : : "a"(0x3F3F) : "memory");          /* 0xEA denied: #GP(0) */
    SITE("inb $0x80, %%al", : "+a"(eax) : : "memory");             /* allowed */
    SITE("outb %%al, %%dx", : : "a"('?'), "d"(0x100) : "memory");  /* past the bitmap's ports: #GP(0) */
    SITE("outb %%al, %%dx", : : "a"('?'), "d"(0x3F8) : "memory");  /* past the TSS limit: #GP(0) */
    SITE("cli", : : : "memory");                                     /* still IOPL 0: #GP(0) */
    __asm__ volatile("int $0x2C");
}

/* Ring 3 entered by far RET: report the CPL, the stack, and leave. */
static void user_by_lret(void)
{
    SITE("int $0x2D", : : : "memory");
    __asm__ volatile("int $0x2C");
}

static volatile int ticked;

/* Ring 3 with IF = 1: spin until the timer interrupt has been taken, then leave. */
static void user_wait_tick(void)
{
    while (!ticked) { }
    __asm__ volatile("int $0x2C");
}

static void irq0_handler(struct frame *f)
{
    print("  irq0 from cs="); print_hexn(f->cs, 4);
    print(" ss="); print_hexn(frame_user_ss(f), 4);
    print((uint32_t)(&f->eflags + 3) == tss_esp0 ? " stack=esp0" : " stack=WRONG");
    print(" if="); print_dec((f->eflags >> 9) & 1);
    nl();
    pic_set_masks(0xFF, 0xFF);
    pic_eoi(0);
    ticked = 1;
}

static void report_handler(struct frame *f)
{
    print("  site="); print_dec(site_no);
    print(" int 0x2D from cs="); print_hexn(f->cs, 4);
    print(" ss="); print_hexn(frame_user_ss(f), 4);
    print(frame_user_esp(f) == user_esp_at_site ? " esp=user" : " esp=WRONG");
    print((uint32_t)(&f->eflags + 3) == tss_esp0 ? " stack=esp0" : " stack=WRONG");
    print(f->eip == after_insn ? " eip=after-insn" : " eip=WRONG");
    nl();
}

int kmain(uint32_t magic, struct mb_info *mbi)
{
    (void)mbi;
    print("rings: ring 3 by IRET and far RET, #GP for privileged work, TSS stack switch\n");
    if (magic != MB_BOOT_MAGIC) { print("FAIL bad magic\n"); return 0x10; }
    idt_init();
    for (int v = 0; v < 48; v++) set_handler(v, handler);
    ring3_init();                                /* after: it installs the exit handler */
    set_gate(VEC_REPORT, 1, 3);
    set_handler(VEC_REPORT, report_handler);
    set_gate(VEC_ABSENT, 0, 3);

    print("ring 3 by IRET, IOPL 0\n");
    site_no = 0;
    run_user(user_privileged, 0x0002, 0);
    print("  sites="); print_dec(site_no); nl();
    print("ring 3 by IRET, IOPL 3\n");
    site_no = 0;
    run_user(user_iopl3, 0x3002, 0);
    print("  sites="); print_dec(site_no); nl();
    print("  eflags after POPF 0 in ring 3: iopl="); print_dec((user_flags_after >> 12) & 3);
    print(" if="); print_dec((user_flags_after >> 9) & 1); nl();
    print("ring 3 by IRET, IOPL 0, I/O bitmap allowing ports 0x80 and 0xE9\n");
    io_allow(0x80);
    io_allow(0xE9);
    site_no = 0;
    run_user(user_io_bitmap, 0x0002, 0);
    print("  sites="); print_dec(site_no); nl();
    print("ring 3 by far RET\n");
    site_no = 0;
    run_user(user_by_lret, 0x0002, 1);

    print("ring 3 by IRET with IF=1, timer interrupt\n");
    pic_remap(0x20, 0x28);
    set_handler(0x20, irq0_handler);
    pit_start(11932);
    pic_set_masks(0xFE, 0xFF);
    run_user(user_wait_tick, 0x0202, 0);
    print("  back in ring 0, ticked="); print_dec(ticked); nl();

    print("ring 0\n");
    {
        uint32_t tr = 0, msw = 0;
        struct { uint16_t limit; uint32_t base; } __attribute__((packed)) gdtr;
        __asm__ volatile("str %0\n\tsmsw %1\n\tsgdt %2" : "=r"(tr), "=r"(msw), "=m"(gdtr));
        print("  str="); print_hexn(tr, 4);
        print(" tss access byte after ltr="); print_hexn(*(volatile uint8_t *)(gdtr.base + SEL_TSS + 5), 2);
        print(" smsw low bits PE="); print_dec(msw & 1); nl();
    }
    site_no = 0;
    SITE("ltr %%ax", : : "a"(SEL_TSS) : "memory");                    /* busy TSS: #GP(sel) */
    SITE("ltr %%ax", : : "a"(SEL_KDATA) : "memory");                  /* not a TSS: #GP(sel) */
    uint32_t eax = 0;
    SITE("int $0x2F", : : : "memory");                               /* #NP(0x2F*8+2) */
    SITE("movw %%ax, %%ds", : : "a"(SEL_NP) : "memory");             /* #NP(sel) */
    SITE("movw %%ax, %%ss", : : "a"(SEL_NP) : "memory");             /* #SS(sel) */
    SITE("movw %%ax, %%ss", : : "a"(0) : "memory");                  /* #GP(0): null SS */
    SITE("movw %%ax, %%ds", : : "a"(SEL_TSS) : "memory");            /* #GP(sel): system segment */
    SITE("movw %%ax, %%fs\n\tmovl %%fs:0xFFC, %%eax", : "=a"(eax) : "a"(SEL_SMALL) : "memory"); /* inside: no fault */
    __asm__ volatile("movw $0x10, %%ax\n\tmovw %%ax, %%fs" : : : "eax");
    SITE("ljmp $0x10, $2f", : : : "memory");                         /* #GP(sel): data segment */
    SITE("ud2", : : : "memory");
    SITE(".byte 0xF0, 0x01, 0xC0", : "+a"(eax) : : "memory");         /* lock add eax, eax: #UD */
    SITE("divl %%ecx", : "+a"(eax) : "c"(0), "d"(0) : "memory");      /* #DE */
    /* quotient overflow (a dividend of exactly -2^63 would also crash QEMU 7.2 itself) */
    SITE("idivl %%ecx", : "+a"(eax) : "c"(-1), "d"(0x40000000) : "memory");
    print("  sites="); print_dec(site_no); nl();
    print("PASS rings done\n");
    return 0;
}
