/* IDT with 32-bit interrupt gates (IF cleared on entry) for vectors 0..47,
 * all funnelled through isr_dispatch(). */
#include "kernel.h"

#define NVEC 48

struct gate { uint16_t off_lo, sel; uint8_t zero, type; uint16_t off_hi; } __attribute__((packed));
static struct gate idt[256] __attribute__((aligned(8)));
static handler_t handlers[NVEC];
extern const uint32_t isr_stub_table[NVEC];

void isr_dispatch(struct frame *f);

static void unexpected(struct frame *f)
{
    /* A vector nobody asked for is always a test failure: say where and stop
     * with a code that no kernel uses for anything else. */
    print("UNEXPECTED vector="); print_dec(f->vector);
    print_kv("err", f->err); print_kv("eip", f->eip); print_kv("cr2", read_cr2());
    nl();
    exit_qemu(0x7E);
}

void isr_dispatch(struct frame *f)
{
    handler_t h = f->vector < NVEC ? handlers[f->vector] : 0;
    (h ? h : unexpected)(f);
}

void set_handler(int vector, handler_t h) { handlers[vector] = h; }

void idt_init(void)
{
    for (int v = 0; v < NVEC; v++) {
        uint32_t off = isr_stub_table[v];
        idt[v].off_lo = off & 0xFFFF;
        idt[v].sel = 0x08;
        idt[v].zero = 0;
        idt[v].type = 0x8E;     /* present, DPL 0, 32-bit interrupt gate */
        idt[v].off_hi = off >> 16;
    }
    struct { uint16_t limit; uint32_t base; } __attribute__((packed)) idtr = { sizeof idt - 1, (uint32_t)idt };
    __asm__ volatile("lidt %0" : : "m"(idtr));
}
