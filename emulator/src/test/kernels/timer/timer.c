/* Timer interrupts through the 8259 PIC and the 8254 PIT.
 *
 * The PIC pair is remapped to vectors 0x20/0x28 and the PIT channel 0 runs
 * at ~100 Hz (divisor 11932, mode 3).  Output never depends on timing: we
 * only print facts that hold whenever the ticks arrive (that N ticks came,
 * what the in-service and request registers say at well-defined points,
 * that a masked IRQ is held back and delivered once unmasked, that a
 * missing EOI keeps IRQ0 in service until it is sent).
 *
 * The very first line shows the PIC masks the firmware left behind (QEMU's
 * SeaBIOS); an emulator without firmware has to start in the same state to
 * match it.  Nothing else here depends on firmware state. */
#include "kernel.h"

static volatile uint32_t ticks;
static volatile int eoi_mode;        /* 0 normal, 1 specific EOI, 2 none */
static volatile uint8_t isr_in_handler, isr_after_eoi;
static volatile int frame_checked;
static volatile uint32_t frame_cs, frame_if;

static void irq0(struct frame *f)
{
    ticks++;
    if (!frame_checked) {
        frame_checked = 1;
        frame_cs = f->cs;
        frame_if = (f->eflags & FL_IF) ? 1 : 0;
    }
    isr_in_handler = pic_read_isr(0);
    if (eoi_mode == 0) pic_eoi(0);
    else if (eoi_mode == 1) outb(0x20, 0x60);   /* specific EOI for IR0 */
    isr_after_eoi = pic_read_isr(0);
}

static void wait_ticks(uint32_t n)
{
    uint32_t target = ticks + n;
    while (ticks < target) { sti(); hlt(); }
    cli();
}

int kmain(uint32_t magic, struct mb_info *mbi)
{
    (void)mbi;
    print("timer: PIC remapped to 0x20/0x28, PIT ch0 divisor 11932 mode 3\n");
    if (magic != MB_BOOT_MAGIC) { print("FAIL bad magic\n"); return 0x10; }
    print("firmware PIC state: imr="); print_hexn(inb(0x21), 2); putc('/'); print_hexn(inb(0xA1), 2);
    print(" isr="); print_hexn(pic_read_isr(0), 2); putc('/'); print_hexn(pic_read_isr(1), 2); nl();

    idt_init();
    set_handler(0x20, irq0);
    pic_remap(0x20, 0x28);
    print("after remap: imr="); print_hexn(inb(0x21), 2); putc('/'); print_hexn(inb(0xA1), 2);
    print(" isr="); print_hexn(pic_read_isr(0), 2); putc('/'); print_hexn(pic_read_isr(1), 2); nl();

    pit_start(11932);
    outb(0x43, 0xE2);                         /* read-back: status of channel 0 */
    print("pit ch0 status (mode bits)="); print_hexn(inb(0x40) & 0x3F, 2); nl();

    pic_set_masks(0xFE, 0xFF);                /* IRQ0 only */
    print("imr now="); print_hexn(inb(0x21), 2); putc('/'); print_hexn(inb(0xA1), 2); nl();

    wait_ticks(10);
    print("10 ticks arrived\n");
    print("frame: cs="); print_hexn(frame_cs, 4); print(" if="); print_dec(frame_if); nl();
    print("isr in handler="); print_hexn(isr_in_handler, 2);
    print(" after eoi="); print_hexn(isr_after_eoi, 2); nl();

    eoi_mode = 1;
    wait_ticks(1);
    print("specific EOI: isr in handler="); print_hexn(isr_in_handler, 2);
    print(" after="); print_hexn(isr_after_eoi, 2); nl();

    /* No EOI: IRQ0 stays in service, so no further IRQ0 can be delivered
     * until we send one from here. */
    eoi_mode = 2;
    wait_ticks(1);
    print("no EOI: isr in handler="); print_hexn(isr_in_handler, 2);
    print(" after return="); print_hexn(pic_read_isr(0), 2); nl();
    eoi_mode = 0;
    pic_eoi(0);
    print("EOI from main: isr="); print_hexn(pic_read_isr(0), 2); nl();
    wait_ticks(3);
    print("ticks continue after late EOI\n");

    /* With IF=0 the request shows up in IRR but is not delivered. */
    cli();
    uint32_t t0 = ticks;
    while (!(pic_read_irr(0) & 1)) { }
    print("IRR bit 0 set while IF=0: irr&1="); print_dec(pic_read_irr(0) & 1);
    print(" delivered="); print_dec(ticks != t0); nl();
    /* Masked: still pending, still not delivered even with IF=1. */
    pic_set_masks(0xFF, 0xFF);
    sti();
    __asm__ volatile("nop; nop; nop; nop");
    cli();
    print("masked with IF=1: delivered="); print_dec(ticks != t0);
    print(" irr&1="); print_dec(pic_read_irr(0) & 1); nl();
    pic_set_masks(0xFE, 0xFF);
    while (ticks == t0) { sti(); hlt(); }
    cli();
    print("unmasked: pending tick delivered\n");

    pic_set_masks(0xFF, 0xFF);
    print("PASS timer done\n");
    return 0;
}
