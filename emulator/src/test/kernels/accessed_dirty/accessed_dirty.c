/* Accessed (bit 5) and dirty (bit 6) flags in PDEs and PTEs.  Every entry
 * starts with A=D=0; after each access we print the low 12 bits of the
 * entries involved.  Whenever we clear A/D in memory we INVLPG before the
 * next access, so the CPU must walk the tables again and the outcome is
 * defined.  Also shown, as QEMU does it: a walk that fails at the PTE still
 * sets A in the PDE it went through; a write refused by CR0.WP sets neither
 * A nor D in the PTE; instruction fetches set A only; PDEs that point to
 * page tables never get D; 4 MiB PDEs get both. */
#include "kernel.h"

#define T   0x30000000u      /* present table, pages mapped with A=D=0 */
#define T2  0x30400000u      /* present table, no present entries */
#define BIG 0x80000000u      /* 4 MiB page */

volatile uint32_t pf_expect, pf_resume;
static volatile int faults;
static int skip_mode;

static void pf_handler(struct frame *f)
{
    uint32_t cr2 = read_cr2();
    faults++;
    print("  #PF cr2="); print_hexn(cr2, 8); print(" err="); print_hexn(f->err, 1); nl();
    if (skip_mode) {
        if (f->eip != pf_expect) { print("FAIL eip\n"); exit_qemu(0x50); }
        f->eip = pf_resume;
        return;
    }
    if ((cr2 & ~0xFFFu) != T2) { print("FAIL unexpected fault\n"); exit_qemu(0x51); }
    map_page(page_dir, cr2, 0x00B00000, PG_P | PG_RW);   /* A=D=0, retried by IRET */
}

static uint32_t *pde(uint32_t lin) { return &page_dir[lin >> 22]; }
static uint32_t *pte(uint32_t lin) { return pte_ptr(page_dir, lin, 0); }

static void show(const char *what, uint32_t lin)
{
    print(what); print(": pde="); print_hexn(*pde(lin) & 0xFFF, 3);
    if (!(*pde(lin) & PG_PS)) { print(" pte="); print_hexn(*pte(lin) & 0xFFF, 3); }
    nl();
}

static uint32_t rd(uint32_t a) { return *(volatile uint32_t *)a; }
static void wr(uint32_t a, uint32_t v) { *(volatile uint32_t *)a = v; }

int kmain(uint32_t magic, struct mb_info *mbi)
{
    (void)mbi;
    print("accessed_dirty: entry flags as low 12 bits (A=0x20, D=0x40)\n");
    if (magic != MB_BOOT_MAGIC) { print("FAIL bad magic\n"); return 0x10; }
    idt_init();
    set_handler(14, pf_handler);
    paging_identity(16u << 20, PG_P | PG_RW);
    for (uint32_t i = 0; i < 8; i++)
        map_page(page_dir, T + i * 0x1000, 0x00A00000 + i * 0x1000, PG_P | PG_RW);
    *pte(T + 0x6000) &= ~PG_RW;              /* read-only page for the WP tests */
    pte_ptr(page_dir, T2, 1);                /* table with nothing present */
    /* Code for the fetch test: a lone RET in frame 5. */
    *(volatile uint8_t *)(0x00A05000) = 0xC3;
    write_cr4(read_cr4() | CR4_PSE);
    page_dir[BIG >> 22] = 0x00400000 | PG_P | PG_RW | PG_PS;
    paging_enable(page_dir);

    show("initial T+0", T);
    uint32_t v = rd(T);
    (void)v;
    show("read T+0", T);
    wr(T + 0x1000, 1);
    show("write T+1000", T + 0x1000);
    v = rd(T + 0x2000);
    show("read T+2000", T + 0x2000);
    wr(T + 0x2000, 2);
    show("then write T+2000 (entry already cached)", T + 0x2000);

    *pte(T) &= ~(PG_A | PG_D);
    invlpg(T);
    show("clear A/D of T+0 + INVLPG", T);
    wr(T + 8, 3);
    show("write T+0", T);

    /* Read-modify-write instruction on a clean page. */
    __asm__ volatile("addl $5, %0" : "+m"(*(volatile uint32_t *)(T + 0x3000)) : : "cc");
    show("add [T+3000],5", T + 0x3000);

    /* Instruction fetch: A only. */
    ((void (*)(void))(T + 0x5000))();
    show("call T+5000 (RET)", T + 0x5000);

    /* Walk fails at the PTE: PDE of T2 had A=0. */
    *pde(T2) &= ~PG_A;
    write_cr3(read_cr3());
    print("read T2+0 (PTE not present)\n");
    v = rd(T2);
    print("  after fault+map+retry: pde="); print_hexn(*pde(T2) & 0xFFF, 3);
    print(" pte="); print_hexn(*pte(T2) & 0xFFF, 3); nl();
    /* Same again but look at the PDE from inside the fault (before retry). */
    *pte(T2 + 0x1000) = 0;
    *pde(T2) &= ~PG_A;
    write_cr3(read_cr3());
    skip_mode = 1;
    {
        int before = faults;
        __asm__ volatile("movl $1f, pf_expect\n\tmovl $2f, pf_resume\n"
                         "1:\tmovl (%0), %%eax\n2:" : : "r"(T2 + 0x1000) : "eax", "memory");
        print("  faulted="); print_dec(faults != before);
        print(" pde after failed walk="); print_hexn(*pde(T2) & 0xFFF, 3); nl();
    }

    /* Write refused by WP=1 on a read-only PTE. */
    write_cr0(read_cr0() | CR0_WP);
    {
        __asm__ volatile("movl $1f, pf_expect\n\tmovl $2f, pf_resume\n"
                         "1:\tmovl $7, (%0)\n2:" : : "r"(T + 0x6000) : "memory");
    }
    show("WP=1 write T+6000 (RO, faulted)", T + 0x6000);
    v = rd(T + 0x6000);
    show("then read T+6000", T + 0x6000);
    write_cr0(read_cr0() & ~CR0_WP);
    wr(T + 0x6000, 8);
    show("WP=0 write T+6000 (RO, allowed)", T + 0x6000);

    /* 4 MiB page: A and D live in the PDE. */
    page_dir[BIG >> 22] &= ~(PG_A | PG_D);
    write_cr3(read_cr3());
    show("4M initial", BIG);
    v = rd(BIG + 0x123450);
    show("4M read", BIG);
    wr(BIG + 0x3FF000, 9);
    show("4M write", BIG);

    print("untouched T+4000: pte="); print_hexn(*pte(T + 0x4000) & 0xFFF, 3); nl();
    print("faults="); print_dec(faults); nl();
    if (faults != 3) { print("FAIL fault count\n"); return 0x52; }
    print("PASS accessed_dirty done\n");
    return 0;
}
