/* LAR, LSL, VERR, VERW and ARPL: the instructions that ask what a selector
 * may do without faulting.  A GDT and an LDT hold every kind of descriptor
 * (code, conforming code, data of each DPL, read-only, expand-down, absent,
 * TSSs, LDTs, call/task/interrupt/trap gates, reserved system types), and the
 * GDT limit ends in the middle of a descriptor.  In ring 0 and in ring 3 (IOPL
 * 3, so it can print), with RPL 0 and RPL 3, each selector goes through LAR and
 * LSL in 32 and 16 bits (register source) and VERR and VERW; a line prints ZF
 * and the destination, which must keep its old contents when ZF is 0.  Then
 * memory source operands, ARPL for every pair of RPLs in a register and in
 * memory, and, with paging on, a memory source on an absent page (#PF).
 * LAR's bits 19:16 are undefined and are printed as 0, and so is the accessed
 * bit (8): the processor sets it in a descriptor whenever a segment register is
 * loaded from it, but QEMU does not for CS loaded by a far jump or IRET. */
#include "ring3.h"

#define GDT_ENTRIES 31
#define LDT_ENTRIES 4
#define BEFORE 0xA5A5A5A5u          /* the destination's contents before each instruction */
#define UNPRINTED_LAR_BITS 0x000F0100u   /* undefined bits 19:16, the accessed bit */

static uint64_t gdt[GDT_ENTRIES] __attribute__((aligned(8)));
static uint64_t ldt[LDT_ENTRIES] __attribute__((aligned(8)));

/* GDT entries after the nine ring3_init() made (0x08 ring-0 code ... 0x40 ring-0 code). */
static const struct { uint8_t access, flags; uint32_t base, limit; } extra[] = {
    { 0x9E, 0xC, 0, 0xFFFFF },      /* 0x48 conforming readable code, DPL 0 */
    { 0xFC, 0xC, 0, 0xFFFFF },      /* 0x50 conforming execute-only code, DPL 3 */
    { 0xB2, 0xC, 0, 0xFFFFF },      /* 0x58 data, DPL 1 */
    { 0xD0, 0x4, 0x1000, 0x12345 }, /* 0x60 read-only data, DPL 2, byte-granular limit */
    { 0x72, 0xC, 0, 0xFFFFF },      /* 0x68 data, DPL 3, not present */
    { 0xF8, 0xC, 0, 0xFFFFF },      /* 0x70 execute-only code, DPL 3 */
    { 0xE9, 0x0, 0, 0x67 },         /* 0x78 available 32-bit TSS, DPL 3 */
    { 0x81, 0x0, 0, 0x2B },         /* 0x80 available 16-bit TSS, DPL 0 */
    { 0x82, 0x0, 0, 0 },            /* 0x88 the LDT, DPL 0 (base and limit set below) */
    { 0xE2, 0x0, 0, 0 },            /* 0x90 the LDT, DPL 3 */
    { 0xEC, 0x0, 0, 0 },            /* 0x98 32-bit call gate, DPL 3 */
    { 0x84, 0x0, 0, 0 },            /* 0xA0 16-bit call gate, DPL 0 */
    { 0xE5, 0x0, 0, 0 },            /* 0xA8 task gate, DPL 3 */
    { 0xEE, 0x0, 0, 0 },            /* 0xB0 32-bit interrupt gate, DPL 3 */
    { 0xEF, 0x0, 0, 0 },            /* 0xB8 32-bit trap gate, DPL 3 */
    { 0xE8, 0x0, 0, 0x67 },         /* 0xC0 reserved system type 8, DPL 3 */
    { 0xED, 0x0, 0, 0x67 },         /* 0xC8 reserved system type D, DPL 3 */
    { 0xE3, 0x0, 0, 0x2B },         /* 0xD0 busy 16-bit TSS, DPL 3 */
    { 0x6C, 0x0, 0, 0 },            /* 0xD8 32-bit call gate, DPL 3, not present */
    { 0xF6, 0xC, 0, 0xFFFF0 },      /* 0xE0 expand-down writable data, DPL 3, 4 KiB granular */
    { 0xF2, 0x1, 0, 0xABCDE },      /* 0xE8 data, DPL 3, AVL set, 16-bit, byte-granular */
    { 0xF2, 0xC, 0, 0xFFFFF },      /* 0xF0 straddles the GDT limit: never reachable */
};
#define GDT_LIMIT (GDT_ENTRIES * 8 - 5)     /* ends in the middle of entry 30 (0xF0) */
#define SEL_LDT 0x88

static const uint16_t selectors[] = {
    0x00, 0x08, 0x10, 0x18, 0x20, 0x28, 0x30, 0x38, 0x40, 0x48, 0x50, 0x58, 0x60, 0x68, 0x70,
    0x78, 0x80, 0x88, 0x90, 0x98, 0xA0, 0xA8, 0xB0, 0xB8, 0xC0, 0xC8, 0xD0, 0xD8, 0xE0, 0xE8,
    0xF0, 0xF8, 0xFFF8,
    0x04, 0x0C, 0x14, 0x1C,         /* LDT: entries 0-2 inside its limit, entry 3 beyond */
};

static void build_tables(void)
{
    struct { uint16_t limit; uint32_t base; } __attribute__((packed)) gdtr;
    __asm__ volatile("sgdt %0" : "=m"(gdtr));
    memcpy(gdt, (void *)gdtr.base, gdtr.limit + 1u);    /* the TSS stays busy: TR keeps its cache */
    for (unsigned i = 0; i < sizeof extra / sizeof extra[0]; i++)
        gdt[9 + i] = descriptor(extra[i].base, extra[i].limit, extra[i].access, extra[i].flags);
    gdt[SEL_LDT / 8] = descriptor((uint32_t)ldt, 3 * 8 - 1, 0x82, 0);
    gdt[SEL_LDT / 8 + 1] = descriptor((uint32_t)ldt, 3 * 8 - 1, 0xE2, 0);
    ldt[0] = descriptor(0, 0xFFFFF, 0xF2, 0xC);     /* LDT entry 0 is an ordinary entry */
    ldt[1] = descriptor(0, 0xFFFFF, 0xFA, 0xC);     /* readable code, DPL 3 */
    ldt[2] = descriptor(0, 0xFFFFF, 0x92, 0xC);     /* data, DPL 0 */
    ldt[3] = descriptor(0, 0xFFFFF, 0xF2, 0xC);     /* beyond the LDT limit */
    gdtr.limit = GDT_LIMIT;
    gdtr.base = (uint32_t)gdt;
    __asm__ volatile("lgdt %0\n\tlldt %w1" : : "m"(gdtr), "r"(SEL_LDT) : "memory");
}

/* ZF then the destination, which started as BEFORE. */
static void show(const char *name, int zf, uint32_t value, int digits)
{
    print(name); print_dec(zf); putc(' '); print_hexn(value, digits);
}

/* LAR's destination, with the bits not compared cleared when it was written. */
static void show_lar(const char *name, int zf, uint32_t value, int digits)
{
    show(name, zf, zf ? value & ~UNPRINTED_LAR_BITS : value, digits);
}

/* `insn src, dest` with dest starting as BEFORE, then ZF into zf. */
#define LOAD_CHECKED(insn, dest, src) do { \
        dest = (__typeof__(dest))BEFORE; \
        __asm__ volatile(insn " %2, %0\n\tsetz %1" : "+r"(dest), "=q"(zf) : "r"(src) : "cc"); \
    } while (0)
/* `insn src`, then ZF into zf. */
#define VERIFY(insn, src) __asm__ volatile(insn " %1\n\tsetz %0" : "=q"(zf) : "r"(src) : "cc")

static void check_selector(uint16_t sel)
{
    uint32_t v;
    uint16_t w;
    uint8_t zf;
    print("  sel="); print_hexn(sel, 4);
    LOAD_CHECKED("lar", v, (uint32_t)sel);
    show_lar(" lar=", zf, v, 8);
    LOAD_CHECKED("larw", w, sel);
    show_lar(" lar16=", zf, w, 4);
    LOAD_CHECKED("lsl", v, (uint32_t)sel);
    show(" lsl=", zf, v, 8);
    LOAD_CHECKED("lslw", w, sel);
    show(" lsl16=", zf, w, 4);
    VERIFY("verr", sel);
    print(" verr="); print_dec(zf);
    VERIFY("verw", sel);
    print(" verw="); print_dec(zf);
    nl();
}

/* A selector in its low word; the high word would name no descriptor at all. */
static volatile uint32_t selector_in_memory;

static void check_all(void)
{
    for (int rpl = 0; rpl < 4; rpl += 3) {
        for (unsigned i = 0; i < sizeof selectors / sizeof selectors[0]; i++)
            check_selector((uint16_t)(selectors[i] | rpl));
    }
    /* Memory sources: only the word at the address is the selector. */
    uint32_t lar = BEFORE, lsl = BEFORE;
    uint8_t zf_lar, zf_lsl, zf_verr, zf_verw;
    selector_in_memory = 0xFFF80000u | SEL_UDATA;
    __asm__ volatile("lar %4, %0\n\tsetz %1\n\tlsl %4, %2\n\tsetz %3"
                     : "+r"(lar), "=q"(zf_lar), "+r"(lsl), "=q"(zf_lsl) : "m"(selector_in_memory) : "cc");
    __asm__ volatile("verr %2\n\tsetz %0\n\tverw %2\n\tsetz %1"
                     : "=q"(zf_verr), "=q"(zf_verw) : "m"(selector_in_memory) : "cc");
    print("  memory source sel=0023");
    show_lar(" lar=", zf_lar, lar, 8);
    show(" lsl=", zf_lsl, lsl, 8);
    print(" verr="); print_dec(zf_verr); print(" verw="); print_dec(zf_verw); nl();
}

static volatile uint16_t arpl_word;

static void check_arpl(void)
{
    print("  arpl r16 (dest rpl, src rpl -> zf result):");
    for (uint32_t d = 0; d < 4; d++) {
        for (uint32_t s = 0; s < 4; s++) {
            uint32_t dest = 0x12340010 | d;
            uint8_t zf;
            __asm__ volatile("arpl %w2, %w0\n\tsetz %1" : "+r"(dest), "=q"(zf) : "r"(0xFFF8 | s) : "cc");
            putc(' '); print_dec(d); print_dec(s); putc(':'); print_dec(zf); putc(' '); print_hexn(dest, 8);
        }
    }
    nl();
    print("  arpl m16:");
    for (uint32_t s = 0; s < 4; s++) {
        uint8_t zf;
        arpl_word = 0x0029;
        __asm__ volatile("arpl %w2, %0\n\tsetz %1" : "+m"(arpl_word), "=q"(zf) : "r"(s) : "cc");
        putc(' '); print_dec(s); putc(':'); print_dec(zf); putc(' '); print_hexn(arpl_word, 4);
    }
    nl();
}

static void user_checks(void)
{
    print("ring 3\n");
    check_all();
    check_arpl();
    __asm__ volatile("int $0x2C");
}

/* Page-fault sites: the handler prints what it saw and resumes after the instruction. */
volatile uint32_t at_insn, after_insn;

static void fault_handler(struct frame *f)
{
    print("  vector="); print_dec(f->vector);
    print(" err="); print_hexn(f->err, 4);
    print(" cr2="); print_hexn(read_cr2(), 8);
    print(f->eip == at_insn ? " eip=at-insn" : " eip=WRONG");
    print(" eax="); print_hexn(f->eax, 8);
    nl();
    f->eip = after_insn;
}

int kmain(uint32_t magic, struct mb_info *mbi)
{
    (void)mbi;
    print("selectors: LAR, LSL, VERR, VERW and ARPL on every kind of descriptor\n");
    if (magic != MB_BOOT_MAGIC) { print("FAIL bad magic\n"); return 0x10; }
    idt_init();
    ring3_init();
    build_tables();

    print("ring 0\n");
    check_all();
    check_arpl();
    run_user(user_checks, FL_IOPL3 | 0x0002, 0);

    print("ring 0, paging on, memory sources on an absent page\n");
    paging_identity(16u << 20, PG_P | PG_RW);
    paging_enable(page_dir);
    set_handler(14, fault_handler);
    uint32_t absent = 0x40000000;
    FAULT_SITE("lar (%%ecx), %%eax", : : "a"(BEFORE), "c"(absent) : "memory", "cc");
    FAULT_SITE("lsl 2(%%ecx), %%eax", : : "a"(BEFORE), "c"(absent) : "memory", "cc");
    FAULT_SITE("verr 0xFFF(%%ecx)", : : "a"(BEFORE), "c"(absent) : "memory", "cc");
    FAULT_SITE("verw 4(%%ecx)", : : "a"(BEFORE), "c"(absent) : "memory", "cc");
    FAULT_SITE("arpl %%dx, 6(%%ecx)", : : "a"(BEFORE), "c"(absent), "d"(3) : "memory", "cc");
    print("PASS selectors done\n");
    return 0;
}
