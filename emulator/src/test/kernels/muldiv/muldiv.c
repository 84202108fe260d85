/* MUL, IMUL (one-, two- and three-operand forms), DIV and IDIV in 8/16/32
 * bits.  Divide errors (divisor 0, quotient too large, INT_MIN / -1) raise
 * #DE; the handler checks that the saved EIP points at the DIV itself (a
 * fault, not a trap), reports, and resumes after the instruction.  The
 * registers printed after a #DE must be the values from before the DIV.
 * MUL/IMUL define only CF and OF; DIV/IDIV define no flags, so no flags are
 * printed for them. */
#include "kernel.h"

/* Set by each DIV site through its local labels: where a #DE must point and
 * where to continue. Globals so the asm can store the addresses directly. */
volatile uint32_t de_expect, de_resume;
static volatile uint32_t de_count;

static void de_handler(struct frame *f)
{
    print("  #DE vector="); print_dec(f->vector);
    print(f->eip == de_expect ? " eip=at-div" : " eip=WRONG");
    print_kv("err", f->err); nl();
    de_count++;
    f->eip = de_resume;
}

enum { MUL8, MUL16, MUL32, IMUL8, IMUL16, IMUL32, DIV8, DIV16, DIV32, IDIV8, IDIV16, IDIV32, DIV32M, IDIV32M };
static const char *const names[] = { "mul8", "mul16", "mul32", "imul8", "imul16", "imul32",
    "div8", "div16", "div32", "idiv8", "idiv16", "idiv32", "div32 mem", "idiv32 mem" };

/* Each one-operand instruction behind a label pair so #DE can skip it. */
#define ONE(insn) \
    __asm__ volatile("movl $1f, de_expect\n\tmovl $2f, de_resume\n1:\t" insn "\n2:\tpushfl\n\tpopl %[f]" \
                     : "+a"(a), "+d"(d), [f] "=r"(f) : [s] "q"(s), [m] "m"(mem) : "cc", "memory")

static void one_operand(int op, uint32_t a0, uint32_t d0, uint32_t s)
{
    uint32_t a = a0, d = d0, f = 0, before = de_count;
    volatile uint32_t mem = s;
    switch (op) {
    case MUL8: ONE("mulb %b[s]"); break;
    case MUL16: ONE("mulw %w[s]"); break;
    case MUL32: ONE("mull %k[s]"); break;
    case IMUL8: ONE("imulb %b[s]"); break;
    case IMUL16: ONE("imulw %w[s]"); break;
    case IMUL32: ONE("imull %k[s]"); break;
    case DIV8: ONE("divb %b[s]"); break;
    case DIV16: ONE("divw %w[s]"); break;
    case DIV32: ONE("divl %k[s]"); break;
    case IDIV8: ONE("idivb %b[s]"); break;
    case IDIV16: ONE("idivw %w[s]"); break;
    case IDIV32: ONE("idivl %k[s]"); break;
    case DIV32M: ONE("divl %[m]"); break;
    case IDIV32M: ONE("idivl %[m]"); break;
    }
    print(names[op]); print(" eax="); print_hexn(a0, 8); print(" edx="); print_hexn(d0, 8);
    print(" src="); print_hexn(s, 8);
    if (de_count != before) print(" -> faulted,");
    else print(" ->");
    print(" eax="); print_hexn(a, 8); print(" edx="); print_hexn(d, 8);
    if (op <= IMUL32 && de_count == before) { putc(' '); print_flags(f, FL_OF | FL_CF); }
    nl();
}

struct case1 { int op; uint32_t eax, edx, src; };
static const struct case1 cases[] = {
    /* MUL: CF=OF=1 exactly when the upper half is non-zero. */
    { MUL8, 0x000000FF, 0xDDDDDDDD, 0xFF }, { MUL8, 0x12345610, 0, 0x0F },
    { MUL8, 0x00000010, 0, 0x10 }, { MUL8, 0x000000AB, 0, 0x00 },
    { MUL16, 0x0000FFFF, 0xDDDDDDDD, 0xFFFF }, { MUL16, 0xAAAA0100, 0xDDDD1234, 0x00FF },
    { MUL16, 0x00000100, 0, 0x0100 },
    { MUL32, 0xFFFFFFFF, 0, 0xFFFFFFFF }, { MUL32, 0x0000FFFF, 0x12345678, 0x00010001 },
    { MUL32, 0x80000000, 0, 2 }, { MUL32, 0x12345678, 0, 1 },
    /* IMUL: CF=OF=1 when the result does not fit the lower half signed. */
    { IMUL8, 0x000000FF, 0, 0xFF }, { IMUL8, 0x00000080, 0, 0xFF }, { IMUL8, 0x00000080, 0, 0x01 },
    { IMUL8, 0x0000007F, 0, 0x02 }, { IMUL8, 0x000000C0, 0, 0x02 },
    { IMUL16, 0x00008000, 0, 0xFFFF }, { IMUL16, 0x0000FFFF, 0, 0x7FFF }, { IMUL16, 0x0000C000, 0, 0x0002 },
    { IMUL32, 0x80000000, 0, 0xFFFFFFFF }, { IMUL32, 0xFFFFFFFF, 0, 0xFFFFFFFF },
    { IMUL32, 0x40000000, 0, 2 }, { IMUL32, 0xC0000000, 0, 2 }, { IMUL32, 0x7FFFFFFF, 0, 0x7FFFFFFF },
    /* DIV: quotient and remainder; overflow and zero raise #DE. */
    { DIV8, 0x000003E8, 0, 0x07 }, { DIV8, 0x0000FFFF, 0, 0xFF }, { DIV8, 0x00001000, 0, 0x10 },
    { DIV8, 0x00000064, 0, 0x00 },
    { DIV16, 0x00004240, 0x0000000F, 0x03E8 }, { DIV16, 0x0000FFFF, 0x0000FFFE, 0xFFFF },
    { DIV16, 0x00000000, 0x00000001, 0x0001 }, { DIV16, 0x00001234, 0, 0 },
    { DIV32, 0x00000064, 0, 7 }, { DIV32, 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFF },
    { DIV32, 0x00000000, 0x00000001, 0x00000001 }, { DIV32, 0x00000001, 0, 0 },
    /* IDIV: truncation toward zero, remainder has the dividend's sign. */
    { IDIV8, 0x0000FFF9, 0, 0x02 }, { IDIV8, 0x00000007, 0, 0xFE }, { IDIV8, 0x0000FF80, 0, 0xFF },
    { IDIV8, 0x0000FF00, 0, 0x02 }, { IDIV8, 0x00000100, 0, 0x02 }, { IDIV8, 0x000000FE, 0, 0x02 },
    { IDIV16, 0x0000FFF9, 0x0000FFFF, 0x0002 }, { IDIV16, 0x00008000, 0x0000FFFF, 0xFFFF },
    { IDIV16, 0x00007FFF, 0x00000000, 0xFFFF },
    { IDIV32, 0xFFFFFFF9, 0xFFFFFFFF, 2 }, { IDIV32, 0x00000007, 0, 0xFFFFFFFE },
    { IDIV32, 0x80000000, 0xFFFFFFFF, 0xFFFFFFFF },          /* INT_MIN / -1 */
    { IDIV32, 0x80000000, 0xFFFFFFFF, 0x00000001 },
    { IDIV32, 0x00000000, 0x80000000, 0x80000000 },          /* quotient 2^32 */
    { IDIV32, 0x12345678, 0, 0 },
    { DIV32M, 0x0000FFFF, 0x00000003, 0x00010000 }, { DIV32M, 5, 0, 0 },
    { IDIV32M, 0x80000000, 0xFFFFFFFF, 0xFFFFFFFF },
};

/* IMUL with two and three operands: the destination only holds the low half;
 * CF=OF=1 when the full product did not fit. */
static void multi_operand(void)
{
    uint32_t r, f;
    uint16_t w;
    static volatile uint32_t m = 0x00010001;

    r = 0x00010000;
    __asm__ volatile("imull %2, %0; pushfl; popl %1" : "+r"(r), "=r"(f) : "r"(0x00010000u) : "cc");
    print("imul r32,r32 00010000*00010000 -> "); print_hex(r); putc(' '); print_flags(f, FL_OF | FL_CF); nl();

    r = 0xFFFFFFFE;
    __asm__ volatile("imull %2, %0; pushfl; popl %1" : "+r"(r), "=r"(f) : "m"(m) : "cc");
    print("imul r32,m32 FFFFFFFE*00010001 -> "); print_hex(r); putc(' '); print_flags(f, FL_OF | FL_CF); nl();

    w = 0x0100;
    __asm__ volatile("imulw %2, %0; pushfl; popl %1" : "+r"(w), "=r"(f) : "r"((uint16_t)0x0080) : "cc");
    print("imul r16,r16 0100*0080 -> "); print_hexn(w, 4); putc(' '); print_flags(f, FL_OF | FL_CF); nl();

    w = 0xFFFF;
    __asm__ volatile("imulw %2, %0; pushfl; popl %1" : "+r"(w), "=r"(f) : "r"((uint16_t)0x8000) : "cc");
    print("imul r16,r16 FFFF*8000 -> "); print_hexn(w, 4); putc(' '); print_flags(f, FL_OF | FL_CF); nl();

    __asm__ volatile("imull $-3, %2, %0; pushfl; popl %1" : "=r"(r), "=r"(f) : "r"(0x2AAAAAABu) : "cc");
    print("imul r32,r32,imm8 2AAAAAAB*-3 -> "); print_hex(r); putc(' '); print_flags(f, FL_OF | FL_CF); nl();

    __asm__ volatile("imull $0x10000, %2, %0; pushfl; popl %1" : "=r"(r), "=r"(f) : "r"(0x00007FFFu) : "cc");
    print("imul r32,r32,imm32 00007FFF*10000 -> "); print_hex(r); putc(' '); print_flags(f, FL_OF | FL_CF); nl();

    __asm__ volatile("imull $0x10000, %2, %0; pushfl; popl %1" : "=r"(r), "=r"(f) : "m"(m) : "cc");
    print("imul r32,m32,imm32 00010001*10000 -> "); print_hex(r); putc(' '); print_flags(f, FL_OF | FL_CF); nl();

    __asm__ volatile("imulw $0x7FFF, %2, %0; pushfl; popl %1" : "=r"(w), "=r"(f) : "r"((uint16_t)2) : "cc");
    print("imul r16,r16,imm16 0002*7FFF -> "); print_hexn(w, 4); putc(' '); print_flags(f, FL_OF | FL_CF); nl();

    __asm__ volatile("imulw $-1, %2, %0; pushfl; popl %1" : "=r"(w), "=r"(f) : "r"((uint16_t)0x8000) : "cc");
    print("imul r16,r16,imm8 8000*-1 -> "); print_hexn(w, 4); putc(' '); print_flags(f, FL_OF | FL_CF); nl();
}

int kmain(uint32_t magic, struct mb_info *mbi)
{
    (void)mbi;
    print("muldiv: MUL/IMUL print O and C only; DIV/IDIV print no flags\n");
    if (magic != MB_BOOT_MAGIC) { print("FAIL bad magic\n"); return 0x10; }
    idt_init();
    set_handler(0, de_handler);
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++)
        one_operand(cases[i].op, cases[i].eax, cases[i].edx, cases[i].src);
    multi_operand();
    print("divide errors: "); print_dec(de_count); nl();
    if (de_count != 15) { print("FAIL expected 15 divide errors\n"); return 0x11; }
    print("PASS muldiv done\n");
    return 0;
}
