/* A page fault taken while the #PF handler is running.  The handler keeps a
 * log in a lazily mapped window, so logging the first fault on a data page
 * faults again (depth 2); the depth-2 handler bumps a counter in a third
 * lazily mapped window, which faults once more (depth 3).  The CPU must
 * deliver each as an ordinary #PF (vector 14), never #DF: the fault happens
 * while the handler executes, not while the first fault is being delivered.
 * After the inner faults return, CR2 holds the inner address (it is not
 * restored), which is why the handler reads CR2 first thing. */
#include "kernel.h"

#define DATA  0x50000000u
#define LOG   0x60000000u
#define STATS 0x70000000u

static volatile int depth, max_depth, total;
static volatile uint32_t log_next = LOG;   /* next log slot; one page per entry */
static uint32_t outer_eip[4], frame_addr[4];

static void indent(void) { for (int i = 0; i < depth; i++) print("  "); }

static void pf_handler(struct frame *f)
{
    uint32_t cr2 = read_cr2();      /* before anything can fault again */
    int d = ++depth;
    total++;
    if (d > max_depth) max_depth = d;
    outer_eip[d] = f->eip;
    frame_addr[d] = (uint32_t)f;
    indent(); print("#PF depth="); print_dec(d); print(" vector="); print_dec(f->vector);
    print(" cr2="); print_hexn(cr2, 8); print(" err="); print_hexn(f->err, 1); nl();
    if (d > 1) {
        indent(); print("eip differs from outer: ");
        print(f->eip != outer_eip[d - 1] ? "yes" : "no");
        print(", frame below outer: "); print(frame_addr[d] < frame_addr[d - 1] ? "yes" : "no"); nl();
    }

    if (cr2 >= DATA && cr2 < LOG) {
        /* Log the fault: the log page is new each time, so this faults. */
        volatile uint32_t *slot = (volatile uint32_t *)log_next;
        log_next += 0x1000;
        slot[0] = cr2;
        slot[1] = f->err;
        indent(); print("logged; cr2 now="); print_hexn(read_cr2(), 8); nl();
    } else if (cr2 >= LOG && cr2 < STATS) {
        /* Count log pages in the stats window: faults the first time only. */
        (*(volatile uint32_t *)STATS)++;
        indent(); print("counted; cr2 now="); print_hexn(read_cr2(), 8); nl();
    } else if (!(cr2 >= STATS && cr2 < STATS + 0x1000)) {
        print("FAIL fault outside the windows\n");
        exit_qemu(0x30);
    }
    map_page(page_dir, cr2 & ~0xFFFu, alloc_frame(), PG_P | PG_RW);
    depth--;
}

static void df_handler(struct frame *f)
{
    print("FAIL #DF err="); print_hexn(f->err, 8); nl();
    exit_qemu(0x31);
}

int kmain(uint32_t magic, struct mb_info *mbi)
{
    (void)mbi;
    print("paging_nested_pf: #PF inside the #PF handler\n");
    if (magic != MB_BOOT_MAGIC) { print("FAIL bad magic\n"); return 0x10; }
    idt_init();
    set_handler(14, pf_handler);
    set_handler(8, df_handler);
    paging_identity(16u << 20, PG_P | PG_RW);
    paging_enable(page_dir);

    print("write DATA+10\n");
    *(volatile uint32_t *)(DATA + 0x10) = 0x1234;
    print("write DATA+5008\n");
    *(volatile uint32_t *)(DATA + 0x5008) = 0x5678;
    print("read DATA+10 again (mapped)\n");
    uint32_t a = *(volatile uint32_t *)(DATA + 0x10);
    uint32_t b = *(volatile uint32_t *)(DATA + 0x5008);
    print("values="); print_hexn(a, 8); putc(','); print_hexn(b, 8); nl();
    print("log entries: ");
    for (uint32_t p = LOG; p < log_next; p += 0x1000) {
        print_hexn(*(volatile uint32_t *)p, 8); putc('/'); print_hexn(*(volatile uint32_t *)(p + 4), 1); putc(' ');
    }
    nl();
    print("stats counter="); print_dec(*(volatile uint32_t *)STATS); nl();
    print("total faults="); print_dec(total); print(" max depth="); print_dec(max_depth); nl();
    if (total != 5 || max_depth != 3) { print("FAIL counts\n"); return 0x32; }
    print("PASS paging_nested_pf done\n");
    return 0;
}
