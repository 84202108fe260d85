/* 8259A pair and 8254 channel 0, programmed the way a PC kernel does it. */
#include "kernel.h"

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xA0
#define PIC2_DATA 0xA1

void pic_remap(uint8_t master_base, uint8_t slave_base)
{
    /* ICW1: edge triggered, cascade, ICW4 follows. */
    outb(PIC1_CMD, 0x11);
    outb(PIC2_CMD, 0x11);
    outb(PIC1_DATA, master_base);   /* ICW2: vector base */
    outb(PIC2_DATA, slave_base);
    outb(PIC1_DATA, 0x04);          /* ICW3: slave on IR2 */
    outb(PIC2_DATA, 0x02);          /* ICW3: slave identity 2 */
    outb(PIC1_DATA, 0x01);          /* ICW4: 8086 mode, normal EOI */
    outb(PIC2_DATA, 0x01);
    pic_set_masks(0xFF, 0xFF);      /* everything off until a test asks */
}

void pic_set_masks(uint8_t master, uint8_t slave)
{
    outb(PIC1_DATA, master);
    outb(PIC2_DATA, slave);
}

void pic_eoi(int irq)
{
    if (irq >= 8) outb(PIC2_CMD, 0x20);
    outb(PIC1_CMD, 0x20);           /* non-specific EOI */
}

/* OCW3 selects which register the next read of the command port returns. */
uint8_t pic_read_isr(int slave)
{
    uint16_t p = slave ? PIC2_CMD : PIC1_CMD;
    outb(p, 0x0B);
    return inb(p);
}

uint8_t pic_read_irr(int slave)
{
    uint16_t p = slave ? PIC2_CMD : PIC1_CMD;
    outb(p, 0x0A);
    return inb(p);
}

void pit_start(uint16_t divisor)
{
    outb(0x43, 0x36);               /* channel 0, lobyte/hibyte, mode 3, binary */
    outb(0x40, divisor & 0xFF);
    outb(0x40, divisor >> 8);
}
