/* Compiled-C benchmark: the kind of code a compiler emits for ordinary
 * programs, where bench_alu and bench_mem are hand-written loops.  Six parts,
 * each run for every round: quicksort and heap sort of a pseudo-random array,
 * an open-addressing hash table, a switch-dispatched stack VM, an integer
 * matrix multiply, memory copies (byte loop, dword loop, an aligned library-
 * style copy, REP MOVSB), and calls through a table of function pointers.
 *
 * Paging is on and the working data lives in a window at 0x40000000 that is
 * not identity mapped, so every data access goes through real translation;
 * a 100 Hz PIT interrupt runs throughout, so the CPU also has to take
 * interrupts in the middle of whatever it is doing.  Nothing printed depends
 * on when the ticks arrive.
 *
 * Prints one checksum per part and exits with code 0 (status 1).  The default
 * is 10 rounds, about 2.7e9 instructions; "iterations=N" sets the rounds. */
#include "kernel.h"
#include "bench_args.h"

#define DEFAULT_ROUNDS 10u
#define WIN      0x40000000u
#define WIN_SIZE 0x00200000u        /* 2 MiB: 512 pages, one page table */

static volatile uint32_t ticks;

static void on_tick(struct frame *f)
{
    (void)f;
    ticks++;
    pic_eoi(0);
}

/* ---- helpers ------------------------------------------------------------ */

static uint32_t rng;
static uint32_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static uint32_t mix(uint32_t h, uint32_t v) { return (h ^ v) * 0x01000193u; }

static uint8_t *win_next = (uint8_t *)WIN;
static void *win_alloc(uint32_t bytes)
{
    void *p = win_next;
    win_next += (bytes + 4095) & ~4095u;
    if (win_next > (uint8_t *)(WIN + WIN_SIZE)) { print("FAIL window full\n"); exit_qemu(0x21); }
    return p;
}

static __attribute__((noreturn)) void fail(const char *what, uint8_t code)
{
    print("FAIL "); print(what); nl();
    exit_qemu(code);
}

/* ---- sorting ------------------------------------------------------------ */

#define SORT_N 70000

static void insertion_sort(int32_t *a, int n)
{
    for (int i = 1; i < n; i++) {
        int32_t v = a[i];
        int j = i - 1;
        while (j >= 0 && a[j] > v) { a[j + 1] = a[j]; j--; }
        a[j + 1] = v;
    }
}

static void quicksort(int32_t *a, int n)
{
    while (n > 16) {
        int32_t x = a[0], y = a[n / 2], z = a[n - 1];
        int32_t pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
        int i = -1, j = n;
        for (;;) {
            do i++; while (a[i] < pivot);
            do j--; while (a[j] > pivot);
            if (i >= j) break;
            int32_t t = a[i]; a[i] = a[j]; a[j] = t;
        }
        /* Recurse into the smaller half so the stack stays shallow. */
        if (j + 1 < n - j - 1) { quicksort(a, j + 1); a += j + 1; n -= j + 1; }
        else { quicksort(a + j + 1, n - j - 1); n = j + 1; }
    }
    insertion_sort(a, n);
}

static void sift_down(int32_t *a, int root, int n)
{
    int32_t v = a[root];
    for (;;) {
        int child = 2 * root + 1;
        if (child >= n) break;
        if (child + 1 < n && a[child + 1] > a[child]) child++;
        if (a[child] <= v) break;
        a[root] = a[child];
        root = child;
    }
    a[root] = v;
}

static void heapsort(int32_t *a, int n)
{
    for (int i = n / 2 - 1; i >= 0; i--) sift_down(a, i, n);
    for (int i = n - 1; i > 0; i--) {
        int32_t t = a[0]; a[0] = a[i]; a[i] = t;
        sift_down(a, 0, i);
    }
}

static uint32_t part_sort(uint32_t rounds)
{
    int32_t *a = win_alloc(SORT_N * 4), *b = win_alloc(SORT_N * 4);
    uint32_t h = 0;
    for (uint32_t r = 0; r < rounds; r++) {
        rng = 0x2545F491u + r;
        for (int i = 0; i < SORT_N; i++) a[i] = b[i] = (int32_t)next_rand() >> (r & 7);
        quicksort(a, SORT_N);
        heapsort(b, SORT_N);
        for (int i = 0; i < SORT_N; i++) {
            if (a[i] != b[i] || (i && a[i - 1] > a[i])) fail("sort: quicksort and heap sort disagree", 0x22);
            if ((i & 63) == 0) h = mix(h, (uint32_t)a[i]);
        }
    }
    return h;
}

/* ---- hashing ------------------------------------------------------------ */

#define HASH_BITS 16
#define HASH_SIZE (1u << HASH_BITS)
#define HASH_INSERTS 40000
#define HASH_LOOKUPS 160000
#define HASH_PASSES 7

struct slot { uint32_t key, value; };    /* key 0 marks an empty slot */

static uint32_t slot_of(uint32_t key) { return (key * 2654435761u) >> (32 - HASH_BITS); }

static void hash_add(struct slot *t, uint32_t key, uint32_t v)
{
    uint32_t i = slot_of(key);
    while (t[i].key && t[i].key != key) i = (i + 1) & (HASH_SIZE - 1);
    t[i].key = key;
    t[i].value += v;
}

static const struct slot *hash_find(const struct slot *t, uint32_t key)
{
    for (uint32_t i = slot_of(key); t[i].key; i = (i + 1) & (HASH_SIZE - 1))
        if (t[i].key == key) return &t[i];
    return 0;
}

static uint32_t part_hash(uint32_t rounds)
{
    struct slot *t = win_alloc(HASH_SIZE * sizeof *t);
    uint32_t h = 0;
    for (uint32_t r = 0; r < rounds * HASH_PASSES; r++) {
        for (uint32_t i = 0; i < HASH_SIZE; i++) t[i].key = t[i].value = 0;
        /* Keys from a small range repeat, so some inserts update a value. */
        rng = 0x9E3779B9u ^ r;
        for (uint32_t i = 0; i < HASH_INSERTS; i++) hash_add(t, (next_rand() & 0x3FFFF) | 1, i);
        uint32_t hits = 0, sum = 0;
        for (uint32_t i = 0; i < HASH_LOOKUPS; i++) {
            const struct slot *s = hash_find(t, (next_rand() & 0x3FFFF) | 1);
            if (s) { hits++; sum += s->value; }
        }
        h = mix(mix(h, hits), sum);
    }
    return h;
}

/* ---- a switch-dispatched stack VM --------------------------------------- */

enum { PUSH, LOAD, STORE, ADD, SUB, MUL, XOR, AND, SHR, LT, DUP, JZ, JMP, HALT };

/* The program, assembled at run time so jump targets need not be counted by hand:
 *   acc = seed; for (i = n; i; i--) { acc = acc * 31 + (i ^ (acc >> 7));
 *                                     if ((acc & 15) < 5) acc ^= i * i; }
 * with acc in variable 0 and i in variable 1. */
static int32_t code[64];
static int code_len;

static void emit(const int32_t *ops, int n) { for (int i = 0; i < n; i++) code[code_len++] = ops[i]; }

static void vm_assemble(void)
{
    static const int32_t head[] = { LOAD, 1, JZ, -1 };                 /* -1: patched to the exit */
    static const int32_t step[] = { LOAD, 0, PUSH, 31, MUL, LOAD, 1, LOAD, 0, PUSH, 7, SHR, XOR, ADD, STORE, 0 };
    static const int32_t test[] = { LOAD, 0, PUSH, 15, AND, PUSH, 5, LT, JZ, -2 };  /* -2: to the decrement */
    static const int32_t sq[]   = { LOAD, 0, LOAD, 1, DUP, MUL, XOR, STORE, 0 };
    static const int32_t dec[]  = { LOAD, 1, PUSH, 1, SUB, STORE, 1, JMP, 0 };
    static const int32_t tail[] = { LOAD, 0, HALT };
    code_len = 0;
    emit(head, 4); int exit_at = code_len - 1;
    emit(step, 16);
    emit(test, 10); int skip_at = code_len - 1;
    emit(sq, 9);
    code[skip_at] = code_len;
    emit(dec, 9);
    code[exit_at] = code_len;
    emit(tail, 3);
}

static uint32_t vm_run(const int32_t *pc0, uint32_t seed, uint32_t n)
{
    uint32_t stack[16], var[4] = { seed, n, 0, 0 };
    int sp = 0;
    const int32_t *pc = pc0;
    for (;;) {
        uint32_t a, b;
        switch (*pc++) {
        case PUSH:  stack[sp++] = (uint32_t)*pc++; break;
        case LOAD:  stack[sp++] = var[*pc++]; break;
        case STORE: var[*pc++] = stack[--sp]; break;
        case ADD:   b = stack[--sp]; a = stack[--sp]; stack[sp++] = a + b; break;
        case SUB:   b = stack[--sp]; a = stack[--sp]; stack[sp++] = a - b; break;
        case MUL:   b = stack[--sp]; a = stack[--sp]; stack[sp++] = a * b; break;
        case XOR:   b = stack[--sp]; a = stack[--sp]; stack[sp++] = a ^ b; break;
        case AND:   b = stack[--sp]; a = stack[--sp]; stack[sp++] = a & b; break;
        case SHR:   b = stack[--sp]; a = stack[--sp]; stack[sp++] = a >> (b & 31); break;
        case LT:    b = stack[--sp]; a = stack[--sp]; stack[sp++] = a < b; break;
        case DUP:   a = stack[sp - 1]; stack[sp++] = a; break;
        case JZ:    a = stack[--sp]; if (!a) pc = pc0 + *pc; else pc++; break;
        case JMP:   pc = pc0 + *pc; break;
        case HALT:  return stack[sp - 1];
        default:    fail("vm: bad opcode", 0x23);
        }
    }
}

static uint32_t part_vm(uint32_t rounds)
{
    vm_assemble();
    uint32_t h = 0;
    for (uint32_t r = 0; r < rounds; r++)
        for (uint32_t k = 0; k < 8; k++) h = mix(h, vm_run(code, h + k, 20000));
    return h;
}

/* ---- matrix multiply ---------------------------------------------------- */

#define MAT_N 64
typedef uint32_t matrix[MAT_N][MAT_N];

static void mat_mul(matrix c, matrix a, matrix b)
{
    for (int i = 0; i < MAT_N; i++)
        for (int j = 0; j < MAT_N; j++) {
            uint32_t s = 0;
            for (int k = 0; k < MAT_N; k++) s += a[i][k] * b[k][j];
            c[i][j] = s;
        }
}

static uint32_t part_matrix(uint32_t rounds)
{
    uint32_t (*a)[MAT_N] = win_alloc(sizeof(matrix));
    uint32_t (*b)[MAT_N] = win_alloc(sizeof(matrix));
    uint32_t (*c)[MAT_N] = win_alloc(sizeof(matrix));
    uint32_t h = 0;
    for (uint32_t r = 0; r < rounds; r++) {
        rng = 0x1234567u + r;
        for (int i = 0; i < MAT_N; i++)
            for (int j = 0; j < MAT_N; j++) { a[i][j] = next_rand() & 0xFF; b[i][j] = next_rand() & 0xFF; }
        /* Each product feeds the next, so no multiply can be skipped. */
        for (int step = 0; step < 22; step++) {
            mat_mul(c, a, b);
            for (int i = 0; i < MAT_N; i++)
                for (int j = 0; j < MAT_N; j++) a[i][j] = (c[i][j] >> 11) & 0x3FF;
        }
        for (int i = 0; i < MAT_N; i++) h = mix(h, c[i][i] ^ c[i][MAT_N - 1 - i]);
    }
    return h;
}

/* ---- memory copies ------------------------------------------------------ */

#define BUF_SIZE 0x20000                   /* 128 KiB each way: 32 pages */

/* Without this GCC turns the loops below into calls to memcpy, which would
 * measure the REP MOVSB in lib/print.c instead. */
#define PLAIN_LOOP __attribute__((noinline, optimize("no-tree-loop-distribute-patterns")))

static PLAIN_LOOP void copy_bytes(uint8_t *d, const uint8_t *s, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) d[i] = s[i];
}

static PLAIN_LOOP void copy_dwords(uint32_t *d, const uint32_t *s, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) d[i] = s[i];
}

/* As a C library would: bytes up to an aligned destination, then four dwords
 * per iteration, then the tail. */
static PLAIN_LOOP void *lib_memcpy(void *dst, const void *src, uint32_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    while (n && ((uintptr_t)d & 3)) { *d++ = *s++; n--; }
    uint32_t *dw = (uint32_t *)d;
    const uint32_t *sw = (const uint32_t *)s;
    for (; n >= 16; n -= 16, dw += 4, sw += 4) {
        uint32_t w0 = sw[0], w1 = sw[1], w2 = sw[2], w3 = sw[3];
        dw[0] = w0; dw[1] = w1; dw[2] = w2; dw[3] = w3;
    }
    d = (uint8_t *)dw;
    s = (const uint8_t *)sw;
    while (n--) *d++ = *s++;
    return dst;
}

static uint32_t sample(const uint8_t *p, uint32_t n, uint32_t h)
{
    for (uint32_t i = 0; i + 4 <= n; i += 509) h = mix(h, *(const uint32_t *)(p + i));
    return h;
}

static uint32_t part_memcpy(uint32_t rounds)
{
    uint8_t *src = win_alloc(BUF_SIZE), *dst = win_alloc(BUF_SIZE);
    rng = 0xC0FFEEu;
    for (uint32_t i = 0; i < BUF_SIZE / 4; i++) ((uint32_t *)src)[i] = next_rand();
    uint32_t h = 0;
    for (uint32_t r = 0; r < rounds; r++) {
        for (uint32_t k = 0; k < 40; k++) {
            /* Different offsets and lengths each time, so copies are unaligned too. */
            uint32_t so = (r * 40 + k) * 37 & 0xFFF, dof = (r * 40 + k) * 11 & 0x7FF;
            uint32_t n = BUF_SIZE - 0x1000 - (k * 29);
            copy_bytes(dst + dof, src + so, n);
            h = sample(dst + dof, n, h);
            copy_dwords((uint32_t *)dst, (const uint32_t *)(src + (so & ~3u)), n / 4);
            h = sample(dst, n, h);
            lib_memcpy(dst + dof, src + so, n);
            h = sample(dst + dof, n, h);
            memcpy(dst + (dof ^ 5), src + so, n / 4);
            h = sample(dst + (dof ^ 5), n / 4, h);
            src[(r * 40 + k) * 4099 % BUF_SIZE] ^= (uint8_t)h;
        }
    }
    return h;
}

/* ---- calls through function pointers ----------------------------------- */

typedef uint32_t (*op_fn)(uint32_t, uint32_t);
static uint32_t op_add(uint32_t a, uint32_t b) { return a + b; }
static uint32_t op_sub(uint32_t a, uint32_t b) { return a - b * 3; }
static uint32_t op_xor(uint32_t a, uint32_t b) { return a ^ (b << 7); }
static uint32_t op_rot(uint32_t a, uint32_t b) { return (a << (b & 31)) | (a >> (-b & 31)); }
static uint32_t op_mul(uint32_t a, uint32_t b) { return a * (b | 1); }
static uint32_t op_shr(uint32_t a, uint32_t b) { return a + (b >> 3); }
static uint32_t op_neg(uint32_t a, uint32_t b) { return ~a + b; }
static uint32_t op_mix(uint32_t a, uint32_t b) { return mix(a, b); }

/* Written at run time so the compiler cannot know which function a slot holds. */
static op_fn ops[8];

static uint32_t part_fnptr(uint32_t rounds)
{
    static const op_fn init[8] = { op_add, op_sub, op_xor, op_rot, op_mul, op_shr, op_neg, op_mix };
    for (int i = 0; i < 8; i++) ops[i] = init[i];
    uint32_t h = 0x811C9DC5u;
    for (uint32_t r = 0; r < rounds; r++) {
        uint32_t x = r;
        for (uint32_t i = 0; i < 2500000; i++) {
            x = ops[(x ^ i) & 7](x, i);
            h += x;
        }
        h = mix(h, x);
    }
    return h;
}

/* ------------------------------------------------------------------------- */

static void report(const char *name, uint32_t h)
{
    print(name); print(" checksum="); print_hex(h); nl();
}

int kmain(uint32_t magic, struct mb_info *mbi)
{
    if (magic != MB_BOOT_MAGIC) return 0x10;
    uint32_t n = cmdline_iterations(mbi, DEFAULT_ROUNDS);
    print("bench_c: rounds="); print_dec(n); nl();

    idt_init();
    paging_identity(16u << 20, PG_P | PG_RW);
    for (uint32_t a = WIN; a < WIN + WIN_SIZE; a += 4096) map_page(page_dir, a, alloc_frame(), PG_P | PG_RW);
    paging_enable(page_dir);

    set_handler(0x20, on_tick);
    pic_remap(0x20, 0x28);
    pit_start(11932);                       /* 1193182 Hz / 11932 = 100 Hz */
    pic_set_masks(0xFE, 0xFF);
    sti();

    report("sort  ", part_sort(n));
    report("hash  ", part_hash(n));
    report("vm    ", part_vm(n));
    report("matrix", part_matrix(n));
    report("memcpy", part_memcpy(n));
    report("fnptr ", part_fnptr(n));

    /* Waiting for one more tick shows the timer ran without printing a count
     * that depends on host speed. */
    uint32_t t = ticks;
    while (ticks == t) hlt();
    cli();
    pic_set_masks(0xFF, 0xFF);
    print("timer: ticking\n");
    return 0;
}
