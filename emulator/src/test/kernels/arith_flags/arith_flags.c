/* Integer arithmetic and logic with their EFLAGS, on the edge values where
 * carries, overflows and sign changes happen (0, 1, 0x7F.., 0x80.., 0xFF..)
 * in 8, 16 and 32 bits.
 *
 * Each line shows operands, the incoming CF (for ADC/SBB/INC/DEC), the result
 * and the flags in the order O S Z A P C.  Only flags the Intel SDM defines
 * for the instruction are printed; undefined ones show as '.'.  The flags are
 * captured with PUSHF immediately after the instruction, and the incoming
 * EFLAGS are set with POPF so that "unaffected" flags (CF of INC/DEC, all
 * flags of NOT) are tested too. */
#include "kernel.h"

/* Incoming EFLAGS: bit 1 is always 1; cf selects CF. For logic ops and NOT we
 * start with every arithmetic flag set so that a flag wrongly left alone (or
 * wrongly changed) shows up. */
#define FIN(cf) (0x002u | ((cf) ? FL_CF : 0))

/* Two-operand register form: x = x OP y. R is the register constraint. */
#define DEF2(fn, insn, T, R)                                                   \
    static uint32_t fn(uint32_t a, uint32_t b, uint32_t fin, uint32_t *fout)   \
    {                                                                          \
        T x = (T)a, y = (T)b;                                                  \
        uint32_t f;                                                            \
        __asm__ volatile("pushl %[fin]\n\tpopfl\n\t" insn " %[y], %[x]\n\t"    \
                         "pushfl\n\tpopl %[f]"                                 \
                         : [x] "+" R(x), [f] "=&r"(f)                          \
                         : [y] R(y), [fin] "r"(fin) : "cc");                   \
        *fout = f;                                                             \
        return x;                                                              \
    }
/* One-operand form (NEG, INC, DEC, NOT). */
#define DEF1(fn, insn, T, R)                                                   \
    static uint32_t fn(uint32_t a, uint32_t b, uint32_t fin, uint32_t *fout)   \
    {                                                                          \
        (void)b;                                                               \
        T x = (T)a;                                                            \
        uint32_t f;                                                            \
        __asm__ volatile("pushl %[fin]\n\tpopfl\n\t" insn " %[x]\n\t"          \
                         "pushfl\n\tpopl %[f]"                                 \
                         : [x] "+" R(x), [f] "=&r"(f)                          \
                         : [fin] "r"(fin) : "cc");                             \
        *fout = f;                                                             \
        return x;                                                              \
    }

#define DEF2W(op) DEF2(op##8, #op "b", uint8_t, "q") DEF2(op##16, #op "w", uint16_t, "r") DEF2(op##32, #op "l", uint32_t, "r")
#define DEF1W(op) DEF1(op##8, #op "b", uint8_t, "q") DEF1(op##16, #op "w", uint16_t, "r") DEF1(op##32, #op "l", uint32_t, "r")

DEF2W(add) DEF2W(adc) DEF2W(sub) DEF2W(sbb) DEF2W(cmp)
DEF2W(and) DEF2W(or) DEF2W(xor) DEF2W(test)
DEF1W(neg) DEF1W(inc) DEF1W(dec) DEF1W(not)

typedef uint32_t (*opfn)(uint32_t, uint32_t, uint32_t, uint32_t *);

static const uint32_t edge8[] = { 0x00, 0x01, 0x7F, 0x80, 0xFF };
static const uint32_t edge16[] = { 0x0000, 0x0001, 0x7FFF, 0x8000, 0xFFFF };
static const uint32_t edge32[] = { 0x00000000, 0x00000001, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF };
static const uint32_t *const edges[3] = { edge8, edge16, edge32 };
static const int digits[3] = { 2, 4, 8 };

struct op {
    const char *name;
    opfn f[3];
    int binary;        /* uses the second operand */
    int cin;           /* run with CF=0 and CF=1 */
    uint32_t defined;  /* flags the SDM defines for this instruction */
    uint32_t fin_all;  /* start with all arithmetic flags set instead */
};

#define LOGIC (FL_OF | FL_SF | FL_ZF | FL_PF | FL_CF)   /* AF undefined */
static const struct op ops[] = {
    { "add", { add8, add16, add32 }, 1, 0, FL_ARITH, 0 },
    { "adc", { adc8, adc16, adc32 }, 1, 1, FL_ARITH, 0 },
    { "sub", { sub8, sub16, sub32 }, 1, 0, FL_ARITH, 0 },
    { "sbb", { sbb8, sbb16, sbb32 }, 1, 1, FL_ARITH, 0 },
    { "cmp", { cmp8, cmp16, cmp32 }, 1, 0, FL_ARITH, 0 },
    { "and", { and8, and16, and32 }, 1, 0, LOGIC, 1 },
    { "or",  { or8, or16, or32 }, 1, 0, LOGIC, 1 },
    { "xor", { xor8, xor16, xor32 }, 1, 0, LOGIC, 1 },
    { "test", { test8, test16, test32 }, 1, 0, LOGIC, 1 },
    { "neg", { neg8, neg16, neg32 }, 0, 0, FL_ARITH, 0 },
    /* INC/DEC leave CF alone: run with CF=0 and CF=1 and print CF too. */
    { "inc", { inc8, inc16, inc32 }, 0, 1, FL_ARITH, 0 },
    { "dec", { dec8, dec16, dec32 }, 0, 1, FL_ARITH, 0 },
    /* NOT changes no flag at all: every flag must come back as it went in. */
    { "not", { not8, not16, not32 }, 0, 0, FL_ARITH, 1 },
};

static void run_op(const struct op *o)
{
    static const int bits[3] = { 8, 16, 32 };
    for (int w = 0; w < 3; w++) {
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < (o->binary ? 5 : 1); j++) {
                for (int c = 0; c <= o->cin; c++) {
                    uint32_t a = edges[w][i], b = o->binary ? edges[w][j] : 0, f;
                    uint32_t fin = o->fin_all ? (0x002u | FL_ARITH) : FIN(c);
                    uint32_t r = o->f[w](a, b, fin, &f);
                    print(o->name); print_dec(bits[w]); putc(' ');
                    print_hexn(a, digits[w]);
                    if (o->binary) { putc(' '); print_hexn(b, digits[w]); }
                    if (o->cin) { print(" c"); putc('0' + c); }
                    print(" -> "); print_hexn(r, digits[w]); putc(' ');
                    print_flags(f, o->defined); nl();
                }
            }
        }
    }
}

/* A few encodings the register loop above does not reach: accumulator short
 * forms, sign-extended imm8 (opcode 83), imm16 with a 66 prefix, and memory
 * destinations. */
static void run_forms(void)
{
    uint32_t r, f;
    uint16_t w;
    uint8_t b;
    static volatile uint32_t m32;
    static volatile uint16_t m16;
    static volatile uint8_t m8;

    r = 0x7FFFFFFF;
    __asm__ volatile("clc; addl $1, %0; pushfl; popl %1" : "+a"(r), "=r"(f) : : "cc");
    print("add eax,imm32 (05) 7FFFFFFF+1 -> "); print_hex(r); putc(' '); print_flags(f, FL_ARITH); nl();

    r = 5;
    __asm__ volatile("subl $-3, %0; pushfl; popl %1" : "+r"(r), "=r"(f) : : "cc");
    print("sub r32,imm8 (83) 5-(-3) -> "); print_hex(r); putc(' '); print_flags(f, FL_ARITH); nl();

    w = 0x8000;
    __asm__ volatile("addw $0x7FFF, %0; pushfl; popl %1" : "+r"(w), "=r"(f) : : "cc");
    print("add r16,imm16 8000+7FFF -> "); print_hexn(w, 4); putc(' '); print_flags(f, FL_ARITH); nl();

    b = 0x80;
    __asm__ volatile("stc; adcb $0x7F, %0; pushfl; popl %1" : "+a"(b), "=r"(f) : : "cc");
    print("adc al,imm8 (14) 80+7F+1 -> "); print_hexn(b, 2); putc(' '); print_flags(f, FL_ARITH); nl();

    m32 = 0x80000000;
    __asm__ volatile("subl $1, %0; pushfl; popl %1" : "+m"(m32), "=r"(f) : : "cc");
    print("sub m32,1 80000000-1 -> "); print_hex(m32); putc(' '); print_flags(f, FL_ARITH); nl();

    m16 = 0xFFFF;
    __asm__ volatile("incw %0; pushfl; popl %1" : "+m"(m16), "=r"(f) : : "cc");
    print("inc m16 FFFF -> "); print_hexn(m16, 4); putc(' '); print_flags(f, FL_OF | FL_SF | FL_ZF | FL_AF | FL_PF); nl();

    m8 = 0x0F;
    __asm__ volatile("xorb $0xF0, %0; pushfl; popl %1" : "+m"(m8), "=r"(f) : : "cc");
    print("xor m8,F0 0F -> "); print_hexn(m8, 2); putc(' '); print_flags(f, LOGIC); nl();

    m32 = 0x00000010;
    r = 0x0000000F;
    __asm__ volatile("cmpl %2, %1; pushfl; popl %0" : "=r"(f) : "m"(m32), "r"(r) : "cc");
    print("cmp m32,r32 10-0F "); print_flags(f, FL_ARITH); nl();

    /* Byte registers AH/CH/DH/BH share their 32-bit register with AL..BL. */
    r = 0x12345678;
    __asm__ volatile("addb %%al, %%ah; pushfl; popl %1" : "+a"(r), "=r"(f) : : "cc");
    print("add ah,al on 12345678 -> "); print_hex(r); putc(' '); print_flags(f, FL_ARITH); nl();

    /* 16-bit operations must leave the upper half of the register intact. */
    r = 0xDEADFFFF;
    __asm__ volatile("incw %w0; pushfl; popl %1" : "+r"(r), "=r"(f) : : "cc");
    print("inc r16 on DEADFFFF -> "); print_hex(r); nl();
}

int kmain(uint32_t magic, struct mb_info *mbi)
{
    (void)mbi;
    print("arith_flags: flags order O S Z A P C, '.' = undefined\n");
    if (magic != MB_BOOT_MAGIC) { print("FAIL bad magic\n"); return 0x10; }
    idt_init();
    for (unsigned i = 0; i < sizeof ops / sizeof ops[0]; i++)
        run_op(&ops[i]);
    run_forms();
    print("PASS arith_flags done\n");
    return 0;
}
