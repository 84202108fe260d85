/* String instructions: MOVS, STOS, CMPS, SCAS, LODS in byte/word/dword
 * sizes, with and without REP/REPE/REPNE, forwards (CLD) and backwards
 * (STD).  For each run we print the final ECX, how far ESI/EDI moved
 * (relative to where they started, so the text does not depend on link
 * addresses), the touched memory, and for CMPS/SCAS the flags of the last
 * comparison (all six are defined for CMP). */
#include "kernel.h"

static uint8_t src[64] __attribute__((aligned(4)));
static uint8_t dst[64] __attribute__((aligned(4)));

static void fill(void)
{
    for (int i = 0; i < 64; i++) { src[i] = (uint8_t)(0x40 + i); dst[i] = 0xEE; }
}

static void dump(const char *label, const uint8_t *p, int n)
{
    print("  "); print(label); print(":");
    for (int i = 0; i < n; i++) { putc(' '); print_hexn(p[i], 2); }
    nl();
}

static void regs(const char *what, uint32_t ecx, const void *s0, const void *s1, const void *d0, const void *d1)
{
    print(what); print(" ecx="); print_hex(ecx);
    print(" esi"); print_sdec((int32_t)((const char *)s1 - (const char *)s0));
    print(" edi"); print_sdec((int32_t)((const char *)d1 - (const char *)d0));
    nl();
}

/* Runs one string instruction with DF set as asked. Flags come back through
 * pushf so CMPS/SCAS results are visible; EAX is in/out for STOS/LODS/SCAS. */
#define STR(insn, df, s, d, c, a, f)                                           \
    __asm__ volatile("pushl %[fin]\n\tpopfl\n\t" df "\n\t" insn "\n\t"        \
                     "pushfl\n\tpopl %[fo]\n\tcld"                             \
                     : "+S"(s), "+D"(d), "+c"(c), "+a"(a), [fo] "=&r"(f)      \
                     : [fin] "r"(0x002u | FL_ZF | FL_CF) : "cc", "memory")

static void movs_tests(void)
{
    void *s, *d; uint32_t c, a = 0, f;

    fill(); s = src; d = dst; c = 13;
    STR("rep movsb", "cld", s, d, c, a, f);
    regs("rep movsb fwd 13", c, src, s, dst, d); dump("dst", dst, 16);

    fill(); s = src; d = dst; c = 5;
    STR("rep movsw", "cld", s, d, c, a, f);
    regs("rep movsw fwd 5", c, src, s, dst, d); dump("dst", dst, 12);

    fill(); s = src + 28; d = dst + 28; c = 4;        /* last dword first */
    STR("rep movsl", "std", s, d, c, a, f);
    regs("rep movsd bwd 4", c, src + 28, s, dst + 28, d); dump("dst[16..31]", dst + 16, 16);

    fill(); s = src + 9; d = dst + 9; c = 10;
    STR("rep movsb", "std", s, d, c, a, f);
    regs("rep movsb bwd 10", c, src + 9, s, dst + 9, d); dump("dst", dst, 12);

    /* Overlap, destination one byte above source: element-by-element
     * semantics replicate the first byte. */
    fill(); s = src; d = src + 1; c = 8;
    STR("rep movsb", "cld", s, d, c, a, f);
    regs("rep movsb overlap +1", c, src, s, src + 1, d); dump("src", src, 12);

    /* Backward with the destination below the source, same idea. */
    fill(); s = src + 10; d = src + 9; c = 8;
    STR("rep movsb", "std", s, d, c, a, f);
    regs("rep movsb bwd overlap -1", c, src + 10, s, src + 9, d); dump("src", src, 12);

    fill(); s = src; d = dst; c = 0;
    STR("rep movsl", "cld", s, d, c, a, f);
    regs("rep movsd ecx=0", c, src, s, dst, d); dump("dst", dst, 4);

    fill(); s = src; d = dst; c = 99;                 /* no REP: ECX untouched */
    STR("movsl", "cld", s, d, c, a, f);
    regs("movsd single", c, src, s, dst, d); dump("dst", dst, 8);
}

static void stos_lods_tests(void)
{
    void *s, *d; uint32_t c, a, f;

    fill(); s = src; d = dst; c = 7; a = 0x11223344;
    STR("rep stosb", "cld", s, d, c, a, f);
    regs("rep stosb fwd 7 al=44", c, src, s, dst, d); dump("dst", dst, 9);

    fill(); s = src; d = dst + 6; c = 3; a = 0x11223344;
    STR("rep stosw", "std", s, d, c, a, f);
    regs("rep stosw bwd 3 ax=3344", c, src, s, dst + 6, d); dump("dst", dst, 10);

    fill(); s = src; d = dst; c = 3; a = 0xA1B2C3D4;
    STR("rep stosl", "cld", s, d, c, a, f);
    regs("rep stosd fwd 3", c, src, s, dst, d); dump("dst", dst, 14);

    fill(); s = src; d = dst; c = 0; a = 0xFFFFFFFF;
    STR("lodsb", "cld", s, d, c, a, f);
    regs("lodsb", c, src, s, dst, d); print("  eax="); print_hex(a); nl();

    fill(); s = src + 8; d = dst; c = 0; a = 0xFFFFFFFF;
    STR("lodsw", "std", s, d, c, a, f);
    regs("lodsw bwd", c, src + 8, s, dst, d); print("  eax="); print_hex(a); nl();

    /* REP LODS is legal and leaves the last element in EAX. */
    fill(); s = src; d = dst; c = 4; a = 0;
    STR("rep lodsl", "cld", s, d, c, a, f);
    regs("rep lodsd 4", c, src, s, dst, d); print("  eax="); print_hex(a); nl();
}

static void cmps_scas_tests(void)
{
    void *s, *d; uint32_t c, a = 0, f;
    static uint8_t x[16], y[16];
    for (int i = 0; i < 16; i++) { x[i] = (uint8_t)('a' + i); y[i] = x[i]; }
    y[5] = 0x01;   /* first difference at index 5: 'f' (66) vs 01 */
    y[11] = 0xF0;

    s = x; d = y; c = 16;
    STR("repe cmpsb", "cld", s, d, c, a, f);
    regs("repe cmpsb fwd", c, x, s, y, d); print("  flags "); print_flags(f, FL_ARITH); nl();

    s = x; d = y; c = 4;                  /* stops by count, all equal */
    STR("repe cmpsb", "cld", s, d, c, a, f);
    regs("repe cmpsb equal 4", c, x, s, y, d); print("  flags "); print_flags(f, FL_ARITH); nl();

    s = x + 15; d = y + 15; c = 16;
    STR("repe cmpsb", "std", s, d, c, a, f);
    regs("repe cmpsb bwd", c, x + 15, s, y + 15, d); print("  flags "); print_flags(f, FL_ARITH); nl();

    s = x; d = y; c = 16;                 /* REPNE: stop at first equal */
    y[0] = 0x00;
    STR("repne cmpsb", "cld", s, d, c, a, f);
    regs("repne cmpsb", c, x, s, y, d); print("  flags "); print_flags(f, FL_ARITH); nl();
    y[0] = 'a';

    s = x; d = y; c = 4;
    STR("repe cmpsl", "cld", s, d, c, a, f);
    regs("repe cmpsd", c, x, s, y, d); print("  flags "); print_flags(f, FL_ARITH); nl();

    /* ECX=0: no comparison, flags keep the incoming Z and C. */
    s = x; d = y; c = 0;
    STR("repe cmpsb", "cld", s, d, c, a, f);
    regs("repe cmpsb ecx=0", c, x, s, y, d); print("  flags "); print_flags(f, FL_ARITH); nl();

    s = 0; d = x; c = 16; a = 'h';
    STR("repne scasb", "cld", s, d, c, a, f);
    regs("repne scasb 'h'", c, (void *)0, s, x, d); print("  flags "); print_flags(f, FL_ARITH); nl();

    s = 0; d = x; c = 16; a = 'Z';
    STR("repne scasb", "cld", s, d, c, a, f);
    regs("repne scasb not found", c, (void *)0, s, x, d); print("  flags "); print_flags(f, FL_ARITH); nl();

    s = 0; d = x + 15; c = 16; a = 'p';
    STR("repe scasb", "std", s, d, c, a, f);
    regs("repe scasb bwd 'p'", c, (void *)0, s, x + 15, d); print("  flags "); print_flags(f, FL_ARITH); nl();

    s = 0; d = x; c = 8; a = 0x6463;      /* "cd" as a word */
    STR("repne scasw", "cld", s, d, c, a, f);
    regs("repne scasw 'cd'", c, (void *)0, s, x, d); print("  flags "); print_flags(f, FL_ARITH); nl();

    s = 0; d = x; c = 1; a = 0x00000000;  /* single SCASD, below */
    STR("scasl", "cld", s, d, c, a, f);
    regs("scasd 0 vs 'abcd'", c, (void *)0, s, x, d); print("  flags "); print_flags(f, FL_ARITH); nl();
}

int kmain(uint32_t magic, struct mb_info *mbi)
{
    (void)mbi;
    print("strings: MOVS/STOS/LODS/CMPS/SCAS, pointer moves relative to start\n");
    if (magic != MB_BOOT_MAGIC) { print("FAIL bad magic\n"); return 0x10; }
    idt_init();
    movs_tests();
    stos_lods_tests();
    cmps_scas_tests();
    print("PASS strings done\n");
    return 0;
}
