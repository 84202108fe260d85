/* Stale TLB entries, for j386's --check tlb.  Each case caches a translation,
 * changes the entry it came from, and uses the page again.  The "stale_" cases
 * do so with no INVLPG or CR3 reload that would drop the cached entry (a real
 * CPU may still use it); the "fresh_" cases flush correctly or change nothing
 * that matters.  The page-fault handler quietly restores any mapping a case
 * took away and retries, so the output is the same whether the stale entry or
 * the new one is used: it never depends on what a TLB kept. */
#include "kernel.h"

#define WIN   0x00A00000u          /* identity-mapped 4 KiB pages, one per case */
#define LARGE 0x40000000u          /* a 4 MiB page mapping physical 12 MiB */
#define LARGE_FRAME 0x00C00000u
#define CR4_PGE 0x00000080u
#define PG_G    0x100u

static volatile uint32_t *page(int n) { return (volatile uint32_t *)(WIN + n * 0x1000u); }
static volatile uint32_t *pte(int n) { return pte_ptr(page_dir, WIN + n * 0x1000u, 0); }

static void pf_handler(struct frame *f)
{
    uint32_t cr2 = read_cr2();
    (void)f;
    if (cr2 >= LARGE && cr2 - LARGE < 0x400000u) {
        page_dir[LARGE >> 22] = LARGE_FRAME | PG_PS | PG_P | PG_RW;
    } else if (cr2 >= WIN && cr2 - WIN < 0x10000u) {
        *pte_ptr(page_dir, cr2, 0) = (cr2 & ~0xFFFu) | PG_P | PG_RW;
    } else {
        print("unexpected #PF at "); print_hex(cr2); nl();
        exit_qemu(0x40);
    }
    invlpg(cr2);
}

static void done(const char *name) { print("case "); print(name); print(" done\n"); }

__attribute__((noinline)) static void stale_after_unmap(void)
{
    (void)*page(0);
    *pte(0) &= ~PG_P;
    (void)*page(0);                 /* stale: the page is gone */
    done("stale_after_unmap");
}

__attribute__((noinline)) static void stale_after_remap(void)
{
    *page(1) = 1;
    *pte(1) = (WIN + 0x8000u) | PG_P | PG_RW;
    *page(1) = 2;                   /* stale: the write goes to the old frame */
    done("stale_after_remap");
}

__attribute__((noinline)) static void stale_after_protect(void)
{
    *page(2) = 1;
    *pte(2) &= ~PG_RW;
    *page(2) = 2;                   /* stale: the page is read-only now */
    done("stale_after_protect");
}

__attribute__((noinline)) static void stale_large_page(void)
{
    (void)*(volatile uint32_t *)(LARGE + 0x1234);
    ((volatile uint32_t *)page_dir)[LARGE >> 22] &= ~PG_P;
    (void)*(volatile uint32_t *)(LARGE + 0x1234);   /* stale: the 4 MiB page is gone */
    done("stale_large_page");
}

__attribute__((noinline)) static void stale_global_after_cr3(void)
{
    *pte(3) |= PG_G;
    invlpg(WIN + 3 * 0x1000u);
    (void)*page(3);
    *pte(3) &= ~PG_P;
    write_cr3(read_cr3());          /* does not drop a global page */
    (void)*page(3);                 /* stale */
    done("stale_global_after_cr3");
}

__attribute__((noinline)) static void fresh_after_invlpg(void)
{
    (void)*page(4);
    *pte(4) &= ~PG_P;
    invlpg(WIN + 4 * 0x1000u);
    (void)*page(4);                 /* faults; the handler maps it back */
    done("fresh_after_invlpg");
}

__attribute__((noinline)) static void fresh_after_cr3_reload(void)
{
    *page(5) = 1;
    *pte(5) = (WIN + 0x9000u) | PG_P | PG_RW;
    write_cr3(read_cr3());
    *page(5) = 2;
    done("fresh_after_cr3_reload");
}

__attribute__((noinline)) static void fresh_global_across_cr3(void)
{
    *pte(6) |= PG_G;
    invlpg(WIN + 6 * 0x1000u);
    (void)*page(6);
    write_cr3(read_cr3());
    (void)*page(6);                 /* the entry kept is still right */
    done("fresh_global_across_cr3");
}

__attribute__((noinline)) static void fresh_global_after_invlpg(void)
{
    *pte(7) |= PG_G;
    invlpg(WIN + 7 * 0x1000u);
    (void)*page(7);
    *pte(7) &= ~PG_P;
    invlpg(WIN + 7 * 0x1000u);
    (void)*page(7);
    done("fresh_global_after_invlpg");
}

__attribute__((noinline)) static void fresh_accessed_dirty_cleared(void)
{
    *page(8) = 1;
    *pte(8) &= ~(PG_A | PG_D);      /* no translation changes */
    (void)*page(8);
    done("fresh_accessed_dirty_cleared");
}

int kmain(uint32_t magic, struct mb_info *mbi)
{
    (void)mbi;
    print("tlb_stale: entries changed under the TLB\n");
    if (magic != MB_BOOT_MAGIC) { print("FAIL bad magic\n"); return 0x10; }
    idt_init();
    set_handler(14, pf_handler);
    paging_identity(16u << 20, PG_P | PG_RW);
    page_dir[LARGE >> 22] = LARGE_FRAME | PG_PS | PG_P | PG_RW;
    write_cr4(read_cr4() | CR4_PSE | CR4_PGE);
    paging_enable(page_dir);
    stale_after_unmap();
    stale_after_remap();
    stale_after_protect();
    stale_large_page();
    stale_global_after_cr3();
    fresh_after_invlpg();
    fresh_after_cr3_reload();
    fresh_global_across_cr3();
    fresh_global_after_invlpg();
    fresh_accessed_dirty_cleared();
    print("PASS tlb_stale done\n");
    return 0;
}
