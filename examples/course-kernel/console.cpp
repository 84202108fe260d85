// console.cpp - one character channel (port 0xE9) plus the screen: j386 and QEMU can send both
// the debug console and COM1 to one terminal, where a second channel would print lines twice.
#include "console.hpp"

uint16_t *const Console::screen = (uint16_t *) 0xB8000;
uint32_t Console::position;

static const uint32_t COLUMNS = 80, ROWS = 25;
static const uint16_t BLANK = 0x0700 | ' ';

void Console::init() {
    for (uint32_t i = 0; i < COLUMNS * ROWS; i++) {
        screen[i] = BLANK;
    }
    position = 0;
}

void Console::putch(char c) {
    Machine::outb(0xE9, c);
    if (c == '\n') {
        position = (position / COLUMNS + 1) * COLUMNS;
    } else {
        screen[position++] = 0x0700 | (uint8_t) c;
    }
    if (position == COLUMNS * ROWS) {
        for (uint32_t i = 0; i < COLUMNS * (ROWS - 1); i++) {
            screen[i] = screen[i + COLUMNS];
        }
        for (uint32_t i = COLUMNS * (ROWS - 1); i < COLUMNS * ROWS; i++) {
            screen[i] = BLANK;
        }
        position -= COLUMNS;
    }
}

void Console::puts(const char *s) {
    while (*s) {
        putch(*s++);
    }
}

void Console::putui(uint32_t n) {
    char digits[11];
    int i = 0;
    do {
        digits[i++] = '0' + n % 10;
        n /= 10;
    } while (n != 0);
    while (i > 0) {
        putch(digits[--i]);
    }
}

void Console::puthex(uint32_t n) {
    puts("0x");
    for (int shift = 28; shift >= 0; shift -= 4) {
        putch("0123456789abcdef"[(n >> shift) & 0xF]);
    }
}
