/* Demand paging: pages in a window at 0x40000000 start unmapped and the #PF
 * handler maps a fresh frame (filled with a recognisable pattern) the first
 * time each page is touched.  Covers: a missing page table (PDE not present),
 * a present table with a missing PTE, reads vs writes (error code bit 1), a
 * dword write straddling two unmapped pages (two faults, CR2 = start of the
 * access, then the start of the second page), and an instruction fetch from
 * an unmapped page (the handler writes code there and the call restarts).
 * Every fault must report EIP = the faulting instruction: the handler resumes
 * by IRET without touching EIP, so the instruction is retried. */
#include "kernel.h"

#define WIN 0x40000000u
static volatile int faults;

static void pf_handler(struct frame *f)
{
    uint32_t cr2 = read_cr2();
    faults++;
    print("  #PF cr2="); print_hexn(cr2, 8); print(" err="); print_hexn(f->err, 1);
    nl();
    if (cr2 < WIN || cr2 >= WIN + 0x01000000 || (f->err & PG_P)) {
        print("FAIL unexpected page fault\n");
        exit_qemu(0x20);
    }
    uint32_t page = cr2 & ~0xFFFu;
    uint32_t frame = alloc_frame();
    /* Pattern: each dword holds its own linear address with the top byte
     * replaced by 0xA5, so a wrong mapping is visible in the printed data. */
    uint32_t *p = (uint32_t *)frame;
    for (int i = 0; i < 1024; i++) p[i] = 0xA5000000u | ((page + i * 4) & 0x00FFFFFFu);
    if (page == WIN + 0x00800000) {
        /* Code page: mov eax, 0x600DC0DE; ret */
        uint8_t *c = (uint8_t *)frame;
        c[0] = 0xB8; c[1] = 0xDE; c[2] = 0xC0; c[3] = 0x0D; c[4] = 0x60; c[5] = 0xC3;
    }
    map_page(page_dir, page, frame, PG_P | PG_RW);
    /* No INVLPG needed: a not-present entry is never cached. */
}

int kmain(uint32_t magic, struct mb_info *mbi)
{
    (void)mbi;
    print("paging_lazy: demand-mapped window at 0x40000000\n");
    if (magic != MB_BOOT_MAGIC) { print("FAIL bad magic\n"); return 0x10; }
    idt_init();
    set_handler(14, pf_handler);
    paging_identity(16u << 20, PG_P | PG_RW);
    /* A page table for WIN+4M exists but has no present entries. */
    pte_ptr(page_dir, WIN + 0x00400000, 1);
    paging_enable(page_dir);
    print("paging on, cr0 PG="); print_dec(read_cr0() >> 31); nl();

    volatile uint32_t *p;
    print("read WIN+0 (no page table)\n");
    uint32_t v;
    p = (volatile uint32_t *)(WIN + 0x0);
    v = p[0];                     /* fault first, print after */
    print("  value="); print_hexn(v, 8); nl();

    print("write WIN+1234 (same table, other page)\n");
    p = (volatile uint32_t *)(WIN + 0x1234);
    *p = 0x11111111;
    print("  value="); print_hexn(*p, 8); nl();

    print("read WIN+400010 (table present, PTE missing)\n");
    p = (volatile uint32_t *)(WIN + 0x400010);
    v = *p;
    print("  value="); print_hexn(v, 8); nl();

    print("second read of WIN+0 (already mapped, no fault)\n");
    p = (volatile uint32_t *)(WIN + 0x0);
    v = p[1];
    print("  value="); print_hexn(v, 8); nl();

    print("dword write at WIN+2FFE across two unmapped pages\n");
    p = (volatile uint32_t *)(WIN + 0x2FFE);
    *p = 0xCAFEBABE;
    print("  halves="); print_hexn(*(volatile uint16_t *)(WIN + 0x2FFE), 4);
    putc(','); print_hexn(*(volatile uint16_t *)(WIN + 0x3000), 4);
    print(" next="); print_hexn(*(volatile uint32_t *)(WIN + 0x3004), 8); nl();

    print("word read at WIN+4FFF: first page mapped below, second not\n");
    *(volatile uint8_t *)(WIN + 0x4000) = 0x77;
    uint16_t w = *(volatile uint16_t *)(WIN + 0x4FFF);
    print("  value="); print_hexn(w, 4); nl();

    print("call into unmapped code page WIN+800000\n");
    uint32_t (*fn)(void) = (uint32_t (*)(void))(WIN + 0x00800000);
    uint32_t r = fn();
    print("  returned="); print_hexn(r, 8); nl();

    print("rep stosb over 3 pages from WIN+A000\n");
    memset((void *)(WIN + 0xA800), 0x5A, 0x2000);
    print("  bytes="); print_hexn(*(volatile uint32_t *)(WIN + 0xA7FC), 8);
    putc(','); print_hexn(*(volatile uint32_t *)(WIN + 0xA800), 8);
    putc(','); print_hexn(*(volatile uint32_t *)(WIN + 0xC7FC), 8);
    putc(','); print_hexn(*(volatile uint32_t *)(WIN + 0xC800), 8); nl();

    print("faults="); print_dec(faults); nl();
    if (faults != 11) { print("FAIL fault count\n"); return 0x21; }
    print("PASS paging_lazy done\n");
    return 0;
}
