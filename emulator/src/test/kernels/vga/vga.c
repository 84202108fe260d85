/* VGA text mode: the 80x25 buffer at 0xB8000 and the CRTC cursor registers
 * at 0x3D4 (index) / 0x3D5 (data).  The kernel clears the screen, writes
 * text with several attributes, scrolls in software, moves the cursor and
 * sets its shape, then reads everything back and reports it on the debug
 * console.  Only cells and registers written here are reported, so the
 * firmware's earlier screen contents do not matter. */
#include "kernel.h"

#define COLS 80
#define ROWS 25
static volatile uint16_t *const vga = (volatile uint16_t *)0xB8000;

static void crtc_write(uint8_t idx, uint8_t v) { outb(0x3D4, idx); outb(0x3D5, v); }
static uint8_t crtc_read(uint8_t idx) { outb(0x3D4, idx); return inb(0x3D5); }

static void put_at(int row, int col, const char *s, uint8_t attr)
{
    for (; *s; s++, col++) vga[row * COLS + col] = (uint16_t)(attr << 8 | (uint8_t)*s);
}

static void scroll(void)
{
    for (int i = 0; i < (ROWS - 1) * COLS; i++) vga[i] = vga[i + COLS];
    for (int i = (ROWS - 1) * COLS; i < ROWS * COLS; i++) vga[i] = 0x0720;
}

static void dump_row(int row, int n)
{
    print("row "); print_dec(row); print(":");
    for (int c = 0; c < n; c++) { putc(' '); print_hexn(vga[row * COLS + c], 4); }
    nl();
}

static void row_text(int row)
{
    print("row "); print_dec(row); print(" text: \"");
    int last = COLS - 1;
    while (last >= 0 && (vga[row * COLS + last] & 0xFF) == ' ') last--;
    for (int c = 0; c <= last; c++) putc((char)(vga[row * COLS + c] & 0xFF));
    print("\"\n");
}

int kmain(uint32_t magic, struct mb_info *mbi)
{
    (void)mbi;
    print("vga: text buffer at 0xB8000, cursor via CRTC 0x3D4/0x3D5\n");
    if (magic != MB_BOOT_MAGIC) { print("FAIL bad magic\n"); return 0x10; }

    for (int i = 0; i < ROWS * COLS; i++) vga[i] = 0x0720;     /* grey on black blanks */
    put_at(0, 0, "j386 VGA test", 0x1F);
    put_at(1, 2, "attr 4E", 0x4E);
    put_at(24, 0, "bottom row", 0x0A);
    put_at(24, 70, "end>", 0x70);
    vga[24 * COLS + 79] = 0x0F21;                               /* last cell '!' */
    dump_row(0, 14);
    dump_row(1, 10);
    row_text(24);

    /* Byte and dword accesses to text memory see the same cells. */
    volatile uint8_t *b = (volatile uint8_t *)0xB8000;
    b[2 * 5] = 'V';                 /* character byte of cell 5 */
    b[2 * 5 + 1] = 0x2C;            /* attribute byte of cell 5 */
    *(volatile uint32_t *)(0xB8000 + 2 * 20) = 0x0E3D0E3C;   /* cells 20,21 = '<','=' */
    print("cell5="); print_hexn(vga[5], 4); print(" cell20="); print_hexn(vga[20], 4);
    print(" cell21="); print_hexn(vga[21], 4); print(" dword@0="); print_hexn(*(volatile uint32_t *)0xB8000, 8); nl();

    scroll();
    print("after scroll:\n");
    dump_row(0, 10);
    row_text(0);
    row_text(23);
    row_text(24);

    /* Cursor to row 12, column 34 (offset 994 = 0x03E2). */
    uint16_t pos = 12 * COLS + 34;
    crtc_write(0x0E, pos >> 8);
    crtc_write(0x0F, pos & 0xFF);
    print("cursor hi="); print_hexn(crtc_read(0x0E), 2); print(" lo="); print_hexn(crtc_read(0x0F), 2); nl();

    /* The common one-instruction form: OUTW 0x3D4 sends index then data. */
    outw(0x3D4, (uint16_t)(0x0F | (0x7B << 8)));
    print("after outw: lo="); print_hexn(crtc_read(0x0F), 2); print(" index reg="); print_hexn(inb(0x3D4), 2); nl();

    /* Cursor shape: start line 13, end line 14; then hide it (bit 5). */
    crtc_write(0x0A, 0x0D);
    crtc_write(0x0B, 0x0E);
    print("cursor start="); print_hexn(crtc_read(0x0A), 2); print(" end="); print_hexn(crtc_read(0x0B), 2); nl();
    crtc_write(0x0A, 0x20);
    print("hidden start="); print_hexn(crtc_read(0x0A), 2); nl();
    crtc_write(0x0A, 0x0D);

    /* Leave a readable screen: status line and the cursor after it. */
    put_at(12, 0, "cursor here ->", 0x07);
    pos = 12 * COLS + 15;
    crtc_write(0x0E, pos >> 8);
    crtc_write(0x0F, pos & 0xFF);
    row_text(12);
    print("cursor offset="); print_dec((uint32_t)crtc_read(0x0E) << 8 | crtc_read(0x0F)); nl();
    print("PASS vga done\n");
    return 0;
}
