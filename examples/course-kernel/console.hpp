// console.hpp - text output on the Bochs/QEMU debug console (port 0xE9) and the VGA screen.
#ifndef CONSOLE_HPP
#define CONSOLE_HPP

#include "machine.hpp"

class Console {
public:
    static void init();
    static void putch(char c);
    static void puts(const char *s);
    static void putui(uint32_t n);
    static void puthex(uint32_t n);

private:
    static uint16_t *const screen;
    static uint32_t position;
};

#endif
