/* Integer ALU benchmark: a register-only loop of 10 instructions per
 * iteration (adds, xor, rotate, shift, compare-and-branch), so the default
 * 300,000,000 iterations run 3.0e9 guest instructions.  The loop count can be
 * set with "iterations=N" on the command line.  Prints a checksum that
 * depends on every iteration, then exits with code 0. */
#include "kernel.h"
#include "bench_args.h"

#define DEFAULT_ITERATIONS 300000000u

int kmain(uint32_t magic, struct mb_info *mbi)
{
    if (magic != MB_BOOT_MAGIC) return 0x10;
    uint32_t n = cmdline_iterations(mbi, DEFAULT_ITERATIONS);
    print("bench_alu: iterations="); print_dec(n); nl();
    if (n == 0) { print("checksum=0x00000000\n"); return 0; }
    uint32_t a = 0x12345678, b = 0x9E3779B9, c = 0, d = n;
    __asm__ volatile(
        "1:\n\t"
        "addl %[b], %[a]\n\t"        /* 1 */
        "xorl %[a], %[c]\n\t"        /* 2 */
        "roll $7, %[c]\n\t"          /* 3 */
        "addl $0x6D2B79F5, %[b]\n\t" /* 4 */
        "movl %[c], %%esi\n\t"       /* 5 */
        "shrl $3, %%esi\n\t"         /* 6 */
        "subl %%esi, %[a]\n\t"       /* 7 */
        "cmpl %[c], %[a]\n\t"        /* 8: result feeds ADC below via CF */
        "adcl $0, %[c]\n\t"          /* 9 */
        "decl %[d]\n\t"              /* 10 (with the branch: macro-fused on real CPUs) */
        "jnz 1b"
        : [a] "+r"(a), [b] "+r"(b), [c] "+r"(c), [d] "+r"(d) : : "esi", "cc");
    print("checksum="); print_hex(a ^ b ^ c); nl();
    return 0;
}
