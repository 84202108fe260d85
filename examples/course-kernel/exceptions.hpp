// exceptions.hpp - the IDT and the dispatch of CPU exceptions to C++ handlers.
#ifndef EXCEPTIONS_HPP
#define EXCEPTIONS_HPP

#include "machine.hpp"

// What start.asm's exception stubs leave on the stack: segment registers, PUSHA's registers,
// the vector and error code, and the CPU's own frame.
struct REGS {
    uint32_t gs, fs, es, ds;
    uint32_t edi, esi, ebp, esp, ebx, edx, ecx, eax;
    uint32_t int_no, err_code;
    uint32_t eip, cs, eflags;
};

typedef void (*ExceptionHandler)(REGS *r);

class ExceptionDispatcher {
public:
    // Fills the IDT's first 20 gates with start.asm's stubs and loads it.
    static void init();
    static void register_handler(uint32_t vector, ExceptionHandler handler);
    static void dispatch(REGS *r);

private:
    static ExceptionHandler handlers[32];
};

#endif
