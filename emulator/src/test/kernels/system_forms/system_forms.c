/* Instruction forms a user-mode process cannot record: segment registers (MOV, PUSH/POP, LDS and
 * friends with valid and invalid selectors, FS/GS overrides on based segments, the default DS/SS
 * of 16- and 32-bit addresses), PUSHF/POPF/IRET of the system flags in ring 0 and ring 3,
 * 16-bit near and far transfers (run below 64 KiB from low.S), based and 16-bit code segments,
 * a 16-bit stack segment, INT n/INT3/INTO frames through 32- and 16-bit interrupt and trap gates, IRET and far RET to ring 3 nulling data segments,
 * string instructions with 16-bit addresses, and IN/OUT/INS/OUTS.
 * A value whose upper bits the manual leaves implementation-dependent (MOV r32,Sreg is not one,
 * a 32-bit PUSH of a segment register is) is printed only in its defined bits.  Each faulting
 * site prints its vector, error code and whether EIP and ESP are those of the instruction. */
#include "ring3.h"
#include "system_forms.h"

volatile uint32_t at_insn, after_insn, site_no, site_esp;

static const char *eip_name(uint32_t eip)
{
    return eip == at_insn ? "at-insn" : eip == after_insn ? "after-insn" : "WRONG";
}

/* ESP when the CPU started pushing the frame: just above it in ring 0, in the frame from ring 3. */
static uint32_t esp_at_delivery(struct frame *f)
{
    return (f->cs & 3) ? frame_user_esp(f) : (uint32_t)(&f->eflags + 1);
}

static void fault_handler(struct frame *f)
{
    print("  site="); print_dec(site_no);
    print(" vector="); print_dec(f->vector);
    print(" err="); print_hexn(f->err, 4);
    print(" eip="); print(eip_name(f->eip));
    print(esp_at_delivery(f) == site_esp ? " esp=same" : " esp=MOVED");
    nl();
    f->eip = after_insn;
}

/* Numbered site: `setup` runs first, ESP is recorded just before `insn`, a fault resumes after
 * it.  A site that does not fault prints nothing itself. */
#define SITE(setup, insn, ...) \
    __asm__ volatile("incl site_no\n\tmovl $1f, at_insn\n\tmovl $2f, after_insn\n\t" setup \
                     "\n\tmovl %%esp, site_esp\n1:\t" insn "\n2:" __VA_ARGS__)

static uint32_t handler_eflags;

/* Frames of INT n and friends: who raised it, the bytes pushed, and the flags on both sides. */
static void report_handler(struct frame *f)
{
    __asm__ volatile("pushfl\n\tpopl %0" : "=r"(handler_eflags));
    print("  vector="); print_dec(f->vector);
    print(" cs="); print_hexn(f->cs, 4);
    print(" eip=");
    if (f->eip == after_insn) print("after-insn"); else print_hexn(f->eip, 8);
    print(" pushed="); print_dec(site_esp - (uint32_t)&f->eip);
    print(" eflags="); print_hexn(f->eflags & ~(uint32_t)FL_ARITH, 8);
    print(" in handler="); print_hexn(handler_eflags & ~(uint32_t)FL_ARITH, 8);
    nl();
}

/* ---- GDT: ring3.c's entries plus based, 16-bit, execute-only and read-only segments ---------- */

static uint64_t gdt[GDT_ENTRIES] __attribute__((aligned(8)));

static void extend_gdt(void)
{
    struct { uint16_t limit; uint32_t base; } __attribute__((packed)) gdtr;
    __asm__ volatile("sgdt %0" : "=m"(gdtr));
    memcpy(gdt, (void *)gdtr.base, gdtr.limit + 1u);
    gdt[SEL_CODE_BASED / 8] = descriptor(LOW_BASE, 0xFFFF, 0x9A, 0x4);
    gdt[SEL_CODE16 / 8] = descriptor(LOW_BASE, 0xFFFF, 0x9A, 0x0);
    gdt[SEL_DATA_BASED / 8] = descriptor(LOW_DATA, 0xFFFFF, 0x92, 0xC);
    gdt[SEL_CODE_XO / 8] = descriptor(0, 0xFFFFF, 0x98, 0xC);
    gdt[SEL_DATA_RO / 8] = descriptor(0, 0xFFFFF, 0x90, 0xC);
    gdt[SEL_STACK16 / 8] = descriptor(STACK16_BASE, 0xFFFF, 0x92, 0x0);
    gdtr.limit = sizeof gdt - 1;
    gdtr.base = (uint32_t)gdt;
    __asm__ volatile("lgdt %0" : : "m"(gdtr) : "memory");
}

static void restore_data_segments(void)
{
    __asm__ volatile("movw %0, %%ds\n\tmovw %0, %%es\n\tmovw %0, %%fs\n\tmovw %0, %%gs"
                     : : "r"((uint16_t)SEL_KDATA) : "memory");
}

static void print_reg(const char *name, uint32_t v)
{
    print(" "); print(name); print("="); print_hexn(v, 8);
}

extern const char low_blob[], low_blob_end[];
extern const char low_near16[], low_near16_indirect[], low_jumps16[], low_ret16_imm[];
extern const char low_far16[], low_far32[], low_far_indirect[], low_far_ret_imm[];
extern const char low_based32[], low_code16[], low_return_to_ebx[], low_based_call[];
extern const char low_iret16_target[], low_int_gate16[], low_gate16_handler[];

/* Address of a low.S entry once copied to LOW_BASE. */
static uint32_t low(const char *entry)
{
    return LOW_BASE + (uint32_t)(entry - low_blob);
}

/* ---- MOV to and from segment registers -------------------------------------------------------- */

static void segment_moves(void)
{
    print("mov sreg\n");
    uint32_t r32 = 0xDEADBEEF, r16 = 0xDEADBEEF, m32[2] = { 0xAAAAAAAA, 0xAAAAAAAA };
    __asm__ volatile("movl %%ds, %0" : "+r"(r32));
    __asm__ volatile("movw %%ds, %w0" : "+r"(r16));
    __asm__ volatile("movw %%ss, (%0)\n\t.byte 0x66\n\tmovw %%cs, 4(%0)" : : "r"(m32) : "memory");
    print(" "); print_reg("r32,ds", r32); print_reg("r16,ds", r16);
    print_reg("m,ss", m32[0]); print_reg("o16 m,cs", m32[1]); nl();

    uint32_t es_reg = 0, fs_mem = 0, gs_o16 = 0, ss_now = 0;
    uint32_t word_23 = 0xFFFF0000 | SEL_UDATA;
    __asm__ volatile("movw %w4, %%es\n\tmovl %%es, %0\n\t"
                     "movw %5, %%fs\n\tmovl %%fs, %1\n\t"
                     ".byte 0x66\n\tmovw %5, %%gs\n\tmovl %%gs, %2\n\t"
                     "movw %%ss, %%ax\n\tmovw %%ax, %%ss\n\tmovl %%ss, %3"
                     : "=r"(es_reg), "=r"(fs_mem), "=r"(gs_o16), "=r"(ss_now)
                     : "r"((uint32_t)SEL_UDATA), "m"(word_23) : "eax", "memory");
    restore_data_segments();
    print(" "); print_reg("es<-r", es_reg); print_reg("fs<-m", fs_mem);
    print_reg("o16 gs<-m", gs_o16); print_reg("ss<-ss", ss_now); nl();

    site_no = 0;
    SITE("", ".byte 0x8E, 0xC8", : : : "memory");                      /* MOV CS, AX: #UD */
    SITE("", ".byte 0x8C, 0xF0", : : : "memory");                      /* MOV AX, Sreg 6: #UD */
    SITE("", ".byte 0x8E, 0xF8", : : : "memory");                      /* MOV Sreg 7, AX: #UD */
    SITE("", "movw %%ax, %%ds", : : "a"(GDT_ENTRIES * 8 + 3) : "memory"); /* beyond the limit */
    SITE("", "movw %%ax, %%ss", : : "a"(SEL_UDATA) : "memory");        /* RPL 3 != CPL: #GP(0x20) */
    SITE("", "movw %%ax, %%ss", : : "a"(SEL_KCODE) : "memory");        /* code: #GP(8) */
    SITE("", "movw %%ax, %%ss", : : "a"(SEL_DATA_RO) : "memory");      /* read-only: #GP */
    SITE("", "movw %%ax, %%ds", : : "a"(SEL_CODE_XO) : "memory");      /* execute-only: #GP */
    SITE("", "movw %%ax, %%gs", : : "a"(SEL_KDATA | 3) : "memory");    /* RPL 3 > DPL 0: #GP */
    SITE("", "movw %%ax, %%fs", : : "a"(0x0C) : "memory");             /* LDT, none loaded: #GP */
    SITE("", "movw %%ax, %%es", : : "a"(SEL_NP) : "memory");           /* not present: #NP */
    /* readable code: allowed (and left at once: writes through it would be #GP, which QEMU does
     * not enforce) */
    SITE("", "movw %%ax, %%ds\n\tmovw %%dx, %%ds", : : "a"(SEL_KCODE), "d"(SEL_KDATA) : "memory");
    SITE("", "movw %%ax, %%fs", : : "a"(SEL_DATA_RO) : "memory");      /* read-only data: allowed */
    SITE("", "movw %%ax, %%gs", : : "a"(0) : "memory");                /* null: allowed */
    restore_data_segments();
    print("  sites="); print_dec(site_no); nl();
}

/* ---- PUSH and POP of segment registers -------------------------------------------------------- */

/* Pushes with `push` onto a slot prefilled with 0xAAAA: prints the ESP change and the low word
 * written (the upper word of a 32-bit push is implementation-dependent). */
#define PUSH_SREG(name, push) do { \
    uint32_t delta, word; \
    __asm__ volatile("pushl $0xAAAAAAAA\n\tpushl $0xAAAAAAAA\n\taddl $8, %%esp\n\t" \
                     "movl %%esp, %%edx\n\t" push "\n\tmovl %%edx, %0\n\tsubl %%esp, %0\n\t" \
                     "movzwl (%%esp), %1\n\tmovl %%edx, %%esp" \
                     : "=r"(delta), "=r"(word) : : "edx", "memory"); \
    print("  " name ": esp-"); print_dec(delta); print(" word="); print_hexn(word, 4); nl(); \
} while (0)

/* Pops a prepared stack image into a segment register and reads it back with `read`. */
#define POP_SREG(name, image, pop, read) do { \
    uint32_t delta, sel; \
    __asm__ volatile("pushl %2\n\tmovl %%esp, %%edx\n\t" pop "\n\tmovl %%esp, %0\n\tsubl %%edx, %0\n\t" \
                     read "\n\tmovl %%edx, %%esp\n\taddl $4, %%esp" \
                     : "=r"(delta), "=r"(sel) : "i"(image) : "edx", "memory"); \
    restore_data_segments(); \
    print("  " name ": esp+"); print_dec(delta); print(" sel="); print_hexn(sel, 4); nl(); \
} while (0)

static void segment_push_pop(void)
{
    print("push/pop sreg\n");
    PUSH_SREG("push es", "pushl %%es");
    PUSH_SREG("pushw es", "pushw %%es");
    PUSH_SREG("push cs", "pushl %%cs");
    PUSH_SREG("pushw cs", "pushw %%cs");
    PUSH_SREG("push ss", "pushl %%ss");
    PUSH_SREG("pushw ss", "pushw %%ss");
    PUSH_SREG("push ds", "pushl %%ds");
    PUSH_SREG("pushw ds", "pushw %%ds");
    PUSH_SREG("push fs", "pushl %%fs");
    PUSH_SREG("pushw fs", "pushw %%fs");
    PUSH_SREG("push gs", "pushl %%gs");
    PUSH_SREG("pushw gs", "pushw %%gs");
    POP_SREG("pop es", 0xBEEF0023, "popl %%es", "movl %%es, %1");
    POP_SREG("popw es", 0xBEEF0023, "popw %%es", "movl %%es, %1");
    POP_SREG("pop ds", 0xBEEF0023, "popl %%ds", "movl %%ds, %1");
    POP_SREG("popw ds", 0xBEEF0023, "popw %%ds", "movl %%ds, %1");
    POP_SREG("pop fs", 0xBEEF0023, "popl %%fs", "movl %%fs, %1");
    POP_SREG("popw fs", 0xBEEF0023, "popw %%fs", "movl %%fs, %1");
    POP_SREG("pop gs", 0xBEEF0023, "popl %%gs", "movl %%gs, %1");
    POP_SREG("popw gs", 0xBEEF0023, "popw %%gs", "movl %%gs, %1");
    POP_SREG("pop ss", 0xBEEF0010, "popl %%ss", "movl %%ss, %1");
    POP_SREG("popw ss", 0xBEEF0010, "popw %%ss", "movl %%ss, %1");
    site_no = 0;
    SITE("pushl $0x23", "popl %%ss", "\n\taddl $4, %%esp" : : : "memory");    /* RPL 3: #GP(0x20) */
    SITE("pushl $0", "popl %%ss", "\n\taddl $4, %%esp" : : : "memory");       /* null SS: #GP(0) */
    SITE("pushl $0x30", "popl %%ss", "\n\taddl $4, %%esp" : : : "memory");    /* absent: #SS(0x30) */
    SITE("pushl $0x30", "popl %%ds", "\n\taddl $4, %%esp" : : : "memory");    /* absent: #NP(0x30) */
    SITE("pushl $0x7B", "popl %%fs", "\n\taddl $4, %%esp" : : : "memory");    /* beyond: #GP(0x78) */
    SITE("pushl $0x60", "popl %%gs", "\n\taddl $4, %%esp" : : : "memory");    /* exec-only: #GP */
    SITE("pushw $0x28", "popw %%es", "\n\taddl $2, %%esp" : : : "memory");    /* TSS: #GP(0x28) */
    restore_data_segments();
    print("  sites="); print_dec(site_no); nl();
}

/* ---- LDS, LES, LFS, LGS, LSS ----------------------------------------------------------------- */

struct far32 { uint32_t offset; uint16_t sel; } __attribute__((packed));
struct far16 { uint16_t offset; uint16_t sel; } __attribute__((packed));

#define LOAD_FAR(name, insn, reg_read) do { \
    uint32_t reg = 0xAAAAAAAA, sel; \
    __asm__ volatile(insn "\n\t" reg_read "\n\tmovw %w3, %%ds\n\tmovw %w3, %%es\n\t" \
                     "movw %w3, %%fs\n\tmovw %w3, %%gs" \
                     : "+b"(reg), "=&r"(sel) : "m"(p32), "r"(SEL_KDATA), "m"(p16) : "memory"); \
    print("  " name ":"); print_reg("reg", reg); print(" sel="); print_hexn(sel, 4); nl(); \
} while (0)

static uint8_t lss_stack[64] __attribute__((aligned(16)));
uint32_t lss_saved_esp;

static void far_pointer_loads(void)
{
    print("far pointer loads\n");
    struct far32 p32 = { 0x12345678, SEL_UDATA };
    struct far16 p16 = { 0x9ABC, SEL_DATA_BASED };
    LOAD_FAR("lds", "ldsl %2, %0", "movl %%ds, %1");
    LOAD_FAR("lesw", "lesw %4, %w0", "movl %%es, %1");
    LOAD_FAR("lfs", "lfsl %2, %0", "movl %%fs, %1");
    LOAD_FAR("lfsw", "lfsw %4, %w0", "movl %%fs, %1");
    LOAD_FAR("lgs", "lgsl %2, %0", "movl %%gs, %1");
    LOAD_FAR("lgsw", "lgsw %4, %w0", "movl %%gs, %1");
    {
        struct far32 s32 = { (uint32_t)(lss_stack + sizeof lss_stack), SEL_KDATA };
        uint32_t esp_after, ss_after;
        __asm__ volatile("movl %%esp, lss_saved_esp\n\tlssl %2, %%esp\n\tmovl %%esp, %0\n\tmovl %%ss, %1\n\t"
                         "movl lss_saved_esp, %%esp" : "=r"(esp_after), "=r"(ss_after) : "m"(s32) : "memory");
        print(esp_after == s32.offset ? "  lss: esp=loaded" : "  lss: esp=WRONG");
        print(" sel="); print_hexn(ss_after, 4); nl();
    }
    site_no = 0;
    uint32_t reg = 0x11111111;
    struct far32 beyond = { 0, 0x7B }, absent = { 0, SEL_NP }, null = { 0, 0 }, user = { 0, SEL_UDATA };
    struct far32 tss = { 0, SEL_TSS }, exec_only = { 0, SEL_CODE_XO }, read_only = { 0, SEL_DATA_RO };
    SITE("", "ldsl %1, %0", : "+b"(reg) : "m"(beyond) : "memory");        /* #GP(0x78) */
    SITE("", "lesl %1, %0", : "+b"(reg) : "m"(absent) : "memory");        /* #NP(0x30) */
    SITE("", "lssl %1, %0", : "+b"(reg) : "m"(absent) : "memory");        /* #SS(0x30) */
    SITE("", "lssl %1, %0", : "+b"(reg) : "m"(null) : "memory");          /* #GP(0) */
    SITE("", "lssl %1, %0", : "+b"(reg) : "m"(user) : "memory");          /* RPL != CPL: #GP(0x20) */
    SITE("", "lssl %1, %0", : "+b"(reg) : "m"(read_only) : "memory");     /* #GP(0x68) */
    SITE("", "lfsl %1, %0", : "+b"(reg) : "m"(exec_only) : "memory");     /* #GP(0x60) */
    SITE("", "lgsl %1, %0", : "+b"(reg) : "m"(tss) : "memory");           /* #GP(0x28) */
    SITE("", ".byte 0x0F, 0xB2, 0xC3", : "+b"(reg) : : "memory");         /* register operand: #UD */
    print("  ebx after the faults="); print_hexn(reg, 8); nl();
    SITE("", "lesl %1, %0\n\tmovl %%es, %0", : "+b"(reg) : "m"(null) : "memory"); /* null ES: allowed */
    restore_data_segments();
    print("  es after lesl of null="); print_hexn(reg, 8);
    print(" sites="); print_dec(site_no); nl();
}

/* ---- segment bases: FS/GS overrides, ES of string stores, default DS or SS --------------------- */

static volatile uint32_t *const low_data = (volatile uint32_t *)LOW_DATA;

static void fill_low_data(void)
{
    for (uint32_t i = 0; i < 0x1000 / 4; i++) low_data[i] = 0x70000000 | (i * 4);   /* at LOW_DATA */
    for (uint32_t i = 0; i < 0x400 / 4; i++) ((volatile uint32_t *)(2 * LOW_DATA))[i] = 0xE0000000 | (i * 4);
}

uint32_t based_fs_read, based_gs_read, based_es_fill, based_fs_movs[2];

static void segment_bases(void)
{
    print("segment bases (data segment based at LOW_DATA)\n");
    fill_low_data();
    __asm__ volatile("movw %w0, %%fs\n\tmovw %w0, %%gs\n\tmovw %w0, %%es\n\t"
                     "movl %%fs:0x10, %%eax\n\tmovl %%eax, based_fs_read\n\t"
                     "movl $0x6565, %%gs:0x20\n\tmovl %%gs:0x20, %%eax\n\tmovl %%eax, based_gs_read\n\t"
                     "movl $0x30, %%edi\n\tmovl $0xE5E5E5E5, %%eax\n\tstosl\n\t"
                     "movl $0x40, %%esi\n\tmovl $based_fs_movs, %%edi\n\tpushl %%ds\n\tpopl %%es\n\t"
                     "fs movsl\n\tfs movsl\n\t"
                     "movl %%es:%c1, %%eax\n\tmovl %%eax, based_es_fill"
                     : : "r"(SEL_DATA_BASED), "i"(LOW_DATA + 0x30) : "eax", "esi", "edi", "memory");
    print(" "); print_reg("fs:0x10", based_fs_read); print_reg("gs:0x20", based_gs_read);
    print_reg("es stos 0x30", based_es_fill); print_reg("fs movs", based_fs_movs[0]);
    print_reg("", based_fs_movs[1]); nl();

    /* DS based at LOW_DATA, SS flat: a read that goes through SS sees LOW_DATA+x, through DS
     * 2*LOW_DATA+x.  16-bit addresses: BP-based ones default to SS. */
    uint32_t r[8];
    __asm__ volatile("pushl %%ebp\n\tmovw %w[sel], %%ds\n\t"
                     "movl $0x7010, %%ebx\n\tmovl $0x7010, %%ebp\n\tmovl $4, %%esi\n\tmovl $8, %%edi\n\t"
                     "movl (%%bx), %%eax\n\tmovl %%eax, %%ss:0(%%ecx)\n\t"
                     "movl (%%bp), %%eax\n\tmovl %%eax, %%ss:4(%%ecx)\n\t"
                     "movl 2(%%bp,%%si), %%eax\n\tmovl %%eax, %%ss:8(%%ecx)\n\t"
                     "movl (%%bx,%%di), %%eax\n\tmovl %%eax, %%ss:12(%%ecx)\n\t"
                     "movl $1, %%eax\n\taddl (%%bp,%%di), %%eax\n\tmovl %%eax, %%ss:16(%%ecx)\n\t"
                     "movl (%%ebp), %%eax\n\tmovl %%eax, %%ss:20(%%ecx)\n\t"
                     "movl (%%ebx), %%eax\n\tmovl %%eax, %%ss:24(%%ecx)\n\t"
                     "movl (%%esi,%%ebp), %%eax\n\tmovl %%eax, %%ss:28(%%ecx)\n\t"
                     "movw %%ss, %%ax\n\tmovw %%ax, %%ds\n\tpopl %%ebp"
                     : : "c"(r), [sel] "d"(SEL_DATA_BASED) : "eax", "ebx", "esi", "edi", "memory");
    print("  [bx]="); print_hexn(r[0], 8); print(" [bp]="); print_hexn(r[1], 8);
    print(" [bp+si+2]="); print_hexn(r[2], 8); print(" [bx+di]="); print_hexn(r[3], 8);
    print(" 1+[bp+di]="); print_hexn(r[4], 8); nl();
    print("  [ebp]="); print_hexn(r[5], 8); print(" [ebx]="); print_hexn(r[6], 8);
    print(" [esi+ebp]="); print_hexn(r[7], 8); nl();
}

/* ---- a 16-bit stack segment: SP, not ESP, addresses the stack ------------------------------- */

/* Results of the run on the 16-bit stack, in order: ESP after PUSH dword and PUSH word, the
 * return address a near CALL pushed, ESP after LEAVE and the EBP it popped, EBP and ESP after
 * ENTER 8,0, ESP after PUSH word at SP = 0 and after the POP that follows. */
uint32_t stack16_results[8];
uint32_t stack16_saved_esp;

static void stack16(void)
{
    print("16-bit stack segment based at STACK16_BASE\n");
    volatile uint32_t *frame = (volatile uint32_t *)(STACK16_BASE + 0x80);
    *frame = 0xCAFEBABE;
    __asm__ volatile("pushl %%ebp\n\tmovl %%esp, stack16_saved_esp\n\t"
                     "movw %w0, %%ss\n\tmovl $0x12340100, %%esp\n\t"
                     "pushl $0x11223344\n\tpushw $0x5566\n\tmovl %%esp, stack16_results\n\t"
                     "call 1f\n1:\tpopl %%eax\n\tsubl $1b, %%eax\n\tmovl %%eax, stack16_results+4\n\t"
                     "movl $0x56780080, %%ebp\n\tleave\n\tmovl %%esp, stack16_results+8\n\t"
                     "movl %%ebp, stack16_results+12\n\t"
                     "movl $0x9999AAAA, %%ebp\n\tmovl $0x12340100, %%esp\n\tenter $8, $0\n\t"
                     "movl %%ebp, stack16_results+16\n\tmovl %%esp, stack16_results+20\n\t"
                     "movl $0xABCD0000, %%esp\n\tpushw $0x7788\n\tmovl %%esp, stack16_results+24\n\t"
                     "popw %%ax\n\tmovl %%esp, stack16_results+28\n\t"
                     "movw %w1, %%ss\n\tmovl stack16_saved_esp, %%esp\n\tpopl %%ebp"
                     : : "r"(SEL_STACK16), "r"(SEL_KDATA) : "eax", "memory");
    static const char *const names[8] = { "esp after pushes", "call pushed (relative)", "esp after leave",
                                          "ebp popped", "enter 8: ebp", "esp", "pushw at sp=0: esp", "popw: esp" };
    for (int i = 0; i < 8; i += 2) {
        print("  "); print(names[i]); print("="); print_hexn(stack16_results[i], 8);
        print(" "); print(names[i + 1]); print("="); print_hexn(stack16_results[i + 1], 8); nl();
    }
    print("  pushed dword="); print_hexn(*(volatile uint32_t *)(STACK16_BASE + 0xFC), 8);
    print(" word="); print_hexn(*(volatile uint16_t *)(STACK16_BASE + 0xFA), 4);
    print(" word at sp=0xFFFE="); print_hexn(*(volatile uint16_t *)(STACK16_BASE + 0xFFFE), 4); nl();
}

/* ---- PUSHF, POPF and IRET of the system flags ------------------------------------------------- */

#define FL_SYSTEM_ALL 0x00247FD7u   /* every flag POPF may set in ring 0 but TF, VM, RF */

static uint32_t popf_result(uint32_t image)
{
    uint32_t out;
    __asm__ volatile("pushfl\n\tpushl %1\n\tpopfl\n\tpushfl\n\tpopl %0\n\tpopfl" : "=r"(out) : "r"(image) : "cc", "memory");
    return out;
}

static void system_flags_ring0(void)
{
    print("pushf/popf/iret, ring 0\n");
    uint32_t delta, word, after_popfw;
    __asm__ volatile("pushfl\n\tpushl $0x8D5\n\tpopfl\n\tmovl %%esp, %%edx\n\tpushfw\n\t"
                     "movl %%edx, %0\n\tsubl %%esp, %0\n\tmovzwl (%%esp), %1\n\tmovl %%edx, %%esp\n\t"
                     "pushl $0x40ED7\n\tpopfl\n\tpushw $0\n\tpopfw\n\tpushfl\n\tpopl %2\n\tpopfl"
                     : "=r"(delta), "=r"(word), "=r"(after_popfw) : : "edx", "cc", "memory");
    print("  pushfw: esp-"); print_dec(delta); print(" word="); print_hexn(word, 4);
    print(" popfw 0 over AC|IOPL|IF|arith="); print_hexn(after_popfw, 8); nl();
    print("  popfd all="); print_hexn(popf_result(0xFFFFFEFF), 8);
    print(" popfd none="); print_hexn(popf_result(0), 8);
    print(" popfd VM|RF="); print_hexn(popf_result(0x30002), 8); nl();

    uint32_t iret_flags, iret_delta;
    __asm__ volatile("pushfl\n\tmovl %%esp, %%edx\n\tpushl %2\n\tpushl %%cs\n\tpushl $1f\n\tiretl\n"
                     "1:\tpushfl\n\tpopl %0\n\tmovl %%edx, %1\n\tsubl %%esp, %1\n\tpopfl"
                     : "=r"(iret_flags), "=r"(iret_delta) : "i"(0x00257ED7) : "edx", "cc", "memory");
    print("  iretd same level: eflags="); print_hexn(iret_flags, 8);
    print(" esp change="); print_dec(iret_delta); nl();
    uint32_t iret16_flags;
    __asm__ volatile("pushfl\n\tpushl $0x40000\n\tpopfl\n\tmovl $1f, %%ebx\n\tmovl %%esp, %%edx\n\t"
                     "pushw $0x7ED7\n\tpushw %%cs\n\tpushw %w2\n\tiretw\n"
                     "1:\tpushfl\n\tpopl %0\n\tmovl %%edx, %1\n\tsubl %%esp, %1\n\tpopfl"
                     : "=r"(iret16_flags), "=r"(iret_delta)
                     : "r"(low(low_iret16_target)) : "ebx", "edx", "cc", "memory");
    print("  iretw to low memory: eflags="); print_hexn(iret16_flags, 8);
    print(" esp change="); print_dec(iret_delta); nl();
}

static volatile uint32_t user_flags[6];

/* Ring 3: POPF (32 and 16 bits) and IRET to the same level of every flag but TF and VM. */
static void user_system_flags(void)
{
    __asm__ volatile("pushl $0xFFFDFEFF\n\tpopfl\n\tpushfl\n\tpopl user_flags\n\t"
                     "pushl $0x2\n\tpopfl\n\tpushw $0xFEFF\n\tpopfw\n\tpushfl\n\tpopl user_flags+4\n\t"
                     "pushl $0x2\n\tpopfl\n\tpushfl\n\tpopl user_flags+8\n\t"
                     "pushl $0xFFFDFEFF\n\tpushl %%cs\n\tpushl $1f\n\tiretl\n"
                     "1:\tpushfl\n\tpopl user_flags+12\n\tpushl $0x2\n\tpopfl\n\t"
                     "int $0x2C" : : : "memory");
}

static void system_flags_ring3(void)
{
    static const uint32_t entry_flags[3] = { 0x0002, 0x1002, 0x3202 };
    for (int i = 0; i < 3; i++) {
        print("pushf/popf/iret, ring 3 entered with eflags="); print_hexn(entry_flags[i], 8); nl();
        run_user(user_system_flags, entry_flags[i], 0);
        print("  popfd all="); print_hexn(user_flags[0], 8);
        print(" popfw 0xFEFF="); print_hexn(user_flags[1], 8);
        print(" popfd 2="); print_hexn(user_flags[2], 8);
        print(" iretd all="); print_hexn(user_flags[3], 8); nl();
    }
}

/* ---- 16-bit and far transfers, based and 16-bit code segments ---------------------------------- */

struct low_result { uint32_t eax, ecx, edx, esi, edi; };

static struct low_result call_low(const char *entry)
{
    struct low_result r;
    __asm__ volatile("call *%5" : "=a"(r.eax), "=c"(r.ecx), "=d"(r.edx), "=S"(r.esi), "=D"(r.edi)
                     : "r"(low(entry)) : "ebx", "cc", "memory");
    return r;
}

static void print_low(const char *name, struct low_result r, int registers)
{
    static const char *const names[5] = { "eax", "ecx", "edx", "esi", "edi" };
    const uint32_t values[5] = { r.eax, r.ecx, r.edx, r.esi, r.edi };
    print("  "); print(name); print(":");
    for (int i = 0; i < registers; i++) print_reg(names[i], values[i]);
    nl();
}

static void transfers(void)
{
    print("16-bit and far transfers below 64 KiB\n");
    memcpy((void *)LOW_BASE, low_blob, (size_t)(low_blob_end - low_blob));
    print_low("call16 rel16, ret16", call_low(low_near16), 3);
    print_low("call16 r16/m16, jmp", call_low(low_near16_indirect), 3);
    print_low("o16 jmp rel8/rel16/r16/m16, jcc rel16", call_low(low_jumps16), 1);
    print_low("ret16 imm16", call_low(low_ret16_imm), 1);
    print_low("far call16 ptr/m16:16, retf16", call_low(low_far16), 4);
    print_low("far call32 ptr/m16:32, retf32", call_low(low_far32), 4);
    print_low("far jmp ptr/m16:16 and ptr/m16:32", call_low(low_far_indirect), 1);
    print_low("retf16 imm16, retf32 imm16", call_low(low_far_ret_imm), 1);
    after_insn = 0;                                /* the report handler prints the offsets */
    print("32-bit code segment based at LOW_BASE: far jmp in, int, far jmp out\n");
    print_low("cs, near call pushed", call_low(low_based32), 2);
    print_low("far call in, retf out: near call pushed", call_low(low_based_call), 1);
    print("16-bit code segment based at LOW_BASE: far jmp in, int, far jmp out\n");
    print_low("cs, push bytes, call pushed, [bx], esp change", call_low(low_code16), 5);

    print("16-bit near transfers from above 64 KiB\n");
    uint32_t pushed, next;
    __asm__ volatile("movl $2, %%edi\n\tmovl $1f, %%ebx\n\tcallw *%%ax\n1:\tmovl $1b, %1"
                     : "=d"(pushed), "=r"(next) : "a"(low(low_return_to_ebx)) : "ebx", "edi", "memory");
    print("  call16 r16: pushed ip="); print(pushed == (next & 0xFFFF) ? "low word of next" : "WRONG"); nl();
    __asm__ volatile("movl $0, %%edi\n\tmovl $1f, %%ebx\n\tjmp *%%ax\n1:"
                     : "=d"(pushed) : "a"(low(low_return_to_ebx)) : "ebx", "edi", "memory");
    print("  jmp16 r16: arrived\n");

    site_no = 0;
    SITE("", "ljmp $0x48, $0x10000", : : : "memory");                  /* beyond the limit: #GP(0) */
    SITE("", "ljmp $0x10, $0", : : : "memory");                        /* data segment: #GP(0x10) */
    SITE("", "lcall $0x30, $0", : : : "memory");                       /* data, absent: #GP(0x30) */
    SITE("", "ljmp $0x1B, $0", : : : "memory");                        /* DPL 3 code: #GP(0x18) */
    SITE("", "ljmp $0x7B, $0", : : : "memory");                        /* beyond the GDT: #GP(0x78) */
    print("  sites="); print_dec(site_no); nl();
}

/* ---- INT n, INT3, INTO and their frames; interrupt and trap gates ------------------------------ */

static void set_gate_type(int vector, uint8_t type)
{
    struct { uint16_t limit; uint32_t base; } __attribute__((packed)) idtr;
    __asm__ volatile("sidt %0" : "=m"(idtr));
    *(volatile uint8_t *)(idtr.base + vector * 8 + 5) = type;
}

/* A 16-bit gate (type 0x86 interrupt, 0x87 trap) to offset `handler` in the flat code segment. */
static void set_gate16(int vector, uint32_t handler, uint8_t type)
{
    struct { uint16_t limit; uint32_t base; } __attribute__((packed)) idtr;
    __asm__ volatile("sidt %0" : "=m"(idtr));
    volatile uint16_t *gate = (volatile uint16_t *)(idtr.base + vector * 8);
    gate[0] = (uint16_t)handler;
    gate[1] = SEL_KCODE;
    gate[2] = (uint16_t)(type << 8);
    gate[3] = 0;
}

#define REPORT(insn, flags) \
    SITE("pushfl\n\tpushl $" #flags "\n\tpopfl", insn, "\n\tpopfl" : : : "cc", "memory")

static void interrupt_frames(void)
{
    print("interrupt frames, ring 0\n");
    set_handler(3, report_handler);
    set_handler(4, report_handler);
    REPORT("int $0x2D", 0x2);
    REPORT("int $0x2D", 0x4202);                        /* NT and IF: cleared on entry, kept in the frame */
    REPORT("int3", 0x3002);
    REPORT("int $3", 0x3002);
    REPORT("into", 0x802);
    REPORT("into", 0x2);                                /* OF clear: no interrupt, no line */
    set_gate_type(VEC_REPORT, 0x8F);                    /* trap gate: IF stays set */
    REPORT("int $0x2D", 0x202);
    set_gate_type(VEC_REPORT, 0x8E);
    print("  16-bit interrupt and trap gates, from code below 64 KiB\n");
    set_gate16(VEC_GATE16, low(low_gate16_handler), 0x86);
    print_low("interrupt gate", call_low(low_int_gate16), 5);
    set_gate16(VEC_GATE16, low(low_gate16_handler), 0x87);
    print_low("trap gate", call_low(low_int_gate16), 5);
    set_handler(3, fault_handler);
    set_handler(4, fault_handler);
}

/* ---- IRET and far RET to ring 3: data segments the new CPL may not use become null ------------ */

static volatile uint32_t user_segments[4];

static void user_read_segments(void)
{
    __asm__ volatile("movw %%ds, user_segments\n\tmovw %%es, user_segments+4\n\t"
                     "movw %%fs, user_segments+8\n\tmovw %%gs, user_segments+12\n\tint $0x2C" : : : "memory");
}

/* Like run_user, but enters ring 3 with DS = user data, ES = ring-0 data, FS = read-only ring-0
 * data, GS = the based ring-0 segment (by_lret selects far RET instead of IRET). */
void enter_user_keeping_segments(void (*fn)(void), int by_lret);
__asm__(".text\n"
        "enter_user_keeping_segments:\n"
        "  pushl %ebp\n  pushl %ebx\n  pushl %esi\n  pushl %edi\n"
        "  movl %esp, ring3_saved_esp\n"
        "  movl 20(%esp), %eax\n  movl 24(%esp), %ecx\n"
        "  movw $0x23, %bx\n  movw %bx, %ds\n  movw $0x10, %bx\n  movw %bx, %es\n"
        "  movw $0x68, %bx\n  movw %bx, %fs\n  movw $0x58, %bx\n  movw %bx, %gs\n"
        "  testl %ecx, %ecx\n  jnz 1f\n"
        "  pushl $0x23\n  pushl %ss:user_stack_end\n  pushl $0x2\n  pushl $0x1B\n  pushl %eax\n  iret\n"
        "1:pushl $0x23\n  pushl %ss:user_stack_end\n  pushl $0x1B\n  pushl %eax\n  lret\n");

static void outer_returns(void)
{
    print("return to ring 3 with ring-0 data segments loaded\n");
    for (int by_lret = 0; by_lret < 2; by_lret++) {
        enter_user_keeping_segments(user_read_segments, by_lret);
        print(by_lret ? "  far ret:" : "  iret:");
        print(" ds="); print_hexn(user_segments[0], 4); print(" es="); print_hexn(user_segments[1], 4);
        print(" fs="); print_hexn(user_segments[2], 4); print(" gs="); print_hexn(user_segments[3], 4); nl();
    }
}

/* ---- string instructions with 16-bit addresses; IN, OUT, INS, OUTS ----------------------------- */

static void strings16(void)
{
    print("string instructions with 16-bit addresses\n");
    volatile uint8_t *mem;
    __asm__("" : "=r"(mem) : "0"(0));              /* the bytes from address 0 up, without a null pointer */
    for (int i = 0; i < 16; i++) { mem[0x7000 + i] = (uint8_t)(0x40 + i); mem[0x7100 + i] = 0; }
    for (int i = 0; i < 4; i++) { mem[0xFFFC + i] = (uint8_t)(0xF0 + i); mem[i] = (uint8_t)(0xA0 + i); }
    struct { uint32_t esi, edi, ecx, flags; } r;
    __asm__ volatile("movl $0xABCD7000, %%esi\n\tmovl $0x55557100, %%edi\n\tmovl $0xFFFF0005, %%ecx\n\t"
                     "addr16 rep movsb\n\tpushfl\n\tpopl %3"
                     : "=S"(r.esi), "=D"(r.edi), "=c"(r.ecx), "=r"(r.flags) : : "memory");
    print("  rep movsb:"); print_reg("esi", r.esi); print_reg("edi", r.edi); print_reg("ecx", r.ecx);
    print_reg("dst", *(volatile uint32_t *)0x7100); nl();
    __asm__ volatile("movl $0x1234FFFE, %%esi\n\tmovl $0x00017108, %%edi\n\tmovl $4, %%ecx\n\t"
                     "addr16 rep movsb"
                     : "=S"(r.esi), "=D"(r.edi), "=c"(r.ecx) : : "memory");
    print("  rep movsb across si=0xFFFF:"); print_reg("esi", r.esi); print_reg("edi", r.edi);
    print_reg("dst", *(volatile uint32_t *)0x7108); nl();
    __asm__ volatile("std\n\tmovl $0x99990006, %%edi\n\tmovl $3, %%ecx\n\tmovl $0x5A5A5A5A, %%eax\n\t"
                     "addr16 rep stosl\n\tcld"
                     : "=D"(r.edi), "=c"(r.ecx) : : "eax", "memory");
    print("  std rep stosd across di=0:"); print_reg("edi", r.edi);
    print_reg("[0]", *(volatile uint32_t *)mem); print_reg("[0xFFFC]", *(volatile uint32_t *)(mem + 0xFFFC));
    print_reg("[0xFFF8]", *(volatile uint32_t *)(mem + 0xFFF8)); print_reg("[0x10000]", *(volatile uint32_t *)(mem + 0x10000));
    nl();
    uint32_t eax;
    __asm__ volatile("movl $0x77777004, %%esi\n\taddr16 lodsw\n\taddr16 lodsb"
                     : "=S"(r.esi), "=a"(eax) : "a"(0xCCCCCCCC) : "memory");
    print("  lodsw, lodsb:"); print_reg("esi", r.esi); print_reg("eax", eax); nl();
    __asm__ volatile("movl $0x88887000, %%edi\n\tmovl $0x4444FFFF, %%ecx\n\tmovb $0x47, %%al\n\t"
                     "addr16 repne scasb\n\tpushfl\n\tpopl %2"
                     : "=D"(r.edi), "=c"(r.ecx), "=r"(r.flags) : : "eax", "memory");
    print("  repne scasb:"); print_reg("edi", r.edi); print_reg("ecx", r.ecx);
    print(" flags="); print_flags(r.flags, FL_ARITH); nl();
    mem[0x7103] = 0x99;
    __asm__ volatile("movl $0x11117000, %%esi\n\tmovl $0x22227100, %%edi\n\tmovl $0x33330010, %%ecx\n\t"
                     "addr16 repe cmpsb\n\tpushfl\n\tpopl %3"
                     : "=S"(r.esi), "=D"(r.edi), "=c"(r.ecx), "=r"(r.flags) : : "memory");
    print("  repe cmpsb:"); print_reg("esi", r.esi); print_reg("edi", r.edi); print_reg("ecx", r.ecx);
    print(" flags="); print_flags(r.flags, FL_ARITH); nl();

    print("in, out, ins, outs\n");
    static const char text16[] = "  outsb a16 rep\n";
    static const char text32[] = "  outsb rep\n";
    memcpy((void *)0x7200, text16, sizeof text16 - 1);
    __asm__ volatile("movl $0xDEAD7200, %%esi\n\tmovl $0xBEEF0000 + %c3, %%ecx\n\taddr16 rep outsb"
                     : "=S"(r.esi), "=c"(r.ecx) : "d"(DEBUGCON_PORT), "i"(sizeof text16 - 1) : "memory");
    print("  after:"); print_reg("esi", r.esi); print_reg("ecx", r.ecx); nl();
    const char *text = text32;
    uint32_t count = sizeof text32 - 1;
    __asm__ volatile("rep outsb" : "+S"(text), "+c"(count) : "d"(DEBUGCON_PORT) : "memory");
    __asm__ volatile("outb %%al, $0xE9\n\tmovb $0x0A, %%al\n\toutb %%al, %%dx" : : "a"('!'), "d"(DEBUGCON_PORT));
    pic_set_masks(0xFB, 0xFF);
    uint32_t imm_in = 0xAAAAAAAA, dx_in = 0xAAAAAAAA;
    __asm__ volatile("inb $0x21, %%al" : "+a"(imm_in));
    __asm__ volatile("inb %%dx, %%al" : "+a"(dx_in) : "d"(0xA1));
    mem[0x7300] = mem[0x7301] = mem[0x7302] = mem[0x7303] = 0x11;
    __asm__ volatile("movl $0x12347300, %%edi\n\tmovl $0x00000003, %%ecx\n\taddr16 rep insb\n\tmovl %%edi, %%ecx\n\tmovzwl %%di, %%edi\n\tinsb"
                     : "=D"(r.edi), "=c"(r.ecx) : "d"(0x21) : "memory");
    pic_set_masks(0xFF, 0xFF);
    print("  in imm8: al="); print_hexn(imm_in & 0xFF, 2); print(" in dx: al="); print_hexn(dx_in & 0xFF, 2);
    print(" rep insb a16:"); print_reg("edi", r.ecx); print(" insb:"); print_reg("edi", r.edi); print_reg("buffer", *(volatile uint32_t *)0x7300); nl();
}

int kmain(uint32_t magic, struct mb_info *mbi)
{
    (void)mbi;
    print("system_forms: segment registers, system flags, 16-bit and far transfers, interrupts\n");
    if (magic != MB_BOOT_MAGIC) { print("FAIL bad magic\n"); return 0x10; }
    idt_init();
    for (int v = 0; v < 48; v++) set_handler(v, fault_handler);
    ring3_init();                                  /* after: it installs the exit handler */
    extend_gdt();
    __asm__ volatile("lldt %w0" : : "r"(0));       /* the boot LDTR may still describe memory at 0 */
    set_gate(VEC_REPORT, 1, 0);
    set_handler(VEC_REPORT, report_handler);
    pic_set_masks(0xFF, 0xFF);                     /* IF may be set below: nothing may arrive */
    segment_moves();
    segment_push_pop();
    far_pointer_loads();
    segment_bases();
    stack16();
    memcpy((void *)LOW_BASE, low_blob, (size_t)(low_blob_end - low_blob));
    system_flags_ring0();
    system_flags_ring3();
    transfers();
    interrupt_frames();
    outer_returns();
    strings16();
    print("PASS system_forms done\n");
    return 0;
}
