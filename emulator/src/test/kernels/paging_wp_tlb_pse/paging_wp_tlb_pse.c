/* Three paging features in one kernel:
 *  1. CR0.WP: a supervisor write to a read-only page succeeds with WP=0 and
 *     faults (error code P|W = 3) with WP=1; read-only at the PDE level too.
 *  2. TLB maintenance: after a PTE is changed, INVLPG or a CR3 reload must
 *     make the new mapping visible; switching CR3 to another directory
 *     switches mappings.  Only architecturally defined states are printed:
 *     we never read through a possibly stale entry.
 *  3. 4 MiB pages (CR4.PSE): a PDE with PS=1 maps 4 MiB directly; with
 *     CR4.PSE=0 the same PDE's PS bit is ignored and it points to a page
 *     table, which we arrange to be a valid one so both views are defined. */
#include "kernel.h"

volatile uint32_t pf_expect, pf_resume;
static volatile int faults;

static void pf_handler(struct frame *f)
{
    faults++;
    print("  #PF cr2="); print_hexn(read_cr2(), 8); print(" err="); print_hexn(f->err, 1);
    print(f->eip == pf_expect ? " eip=at-insn" : " eip=WRONG"); nl();
    if (f->eip != pf_expect) exit_qemu(0x40);
    f->eip = pf_resume;             /* skip the store */
}

/* Store that may fault; returns 1 if it did. */
static int try_write(uint32_t addr, uint32_t val)
{
    int before = faults;
    __asm__ volatile("movl $1f, pf_expect\n\tmovl $2f, pf_resume\n"
                     "1:\tmovl %1, (%0)\n2:" : : "r"(addr), "r"(val) : "memory");
    return faults != before;
}

static uint32_t rd(uint32_t addr) { return *(volatile uint32_t *)addr; }

static void wp_tests(void)
{
    const uint32_t ro = 0x00300000;      /* identity page, PTE read-only */
    const uint32_t ro_pde = 0x00C00000;  /* 4 MiB region: PDE read-only, PTE writable */
    *pte_ptr(page_dir, ro, 0) &= ~PG_RW;
    page_dir[ro_pde >> 22] &= ~PG_RW;
    write_cr3(read_cr3());

    write_cr0(read_cr0() & ~CR0_WP);
    print("WP=0 write to RO page: fault="); print_dec(try_write(ro, 0x11111111));
    print(" value="); print_hexn(rd(ro), 8); nl();
    print("WP=0 write under RO PDE: fault="); print_dec(try_write(ro_pde + 0x40, 0x22222222));
    print(" value="); print_hexn(rd(ro_pde + 0x40), 8); nl();

    write_cr0(read_cr0() | CR0_WP);
    print("WP=1 write to RO page\n");
    int fa = try_write(ro, 0x33333333);
    print("  fault="); print_dec(fa); print(" value="); print_hexn(rd(ro), 8); nl();
    print("WP=1 write under RO PDE\n");
    fa = try_write(ro_pde + 0x40, 0x44444444);
    print("  fault="); print_dec(fa); print(" value="); print_hexn(rd(ro_pde + 0x40), 8); nl();
    print("WP=1 byte write at last byte of RO page\n");
    fa = 0;
    {
        int before = faults;
        __asm__ volatile("movl $1f, pf_expect\n\tmovl $2f, pf_resume\n"
                         "1:\tmovb $0x55, (%0)\n2:" : : "r"(ro + 0xFFF) : "memory");
        fa = faults != before;
    }
    print("  fault="); print_dec(fa); nl();
    print("WP=1 write to writable page: fault="); print_dec(try_write(ro + 0x1000, 0x66666666));
    print(" value="); print_hexn(rd(ro + 0x1000), 8); nl();

    write_cr0(read_cr0() & ~CR0_WP);
    print("WP=0 again: fault="); print_dec(try_write(ro, 0x77777777));
    print(" value="); print_hexn(rd(ro), 8); nl();

    /* Restore so later parts start from a plain identity map. */
    *pte_ptr(page_dir, ro, 0) |= PG_RW;
    page_dir[ro_pde >> 22] |= PG_RW;
    write_cr3(read_cr3());
}

static void tlb_tests(void)
{
    const uint32_t lin = 0x20000000;
    const uint32_t fa = 0x00A00000, fb = 0x00A01000, fc = 0x00A02000;
    /* Distinct contents in the three frames, written via the identity map. */
    *(volatile uint32_t *)fa = 0xAAAA0000;
    *(volatile uint32_t *)fb = 0xBBBB0000;
    *(volatile uint32_t *)fc = 0xCCCC0000;
    *(volatile uint32_t *)(fa + 4) = 0;
    *(volatile uint32_t *)(fb + 4) = 0;

    map_page(page_dir, lin, fa, PG_P | PG_RW);
    write_cr3(read_cr3());
    print("lin->A read="); print_hexn(rd(lin), 8); nl();      /* fills the TLB */

    map_page(page_dir, lin, fb, PG_P | PG_RW);
    invlpg(lin);
    print("PTE->B, INVLPG, read="); print_hexn(rd(lin), 8); nl();
    *(volatile uint32_t *)(lin + 4) = 0xB0B0B0B0;
    print("write via lin lands in B: "); print_hexn(rd(fb + 4), 8);
    print(", A untouched: "); print_hexn(rd(fa + 4), 8); nl();

    map_page(page_dir, lin, fa, PG_P | PG_RW);
    write_cr3(read_cr3());
    print("PTE->A, CR3 reload, read="); print_hexn(rd(lin), 8); nl();

    /* A second directory that shares the identity tables but maps lin to C. */
    static uint32_t pd2[1024] __attribute__((aligned(4096)));
    for (int i = 0; i < 1024; i++) pd2[i] = page_dir[i];
    pd2[lin >> 22] = 0;
    map_page(pd2, lin, fc, PG_P | PG_RW);
    write_cr3((uint32_t)pd2);
    print("CR3=pd2, read="); print_hexn(rd(lin), 8); nl();
    write_cr3((uint32_t)page_dir);
    print("CR3=pd1, read="); print_hexn(rd(lin), 8); nl();

    /* Unmap, INVLPG: the next access must fault. */
    *pte_ptr(page_dir, lin, 0) = 0;
    invlpg(lin);
    print("PTE cleared, INVLPG, write\n");
    int f = try_write(lin, 1);
    print("  fault="); print_dec(f); nl();
}

static void pse_tests(void)
{
    const uint32_t big = 0x80000000;     /* 4 MiB page -> phys 4 MiB */
    const uint32_t low = 0xC0000000;     /* 4 MiB page -> phys 0 */
    const uint32_t alt = 0x84000000;     /* PS=1 PDE whose frame is also a valid page table */
    const uint32_t tbl = 0x00C00000;     /* 4 MiB aligned; its first 4 KiB act as a page table */
    const uint32_t frame = 0x00A03000;

    write_cr4(read_cr4() | CR4_PSE);
    page_dir[big >> 22] = 0x00400000 | PG_P | PG_RW | PG_PS;
    page_dir[low >> 22] = 0x00000000 | PG_P | PG_RW | PG_PS;
    write_cr3(read_cr3());

    *(volatile uint32_t *)0x00400000 = 0x40000001;
    *(volatile uint32_t *)0x00401234 = 0x40001235;
    *(volatile uint32_t *)0x007FFFFC = 0x403FFFFD;
    print("4M page reads: "); print_hexn(rd(big), 8); putc(' ');
    print_hexn(rd(big + 0x1234), 8); putc(' '); print_hexn(rd(big + 0x3FFFFC), 8); nl();
    *(volatile uint32_t *)(big + 0x200000) = 0x12345678;
    print("write via 4M page seen at phys: "); print_hexn(rd(0x00600000), 8); nl();
    print("kernel header via 0xC0000000 alias: "); print_hexn(rd(low + (uint32_t)__kernel_start), 8); nl();
    print("straddling read at end of 4M page: ");
    *(volatile uint32_t *)(0x00800000) = 0x99887766;   /* phys just past the page */
    page_dir[(big >> 22) + 1] = 0x00800000 | PG_P | PG_RW | PG_PS;
    write_cr3(read_cr3());
    print_hexn(*(volatile uint32_t *)(big + 0x3FFFFE), 8); nl();

    /* tbl: a page table whose entry 0 maps to `frame`. */
    *(volatile uint32_t *)tbl = frame | PG_P | PG_RW;
    *(volatile uint32_t *)frame = 0xF00DF00D;
    page_dir[alt >> 22] = tbl | PG_P | PG_RW | PG_PS;
    write_cr3(read_cr3());
    print("PSE=1: alt reads "); print_hexn(rd(alt), 8); print(" (the table's own first entry)\n");
    write_cr4(read_cr4() & ~CR4_PSE);
    page_dir[big >> 22] = 0;            /* would be nonsense tables without PSE */
    page_dir[(big >> 22) + 1] = 0;
    page_dir[low >> 22] = 0;
    write_cr3(read_cr3());
    print("PSE=0: alt reads "); print_hexn(rd(alt), 8); print(" (through the table)\n");
    print("cr4 PSE="); print_dec((read_cr4() & CR4_PSE) ? 1 : 0); nl();
}

int kmain(uint32_t magic, struct mb_info *mbi)
{
    (void)mbi;
    print("paging_wp_tlb_pse: CR0.WP, INVLPG/CR3 flushes, 4 MiB pages\n");
    if (magic != MB_BOOT_MAGIC) { print("FAIL bad magic\n"); return 0x10; }
    idt_init();
    set_handler(14, pf_handler);
    paging_identity(16u << 20, PG_P | PG_RW);
    paging_enable(page_dir);
    wp_tests();
    tlb_tests();
    pse_tests();
    print("faults="); print_dec(faults); nl();
    if (faults != 4) { print("FAIL fault count\n"); return 0x41; }
    print("PASS paging_wp_tlb_pse done\n");
    return 0;
}
