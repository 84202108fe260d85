/*
 * The table of instruction forms under test, and the one table of flags the Intel SDM leaves
 * undefined. Families (the eight ALU operations, the seven shifts, the sixteen conditions) are
 * expanded by loops here so that every form is one row built the same way.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

Form forms[512];
int nforms;

/*
 * Flags the SDM's "Flags Affected" sections call undefined, per rule. Conditional parts (which
 * depend on the masked count) are applied in undefined_flags() below and described here.
 * Registers and memory are never masked: only these flag bits are excluded from comparison.
 */
static const struct {
    int rule;
    uint32_t undefined;
    const char *text;
} UNDEFINED_FLAGS[R_COUNT] = {
    {R_NONE,  0, "all flags the instruction writes are defined"},
    {R_LOGIC, F_AF, "AND/OR/XOR/TEST: AF undefined"},
    {R_SHIFT, F_AF, "SHL/SHR: count&31 = 0 leaves flags unchanged; otherwise AF undefined, OF undefined "
                    "unless count = 1, CF undefined when count >= operand size"},
    {R_SAR,   F_AF, "SAR: count&31 = 0 leaves flags unchanged; otherwise AF undefined, OF undefined unless count = 1"},
    {R_ROT,   0,    "ROL/ROR/RCL/RCR: count&31 = 0 leaves flags unchanged; OF undefined unless count&31 = 1"},
    {R_SHXD,  F_AF, "SHLD/SHRD: count&31 = 0 leaves flags unchanged; otherwise AF undefined, OF undefined "
                    "unless count = 1; all six undefined when count > operand size"},
    {R_MUL,   F_SF | F_ZF | F_AF | F_PF, "MUL/IMUL: SF, ZF, AF, PF undefined"},
    {R_DIV,   F_ARITH, "DIV/IDIV: CF, OF, SF, ZF, AF, PF undefined"},
    {R_DAA,   F_OF, "DAA/DAS: OF undefined"},
    {R_AAA,   F_OF | F_SF | F_ZF | F_PF, "AAA/AAS: OF, SF, ZF, PF undefined"},
    {R_AAM,   F_OF | F_AF | F_CF, "AAM/AAD: OF, AF, CF undefined"},
    {R_BT,    F_OF | F_SF | F_AF | F_PF, "BT/BTS/BTR/BTC: OF, SF, AF, PF undefined (ZF unchanged)"},
    {R_BSF,   F_CF | F_OF | F_SF | F_AF | F_PF, "BSF/BSR: CF, OF, SF, AF, PF undefined"},
};

static const char *RULE_NAMES[R_COUNT] = {"none", "logic", "shift", "sar", "rot", "shxd", "mul",
                                           "div", "daa", "aaa", "aam", "bt", "bsf"};

const char *rule_name(int rule) {
    return RULE_NAMES[rule];
}

const char *rule_text(int rule) {
    return UNDEFINED_FLAGS[rule].text;
}

/* The undefined flags of one case; `count` is the (unmasked) count operand for shifts. */
uint32_t undefined_flags(const Form *f, uint32_t count) {
    uint32_t u = UNDEFINED_FLAGS[f->rule].undefined;
    uint32_t c = count & 31, size = f->op[0].size;
    switch (f->rule) {
    case R_SHIFT:
    case R_SAR:
    case R_ROT:
    case R_SHXD:
        if (c == 0)
            return 0; /* nothing happens: flags must be exactly preserved */
        if (c != 1)
            u |= F_OF;
        if (f->rule == R_SHIFT && c >= size)
            u |= F_CF;
        if (f->rule == R_SHXD && c > size)
            u |= F_ARITH;
        return u;
    default:
        return u;
    }
}

/* ---- building the table ---- */

static const Opnd NO = {K_NONE, 0, C_NONE};

static Opnd O(int kind, int size, int cls) {
    Opnd o = {(uint8_t)kind, (uint8_t)size, (uint8_t)cls};
    return o;
}

/* The operand-size prefix for 16-bit forms. */
static int osz(int size) {
    return size == 16 ? 0x66 : -1;
}

static const char *sfx(int size) {
    return size == 8 ? "8" : size == 16 ? "16" : "32";
}

/*
 * Adds one form. `opcode` is a hex string ("0F AF"); `prefix` (or -1) comes first. Operands follow
 * as Opnd values, terminated by NO.
 */
static Form *add(const char *group, const char *name, const char *text, int prefix, const char *opcode,
                 int ext, int rule, int hook, ...) {
    Form *f = &forms[nforms++];
    memset(f, 0, sizeof *f);
    snprintf(f->group, sizeof f->group, "%s", group);
    snprintf(f->name, sizeof f->name, "%s", name);
    snprintf(f->text, sizeof f->text, "%s", text);
    if (prefix >= 0)
        f->opcode[f->oplen++] = (uint8_t)prefix;
    for (const char *p = opcode; *p;) {
        unsigned v;
        int n;
        if (sscanf(p, "%x%n", &v, &n) != 1)
            break;
        f->opcode[f->oplen++] = (uint8_t)v;
        p += n;
    }
    f->ext = (int8_t)ext;
    f->rule = (uint8_t)rule;
    f->hook = (uint8_t)hook;
    va_list ap;
    va_start(ap, hook);
    for (;;) {
        Opnd o = va_arg(ap, Opnd);
        if (o.kind == K_NONE)
            break;
        f->op[f->nops++] = o;
    }
    va_end(ap);
    return f;
}

static char *fmt(char *buf, const char *f, ...) {
    va_list ap;
    va_start(ap, f);
    vsnprintf(buf, 64, f, ap);
    va_end(ap);
    return buf;
}

static const char *ALU[8] = {"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"};
/* /6 is SAL, an alias of SHL the manuals do not list but every x86 CPU executes. */
static const char *SHIFT[8] = {"rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar"};
static const char *CC[16] = {"o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"};

/* Copies a mnemonic upper-cased into u (16 bytes). */
static void upcase(char *u, const char *s) {
    int i = 0;
    for (; s[i] && i < 15; i++)
        u[i] = s[i] >= 'a' && s[i] <= 'z' ? (char)(s[i] - 32) : s[i];
    u[i] = 0;
}

static void alu(void) {
    char n[64], t[64], oc[16], u[16];
    for (int op = 0; op < 8; op++) {
        int rule = (op == 1 || op == 4 || op == 6) ? R_LOGIC : R_NONE;
        upcase(u, ALU[op]);
        for (int s = 8; s <= 32; s *= 2) {
            int w = s != 8, b = op * 8;
            const char *z = sfx(s);
            add("alu", fmt(n, "%s_rm%s_r%s", ALU[op], z, z), fmt(t, "%s r/m%s, r%s", u, z, z), osz(s),
                fmt(oc, "%02X", b + w), -1, rule, H_NONE, O(K_RM, s, C_DATA), O(K_REG, s, C_DATA), NO);
            add("alu", fmt(n, "%s_r%s_rm%s", ALU[op], z, z), fmt(t, "%s r%s, r/m%s", u, z, z), osz(s),
                fmt(oc, "%02X", b + 2 + w), -1, rule, H_NONE, O(K_REG, s, C_DATA), O(K_RM, s, C_DATA), NO);
            add("alu", fmt(n, "%s_acc%s_imm", ALU[op], z), fmt(t, "%s %s, imm%s", u, s == 8 ? "AL" : s == 16 ? "AX" : "EAX", z),
                osz(s), fmt(oc, "%02X", b + 4 + w), -1, rule, H_NONE, O(K_ACC, s, C_DATA), O(K_IMM, s, C_DATA), NO);
            add("alu", fmt(n, "%s_rm%s_imm", ALU[op], z), fmt(t, "%s r/m%s, imm%s", u, z, z), osz(s),
                s == 8 ? "80" : "81", op, rule, H_NONE, O(K_RM, s, C_DATA), O(K_IMM, s, C_DATA), NO);
            if (s != 8)
                add("alu", fmt(n, "%s_rm%s_imm8", ALU[op], z), fmt(t, "%s r/m%s, imm8 (sign-extended)", u, z), osz(s),
                    "83", op, rule, H_NONE, O(K_RM, s, C_DATA), O(K_IMM8, 8, C_DATA), NO);
        }
        add("alu", fmt(n, "%s_rm8_imm_82", ALU[op]), fmt(t, "%s r/m8, imm8 (82, an alias of 80)", u), -1, "82", op,
            rule, H_NONE, O(K_RM, 8, C_DATA), O(K_IMM, 8, C_DATA), NO);
    }
}

static void unary(void) {
    char n[64], t[64];
    for (int s = 8; s <= 32; s *= 2) {
        const char *z = sfx(s), *g3 = s == 8 ? "F6" : "F7";
        add("unary", fmt(n, "test_rm%s_r%s", z, z), fmt(t, "TEST r/m%s, r%s", z, z), osz(s), s == 8 ? "84" : "85",
            -1, R_LOGIC, H_NONE, O(K_RM, s, C_DATA), O(K_REG, s, C_DATA), NO);
        add("unary", fmt(n, "test_rm%s_imm", z), fmt(t, "TEST r/m%s, imm%s", z, z), osz(s), g3, 0, R_LOGIC, H_NONE,
            O(K_RM, s, C_DATA), O(K_IMM, s, C_DATA), NO);
        add("unary", fmt(n, "test_rm%s_imm_alias", z), fmt(t, "TEST r/m%s, imm%s (/1, an alias of /0)", z, z), osz(s),
            g3, 1, R_LOGIC, H_NONE, O(K_RM, s, C_DATA), O(K_IMM, s, C_DATA), NO);
        add("unary", fmt(n, "test_acc%s_imm", z), fmt(t, "TEST %s, imm%s", s == 8 ? "AL" : s == 16 ? "AX" : "EAX", z),
            osz(s), s == 8 ? "A8" : "A9", -1, R_LOGIC, H_NONE, O(K_ACC, s, C_DATA), O(K_IMM, s, C_DATA), NO);
        add("unary", fmt(n, "inc_rm%s", z), fmt(t, "INC r/m%s", z), osz(s), s == 8 ? "FE" : "FF", 0, R_NONE, H_NONE,
            O(K_RM, s, C_DATA), NO);
        add("unary", fmt(n, "dec_rm%s", z), fmt(t, "DEC r/m%s", z), osz(s), s == 8 ? "FE" : "FF", 1, R_NONE, H_NONE,
            O(K_RM, s, C_DATA), NO);
        add("unary", fmt(n, "not_rm%s", z), fmt(t, "NOT r/m%s", z), osz(s), g3, 2, R_NONE, H_NONE,
            O(K_RM, s, C_DATA), NO);
        add("unary", fmt(n, "neg_rm%s", z), fmt(t, "NEG r/m%s", z), osz(s), g3, 3, R_NONE, H_NONE,
            O(K_RM, s, C_DATA), NO);
        if (s != 8) {
            add("unary", fmt(n, "inc_r%s_short", z), fmt(t, "INC r%s (40+r)", z), osz(s), "40", -1, R_NONE, H_NONE,
                O(K_OPREG, s, C_DATA), NO);
            add("unary", fmt(n, "dec_r%s_short", z), fmt(t, "DEC r%s (48+r)", z), osz(s), "48", -1, R_NONE, H_NONE,
                O(K_OPREG, s, C_DATA), NO);
        }
    }
}

static void shifts(void) {
    char n[64], t[64], u[16];
    for (int op = 0; op < 8; op++) {
        int rule = op < 4 ? R_ROT : op == 7 ? R_SAR : R_SHIFT;
        upcase(u, SHIFT[op]);
        for (int s = 8; s <= 32; s *= 2) {
            const char *z = sfx(s);
            int w = s != 8;
            add("shift", fmt(n, "%s_rm%s_1", SHIFT[op], z), fmt(t, "%s r/m%s, 1", u, z), osz(s), w ? "D1" : "D0", op,
                rule, H_NONE, O(K_RM, s, C_DATA), O(K_ONE, 8, C_NONE), NO);
            add("shift", fmt(n, "%s_rm%s_cl", SHIFT[op], z), fmt(t, "%s r/m%s, CL", u, z), osz(s), w ? "D3" : "D2", op,
                rule, H_NONE, O(K_RM, s, C_DATA), O(K_CL, 8, C_COUNT), NO);
            add("shift", fmt(n, "%s_rm%s_imm8", SHIFT[op], z), fmt(t, "%s r/m%s, imm8", u, z), osz(s), w ? "C1" : "C0",
                op, rule, H_NONE, O(K_RM, s, C_DATA), O(K_IMM8, 8, C_COUNT), NO);
        }
    }
    for (int s = 16; s <= 32; s *= 2) {
        const char *z = sfx(s);
        add("shiftd", fmt(n, "shld_rm%s_r%s_imm8", z, z), fmt(t, "SHLD r/m%s, r%s, imm8", z, z), osz(s), "0F A4", -1,
            R_SHXD, H_NONE, O(K_RM, s, C_DATA), O(K_REG, s, C_DATA), O(K_IMM8, 8, C_COUNTD), NO);
        add("shiftd", fmt(n, "shld_rm%s_r%s_cl", z, z), fmt(t, "SHLD r/m%s, r%s, CL", z, z), osz(s), "0F A5", -1,
            R_SHXD, H_NONE, O(K_RM, s, C_DATA), O(K_REG, s, C_DATA), O(K_CL, 8, C_COUNTD), NO);
        add("shiftd", fmt(n, "shrd_rm%s_r%s_imm8", z, z), fmt(t, "SHRD r/m%s, r%s, imm8", z, z), osz(s), "0F AC", -1,
            R_SHXD, H_NONE, O(K_RM, s, C_DATA), O(K_REG, s, C_DATA), O(K_IMM8, 8, C_COUNTD), NO);
        add("shiftd", fmt(n, "shrd_rm%s_r%s_cl", z, z), fmt(t, "SHRD r/m%s, r%s, CL", z, z), osz(s), "0F AD", -1,
            R_SHXD, H_NONE, O(K_RM, s, C_DATA), O(K_REG, s, C_DATA), O(K_CL, 8, C_COUNTD), NO);
    }
}

static void muldiv(void) {
    char n[64], t[64];
    static const char *names[4] = {"mul", "imul", "div", "idiv"};
    for (int s = 8; s <= 32; s *= 2) {
        const char *z = sfx(s), *g3 = s == 8 ? "F6" : "F7";
        for (int k = 0; k < 4; k++) {
            char u[16];
            upcase(u, names[k]);
            if (k < 2)
                add("muldiv", fmt(n, "%s_rm%s", names[k], z), fmt(t, "%s r/m%s", u, z), osz(s), g3, 4 + k, R_MUL,
                    H_NONE, O(K_RM, s, C_DATA), O(K_ACC, s, C_DATA), NO);
            else
                add("muldiv", fmt(n, "%s_rm%s", names[k], z), fmt(t, "%s r/m%s", u, z), osz(s), g3, 4 + k, R_DIV,
                    k == 2 ? H_DIV : H_IDIV, O(K_RM, s, C_DATA), O(K_DXAX, s, C_DATA), NO);
        }
        if (s == 8)
            continue;
        add("muldiv", fmt(n, "imul_r%s_rm%s", z, z), fmt(t, "IMUL r%s, r/m%s", z, z), osz(s), "0F AF", -1, R_MUL,
            H_NONE, O(K_REG, s, C_DATA), O(K_RM, s, C_DATA), NO);
        add("muldiv", fmt(n, "imul_r%s_rm%s_imm", z, z), fmt(t, "IMUL r%s, r/m%s, imm%s", z, z, z), osz(s), "69", -1,
            R_MUL, H_NONE, O(K_REG, s, C_WO), O(K_RM, s, C_DATA), O(K_IMM, s, C_DATA), NO);
        add("muldiv", fmt(n, "imul_r%s_rm%s_imm8", z, z), fmt(t, "IMUL r%s, r/m%s, imm8", z, z), osz(s), "6B", -1,
            R_MUL, H_NONE, O(K_REG, s, C_WO), O(K_RM, s, C_DATA), O(K_IMM8, 8, C_DATA), NO);
    }
}

static void bcd(void) {
    add("bcd", "daa", "DAA", -1, "27", -1, R_DAA, H_NONE, O(K_ACC, 8, C_ALL8), NO);
    add("bcd", "das", "DAS", -1, "2F", -1, R_DAA, H_NONE, O(K_ACC, 8, C_ALL8), NO);
    add("bcd", "aaa", "AAA", -1, "37", -1, R_AAA, H_NONE, O(K_ACC, 8, C_ALL8), O(K_AH, 8, C_DATA), NO);
    add("bcd", "aas", "AAS", -1, "3F", -1, R_AAA, H_NONE, O(K_ACC, 8, C_ALL8), O(K_AH, 8, C_DATA), NO);
    add("bcd", "aam_imm8", "AAM imm8", -1, "D4", -1, R_AAM, H_NONE, O(K_ACC, 8, C_ALL8), O(K_IMM8, 8, C_BASE), NO);
    add("bcd", "aad_imm8", "AAD imm8", -1, "D5", -1, R_AAM, H_NONE, O(K_ACC, 8, C_ALL8), O(K_IMM8, 8, C_BASE),
        O(K_AH, 8, C_DATA), NO);
}

static void bits(void) {
    char n[64], t[64], oc[16];
    static const char *bt[4] = {"bt", "bts", "btr", "btc"};
    for (int s = 16; s <= 32; s *= 2) {
        const char *z = sfx(s);
        for (int k = 0; k < 4; k++) {
            char u[16];
            upcase(u, bt[k]);
            add("bit", fmt(n, "%s_rm%s_r%s", bt[k], z, z), fmt(t, "%s r/m%s, r%s", u, z, z), osz(s),
                fmt(oc, "0F %02X", 0xA3 + 8 * k), -1, R_BT, H_NONE, O(K_RM, s, C_DATA), O(K_REG, s, C_BITOFF), NO);
            add("bit", fmt(n, "%s_rm%s_imm8", bt[k], z), fmt(t, "%s r/m%s, imm8", u, z), osz(s), "0F BA", 4 + k,
                R_BT, H_NONE, O(K_RM, s, C_DATA), O(K_IMM8, 8, C_BITOFF), NO);
        }
        /* BSF/BSR read their destination too: this CPU leaves it unchanged for a zero source. */
        add("bit", fmt(n, "bsf_r%s_rm%s", z, z), fmt(t, "BSF r%s, r/m%s", z, z), osz(s), "0F BC", -1, R_BSF, H_NONE,
            O(K_RM, s, C_DATA), O(K_REG, s, C_DATA), NO);
        add("bit", fmt(n, "bsr_r%s_rm%s", z, z), fmt(t, "BSR r%s, r/m%s", z, z), osz(s), "0F BD", -1, R_BSF, H_NONE,
            O(K_RM, s, C_DATA), O(K_REG, s, C_DATA), NO);
    }
    add("bit", "bswap_r32", "BSWAP r32", -1, "0F C8", -1, R_NONE, H_NONE, O(K_OPREG, 32, C_DATA), NO);
}

static void cond(void) {
    char n[64], t[64], oc[16];
    for (int c = 0; c < 16; c++) {
        char u[16];
        upcase(u, CC[c]);
        add("cond", fmt(n, "set%s_rm8", CC[c]), fmt(t, "SET%s r/m8", u), -1, fmt(oc, "0F %02X", 0x90 + c), 0,
            R_NONE, H_NONE, O(K_RM, 8, C_WO), NO);
        for (int s = 16; s <= 32; s *= 2)
            add("cond", fmt(n, "cmov%s_r%s_rm%s", CC[c], sfx(s), sfx(s)), fmt(t, "CMOV%s r%s, r/m%s", u, sfx(s), sfx(s)),
                osz(s), fmt(oc, "0F %02X", 0x40 + c), -1, R_NONE, H_NONE, O(K_REG, s, C_DATA), O(K_RM, s, C_DATA), NO);
    }
}

static void exchange(void) {
    char n[64], t[64];
    for (int s = 8; s <= 32; s *= 2) {
        const char *z = sfx(s);
        int w = s != 8;
        add("xchg", fmt(n, "xchg_rm%s_r%s", z, z), fmt(t, "XCHG r/m%s, r%s", z, z), osz(s), w ? "87" : "86", -1, R_NONE,
            H_NONE, O(K_RM, s, C_DATA), O(K_REG, s, C_DATA), NO);
        add("xchg", fmt(n, "xadd_rm%s_r%s", z, z), fmt(t, "XADD r/m%s, r%s", z, z), osz(s), w ? "0F C1" : "0F C0", -1,
            R_NONE, H_NONE, O(K_RM, s, C_DATA), O(K_REG, s, C_DATA), NO);
        add("xchg", fmt(n, "cmpxchg_rm%s_r%s", z, z), fmt(t, "CMPXCHG r/m%s, r%s", z, z), osz(s), w ? "0F B1" : "0F B0",
            -1, R_NONE, H_CMPXCHG, O(K_RM, s, C_DATA), O(K_REG, s, C_DATA), O(K_ACC, s, C_DATA), NO);
        if (s != 8)
            add("xchg", fmt(n, "xchg_r%s_acc", z), fmt(t, "XCHG r%s, %s (90+r; 90 is NOP)", z, s == 16 ? "AX" : "EAX"),
                osz(s), "90", -1, R_NONE, H_NONE, O(K_OPREG, s, C_DATA), O(K_ACC, s, C_DATA), NO);
    }
    add("xchg", "cmpxchg8b_m64", "CMPXCHG8B m64 (register form: #UD)", -1, "0F C7", 1, R_NONE, H_CMPXCHG8B,
        O(K_M, 64, C_DATA), O(K_EDXEAX, 64, C_DATA), O(K_ECXEBX, 64, C_DATA), NO);
}

static void convert(void) {
    add("convert", "cbw", "CBW", 0x66, "98", -1, R_NONE, H_NONE, O(K_ACC, 8, C_DATA), NO);
    add("convert", "cwde", "CWDE", -1, "98", -1, R_NONE, H_NONE, O(K_ACC, 16, C_DATA), NO);
    add("convert", "cwd", "CWD", 0x66, "99", -1, R_NONE, H_NONE, O(K_ACC, 16, C_DATA), NO);
    add("convert", "cdq", "CDQ", -1, "99", -1, R_NONE, H_NONE, O(K_ACC, 32, C_DATA), NO);
    add("convert", "lahf", "LAHF", -1, "9F", -1, R_NONE, H_NONE, O(K_AH, 8, C_WO), NO);
    add("convert", "sahf", "SAHF", -1, "9E", -1, R_NONE, H_NONE, O(K_AH, 8, C_ALL8), NO);
    add("convert", "movzx_r16_rm8", "MOVZX r16, r/m8", 0x66, "0F B6", -1, R_NONE, H_NONE, O(K_REG, 16, C_WO), O(K_RM, 8, C_DATA), NO);
    add("convert", "movzx_r32_rm8", "MOVZX r32, r/m8", -1, "0F B6", -1, R_NONE, H_NONE, O(K_REG, 32, C_WO), O(K_RM, 8, C_DATA), NO);
    add("convert", "movzx_r32_rm16", "MOVZX r32, r/m16", -1, "0F B7", -1, R_NONE, H_NONE, O(K_REG, 32, C_WO), O(K_RM, 16, C_DATA), NO);
    add("convert", "movsx_r16_rm8", "MOVSX r16, r/m8", 0x66, "0F BE", -1, R_NONE, H_NONE, O(K_REG, 16, C_WO), O(K_RM, 8, C_DATA), NO);
    add("convert", "movsx_r32_rm8", "MOVSX r32, r/m8", -1, "0F BE", -1, R_NONE, H_NONE, O(K_REG, 32, C_WO), O(K_RM, 8, C_DATA), NO);
    add("convert", "movsx_r32_rm16", "MOVSX r32, r/m16", -1, "0F BF", -1, R_NONE, H_NONE, O(K_REG, 32, C_WO), O(K_RM, 16, C_DATA), NO);
}

static void moves(void) {
    char n[64], t[64];
    for (int s = 8; s <= 32; s *= 2) {
        const char *z = sfx(s);
        int w = s != 8;
        add("mov", fmt(n, "mov_rm%s_r%s", z, z), fmt(t, "MOV r/m%s, r%s", z, z), osz(s), w ? "89" : "88", -1, R_NONE,
            H_NONE, O(K_RM, s, C_WO), O(K_REG, s, C_DATA), NO);
        add("mov", fmt(n, "mov_r%s_rm%s", z, z), fmt(t, "MOV r%s, r/m%s", z, z), osz(s), w ? "8B" : "8A", -1, R_NONE,
            H_NONE, O(K_REG, s, C_WO), O(K_RM, s, C_DATA), NO);
        add("mov", fmt(n, "mov_rm%s_imm", z), fmt(t, "MOV r/m%s, imm%s", z, z), osz(s), w ? "C7" : "C6", 0, R_NONE,
            H_NONE, O(K_RM, s, C_WO), O(K_IMM, s, C_DATA), NO);
        add("mov", fmt(n, "mov_r%s_imm_short", z), fmt(t, "MOV r%s, imm%s (%s+r)", z, z, w ? "B8" : "B0"), osz(s),
            w ? "B8" : "B0", -1, R_NONE, H_NONE, O(K_OPREG, s, C_WO), O(K_IMM, s, C_DATA), NO);
    }
}

static void strings(void) {
    char n[64], t[64], oc[8];
    static const struct {
        const char *name;
        int op;
        int reps; /* 1: REP; 2: REPE and REPNE */
    } S[5] = {{"movs", 0xA4, 1}, {"cmps", 0xA6, 2}, {"stos", 0xAA, 1}, {"lods", 0xAC, 1}, {"scas", 0xAE, 2}};
    for (int k = 0; k < 5; k++) {
        int rule = R_NONE;
        for (int s = 8; s <= 32; s *= 2) {
            char u[8], z = s == 8 ? 'b' : s == 16 ? 'w' : 'd';
            upcase(u, S[k].name);
            snprintf(oc, sizeof oc, "%02X", S[k].op + (s != 8));
            add("string", fmt(n, "%s%c", S[k].name, z), fmt(t, "%s%c", u, z - 32), osz(s), oc, -1, rule, H_STRING,
                O(K_ACC, s, C_DATA), NO);
            if (S[k].reps == 1) {
                Form *f = add("string", fmt(n, "rep_%s%c", S[k].name, z), fmt(t, "REP %s%c", u, z - 32), 0xF3, oc, -1,
                              rule, H_REPSTRING, O(K_ACC, s, C_DATA), NO);
                if (s == 16) { /* the operand-size prefix follows REP */
                    f->opcode[f->oplen++] = f->opcode[1];
                    f->opcode[1] = 0x66;
                }
            } else {
                for (int r = 0; r < 2; r++) {
                    Form *f = add("string", fmt(n, "%s_%s%c", r ? "repne" : "repe", S[k].name, z),
                                  fmt(t, "%s %s%c", r ? "REPNE" : "REPE", u, z - 32), r ? 0xF2 : 0xF3, oc, -1, rule,
                                  H_REPSTRING, O(K_ACC, s, C_DATA), NO);
                    if (s == 16) {
                        f->opcode[f->oplen++] = f->opcode[1];
                        f->opcode[1] = 0x66;
                    }
                }
            }
        }
    }
    add("string", "xlat", "XLAT (D7)", -1, "D7", -1, R_NONE, H_XLAT, O(K_ACC, 8, C_ALL8), NO);
}

static void lea(void) {
    Form *f;
    add("lea", "lea_r32_m", "LEA r32, m (32-bit addressing)", -1, "8D", -1, R_NONE, H_LEA, O(K_REG, 32, C_WO),
        O(K_M, 32, C_NONE), NO);
    add("lea", "lea_r16_m", "LEA r16, m (32-bit addressing)", 0x66, "8D", -1, R_NONE, H_LEA, O(K_REG, 16, C_WO),
        O(K_M, 32, C_NONE), NO);
    f = add("lea", "lea_r32_m16", "LEA r32, m (16-bit addressing, 67)", 0x67, "8D", -1, R_NONE, H_LEA,
            O(K_REG, 32, C_WO), O(K_M, 16, C_NONE), NO);
    f->addr16 = 1;
    f = add("lea", "lea_r16_m16", "LEA r16, m (16-bit addressing, 66 67)", 0x66, "67 8D", -1, R_NONE, H_LEA,
            O(K_REG, 16, C_WO), O(K_M, 16, C_NONE), NO);
    f->addr16 = 1;
    add("lea", "lea_r32_reg", "LEA r32, r32 (register form: #UD)", -1, "8D", -1, R_NONE, H_UD, O(K_REG, 32, C_WO),
        O(K_RM, 32, C_DATA), NO);
}

static void flagops(void) {
    add("flag", "clc", "CLC", -1, "F8", -1, R_NONE, H_NONE, NO);
    add("flag", "stc", "STC", -1, "F9", -1, R_NONE, H_NONE, NO);
    add("flag", "cmc", "CMC", -1, "F5", -1, R_NONE, H_NONE, NO);
    add("flag", "cld", "CLD", -1, "FC", -1, R_NONE, H_NONE, NO);
    add("flag", "std", "STD", -1, "FD", -1, R_NONE, H_NONE, NO);
}

static void moffs(void) {
    char n[64], t[64];
    for (int s = 8; s <= 32; s *= 2) {
        const char *z = sfx(s), *acc = s == 8 ? "AL" : s == 16 ? "AX" : "EAX";
        int w = s != 8;
        add("mov", fmt(n, "mov_acc%s_moffs", z), fmt(t, "MOV %s, moffs%s", acc, z), osz(s), w ? "A1" : "A0", -1,
            R_NONE, H_NONE, O(K_ACC, s, C_WO), O(K_MOFFS, s, C_DATA), NO);
        add("mov", fmt(n, "mov_moffs%s_acc", z), fmt(t, "MOV moffs%s, %s", z, acc), osz(s), w ? "A3" : "A2", -1,
            R_NONE, H_NONE, O(K_MOFFS, s, C_WO), O(K_ACC, s, C_DATA), NO);
    }
}

static void stack(void) {
    char n[64], t[64];
    for (int s = 16; s <= 32; s *= 2) {
        const char *z = sfx(s);
        add("stack", fmt(n, "push_r%s", z), fmt(t, "PUSH r%s (50+r)", z), osz(s), "50", -1, R_NONE, H_STACK,
            O(K_OPREG, s, C_DATA), NO);
        add("stack", fmt(n, "pop_r%s", z), fmt(t, "POP r%s (58+r)", z), osz(s), "58", -1, R_NONE, H_STACK,
            O(K_OPREG, s, C_WO), NO);
        add("stack", fmt(n, "push_rm%s", z), fmt(t, "PUSH r/m%s", z), osz(s), "FF", 6, R_NONE, H_STACK,
            O(K_RM, s, C_DATA), NO);
        add("stack", fmt(n, "pop_rm%s", z), fmt(t, "POP r/m%s", z), osz(s), "8F", 0, R_NONE, H_STACK,
            O(K_RM, s, C_WO), NO);
        add("stack", fmt(n, "push_imm%s", z), fmt(t, "PUSH imm%s", z), osz(s), "68", -1, R_NONE, H_STACK,
            O(K_IMM, s, C_DATA), NO);
        add("stack", fmt(n, "push_imm8_%s", z), fmt(t, "PUSH imm8 (sign-extended to %s bits)", z), osz(s), "6A", -1,
            R_NONE, H_STACK, O(K_IMM8, 8, C_DATA), NO);
    }
    add("stack", "pushad", "PUSHAD", -1, "60", -1, R_NONE, H_STACK, NO);
    add("stack", "popad", "POPAD", -1, "61", -1, R_NONE, H_STACK, NO);
    add("stack", "pushfd", "PUSHFD", -1, "9C", -1, R_NONE, H_STACK, NO);
    add("stack", "popfd", "POPFD (arithmetic flags and DF)", -1, "9D", -1, R_NONE, H_STACK, NO)->popf = 1;
    add("stack", "leave", "LEAVE", -1, "C9", -1, R_NONE, H_STACK, NO);
    add("stack", "enter", "ENTER imm16, imm8", -1, "C8", -1, R_NONE, H_STACK, O(K_IMM, 16, C_FRAME),
        O(K_IMM8, 8, C_LEVEL), NO);
}

static void branches(void) {
    char n[64], t[64], oc[16];
    for (int c = 0; c < 16; c++) {
        char u[16];
        upcase(u, CC[c]);
        add("branch", fmt(n, "j%s_rel8", CC[c]), fmt(t, "J%s rel8", u), -1, fmt(oc, "%02X", 0x70 + c), -1, R_NONE,
            H_NONE, O(K_REL8, 8, C_NONE), NO);
        add("branch", fmt(n, "j%s_rel32", CC[c]), fmt(t, "J%s rel32", u), -1, fmt(oc, "0F %02X", 0x80 + c), -1,
            R_NONE, H_NONE, O(K_REL32, 32, C_NONE), NO);
    }
    add("branch", "jmp_rel8", "JMP rel8", -1, "EB", -1, R_NONE, H_NONE, O(K_REL8, 8, C_NONE), NO);
    add("branch", "jmp_rel32", "JMP rel32", -1, "E9", -1, R_NONE, H_NONE, O(K_REL32, 32, C_NONE), NO);
    add("branch", "jmp_rm32", "JMP r/m32", -1, "FF", 4, R_NONE, H_NONE, O(K_RM, 32, C_TARGET), NO);
    add("branch", "call_rel32", "CALL rel32", -1, "E8", -1, R_NONE, H_STACK, O(K_REL32, 32, C_NONE), NO);
    add("branch", "call_rm32", "CALL r/m32", -1, "FF", 2, R_NONE, H_STACK, O(K_RM, 32, C_TARGET), NO);
    add("branch", "ret", "RET", -1, "C3", -1, R_NONE, H_RET, NO);
    add("branch", "ret_imm16", "RET imm16", -1, "C2", -1, R_NONE, H_RET, O(K_IMM, 16, C_DATA), NO);
    static const char *LOOPS[4] = {"loopne", "loope", "loop", "jecxz"};
    for (int k = 0; k < 4; k++) {
        char u[16];
        upcase(u, LOOPS[k]);
        add("branch", fmt(n, "%s_rel8", LOOPS[k]), fmt(t, "%s rel8", u), -1, fmt(oc, "%02X", 0xE0 + k), -1, R_NONE,
            H_NONE, O(K_ECX, 32, C_LOOP), O(K_REL8, 8, C_NONE), NO);
        add("branch", fmt(n, "%s_a16_rel8", LOOPS[k]), fmt(t, "%s rel8 (67: CX)", k == 3 ? "JCXZ" : u), 0x67,
            fmt(oc, "%02X", 0xE0 + k), -1, R_NONE, H_NONE, O(K_ECX, 32, C_LOOP), O(K_REL8, 8, C_NONE), NO);
    }
}

static void misc(void) {
    add("misc", "nop", "NOP", -1, "90", -1, R_NONE, H_NONE, NO);
    add("misc", "nop_66", "NOP (66 90)", 0x66, "90", -1, R_NONE, H_NONE, NO);
    add("misc", "nop_rm32", "NOP r/m32 (0F 1F /0)", -1, "0F 1F", 0, R_NONE, H_NONE, O(K_RM, 32, C_WO), NO);
    add("misc", "ud2", "UD2 (#UD)", -1, "0F 0B", -1, R_NONE, H_NONE, NO);
    add("misc", "salc", "SALC (D6: AL = CF ? FF : 00)", -1, "D6", -1, R_NONE, H_NONE, O(K_ACC, 8, C_DATA), NO);
    add("misc", "into", "INTO (#OF when OF = 1, a trap)", -1, "CE", -1, R_NONE, H_NONE, NO);
    /* ARPL is pure arithmetic on selector values: raise the RPL of r/m16 to that of r16, ZF says whether it did. */
    add("misc", "arpl_rm16_r16", "ARPL r/m16, r16", -1, "63", -1, R_NONE, H_NONE, O(K_RM, 16, C_DATA),
        O(K_REG, 16, C_DATA), NO);
    add("misc", "bound_r32_m32_32", "BOUND r32, m32&32 (#BR out of bounds)", -1, "62", -1, R_NONE, H_BOUND,
        O(K_REG, 32, C_DATA), O(K_M, 64, C_DATA), NO);
    add("misc", "bound_r16_m16_16", "BOUND r16, m16&16 (#BR out of bounds)", 0x66, "62", -1, R_NONE, H_BOUND,
        O(K_REG, 16, C_DATA), O(K_M, 32, C_DATA), NO);
}

/* 16-bit addressing (67) on memory operands, through an FS override (see FS_LIMIT). */
static void addr16(void) {
    Form *f[] = {
        add("addr16", "add_m32_r32_a16", "ADD m32, r32 (67 64: 16-bit address in FS)", 0x64, "67 01", -1, R_NONE,
            H_NONE, O(K_M, 32, C_DATA), O(K_REG, 32, C_DATA), NO),
        add("addr16", "mov_r32_m32_a16", "MOV r32, m32 (67 64)", 0x64, "67 8B", -1, R_NONE, H_NONE,
            O(K_REG, 32, C_WO), O(K_M, 32, C_DATA), NO),
        add("addr16", "mov_m8_r8_a16", "MOV m8, r8 (67 64)", 0x64, "67 88", -1, R_NONE, H_NONE, O(K_M, 8, C_WO),
            O(K_REG, 8, C_DATA), NO),
        add("addr16", "sub_m16_imm_a16", "SUB m16, imm16 (67 64 66)", 0x64, "67 66 81", 5, R_NONE, H_NONE,
            O(K_M, 16, C_DATA), O(K_IMM, 16, C_DATA), NO),
        add("addr16", "inc_m8_a16", "INC m8 (67 64)", 0x64, "67 FE", 0, R_NONE, H_NONE, O(K_M, 8, C_DATA), NO),
        add("addr16", "xchg_m32_r32_a16", "XCHG m32, r32 (67 64)", 0x64, "67 87", -1, R_NONE, H_NONE,
            O(K_M, 32, C_DATA), O(K_REG, 32, C_DATA), NO),
        add("addr16", "shl_m32_cl_a16", "SHL m32, CL (67 64)", 0x64, "67 D3", 4, R_SHIFT, H_NONE,
            O(K_M, 32, C_DATA), O(K_CL, 8, C_COUNT), NO),
        add("addr16", "push_m32_a16", "PUSH m32 (67 64)", 0x64, "67 FF", 6, R_NONE, H_STACK, O(K_M, 32, C_DATA), NO),
    };
    for (unsigned i = 0; i < sizeof f / sizeof f[0]; i++)
        f[i]->addr16 = 1;
}

static void locked(void) {
    char n[64], t[64], oc[16], u[16];
    for (int op = 0; op < 7; op++) { /* CMP cannot be locked */
        upcase(u, ALU[op]);
        add("lock", fmt(n, "lock_%s_m32_r32", ALU[op]), fmt(t, "LOCK %s m32, r32 (register form: #UD)", u), 0xF0,
            fmt(oc, "%02X", op * 8 + 1), -1, (op == 1 || op == 4 || op == 6) ? R_LOGIC : R_NONE, H_LOCK,
            O(K_RM, 32, C_DATA), O(K_REG, 32, C_DATA), NO);
    }
    add("lock", "lock_xadd_m32_r32", "LOCK XADD m32, r32", 0xF0, "0F C1", -1, R_NONE, H_LOCK, O(K_RM, 32, C_DATA),
        O(K_REG, 32, C_DATA), NO);
    add("lock", "lock_inc_m32", "LOCK INC m32", 0xF0, "FF", 0, R_NONE, H_LOCK, O(K_RM, 32, C_DATA), NO);
    add("lock", "lock_bts_m32_r32", "LOCK BTS m32, r32", 0xF0, "0F AB", -1, R_BT, H_LOCK, O(K_RM, 32, C_DATA),
        O(K_REG, 32, C_BITOFF), NO);
    add("lock", "lock_mov_m32_r32", "LOCK MOV m32, r32 (#UD: MOV cannot be locked)", 0xF0, "89", -1, R_NONE, H_LOCK,
        O(K_RM, 32, C_WO), O(K_REG, 32, C_DATA), NO);
}

void build_forms(void) {
    alu();
    unary();
    shifts();
    muldiv();
    bcd();
    bits();
    cond();
    exchange();
    convert();
    moves();
    strings();
    lea();
    flagops();
    moffs();
    stack();
    branches();
    locked();
    misc();
    addr16();
}
