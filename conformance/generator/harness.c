/*
 * The conformance harness: for every form in forms.c, builds edge-case and seeded random
 * instances, executes each one on this machine's CPU in 32-bit mode and writes the initial state,
 * the final state (or the exception raised) and the undefined-flags mask as one line of a vector
 * file per instruction group.
 *
 * Usage: harness SEED OUTDIR [FORM...]
 *
 * How one case runs: the instruction bytes go to a fixed code page followed by an indirect jump
 * back into the harness; the general registers and EFLAGS are loaded from `in_regs`/`in_flags`,
 * the instruction executes with whatever ESP the case wants (signals are taken on an alternate
 * stack), and the exit stub stores every register before restoring the harness's own stack. A
 * fault arrives as a signal whose machine context names the x86 vector (trap number).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <asm/ldt.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <sys/stat.h>
#include <ucontext.h>

#include "harness.h"

/* ---- running one instruction on the CPU ---- */

uint32_t in_regs[8], in_flags, out_regs[8], out_flags, saved_esp, code_ptr = CODE_ADDR, exit_ptr;
uint16_t case_fs, saved_fs;
uint8_t taken;
void run_case(void);
void exit_stub(void);

__asm__(".text\n"
        ".intel_syntax noprefix\n"
        ".globl run_case\n"
        "run_case:\n"
        "  push ebp\n  push ebx\n  push esi\n  push edi\n"
        "  mov dword ptr [saved_esp], esp\n"
        "  mov word ptr [saved_fs], fs\n  mov fs, word ptr [case_fs]\n"
        "  push dword ptr [in_flags]\n  popfd\n"
        "  mov eax, dword ptr [in_regs]\n"
        "  mov ecx, dword ptr [in_regs+4]\n"
        "  mov edx, dword ptr [in_regs+8]\n"
        "  mov ebx, dword ptr [in_regs+12]\n"
        "  mov ebp, dword ptr [in_regs+20]\n"
        "  mov esi, dword ptr [in_regs+24]\n"
        "  mov edi, dword ptr [in_regs+28]\n"
        "  mov esp, dword ptr [in_regs+16]\n"
        "  jmp dword ptr [code_ptr]\n"
        ".globl exit_stub\n"
        "exit_stub:\n"
        "  mov dword ptr [out_regs], eax\n"
        "  mov dword ptr [out_regs+4], ecx\n"
        "  mov dword ptr [out_regs+8], edx\n"
        "  mov dword ptr [out_regs+12], ebx\n"
        "  mov dword ptr [out_regs+16], esp\n"
        "  mov dword ptr [out_regs+20], ebp\n"
        "  mov dword ptr [out_regs+24], esi\n"
        "  mov dword ptr [out_regs+28], edi\n"
        "  mov esp, dword ptr [saved_esp]\n"
        "  pushfd\n  pop dword ptr [out_flags]\n  cld\n"
        "  mov fs, word ptr [saved_fs]\n"
        "  pop edi\n  pop esi\n  pop ebx\n  pop ebp\n  ret\n"
        ".att_syntax prefix\n");

static sigjmp_buf fault_jump;
static volatile int fault_vector;
static volatile uint32_t fault_eip;

/* LDT entry 0: a 32-bit data segment based at DATA_ADDR, limit FS_LIMIT; selector 7 (LDT, RPL 3). */
static void install_fs_segment(void) {
    struct user_desc d;
    memset(&d, 0, sizeof d);
    d.entry_number = 0;
    d.base_addr = DATA_ADDR;
    d.limit = FS_LIMIT;
    d.seg_32bit = 1;
    d.contents = 0;
    d.useable = 1;
    if (syscall(SYS_modify_ldt, 1, &d, sizeof d) != 0) {
        perror("modify_ldt");
        exit(1);
    }
    case_fs = 7;
}

static void on_fault(int sig, siginfo_t *info, void *context) {
    (void)sig;
    (void)info;
    ucontext_t *uc = context;
    fault_vector = (int)uc->uc_mcontext.gregs[REG_TRAPNO];
    fault_eip = (uint32_t)uc->uc_mcontext.gregs[REG_EIP];
    siglongjmp(fault_jump, 1);
}

static void install_handlers(void) {
    static char altstack[65536];
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
    if (sigaltstack(&ss, NULL) != 0) {
        perror("sigaltstack");
        exit(1);
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    int sigs[] = {SIGFPE, SIGILL, SIGSEGV, SIGBUS, SIGTRAP};
    for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &sa, NULL);
}

static void map_fixed(uint32_t address, uint32_t size) {
    void *p = mmap((void *)(uintptr_t)address, size, PROT_READ | PROT_WRITE | PROT_EXEC,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (p != (void *)(uintptr_t)address) {
        fprintf(stderr, "harness: cannot map %#x: %s\n", address, strerror(errno));
        exit(1);
    }
}

/* ---- random numbers (xorshift64*, seeded per form from the recorded seed) ---- */

static uint64_t rng;

static uint32_t rnd(void) {
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return (uint32_t)((rng * 0x2545F4914F6CDD1DULL) >> 32);
}

static uint32_t below(uint32_t n) {
    return n ? rnd() % n : 0;
}

static uint64_t seed_for(uint64_t seed, const char *name) {
    uint64_t h = 1469598103934665603ULL ^ seed;
    for (; *name; name++)
        h = (h ^ (uint8_t)*name) * 1099511628211ULL;
    return h ? h : 1;
}

/* ---- one case ---- */

#define MAX_WIN 4

typedef struct {
    uint32_t addr, len;
} Window;

typedef struct {
    uint8_t code[24];
    int len;
    uint32_t regs[8], flags;
    uint64_t value[MAX_OPS];  /* operand values */
    int reg[MAX_OPS];         /* register number of register operands, or -1 */
    uint32_t addr[MAX_OPS];   /* address of memory operands */
    Window win[MAX_WIN];
    int nwin;
    uint32_t count;           /* shift count, for the undefined-flags rule */
} Case;

static uint8_t *const data = (uint8_t *)(uintptr_t)DATA_ADDR;
static uint8_t initial_data[DATA_SIZE];

/* A branch in a case jumps this far past its end: over the fall-through exit, to the taken exit. */
#define TAKEN_OFFSET 6

/* Fixed contents of registers no operand uses: distinct bytes, so a write to the wrong lane shows. */
static const uint32_t FILL[8] = {0xA1B2C3D4, 0x1C2D3E4F, 0x5A6B7C8D, 0x9E0FA1B2,
                                 0x00208000, 0x3C4D5E6F, 0x7A8B9CAD, 0xBECFD0E1};

static uint32_t mask_of(int size) {
    return size == 32 ? 0xFFFFFFFFu : (1u << size) - 1;
}

/* Writes `value` into register `r` as an operand of `size` bits (8-bit 4..7 are AH..BH). */
static void set_reg(Case *c, int r, int size, uint32_t value) {
    if (size == 8) {
        int shift = r >= 4 ? 8 : 0;
        uint32_t *p = &c->regs[r & 3];
        *p = (*p & ~(0xFFu << shift)) | ((value & 0xFF) << shift);
    } else if (size == 16) {
        c->regs[r] = (c->regs[r] & 0xFFFF0000u) | (value & 0xFFFF);
    } else {
        c->regs[r] = value;
    }
}

static void put(uint32_t address, uint64_t value, int bytes) {
    for (int i = 0; i < bytes; i++)
        initial_data[address - DATA_ADDR + i] = (uint8_t)(value >> (8 * i));
}

static uint64_t get(uint32_t address, int bytes) {
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++)
        v |= (uint64_t)initial_data[address - DATA_ADDR + i] << (8 * i);
    return v;
}

/*
 * Adds a window of memory that is recorded before and after. Its bytes are random when they are
 * data the instruction reads (strings, tables), otherwise a fixed filler around the operand that
 * shows a write of the wrong width.
 */
static uint8_t window_byte(int random) {
    return random ? (uint8_t)rnd() : 0xEE;
}

static void window(Case *c, uint32_t address, uint32_t len, int random) {
    if (address < DATA_ADDR)
        address = DATA_ADDR;
    if (address + len > DATA_ADDR + DATA_SIZE)
        len = DATA_ADDR + DATA_SIZE - address;
    for (int i = 0; i < c->nwin; i++) { /* merge with an overlapping window */
        Window *w = &c->win[i];
        if (address <= w->addr + w->len && w->addr <= address + len) {
            uint32_t lo = address < w->addr ? address : w->addr;
            uint32_t hi = address + len > w->addr + w->len ? address + len : w->addr + w->len;
            for (uint32_t a = lo; a < hi; a++)
                if (a < w->addr || a >= w->addr + w->len)
                    initial_data[a - DATA_ADDR] = window_byte(random);
            w->addr = lo;
            w->len = hi - lo;
            return;
        }
    }
    if (c->nwin == MAX_WIN) {
        fprintf(stderr, "harness: too many memory windows\n");
        exit(1);
    }
    c->win[c->nwin].addr = address;
    c->win[c->nwin].len = len;
    c->nwin++;
    for (uint32_t i = 0; i < len; i++)
        initial_data[address - DATA_ADDR + i] = window_byte(random);
}

/* ---- values ---- */

static int edges(int cls, int size, uint32_t *out) {
    uint32_t m = mask_of(size), top = 1u << (size - 1);
    int n = 0;
    switch (cls) {
    case C_DATA:
        out[n++] = 0;
        out[n++] = 1;
        out[n++] = 2;
        out[n++] = 9;
        out[n++] = top - 2;
        out[n++] = top - 1;
        out[n++] = top;
        out[n++] = top + 1;
        out[n++] = 0x55555555u & m;
        out[n++] = 0xAAAAAAAAu & m;
        out[n++] = m - 1;
        out[n++] = m;
        break;
    case C_COUNT: {
        uint32_t v[] = {0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 255};
        for (unsigned i = 0; i < sizeof v / sizeof v[0]; i++)
            out[n++] = v[i];
        break;
    }
    case C_COUNTD: {
        uint32_t v16[] = {0, 1, 2, 7, 8, 15, 16, 32, 33, 47, 48};
        uint32_t v32[] = {0, 1, 2, 7, 8, 15, 16, 17, 31, 32, 33, 63, 255};
        uint32_t *v = size == 16 ? v16 : v32;
        int k = size == 16 ? (int)(sizeof v16 / 4) : (int)(sizeof v32 / 4);
        for (int i = 0; i < k; i++)
            out[n++] = v[i];
        break;
    }
    case C_BITOFF: {
        int32_t v[] = {0, 1, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 255, 256, -1, -8, -16, -17, -32, -33,
                       1000, -1000, 32767, -32768};
        for (unsigned i = 0; i < sizeof v / sizeof v[0]; i++)
            out[n++] = (uint32_t)v[i] & m;
        break;
    }
    case C_BASE: {
        uint32_t v[] = {10, 0, 1, 2, 7, 16, 100, 127, 128, 255};
        for (unsigned i = 0; i < sizeof v / sizeof v[0]; i++)
            out[n++] = v[i];
        break;
    }
    case C_ALL8:
        for (int i = 0; i < 256; i++)
            out[n++] = (uint32_t)i;
        break;
    case C_LOOP: {
        uint32_t v[] = {0, 1, 2, 0x10000, 0x10001, 0xFFFFFFFF};
        for (unsigned i = 0; i < sizeof v / sizeof v[0]; i++)
            out[n++] = v[i];
        break;
    }
    case C_FRAME: {
        uint32_t v[] = {0, 1, 4, 8, 0x100, 0x7FF};
        for (unsigned i = 0; i < sizeof v / sizeof v[0]; i++)
            out[n++] = v[i];
        break;
    }
    case C_LEVEL: {
        uint32_t v[] = {0, 1, 2, 3, 31, 32, 33};
        for (unsigned i = 0; i < sizeof v / sizeof v[0]; i++)
            out[n++] = v[i];
        break;
    }
    default:
        break;
    }
    return n;
}

static uint32_t random_data(int size) {
    uint32_t m = mask_of(size), top = 1u << (size - 1);
    switch (below(4)) {
    case 0:
        return (below(2) ? below(16) : -below(16) - 1) & m;
    case 1:
        return ((below(2) ? top : top - 1) + (below(2) ? below(8) : -below(8))) & m;
    case 2:
        return (rnd() >> below(32)) & m;
    default:
        return rnd() & m;
    }
}

static uint32_t random_value(int cls, int size, int memory_form) {
    switch (cls) {
    case C_COUNT:
        return below(4) ? below(size + 2) : rnd() & 0xFF;
    case C_COUNTD:
        for (;;) {
            uint32_t v = below(2) ? below(size + 1) : rnd() & 0xFF;
            if ((v & 31) <= (uint32_t)size)
                return v;
        }
    case C_BITOFF:
        if (memory_form)
            return (uint32_t)((int32_t)below(65536) - 32768) & mask_of(size);
        return rnd() & mask_of(size);
    case C_BASE:
    case C_ALL8:
        return rnd() & 0xFF;
    case C_LOOP:
        return below(2) ? below(4) : below(2) ? 0x10000 + below(3) - 1 : rnd();
    case C_LEVEL:
        return below(4) ? below(4) : rnd() & 0x3F;
    case C_FRAME:
        return below(0x800);
    case C_TARGET:
        return 0; /* set once the instruction's length is known */
    default:
        return random_data(size);
    }
}

/* The width an operand's values are drawn for: counts go with the destination they shift. */
static int value_size(const Form *f, const Opnd *o) {
    if (o->cls == C_COUNT || o->cls == C_COUNTD)
        return f->op[0].size;
    return o->size == 64 ? 32 : o->size;
}

/* ---- encoding ---- */

typedef struct {
    uint8_t *p;
    uint32_t lanes[8]; /* byte lanes of each register already given a role: bit0 low, bit1 high, bit2 upper */
} Enc;

static uint32_t lanes_of(int r, int size) {
    return size == 8 ? (r >= 4 ? 2u : 1u) : size == 16 ? 3u : 7u;
}

static int reg32_of(int r, int size) {
    return size == 8 ? r & 3 : r;
}

static int claim(Enc *e, int r, int size) {
    int q = reg32_of(r, size);
    uint32_t l = lanes_of(r, size);
    if (e->lanes[q] & l)
        return 0;
    e->lanes[q] |= l;
    return 1;
}

/* A register for an operand: free if possible; now and then a register another operand uses. */
static int pick_reg(Enc *e, int size, int allow_alias) {
    if (allow_alias && below(16) == 0) {
        int r = (int)below(8);
        e->lanes[reg32_of(r, size)] |= lanes_of(r, size);
        return r;
    }
    for (int tries = 0; tries < 64; tries++) {
        int r = (int)below(8);
        if (claim(e, r, size))
            return r;
    }
    return (int)below(8);
}

static void emit32(Enc *e, uint32_t v) {
    for (int i = 0; i < 4; i++)
        *e->p++ = (uint8_t)(v >> (8 * i));
}

/*
 * Encodes ModRM (and SIB, displacement) for a memory operand at `address`, choosing an
 * addressing form at random and the base/index register values that reach the address.
 */
static void encode_mem(Enc *e, Case *c, int regfield, uint32_t address) {
    int free_regs[8], nfree = 0;
    for (int r = 0; r < 8; r++)
        if (!e->lanes[r])
            free_regs[nfree++] = r;
    int form = (int)below(7);
    if (nfree < 2)
        form = 3;
    int base = nfree ? free_regs[below(nfree)] : 0, index = base;
    while (nfree >= 2 && index == base)
        index = free_regs[below(nfree)];
    if (form == 0 && (base == 4 || base == 5))
        form = 1;
    if ((form == 1 || form == 2) && base == 4)
        form = 4;
    if (index == 4 && form >= 4)
        form = 3;
    int32_t disp = 0;
    uint32_t scale = below(4), idxval = below(4) ? below(64) - 32 : rnd();
    switch (form) {
    case 0: /* [base] */
        *e->p++ = (uint8_t)(0x00 | regfield << 3 | base);
        c->regs[base] = address;
        break;
    case 1: /* [base+disp8] */
        disp = (int8_t)rnd();
        *e->p++ = (uint8_t)(0x40 | regfield << 3 | base);
        *e->p++ = (uint8_t)disp;
        c->regs[base] = address - (uint32_t)disp;
        break;
    case 2: /* [base+disp32] */
        disp = (int32_t)rnd();
        *e->p++ = (uint8_t)(0x80 | regfield << 3 | base);
        emit32(e, (uint32_t)disp);
        c->regs[base] = address - (uint32_t)disp;
        break;
    case 3: /* [disp32] */
        *e->p++ = (uint8_t)(0x00 | regfield << 3 | 5);
        emit32(e, address);
        return;
    case 4: /* [base+index*scale+disp8] */
        disp = (int8_t)rnd();
        *e->p++ = (uint8_t)(0x44 | regfield << 3);
        *e->p++ = (uint8_t)(scale << 6 | index << 3 | base);
        *e->p++ = (uint8_t)disp;
        c->regs[index] = idxval;
        c->regs[base] = address - (uint32_t)disp - (idxval << scale);
        break;
    case 5: /* [index*scale+disp32] */
        *e->p++ = (uint8_t)(0x04 | regfield << 3);
        *e->p++ = (uint8_t)(scale << 6 | index << 3 | 5);
        c->regs[index] = idxval;
        emit32(e, address - (idxval << scale));
        index = -1;
        break;
    default: /* [base+index*scale]; base 5 would mean disp32 here, so EBP takes the disp8 form */
        if (base == index) {
            scale = 0;
            index = 4; /* no index */
        }
        *e->p++ = (uint8_t)((base == 5 ? 0x44 : 0x04) | regfield << 3);
        *e->p++ = (uint8_t)(scale << 6 | index << 3 | base);
        if (base == 5)
            *e->p++ = 0;
        if (index != 4) {
            c->regs[index] = idxval;
            c->regs[base] = address - (idxval << scale);
        } else {
            c->regs[base] = address;
        }
        break;
    }
    if (form != 5 && form != 3)
        e->lanes[base] = 7;
    if (index >= 0 && index != 4 && form >= 4)
        e->lanes[index] = 7;
}

/*
 * 16-bit ModRM for a memory operand at FS:offset: an addressing form at random, with the low halves
 * of its base and index registers chosen to reach the offset modulo 64 KiB (upper halves random).
 */
static void encode_mem16(Enc *e, Case *c, int regfield, uint32_t offset) {
    static const int BASE[8] = {3, 3, 5, 5, 6, 7, 5, 3}, INDEX[8] = {6, 7, 6, 7, -1, -1, -1, -1};
    int rm, mod;
    for (int tries = 0;; tries++) {
        rm = (int)below(8);
        mod = (int)below(3);
        int b = BASE[rm], x = INDEX[rm];
        if (rm == 6 && mod == 0)
            break; /* disp16 alone */
        if (!e->lanes[b] && (x < 0 || !e->lanes[x]))
            break;
        if (tries > 64) {
            rm = 6;
            mod = 0;
            break;
        }
    }
    uint32_t disp = mod == 1 ? (uint32_t)(int32_t)(int8_t)rnd() : mod == 2 ? rnd() & 0xFFFF : 0;
    *e->p++ = (uint8_t)(mod << 6 | regfield << 3 | rm);
    if (rm == 6 && mod == 0) {
        *e->p++ = (uint8_t)offset;
        *e->p++ = (uint8_t)(offset >> 8);
        return;
    }
    if (mod == 1)
        *e->p++ = (uint8_t)disp;
    else if (mod == 2) {
        *e->p++ = (uint8_t)disp;
        *e->p++ = (uint8_t)(disp >> 8);
    }
    int b = BASE[rm], x = INDEX[rm];
    uint32_t xv = rnd();
    uint32_t need = (offset - disp - (x >= 0 ? xv : 0)) & 0xFFFF;
    if (x >= 0) {
        c->regs[x] = xv;
        e->lanes[x] = 7;
    }
    c->regs[b] = (rnd() & 0xFFFF0000u) | need;
    e->lanes[b] = 7;
}

/* LEA: any addressing form, any register values (no memory is touched). */
static void encode_lea(Enc *e, int regfield, int addr16, int edge) {
    int mod, rm;
    if (addr16) {
        int k = edge >= 0 && edge < 24 ? edge : (int)below(24);
        mod = k / 8;
        rm = k % 8;
        *e->p++ = (uint8_t)(mod << 6 | regfield << 3 | rm);
        if (mod == 1)
            *e->p++ = (uint8_t)rnd();
        else if (mod == 2 || (mod == 0 && rm == 6)) {
            uint32_t d = rnd();
            *e->p++ = (uint8_t)d;
            *e->p++ = (uint8_t)(d >> 8);
        }
        return;
    }
    int sib = -1;
    if (edge >= 0 && edge < 24) {
        mod = edge / 8;
        rm = edge % 8;
        if (rm == 4)
            sib = (int)below(256);
    } else if (edge >= 24 && edge < 24 + 3 * 256) {
        mod = (edge - 24) / 256;
        rm = 4;
        sib = (edge - 24) % 256;
    } else {
        mod = (int)below(3);
        rm = (int)below(8);
        if (rm == 4)
            sib = (int)below(256);
    }
    *e->p++ = (uint8_t)(mod << 6 | regfield << 3 | rm);
    if (sib >= 0)
        *e->p++ = (uint8_t)sib;
    if (mod == 1)
        *e->p++ = (uint8_t)rnd();
    else if (mod == 2 || (mod == 0 && rm == 5) || (mod == 0 && sib >= 0 && (sib & 7) == 5))
        emit32(e, rnd());
}

static int has_modrm(const Form *f) {
    if (f->ext >= 0)
        return 1;
    for (int i = 0; i < f->nops; i++)
        if (f->op[i].kind == K_RM || f->op[i].kind == K_REG || f->op[i].kind == K_M)
            return 1;
    return 0;
}

static void emit_imm(Enc *e, uint32_t v, int bytes) {
    for (int i = 0; i < bytes; i++)
        *e->p++ = (uint8_t)(v >> (8 * i));
}

/* ---- building a case ---- */

static const uint32_t FLAG_VARIANTS[4] = {0, F_ARITH, F_CF, F_AF};

/* Signed and unsigned division: dividends whose quotient fits, and the #DE cases. */
static void division_values(Case *c, const Form *f, int signed_div, int edge) {
    int s = f->op[0].size;
    uint64_t wide_mask = s == 32 ? ~0ULL : (1ULL << (2 * s)) - 1;
    uint64_t divisor = c->value[0];
    if (edge >= 0) {
        static const uint64_t dividend_edges[] = {0, 1, 7, 100, ~0ULL, 0x7FFFFFFFFFFFFFFFULL};
        uint64_t v = dividend_edges[edge % 6];
        if (edge % 6 >= 4) /* all-ones, and the largest positive of the double width */
            v = edge % 6 == 4 ? wide_mask : wide_mask >> 1;
        c->value[1] = v & wide_mask;
        return;
    }
    if (divisor == 0 || below(5) == 0) {
        c->value[1] = ((uint64_t)rnd() << 32 | rnd()) & wide_mask;
        return;
    }
    uint64_t q = rnd() & mask_of(s), r;
    if (!signed_div) {
        r = divisor ? (uint64_t)rnd() % divisor : 0;
        c->value[1] = (q * divisor + r) & wide_mask;
    } else {
        /* sign-extend everything to 64 bits and build q*d + r with |r| < |d| and r's sign the dividend's */
        int64_t d = (int64_t)(divisor << (64 - s)) >> (64 - s);
        int64_t qs = (int64_t)(q << (64 - s)) >> (64 - s);
        int64_t ad = d < 0 ? -d : d;
        int64_t rem = ad ? (int64_t)(rnd() % (uint64_t)ad) : 0;
        int64_t v = qs * d;
        v += (v < 0 || (v == 0 && below(2))) ? -rem : rem;
        c->value[1] = (uint64_t)v & wide_mask;
    }
}

/*
 * Builds case number `i` of form `f`. Cases below `nedge` enumerate the product of the operands'
 * edge values (with flag variants); the rest draw every value at random.
 */
static void build_case(const Form *f, Case *c, int i, int nedge, int nvariants) {
    memset(c, 0, sizeof *c);
    memcpy(c->regs, FILL, sizeof FILL);
    memset(initial_data, 0, sizeof initial_data);
    Enc e;
    memset(&e, 0, sizeof e);
    e.p = c->code;

    int edge = i < nedge * nvariants ? i / nvariants : -1;
    int variant = i < nedge * nvariants ? i % nvariants : -1;
    c->flags = variant >= 0 ? FLAG_VARIANTS[variant % 4] : (rnd() & F_ARITH);
    if (below(2))
        c->flags |= F_DF;
    if (f->hook != H_STRING && f->hook != H_REPSTRING && variant >= 0)
        c->flags &= ~F_DF;
    int memory_form = variant >= 0 ? (edge + variant) & 1 : (int)below(2);
    if (f->hook == H_UD)
        memory_form = 0;
    if (f->hook == H_LOCK)
        memory_form = below(16) != 0;

    /* operand values: one digit of the edge index per enumerated operand */
    int rest = edge;
    for (int k = 0; k < f->nops; k++) {
        const Opnd *o = &f->op[k];
        uint32_t list[300];
        int n = edges(o->cls, value_size(f, o), list);
        c->reg[k] = -1;
        if (n && rest >= 0) {
            c->value[k] = list[rest % n];
            rest /= n;
        } else if (o->cls == C_WO) {
            c->value[k] = FILL[k] & mask_of(o->size == 64 ? 32 : o->size);
        } else if (o->cls != C_NONE) {
            c->value[k] = random_value(o->cls, value_size(f, o),
                                       memory_form && o->kind == K_REG && f->op[0].kind == K_RM);
            if (o->size == 64)
                c->value[k] = (uint64_t)rnd() << 32 | rnd();
        }
    }
    if (f->hook == H_DIV || f->hook == H_IDIV)
        division_values(c, f, f->hook == H_IDIV, edge >= 0 ? edge / 12 : -1);

    /* implicit registers */
    for (int k = 0; k < f->nops; k++) {
        const Opnd *o = &f->op[k];
        switch (o->kind) {
        case K_ACC:
            c->reg[k] = 0;
            claim(&e, 0, o->size);
            break;
        case K_AH:
            c->reg[k] = 4;
            claim(&e, 4, 8);
            break;
        case K_CL:
            c->reg[k] = 1;
            claim(&e, 1, 8);
            break;
        case K_DXAX:
            claim(&e, 0, 32);
            if (o->size != 8)
                claim(&e, 2, 32);
            break;
        case K_EDXEAX:
            claim(&e, 0, 32);
            claim(&e, 2, 32);
            break;
        case K_ECXEBX:
            claim(&e, 1, 32);
            claim(&e, 3, 32);
            break;
        case K_ECX:
            c->reg[k] = 1;
            claim(&e, 1, 32);
            break;
        }
    }
    if (f->hook == H_STRING || f->hook == H_REPSTRING) {
        claim(&e, 1, 32);
        claim(&e, 6, 32);
        claim(&e, 7, 32);
    }
    if (f->hook == H_XLAT)
        claim(&e, 3, 32);
    uint8_t last = f->opcode[f->oplen - 1];
    int frame_op = f->hook == H_STACK && (last == 0xC8 || last == 0xC9); /* ENTER, LEAVE */
    if (f->hook == H_STACK || f->hook == H_RET)
        claim(&e, 4, 32);
    if (frame_op)
        claim(&e, 5, 32);
    uint32_t stack_esp = DATA_ADDR + 0x3000 + 4 * below(64) + (below(8) == 0 ? below(4) : 0);

    /* opcode, with the register of +r forms */
    int opreg = -1;
    for (int k = 0; k < f->nops; k++)
        if (f->op[k].kind == K_OPREG) {
            opreg = c->reg[k] = pick_reg(&e, f->op[k].size, variant < 0);
            if (f->hook == H_STACK && below(8) == 0)
                opreg = c->reg[k] = 4; /* PUSH ESP pushes the old value; POP ESP loads ESP */
        }
    /* now and then a segment-override prefix on a memory access (every segment is flat) */
    int memory_access = f->hook == H_STRING || f->hook == H_REPSTRING || f->hook == H_XLAT;
    for (int k = 0; k < f->nops; k++)
        memory_access |= f->op[k].kind == K_MOFFS || f->op[k].kind == K_M || (f->op[k].kind == K_RM && memory_form);
    if (memory_access && !f->addr16 && below(8) == 0) {
        static const uint8_t SEG[4] = {0x26, 0x2E, 0x36, 0x3E};
        *e.p++ = SEG[below(4)];
    }
    memcpy(e.p, f->opcode, f->oplen);
    e.p += f->oplen;
    if (opreg >= 0)
        e.p[-1] = (uint8_t)(e.p[-1] + opreg);

    /* ModRM operands */
    int size0 = f->op[0].size;
    if (has_modrm(f)) {
        int regfield = f->ext >= 0 ? f->ext : 0;
        for (int k = 0; k < f->nops; k++)
            if (f->op[k].kind == K_REG)
                regfield = c->reg[k] = pick_reg(&e, f->op[k].size, variant < 0);
        int rmk = -1;
        for (int k = 0; k < f->nops; k++)
            if (f->op[k].kind == K_RM || f->op[k].kind == K_M)
                rmk = k;
        if (f->hook == H_LEA) {
            encode_lea(&e, regfield, f->addr16, edge);
            for (int r = 0; r < 8; r++)
                if (r != regfield && below(2))
                    c->regs[r] = rnd();
        } else if (rmk < 0) {
            *e.p++ = (uint8_t)(0xC0 | regfield << 3 | below(8)); /* SETcc-like forms without r/m operand */
        } else if (f->op[rmk].kind == K_M && f->hook == H_CMPXCHG8B && below(20) == 0) {
            *e.p++ = (uint8_t)(0xC0 | regfield << 3 | below(8)); /* register form: #UD */
        } else if (f->op[rmk].kind == K_M || memory_form) {
            int bytes = f->op[rmk].size / 8;
            uint32_t address = TARGET_LO + below(TARGET_HI - TARGET_LO - 8);
            if (below(2))
                address &= ~(uint32_t)(bytes - 1);
            if (f->addr16) {
                encode_mem16(&e, c, regfield, address - DATA_ADDR);
            } else if (f->hook == H_STACK && below(4) == 0) {
                /* [ESP+disp8]: POP computes the address after incrementing ESP, PUSH and CALL before */
                uint8_t disp = (uint8_t)(4 * below(10) + (below(4) == 0 ? below(4) : 0));
                address = stack_esp + disp + (f->opcode[f->oplen - 1] == 0x8F ? (uint32_t)bytes : 0);
                *e.p++ = (uint8_t)(0x44 | regfield << 3);
                *e.p++ = 0x24;
                *e.p++ = disp;
            } else {
                encode_mem(&e, c, regfield, address);
            }
            c->addr[rmk] = address;
            window(c, address - 2, bytes + 4, 0);
            put(address, c->value[rmk], bytes);
        } else {
            int r = pick_reg(&e, f->op[rmk].size, variant < 0);
            c->reg[rmk] = r;
            *e.p++ = (uint8_t)(0xC0 | regfield << 3 | r);
        }
    }

    /* a moffs operand: the address itself follows the opcode */
    for (int k = 0; k < f->nops; k++)
        if (f->op[k].kind == K_MOFFS) {
            int bytes = f->op[k].size / 8;
            uint32_t address = TARGET_LO + below(TARGET_HI - TARGET_LO - 8);
            emit32(&e, address);
            c->addr[k] = address;
            window(c, address - 2, bytes + 4, 0);
            put(address, c->value[k], bytes);
        }

    /* immediates and branch displacements, in operand order; a branch goes to the taken exit */
    for (int k = 0; k < f->nops; k++) {
        const Opnd *o = &f->op[k];
        if (o->kind == K_IMM)
            emit_imm(&e, (uint32_t)c->value[k], o->size / 8);
        else if (o->kind == K_IMM8)
            emit_imm(&e, (uint32_t)c->value[k], 1);
        else if (o->kind == K_REL8)
            emit_imm(&e, TAKEN_OFFSET, 1);
        else if (o->kind == K_REL32)
            emit_imm(&e, TAKEN_OFFSET, 4);
    }

    /* register operand values, after the address registers so aliasing keeps the operand's value */
    for (int k = 0; k < f->nops; k++) {
        const Opnd *o = &f->op[k];
        if (c->reg[k] >= 0 && o->kind != K_IMM && o->kind != K_IMM8 && o->cls != C_TARGET)
            set_reg(c, c->reg[k], o->size, (uint32_t)c->value[k]);
        else if (o->kind == K_DXAX) {
            uint64_t v = c->value[k];
            if (o->size == 8)
                set_reg(c, 0, 16, (uint32_t)v);
            else {
                set_reg(c, 0, o->size, (uint32_t)v);
                set_reg(c, 2, o->size, (uint32_t)(v >> o->size));
            }
        } else if (o->kind == K_EDXEAX || o->kind == K_ECXEBX) {
            int lo = o->kind == K_EDXEAX ? 0 : 3, hi = o->kind == K_EDXEAX ? 2 : 1;
            c->regs[lo] = (uint32_t)c->value[k];
            c->regs[hi] = (uint32_t)(c->value[k] >> 32);
        }
    }

    /* counts for the undefined-flags rule */
    c->count = 1;
    for (int k = 0; k < f->nops; k++)
        if (f->op[k].cls == C_COUNT || f->op[k].cls == C_COUNTD)
            c->count = (uint32_t)c->value[k];

    /* per-form hooks */
    switch (f->hook) {
    case H_CMPXCHG:
        if (below(2)) /* the accumulator equals the destination half the time */
            set_reg(c, 0, size0, (uint32_t)c->value[0]);
        break;
    case H_CMPXCHG8B:
        if (c->addr[0] && below(2)) {
            uint64_t m = get(c->addr[0], 8);
            c->regs[0] = (uint32_t)m;
            c->regs[2] = (uint32_t)(m >> 32);
        }
        break;
    case H_STRING:
    case H_REPSTRING: {
        int bytes = f->op[0].size / 8;
        int down = (c->flags & F_DF) != 0;
        uint8_t op = f->opcode[f->oplen - 1] & 0xFE;
        int cmps = op == 0xA6, scas = op == 0xAE;
        uint32_t count = f->hook == H_REPSTRING ? (edge >= 0 && edge < 10 ? (uint32_t)edge : below(13)) : rnd();
        uint32_t src = DATA_ADDR + 0x1800 + below(256), dst = DATA_ADDR + 0x3000 + below(256);
        if (f->hook == H_REPSTRING)
            c->regs[1] = count;
        c->regs[6] = src;
        c->regs[7] = dst;
        /* the windows cover the elements the instruction may touch, and two bytes either side */
        uint32_t n = f->hook == H_REPSTRING ? count : 1;
        uint32_t ub = (uint32_t)bytes, before = (down ? n * ub : 0) + 2, after = (down ? ub : n * ub) + 2;
        if (op != 0xAA && op != 0xAE)
            window(c, src - before, before + after, 1);
        if (op != 0xAC)
            window(c, dst - before, before + after, 1);
        int32_t step = down ? -bytes : bytes;
        int mode = (int)below(3);
        if (cmps && mode != 2) {
            /* CMPS: the strings equal throughout, or up to a random element */
            memcpy(&initial_data[dst - before - DATA_ADDR], &initial_data[src - before - DATA_ADDR], before + after);
            if (mode == 0 && n) {
                uint32_t at = dst + (uint32_t)(step * (int32_t)below(n));
                initial_data[at - DATA_ADDR + below(bytes)] ^= (uint8_t)(1 + below(255));
            }
        } else if (scas) {
            /* SCAS: fill with the accumulator's value (REPE runs on) or plant it (REPNE stops) */
            uint32_t acc = c->regs[0] & mask_of(f->op[0].size);
            if (mode == 0) {
                for (uint32_t a = dst - before + 2; a + bytes <= dst + after - 2; a += bytes)
                    put(a, acc, bytes);
                if (n && below(2))
                    put(dst + (uint32_t)(step * (int32_t)below(n)), acc ^ (1u + below(0xFF)), bytes);
            } else if (mode == 1 && n) {
                put(dst + (uint32_t)(step * (int32_t)below(n)), acc, bytes);
            }
        }
        break;
    }
    case H_XLAT: {
        uint32_t table = DATA_ADDR + 0x2000 + below(0x800);
        c->regs[3] = table;
        window(c, table, 256, 1);
        break;
    }
    default:
        break;
    }
    if (f->hook == H_BOUND && below(2)) {
        /* bounds around the index, at most 100 away on either side */
        int s = f->op[0].size;
        int32_t index = (int32_t)((uint32_t)c->value[0] << (32 - s)) >> (32 - s);
        int32_t lo = index - (int32_t)below(100), hi = index + (int32_t)below(100);
        if (below(4) == 0)
            lo = hi = index;
        put(c->addr[1], (uint32_t)lo, s / 8);
        put(c->addr[1] + s / 8, (uint32_t)hi, s / 8);
    }
    /* BT family, memory form with a register offset: the bit may lie far from the operand */
    if (f->rule == R_BT && c->addr[0] && f->op[1].kind == K_REG) {
        int s = f->op[0].size;
        int32_t off = (int32_t)((uint32_t)c->value[1] << (32 - s)) >> (32 - s);
        int32_t units = off >= 0 ? off / s : -((-off + s - 1) / s);
        window(c, c->addr[0] + (uint32_t)(units * (s / 8)) - 2, s / 8 + 4, 1);
    }

    c->len = (int)(e.p - c->code);

    /* the stack: ESP (and the frame pointer of ENTER/LEAVE) inside the buffer, data on top */
    if (f->hook == H_STACK || f->hook == H_RET) {
        uint32_t esp = stack_esp;
        c->regs[4] = esp;
        window(c, esp - 136, 200, 0);
        for (uint32_t i = 0; i < 32; i++)
            initial_data[esp - DATA_ADDR + i] = (uint8_t)rnd();
        if (frame_op) {
            c->regs[5] = esp + 4 * below(8);
            for (uint32_t i = 0; i < 16; i++)
                initial_data[c->regs[5] - 16 - DATA_ADDR + i] = (uint8_t)rnd();
        }
        if (f->popf)
            put(esp, (rnd() & (F_ARITH | F_DF)) | 2, 4);
        if (f->hook == H_RET)
            put(esp, CODE_ADDR + (uint32_t)c->len + TAKEN_OFFSET, 4);
    }
    /* indirect branches: the register or memory operand holds the taken exit's address */
    for (int k = 0; k < f->nops; k++)
        if (f->op[k].cls == C_TARGET) {
            uint32_t target = CODE_ADDR + (uint32_t)c->len + TAKEN_OFFSET;
            if (c->addr[k])
                put(c->addr[k], target, 4);
            else
                set_reg(c, c->reg[k], 32, target);
        }
}

/* ---- running and recording ---- */

static void hex(FILE *out, const uint8_t *p, uint32_t n) {
    for (uint32_t i = 0; i < n; i++)
        fprintf(out, "%02x", p[i]);
}

static void run_and_record(FILE *out, const Form *f, Case *c) {
    /* the instruction, the fall-through exit "jmp [exit_ptr]", the taken exit "mov byte [taken], 1; jmp [exit_ptr]" */
    uint8_t *code = (uint8_t *)(uintptr_t)CODE_ADDR;
    uint32_t ep = (uint32_t)(uintptr_t)&exit_ptr, tp = (uint32_t)(uintptr_t)&taken;
    uint8_t *p = code;
    memcpy(p, c->code, c->len);
    p += c->len;
    *p++ = 0xFF;
    *p++ = 0x25;
    memcpy(p, &ep, 4);
    p += 4;
    *p++ = 0xC6;
    *p++ = 0x05;
    memcpy(p, &tp, 4);
    p += 4;
    *p++ = 1;
    *p++ = 0xFF;
    *p++ = 0x25;
    memcpy(p, &ep, 4);
    taken = 0;
    memcpy(data, initial_data, DATA_SIZE);
    memcpy(in_regs, c->regs, sizeof in_regs);
    in_flags = c->flags | 0x2;

    fault_vector = -1;
    if (sigsetjmp(fault_jump, 1) == 0)
        run_case();

    uint32_t mask = undefined_flags(f, c->count);
    hex(out, c->code, (uint32_t)c->len);
    for (int r = 0; r < 8; r++)
        fprintf(out, " %08x", c->regs[r]);
    fprintf(out, " %03x %03x", c->flags, mask);
    for (int w = 0; w < c->nwin; w++) {
        fprintf(out, " %x:", c->win[w].addr);
        hex(out, &initial_data[c->win[w].addr - DATA_ADDR], c->win[w].len);
    }
    if (fault_vector >= 0) { /* a trap (INTO) reports the next instruction */
        if (fault_eip != CODE_ADDR)
            fprintf(out, " > #%d @%x\n", fault_vector, fault_eip);
        else
            fprintf(out, " > #%d\n", fault_vector);
        return;
    }
    fprintf(out, " >");
    for (int r = 0; r < 8; r++)
        fprintf(out, " %08x", out_regs[r]);
    fprintf(out, " %03x", out_flags & (F_ARITH | F_DF));
    if (taken)
        fprintf(out, " @%x", CODE_ADDR + (uint32_t)c->len + TAKEN_OFFSET);
    for (int w = 0; w < c->nwin; w++) {
        fprintf(out, " ");
        hex(out, &data[c->win[w].addr - DATA_ADDR], c->win[w].len);
    }
    fprintf(out, "\n");
}

static int edge_count(const Form *f) {
    int n = 1;
    for (int k = 0; k < f->nops; k++) {
        uint32_t list[300];
        int m = edges(f->op[k].cls, value_size(f, &f->op[k]), list);
        if (m)
            n *= m;
    }
    if (f->hook == H_DIV || f->hook == H_IDIV)
        n = 12 * 6; /* divisor edges x dividend edges */
    if (f->hook == H_LEA)
        n = f->addr16 ? 24 : 24 + 3 * 256;
    if (f->hook == H_REPSTRING)
        n = n > 10 ? n : 10;
    return n;
}

#define MIN_CASES 512
#define MAX_EDGE_CASES 4096

static void cpu_model(char *buf, size_t size) {
    snprintf(buf, size, "unknown");
    FILE *in = fopen("/proc/cpuinfo", "r");
    if (!in)
        return;
    char line[256];
    while (fgets(line, sizeof line, in)) {
        if (strncmp(line, "model name", 10) == 0) {
            char *p = strchr(line, ':');
            if (p) {
                p += 2;
                p[strcspn(p, "\n")] = 0;
                snprintf(buf, size, "%s", p);
            }
            break;
        }
    }
    fclose(in);
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: harness SEED OUTDIR [FORM...]\n");
        return 2;
    }
    uint64_t seed = strtoull(argv[1], NULL, 0);
    const char *outdir = argv[2];
    mkdir(outdir, 0777);
    build_forms();
    map_fixed(CODE_ADDR, 0x1000);
    map_fixed(DATA_ADDR, DATA_SIZE);
    exit_ptr = (uint32_t)(uintptr_t)exit_stub;
    install_handlers();
    install_fs_segment();
    char cpu[128];
    cpu_model(cpu, sizeof cpu);

    FILE *out = NULL;
    char group[16] = "";
    long total = 0;
    for (int fi = 0; fi < nforms; fi++) {
        const Form *f = &forms[fi];
        if (argc > 3) {
            int wanted = 0;
            for (int a = 3; a < argc; a++)
                wanted |= strcmp(argv[a], f->name) == 0;
            if (!wanted)
                continue;
        }
        if (strcmp(group, f->group) != 0) {
            if (out)
                fclose(out);
            snprintf(group, sizeof group, "%s", f->group);
            char path[512];
            snprintf(path, sizeof path, "%s/%s.vec", outdir, group);
            out = fopen(path, "a");
            if (!out) {
                perror(path);
                return 1;
            }
            if (ftell(out) == 0) {
                fprintf(out, "# j386 instruction vectors, group %s: recorded on %s, seed %#llx\n", group, cpu,
                        (unsigned long long)seed);
                fprintf(out, "# form NAME RULE TEXT: then one case a line: code, eax..edi, eflags, undefined-flags"
                             " mask, memory windows (address:bytes), '>', then eax..edi, eflags, '@eip' when a"
                             " branch was taken, window bytes; or '>', '#vector' of the exception raised and '@eip' if"
                             " not the instruction's (a trap)\n");
            }
        }
        int nvariants = 2;
        for (int k = 0; k < f->nops; k++)
            if (f->op[k].cls == C_ALL8)
                nvariants = 4;
        int nedge = edge_count(f);
        if (nedge * nvariants > MAX_EDGE_CASES) /* the leading operands' edges are enumerated fully */
            nedge = MAX_EDGE_CASES / nvariants;
        int ncases = nedge * nvariants + 64;
        if (ncases < MIN_CASES)
            ncases = MIN_CASES;
        rng = seed_for(seed, f->name);
        fprintf(out, "form %s %s %s\n", f->name, rule_name(f->rule), f->text);
        Case c;
        for (int i = 0; i < ncases; i++) {
            build_case(f, &c, i, nedge, nvariants);
            run_and_record(out, f, &c);
        }
        total += ncases;
    }
    if (out)
        fclose(out);
    fprintf(stderr, "harness: %d forms, %ld cases\n", nforms, total);
    return 0;
}
