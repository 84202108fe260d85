// exceptions.cpp - the IDT and the dispatch of CPU exceptions to C++ handlers.
#include "exceptions.hpp"
#include "console.hpp"

ExceptionHandler ExceptionDispatcher::handlers[32];

namespace {
    struct Gate {
        uint16_t offset_low, selector;
        uint8_t zero, type;
        uint16_t offset_high;
    } __attribute__((packed));

    struct Pointer {
        uint16_t limit;
        uint32_t base;
    } __attribute__((packed));

    Gate idt[256];
    const uint32_t STUBS = 20;
}

extern "C" {
    // start.asm's stubs, one per vector (_isr0 ... _isr19 with -fleading-underscore).
    void isr0(); void isr1(); void isr2(); void isr3(); void isr4(); void isr5(); void isr6();
    void isr7(); void isr8(); void isr9(); void isr10(); void isr11(); void isr12(); void isr13();
    void isr14(); void isr15(); void isr16(); void isr17(); void isr18(); void isr19();

    void dispatch_exception(REGS *r) {
        ExceptionDispatcher::dispatch(r);
    }
}

void ExceptionDispatcher::init() {
    void (*stubs[STUBS])() = {isr0, isr1, isr2, isr3, isr4, isr5, isr6, isr7, isr8, isr9, isr10,
                              isr11, isr12, isr13, isr14, isr15, isr16, isr17, isr18, isr19};
    for (uint32_t v = 0; v < STUBS; v++) {
        uint32_t offset = (uint32_t) stubs[v];
        idt[v].offset_low = offset & 0xFFFF;
        idt[v].offset_high = offset >> 16;
        idt[v].selector = 0x08;            // the code segment the Multiboot loader left in CS
        idt[v].zero = 0;
        idt[v].type = 0x8E;                // present, ring 0, 32-bit interrupt gate
    }
    Pointer p = {sizeof idt - 1, (uint32_t) idt};
    asm volatile("lidt %0" : : "m"(p));
}

void ExceptionDispatcher::register_handler(uint32_t vector, ExceptionHandler handler) {
    handlers[vector] = handler;
}

void ExceptionDispatcher::dispatch(REGS *r) {
    ExceptionHandler handler = r->int_no < 32 ? handlers[r->int_no] : 0;
    if (handler == 0) {
        Console::puts("unhandled exception ");
        Console::putui(r->int_no);
        Console::puts(" at eip ");
        Console::puthex(r->eip);
        Console::puts("\n");
        for (;;) {
            asm volatile("cli; hlt");
        }
    }
    handler(r);
}
