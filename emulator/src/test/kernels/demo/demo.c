/* The friendly kernel behind `make run`: says hello on the VGA screen, the
 * debug console and the first serial port, reports the memory size and
 * command line from Multiboot, turns on paging with an identity map, waits
 * for two timer interrupts and exits with code 0. */
#include "kernel.h"

#define COM1 0x3F8
#define COLS 80
static volatile uint16_t *const vga = (volatile uint16_t *)0xB8000;
static int row, col;

static void serial_init(void)
{
    outb(COM1 + 1, 0x00);   /* no UART interrupts: we poll */
    outb(COM1 + 3, 0x80);   /* DLAB on to set the divisor */
    outb(COM1 + 0, 0x01);   /* 115200 baud */
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03);   /* 8 data bits, no parity, 1 stop bit, DLAB off */
    outb(COM1 + 2, 0xC7);   /* FIFOs on and cleared */
}

static void serial_putc(char c)
{
    while (!(inb(COM1 + 5) & 0x20)) { }   /* LSR bit 5: transmit holding register empty */
    outb(COM1, (uint8_t)c);
}

static void cursor_update(void)
{
    uint16_t pos = (uint16_t)(row * COLS + col);
    outb(0x3D4, 0x0E); outb(0x3D5, pos >> 8);
    outb(0x3D4, 0x0F); outb(0x3D5, pos & 0xFF);
}

static void vga_putc(char c, uint8_t attr)
{
    if (c == '\n') { row++; col = 0; }
    else {
        vga[row * COLS + col] = (uint16_t)(attr << 8 | (uint8_t)c);
        if (++col == COLS) { row++; col = 0; }
    }
    if (row == 25) {
        for (int i = 0; i < 24 * COLS; i++) vga[i] = vga[i + COLS];
        for (int i = 24 * COLS; i < 25 * COLS; i++) vga[i] = 0x0720;
        row = 24;
    }
}

/* Everything the demo says goes to all three outputs. */
static void say_attr(const char *s, uint8_t attr)
{
    for (; *s; s++) {
        putc(*s);
        if (*s == '\n') serial_putc('\r');
        serial_putc(*s);
        vga_putc(*s, attr);
    }
    cursor_update();
}
static void say(const char *s) { say_attr(s, 0x07); }

static void say_dec(uint32_t v)
{
    char buf[11];
    int n = 10;
    buf[n] = 0;
    do { buf[--n] = (char)('0' + v % 10); v /= 10; } while (v);
    say(buf + n);
}

static volatile uint32_t ticks;
static void on_tick(struct frame *f) { (void)f; ticks++; pic_eoi(0); }

int kmain(uint32_t magic, struct mb_info *mbi)
{
    for (int i = 0; i < 25 * COLS; i++) vga[i] = 0x0720;
    serial_init();
    say_attr("j386 demo kernel\n", 0x1F);
    if (magic != MB_BOOT_MAGIC) { say("not started by a Multiboot loader\n"); return 0x10; }

    if (mbi->flags & 1) {
        say("memory: lower "); say_dec(mbi->mem_lower); say(" KiB, upper "); say_dec(mbi->mem_upper);
        say(" KiB (about "); say_dec((mbi->mem_upper + 1024 + 512) / 1024); say(" MiB)\n");
    }
    if (mbi->flags & 4) {
        /* The loader puts the kernel's file name first; show the rest. */
        const char *c = (const char *)mbi->cmdline;
        while (*c && *c != ' ') c++;
        while (*c == ' ') c++;
        say("command line: \""); say(c); say("\"\n");
    }

    idt_init();
    paging_identity(16u << 20, PG_P | PG_RW);
    paging_enable(page_dir);
    say("paging: on, identity map of the first 16 MiB\n");

    set_handler(0x20, on_tick);
    pic_remap(0x20, 0x28);
    pit_start(11932);
    pic_set_masks(0xFE, 0xFF);
    while (ticks < 2) { sti(); hlt(); }
    cli();
    pic_set_masks(0xFF, 0xFF);
    say("timer: 2 ticks at 100 Hz\n");
    say_attr("goodbye\n", 0x0A);
    return 0;
}
