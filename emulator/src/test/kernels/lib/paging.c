/* Minimal 32-bit (non-PAE) paging helpers shared by the paging kernels. */
#include "kernel.h"

#define NTABLES 12
uint32_t page_dir[1024] __attribute__((aligned(4096)));
static uint32_t tables[NTABLES][1024] __attribute__((aligned(4096)));
static int tables_used;
static uint32_t next_frame = 0x00800000;   /* 8 MiB: far above the kernel image */

uint32_t *alloc_table(void)
{
    if (tables_used == NTABLES) { print("FAIL out of page tables\n"); exit_qemu(0x7D); }
    uint32_t *t = tables[tables_used++];
    memset(t, 0, 4096);
    return t;
}

uint32_t alloc_frame(void)
{
    uint32_t f = next_frame;
    next_frame += 4096;
    /* Runs with paging on or off: frames below 16 MiB are identity mapped. */
    memset((void *)f, 0, 4096);
    return f;
}

uint32_t *pte_ptr(uint32_t *pd, uint32_t lin, int create)
{
    uint32_t *pde = &pd[lin >> 22];
    if (!(*pde & PG_P)) {
        if (!create) return 0;
        /* Supervisor, writable at the directory level: the PTE decides. */
        *pde = (uint32_t)alloc_table() | PG_P | PG_RW;
    }
    uint32_t *pt = (uint32_t *)(*pde & ~0xFFFu);
    return &pt[(lin >> 12) & 0x3FF];
}

void map_page(uint32_t *pd, uint32_t lin, uint32_t phys, uint32_t flags)
{
    *pte_ptr(pd, lin, 1) = (phys & ~0xFFFu) | flags;
}

void paging_identity(uint32_t bytes, uint32_t flags)
{
    for (uint32_t a = 0; a < bytes; a += 4096)
        map_page(page_dir, a, a, flags);
}

void paging_enable(uint32_t *pd)
{
    write_cr3((uint32_t)pd);
    write_cr0(read_cr0() | CR0_PG);
}
