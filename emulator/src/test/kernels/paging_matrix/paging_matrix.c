/* The page-protection matrix: for every combination of PDE and PTE
 * present/writable/user bits, a supervisor and a user read and write, with
 * CR0.WP off and on, whether the access faulted, the #PF error code, whether
 * CR2 named the address, and the accessed/dirty bits of both entries after.
 * The same for 4 MiB pages.  Then the recursive mapping (the directory as its
 * own last page table), and reads through a stale TLB entry until INVLPG or a
 * CR3 reload drops it.  Whether a global page's entry survives a CR3 reload
 * is not shown: a TLB may drop any entry at any time, and QEMU drops global
 * ones on every CR3 write, so only the INVLPG that must drop it is probed.
 *
 * Each matrix line reads: the entry flags (P, W, U or '-'), then eight
 * results: WP=0 supervisor read, supervisor write, user read, user write,
 * then the same with WP=1, then a supervisor and a user instruction fetch
 * (a CALL to a RET in the page).  A result is "ok" or "pfE" (E the error code),
 * then '/', then the PDE's and the PTE's A and D bits ('a', 'd' or '-'). */
#include "ring3.h"

#define T      0x40000000u   /* the probed 4 KiB page: directory entry 256, table entry 0 */
#define BIG    0x80000000u   /* the probed 4 MiB page */
#define OFF    0x10u
#define FRAME  0x00A00000u
#define FRAME2 0x00A01000u
#define FRAME4M 0x00C00000u
#define PG_G   0x100u

volatile uint32_t pf_expect, pf_resume;
static volatile uint32_t pf_err, pf_cr2;
static volatile int pf_hit;
static uint32_t *pt;

static volatile uint32_t fetch_target, fetch_resume, fetch_esp;

static void pf_handler(struct frame *f)
{
    pf_hit = 1;
    pf_err = f->err;
    pf_cr2 = read_cr2();
    if (f->eip == fetch_target) { /* the fetch of the called RET faulted: resume after the CALL */
        f->eip = fetch_resume;
        return;
    }
    if (f->eip != pf_expect) { print("FAIL #PF eip="); print_hexn(f->eip, 8); nl(); exit_qemu(0x60); }
    f->eip = pf_resume;
}

static volatile uint32_t access_addr, access_value;
static volatile int access_write;

/* One access that may fault; the handler resumes after it. Runs in ring 0 or 3. */
static void do_access(void)
{
    if (access_write)
        __asm__ volatile("movl $1f, pf_expect\n\tmovl $2f, pf_resume\n1:\tmovl %%eax, (%%ecx)\n2:"
                         : : "c"(access_addr), "a"(0x5A5A5A5A) : "memory");
    else
        __asm__ volatile("movl $1f, pf_expect\n\tmovl $2f, pf_resume\n1:\tmovl (%%ecx), %%eax\n2:\t"
                         "movl %%eax, access_value" : : "c"(access_addr) : "eax", "memory");
}

/* CALL to a RET at fetch_target; ESP is restored after, whether the RET ran or the fetch faulted. */
static void do_fetch(void)
{
    __asm__ volatile("movl $1f, fetch_resume\n\tmovl %%esp, fetch_esp\n\tcall *%0\n"
                     "1:\tmovl fetch_esp, %%esp" : : "r"(fetch_target) : "memory");
}

static void user_access(void)
{
    do_access();
    __asm__ volatile("int $0x2C");
}

static void user_fetch(void)
{
    do_fetch();
    __asm__ volatile("int $0x2C");
}

static void fetch(uint32_t addr, int user)
{
    pf_hit = 0;
    fetch_target = addr;
    if (user)
        run_user(user_fetch, 0x0002, 0);
    else
        do_fetch();
}

static void access(uint32_t addr, int user, int write)
{
    pf_hit = 0;
    access_addr = addr;
    access_write = write;
    if (user)
        run_user(user_access, 0x0002, 0);
    else
        do_access();
}

static void print_pwu(uint32_t e)
{
    putc(e & PG_P ? 'P' : '-');
    putc(e & PG_RW ? 'W' : '-');
    putc(e & PG_US ? 'U' : '-');
}

static void print_ad(uint32_t e)
{
    putc(e & PG_A ? 'a' : '-');
    putc(e & PG_D ? 'd' : '-');
}

static void print_result(uint32_t addr)
{
    putc(' ');
    if (pf_hit) {
        print("pf"); print_hexn(pf_err, 1);
        if (pf_cr2 != addr) { print("!cr2="); print_hexn(pf_cr2, 8); }
    } else {
        print("ok");
    }
    putc('/');
}

static void set_wp(int on)
{
    write_cr0(on ? read_cr0() | CR0_WP : read_cr0() & ~CR0_WP);
}

static void matrix_4k(void)
{
    print("4 KiB pages: pde pte | WP=0 sr sw ur uw | WP=1 sr sw ur uw | sx ux\n");
    for (uint32_t pde_f = 0; pde_f < 8; pde_f++) {
        for (uint32_t pte_f = 0; pte_f < 8; pte_f++) {
            print_pwu(pde_f); putc(' '); print_pwu(pte_f); print(" |");
            for (int wp = 0; wp < 2; wp++) {
                for (int k = 0; k < 4; k++) {
                    page_dir[T >> 22] = (uint32_t)pt | pde_f;
                    pt[0] = FRAME | pte_f;
                    write_cr3(read_cr3());
                    set_wp(wp);
                    access(T + OFF, k >> 1, k & 1);
                    set_wp(0);
                    print_result(T + OFF);
                    print_ad(page_dir[T >> 22]);
                    print_ad(pt[0]);
                }
                print(" |");
            }
            for (int user = 0; user < 2; user++) {
                page_dir[T >> 22] = (uint32_t)pt | pde_f;
                pt[0] = FRAME | pte_f;
                *(volatile uint8_t *)(FRAME + 0x100) = 0xC3;    /* RET */
                write_cr3(read_cr3());
                fetch(T + 0x100, user);
                print_result(T + 0x100);
                print_ad(page_dir[T >> 22]);
                print_ad(pt[0]);
            }
            nl();
        }
    }
}

static void matrix_4m(void)
{
    print("4 MiB pages: pde | WP=0 sr sw ur uw | WP=1 sr sw ur uw\n");
    for (uint32_t pde_f = 0; pde_f < 8; pde_f++) {
        print_pwu(pde_f); print(" |");
        for (int wp = 0; wp < 2; wp++) {
            for (int k = 0; k < 4; k++) {
                page_dir[BIG >> 22] = FRAME4M | PG_PS | pde_f;
                write_cr3(read_cr3());
                set_wp(wp);
                access(BIG + 0x123450, k >> 1, k & 1);
                set_wp(0);
                print_result(BIG + 0x123450);
                print_ad(page_dir[BIG >> 22]);
            }
            if (!wp) print(" |");
        }
        nl();
    }
}

static uint32_t rd(uint32_t a) { return *(volatile uint32_t *)a; }

static void recursive(void)
{
    print("recursive mapping (directory entry 1023 = the directory)\n");
    page_dir[1023] = (uint32_t)page_dir | PG_P | PG_RW;
    page_dir[T >> 22] = (uint32_t)pt | PG_P | PG_RW | PG_US;
    pt[0] = FRAME | PG_P | PG_RW | PG_US;
    write_cr3(read_cr3());
    uint32_t *pde_window = (uint32_t *)0xFFFFF000u;
    uint32_t *pte_window = (uint32_t *)0xFFC00000u;
    print("  pde via window matches: "); print_dec(pde_window[T >> 22] == page_dir[T >> 22]); nl();
    print("  pte via window matches: "); print_dec(pte_window[T >> 12] == pt[0]); nl();
    *(volatile uint32_t *)FRAME2 = 0x22222222;
    pte_window[T >> 12] = FRAME2 | PG_P | PG_RW;
    invlpg(T);
    print("  pte written via window, INVLPG, read="); print_hexn(rd(T), 8); nl();
    print("  entry 1023 after use: "); print_ad(page_dir[1023]); nl();
    access(0xFFFFF000u, 1, 0);
    print("  user read of the window:"); print_result(0xFFFFF000u); nl();
    page_dir[1023] = 0;
    write_cr3(read_cr3());
}

static void stale_tlb(void)
{
    print("stale TLB entries\n");
    *(volatile uint32_t *)FRAME = 0xAAAAAAAA;
    *(volatile uint32_t *)FRAME2 = 0xBBBBBBBB;
    page_dir[T >> 22] = (uint32_t)pt | PG_P | PG_RW;
    pt[0] = FRAME | PG_P | PG_RW;
    write_cr3(read_cr3());
    print("  read="); print_hexn(rd(T), 8); nl();
    pt[0] = FRAME2 | PG_P | PG_RW;
    print("  PTE->frame 2, no flush, read="); print_hexn(rd(T), 8); nl();
    invlpg(T);
    print("  INVLPG, read="); print_hexn(rd(T), 8); nl();
    pt[0] = FRAME | PG_P | PG_RW;
    print("  PTE->frame 1, no flush, read="); print_hexn(rd(T), 8); nl();
    write_cr3(read_cr3());
    print("  CR3 reload, read="); print_hexn(rd(T), 8); nl();
    pt[0] = 0;
    print("  PTE cleared, no flush, read="); print_hexn(rd(T), 8); nl();
    invlpg(T);
    access(T, 0, 0);
    print("  INVLPG, read:"); print_result(T); nl();

    /* a 4 MiB page: INVLPG of any address inside it drops the whole entry */
    *(volatile uint32_t *)(FRAME4M + 0x100) = 0x44444444;
    *(volatile uint32_t *)(0x00800000 + 0x100) = 0x88888888;
    page_dir[BIG >> 22] = FRAME4M | PG_PS | PG_P | PG_RW;
    write_cr3(read_cr3());
    print("  4 MiB page read="); print_hexn(rd(BIG + 0x100), 8); nl();
    page_dir[BIG >> 22] = 0x00800000 | PG_PS | PG_P | PG_RW;
    print("  PDE->another 4 MiB frame, no flush, read="); print_hexn(rd(BIG + 0x100), 8); nl();
    invlpg(BIG + 0x2345);
    print("  INVLPG of an address 0x2345 into the page, read="); print_hexn(rd(BIG + 0x100), 8); nl();

    uint32_t edx;
    __asm__ volatile("cpuid" : "=d"(edx) : "a"(1) : "ebx", "ecx");
    if (!(edx & (1u << 13))) { print("  no PGE\n"); return; }
    write_cr4(read_cr4() | 0x80);
    pt[0] = FRAME | PG_P | PG_RW | PG_G;
    invlpg(T);
    print("  global page read="); print_hexn(rd(T), 8); nl();
    pt[0] = FRAME2 | PG_P | PG_RW | PG_G;
    write_cr3(read_cr3());
    invlpg(T);
    print("  PTE->frame 2, CR3 reload, INVLPG, read="); print_hexn(rd(T), 8); nl();
    pt[0] = FRAME | PG_P | PG_RW | PG_G;
    write_cr4(read_cr4() & ~0x80u);
    print("  PTE->frame 1, CR4.PGE cleared, read="); print_hexn(rd(T), 8); nl();
}

int kmain(uint32_t magic, struct mb_info *mbi)
{
    (void)mbi;
    print("paging_matrix: protection, error codes, A/D bits, recursive mapping, TLB\n");
    if (magic != MB_BOOT_MAGIC) { print("FAIL bad magic\n"); return 0x10; }
    idt_init();
    set_handler(14, pf_handler);
    ring3_init();
    paging_identity(16u << 20, PG_P | PG_RW | PG_US);
    for (int i = 0; i < 4; i++)         /* the library's directory entries are supervisor-only */
        page_dir[i] |= PG_US;
    pt = alloc_table();
    write_cr4(read_cr4() | CR4_PSE);
    paging_enable(page_dir);
    matrix_4k();
    matrix_4m();
    recursive();
    stale_tlb();
    print("PASS paging_matrix done\n");
    return 0;
}
