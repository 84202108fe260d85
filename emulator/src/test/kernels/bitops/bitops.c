/* Bit instructions: BT/BTS/BTR/BTC with register and immediate offsets on
 * registers (offset taken modulo the width) and on memory (register offset is
 * a signed bit index that can reach far outside the addressed dword),
 * BSF/BSR (zero source: only ZF is defined, the destination is not printed),
 * BSWAP, and every SETcc / CMOVcc condition over all combinations of
 * O S Z P C.  For BTx only CF (the old bit) and ZF (unaffected, so it must
 * keep its incoming value) are printed. */
#include "kernel.h"

static uint32_t area[16];   /* bit field for the memory forms */
#define MID 8               /* memory base points at area[MID] so negative offsets stay inside */

static void dump_area(void)
{
    print("  mem:");
    for (int i = 0; i < 16; i++) { putc(' '); print_hexn(area[i], 8); }
    nl();
}

#define BTREG(insn, x, off, f) \
    __asm__ volatile("pushl %[fin]\n\tpopfl\n\t" insn " %[n], %[x]\n\tpushfl\n\tpopl %[f]" \
                     : [x] "+r"(x), [f] "=&r"(f) : [n] "r"(off), [fin] "r"(0x002u | FL_ZF) : "cc")
#define BTMEM(insn, off, f) \
    __asm__ volatile("pushl %[fin]\n\tpopfl\n\t" insn " %[n], %[m]\n\tpushfl\n\tpopl %[f]" \
                     : [f] "=&r"(f) : [n] "r"(off), [m] "m"(area[MID]), [fin] "r"(0x002u) : "cc", "memory")

static void bt_tests(void)
{
    static const uint32_t offs[] = { 0, 1, 5, 30, 31, 32, 33, 0xFFFFFFFE, 0xFFFFFFFF };
    uint32_t f;
    for (unsigned i = 0; i < sizeof offs / sizeof offs[0]; i++) {
        uint32_t n = offs[i], x;
        x = 0x80000021; BTREG("btl", x, n, f);
        print("bt  r32 80000021,"); print_hexn(n, 8); print(" -> "); print_hexn(x, 8); putc(' '); print_flags(f, FL_CF | FL_ZF); nl();
        x = 0x80000021; BTREG("btsl", x, n, f);
        print("bts r32 80000021,"); print_hexn(n, 8); print(" -> "); print_hexn(x, 8); putc(' '); print_flags(f, FL_CF | FL_ZF); nl();
        x = 0x80000021; BTREG("btrl", x, n, f);
        print("btr r32 80000021,"); print_hexn(n, 8); print(" -> "); print_hexn(x, 8); putc(' '); print_flags(f, FL_CF | FL_ZF); nl();
        x = 0x80000021; BTREG("btcl", x, n, f);
        print("btc r32 80000021,"); print_hexn(n, 8); print(" -> "); print_hexn(x, 8); putc(' '); print_flags(f, FL_CF | FL_ZF); nl();
    }
    /* 16-bit register operand: offset modulo 16. */
    uint16_t w = 0x8001, wn = 31;
    __asm__ volatile("clc; btcw %[n], %[x]; pushfl; popl %[f]" : [x] "+r"(w), [f] "=&r"(f) : [n] "r"(wn) : "cc");
    print("btc r16 8001,31 -> "); print_hexn(w, 4); putc(' '); print_flags(f, FL_CF); nl();

    /* Immediate offsets are taken modulo the operand size, also on memory. */
    uint32_t x = 0x00000100;
    __asm__ volatile("btsl $40, %[x]; pushfl; popl %[f]" : [x] "+r"(x), [f] "=&r"(f) : : "cc");
    print("bts r32 00000100,imm 40 -> "); print_hexn(x, 8); putc(' '); print_flags(f, FL_CF); nl();

    memset(area, 0, sizeof area);
    area[MID] = 0x00000001;
    __asm__ volatile("btrl $32, %[m]; pushfl; popl %[f]" : [m] "+m"(area[MID]), [f] "=&r"(f) : : "cc");
    print("btr m32,imm 32 -> "); print_flags(f, FL_CF); nl();
    dump_area();

    /* Register offsets on memory address whole bit strings: dword index is
     * offset >> 5 (arithmetic), which may be negative. */
    static const int32_t moffs[] = { 0, 33, 100, 255, -1, -32, -200, 70 };
    memset(area, 0, sizeof area);
    area[MID + 3] = 0x00000010;   /* bit 100 = dword 3, bit 4 */
    area[MID - 1] = 0x80000000;   /* bit -1 */
    for (unsigned i = 0; i < sizeof moffs / sizeof moffs[0]; i++) {
        uint32_t n = (uint32_t)moffs[i];
        BTMEM("btl", n, f);
        print("bt  m32,"); print_sdec(moffs[i]); print(" -> "); print_flags(f, FL_CF); nl();
        BTMEM("btsl", n, f);
        print("bts m32,"); print_sdec(moffs[i]); print(" -> "); print_flags(f, FL_CF); nl();
    }
    dump_area();
    for (unsigned i = 0; i < sizeof moffs / sizeof moffs[0]; i += 2) {
        uint32_t n = (uint32_t)moffs[i];
        BTMEM("btrl", n, f);
        print("btr m32,"); print_sdec(moffs[i]); print(" -> "); print_flags(f, FL_CF); nl();
        BTMEM("btcl", n + 1, f);
        print("btc m32,"); print_sdec(moffs[i] + 1); print(" -> "); print_flags(f, FL_CF); nl();
    }
    dump_area();

    /* 16-bit memory form: signed 16-bit offset, word granularity. */
    memset(area, 0, sizeof area);
    uint16_t n16 = (uint16_t)-17;
    __asm__ volatile("btsw %[n], %[m]; pushfl; popl %[f]" : [f] "=&r"(f) : [n] "r"(n16), [m] "m"(area[MID]) : "cc", "memory");
    print("bts m16,-17 -> "); print_flags(f, FL_CF); nl();
    dump_area();
}

static void scan_tests(void)
{
    static const uint32_t v[] = { 0x00000001, 0x80000000, 0x00F0F000, 0xFFFFFFFF, 0x00010000, 0 };
    for (unsigned i = 0; i < sizeof v / sizeof v[0]; i++) {
        uint32_t rf = 0xDEAD, rr = 0xDEAD, ff, fr;
        __asm__ volatile("bsfl %[s], %[d]; pushfl; popl %[f]" : [d] "+r"(rf), [f] "=r"(ff) : [s] "rm"(v[i]) : "cc");
        __asm__ volatile("bsrl %[s], %[d]; pushfl; popl %[f]" : [d] "+r"(rr), [f] "=r"(fr) : [s] "rm"(v[i]) : "cc");
        print("bsf/bsr32 "); print_hexn(v[i], 8);
        if (v[i]) { print(" -> "); print_dec(rf); putc('/'); print_dec(rr); }
        else print(" -> (dest undefined)");
        putc(' '); print_flags(ff, FL_ZF); putc(' '); print_flags(fr, FL_ZF); nl();
    }
    static const uint16_t w[] = { 0x0008, 0x8000, 0x0000 };
    for (unsigned i = 0; i < sizeof w / sizeof w[0]; i++) {
        uint16_t rf = 0xBEEF, rr = 0xBEEF;
        uint32_t ff, fr;
        __asm__ volatile("bsfw %[s], %[d]; pushfl; popl %[f]" : [d] "+r"(rf), [f] "=r"(ff) : [s] "r"(w[i]) : "cc");
        __asm__ volatile("bsrw %[s], %[d]; pushfl; popl %[f]" : [d] "+r"(rr), [f] "=r"(fr) : [s] "r"(w[i]) : "cc");
        print("bsf/bsr16 "); print_hexn(w[i], 4);
        if (w[i]) { print(" -> "); print_dec(rf); putc('/'); print_dec(rr); }
        else print(" -> (dest undefined)");
        putc(' '); print_flags(ff, FL_ZF); putc(' '); print_flags(fr, FL_ZF); nl();
    }
    static const uint32_t b[] = { 0x12345678, 0x000000FF, 0x80000001 };
    for (unsigned i = 0; i < sizeof b / sizeof b[0]; i++) {
        uint32_t x = b[i];
        __asm__ volatile("bswap %0" : "+r"(x));
        print("bswap "); print_hexn(b[i], 8); print(" -> "); print_hexn(x, 8); nl();
    }
}

/* Condition codes in encoding order 0..F. */
#define CC_LIST "o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"

static uint32_t flags_from(int combo)
{
    /* combo bits: 0=CF 1=PF 2=ZF 3=SF 4=OF */
    uint32_t fl = 0x002;
    if (combo & 1) fl |= FL_CF;
    if (combo & 2) fl |= FL_PF;
    if (combo & 4) fl |= FL_ZF;
    if (combo & 8) fl |= FL_SF;
    if (combo & 16) fl |= FL_OF;
    return fl;
}

static void setcc_cmov_tests(void)
{
    print("cond order: o no b ae e ne be a s ns p np l ge le g\n");
    for (int combo = 0; combo < 32; combo++) {
        uint8_t set[16];
        uint32_t mov[16];
        uint32_t fl = flags_from(combo);
        __asm__ volatile(
            "pushl %[fl]\n\tpopfl\n\t"
            "seto 0(%[p])\n\tsetno 1(%[p])\n\tsetb 2(%[p])\n\tsetae 3(%[p])\n\t"
            "sete 4(%[p])\n\tsetne 5(%[p])\n\tsetbe 6(%[p])\n\tseta 7(%[p])\n\t"
            "sets 8(%[p])\n\tsetns 9(%[p])\n\tsetp 10(%[p])\n\tsetnp 11(%[p])\n\t"
            "setl 12(%[p])\n\tsetge 13(%[p])\n\tsetle 14(%[p])\n\tsetg 15(%[p])"
            : : [fl] "r"(fl), [p] "r"(set) : "cc", "memory");
        /* MOV does not touch flags, so one POPF serves all 16 CMOVs. */
#define CM(cc, i) "movl $0, %%eax\n\tcmov" cc " %[one], %%eax\n\tmovl %%eax, " #i "*4(%[q])\n\t"
        __asm__ volatile(
            "pushl %[fl]\n\tpopfl\n\t"
            CM("o", 0) CM("no", 1) CM("b", 2) CM("ae", 3) CM("e", 4) CM("ne", 5) CM("be", 6) CM("a", 7)
            CM("s", 8) CM("ns", 9) CM("p", 10) CM("np", 11) CM("l", 12) CM("ge", 13) CM("le", 14) CM("g", 15)
            : : [fl] "r"(fl), [q] "r"(mov), [one] "rm"(1u) : "eax", "cc", "memory");
        print("flags "); print_flags(fl, FL_OF | FL_SF | FL_ZF | FL_PF | FL_CF);
        print(" setcc ");
        for (int i = 0; i < 16; i++) putc(set[i] == 1 ? '1' : set[i] == 0 ? '0' : '?');
        print(" cmovcc ");
        for (int i = 0; i < 16; i++) putc(mov[i] == 1 ? '1' : mov[i] == 0 ? '0' : '?');
        nl();
    }
    /* CMOV with a false condition still reads its memory operand but must not
     * write the destination; with 16-bit operands only the low half moves. */
    uint32_t d = 0x11112222;
    static volatile uint16_t src16 = 0xABCD;
    __asm__ volatile("xorl %%ecx, %%ecx\n\tcmovzw %[s], %w[d]" : [d] "+r"(d) : [s] "m"(src16) : "ecx", "cc");
    print("cmovz r16,m16 taken -> "); print_hexn(d, 8); nl();
    __asm__ volatile("xorl %%ecx, %%ecx\n\tcmovnzl %[s], %[d]" : [d] "+r"(d) : [s] "r"(0xFFFFFFFFu) : "ecx", "cc");
    print("cmovnz r32 not taken -> "); print_hexn(d, 8); nl();
}

int kmain(uint32_t magic, struct mb_info *mbi)
{
    (void)mbi;
    print("bitops: BTx flags C (and Z, which must stay set); BSF/BSR flag Z\n");
    if (magic != MB_BOOT_MAGIC) { print("FAIL bad magic\n"); return 0x10; }
    idt_init();
    bt_tests();
    scan_tests();
    setcc_cmov_tests();
    print("PASS bitops done\n");
    return 0;
}
