/* Memory benchmark with paging on: 8 MiB at 4 MiB..12 MiB, identity mapped
 * with 4 KiB pages (2048 PTEs, more than a TLB holds), is walked with a
 * stride of 68 bytes: about 60 accesses per page, then the next page, and
 * since 68 is not a power of two each pass drifts through new offsets.
 * (A stride of a page or more makes nearly every access a TLB miss, which
 * measures page walks rather than memory access: QEMU then needs ~33 s.)  Each step reads a dword,
 * mixes it into a running hash and writes it back, about 10 instructions, so
 * the default 350,000,000 steps are ~3.5e9 instructions.  "iterations=N" on the
 * command line sets the number of steps.  Prints a checksum and exits 0. */
#include "kernel.h"
#include "bench_args.h"

#define DEFAULT_STEPS 350000000u
#define BASE 0x00400000u
#define SIZE 0x00800000u
#define STRIDE 68u

int kmain(uint32_t magic, struct mb_info *mbi)
{
    if (magic != MB_BOOT_MAGIC) return 0x10;
    uint32_t n = cmdline_iterations(mbi, DEFAULT_STEPS);
    print("bench_mem: steps="); print_dec(n); nl();
    idt_init();
    paging_identity(16u << 20, PG_P | PG_RW);
    paging_enable(page_dir);
    /* Known starting contents so the checksum is the same everywhere. */
    for (uint32_t *p = (uint32_t *)BASE; p < (uint32_t *)(BASE + SIZE); p++) *p = (uint32_t)p * 2654435761u;
    if (n == 0) { print("checksum=0x00000000\n"); return 0; }
    uint32_t off = 0, h = 0x811C9DC5, d = n;
    __asm__ volatile(
        "1:\n\t"
        "movl %c[base](%[off]), %%eax\n\t"   /* 1 read */
        "xorl %%eax, %[h]\n\t"               /* 2 */
        "roll $5, %[h]\n\t"                  /* 3 */
        "addl %[h], %%eax\n\t"               /* 4 */
        "movl %%eax, %c[base](%[off])\n\t"   /* 5 write */
        "addl %[stride], %[off]\n\t"         /* 6 */
        "andl %[mask], %[off]\n\t"           /* 7 wrap inside the region, dword aligned */
        "addl $1, %[h]\n\t"                  /* 8 */
        "decl %[d]\n\t"                      /* 9 */
        "jnz 1b"                             /* 10 */
        : [off] "+r"(off), [h] "+r"(h), [d] "+r"(d)
        : [base] "i"(BASE), [stride] "i"(STRIDE), [mask] "i"((SIZE - 1) & ~3u)
        : "eax", "cc", "memory");
    print("checksum="); print_hex(h); nl();
    return 0;
}
