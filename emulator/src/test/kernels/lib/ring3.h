/* Ring 3 for the kernels that test privilege levels (linked only into those,
 * see EXTRA_* in the Makefile).  ring3_init() loads a GDT with user segments
 * and a TSS whose SS0:ESP0 is a separate ring-0 stack and whose I/O bitmap
 * covers ports 0..255 (all denied until io_allow); run_user() enters
 * ring 3 and returns when the user code executes INT 0x2C (or when a ring-0
 * handler calls leave_user()). */
#ifndef RING3_H
#define RING3_H

#include "kernel.h"

#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UCODE 0x1B      /* GDT entry 3, RPL 3 */
#define SEL_UDATA 0x23      /* GDT entry 4, RPL 3 */
#define SEL_TSS   0x28
#define SEL_NP    0x30      /* data segment, DPL 0, not present */
#define SEL_SMALL 0x38      /* data segment, DPL 0, base 0, limit 0xFFF */
#define SEL_UCODE_DPL0 0x40 /* code segment DPL 0 used with RPL 3 in tests */

#define VEC_EXIT 0x2C       /* DPL 3 gate: leave ring 3 (the stubs cover vectors 0..47) */

#define FL_IOPL3 0x3000

/* A segment or system descriptor: access is the P/DPL/S/type byte, flags the G/D/L/AVL nibble. */
static inline uint64_t descriptor(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags)
{
    return (uint64_t)(limit & 0xFFFF) | ((uint64_t)(base & 0xFFFFFF) << 16) | ((uint64_t)access << 40)
         | ((uint64_t)((limit >> 16) & 0xF) << 48) | ((uint64_t)(flags & 0xF) << 52)
         | ((uint64_t)(base >> 24) << 56);
}

extern uint32_t tss_esp0;   /* top of the ring-0 stack used on entry from ring 3 */
extern uint8_t *const user_stack_end;

void ring3_init(void);
/* Lets ring 3 use `port` (0..255) whatever IOPL says. */
void io_allow(int port);
/* Sets gate `vector` to present/absent and DPL 0 or 3 (the handler stays). */
void set_gate(int vector, int present, int dpl);
/* Runs fn at CPL 3 with EFLAGS = eflags, entered by IRET (by_lret = 0) or by
 * a far RET (by_lret = 1).  Back in ring 0, IF is clear. */
void run_user(void (*fn)(void), uint32_t eflags, int by_lret);
__attribute__((noreturn)) void leave_user(void);

/* Stack words the CPU pushes above the frame when it came from ring 3. */
static inline uint32_t frame_user_esp(struct frame *f) { return (&f->eflags)[1]; }
static inline uint32_t frame_user_ss(struct frame *f) { return (&f->eflags)[2]; }

#endif
