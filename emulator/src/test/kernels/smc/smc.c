/* Self-modifying and generated code.  Every modification is followed by a
 * jump or call before the new code runs, which is what the SDM requires for
 * the change to be guaranteed visible, so the results are defined:
 *  - patch the immediate of a function and call it again;
 *  - a loop that rewrites an instruction inside itself on every pass;
 *  - write code through one linear alias and run it through another that
 *    maps the same physical page (invalidation must be by physical page);
 *  - an instruction that straddles two pages, patched in the second page;
 *  - REP MOVSB copying a new function over an old one. */
#include "kernel.h"

/* Code buffers: page aligned in .bss (no NX without PAE, so executable). */
static uint8_t code[3][4096] __attribute__((aligned(4096)));

typedef uint32_t (*fn0)(void);

/* mov eax, imm32 ; ret */
static void emit_mov_ret(uint8_t *p, uint32_t imm)
{
    p[0] = 0xB8;
    p[1] = imm & 0xFF; p[2] = (imm >> 8) & 0xFF; p[3] = (imm >> 16) & 0xFF; p[4] = imm >> 24;
    p[5] = 0xC3;
}

static uint32_t call(void *p) { return ((fn0)p)(); }

/* A loop in assembly whose ADD immediate is rewritten by the loop itself:
 * pass i adds i, then patches the immediate to i+1.  The JMP after the
 * store makes the new bytes visible.  Sum of 0..9 = 45. */
extern uint8_t smc_loop_imm[];
uint32_t smc_loop(void);
__asm__(
    ".pushsection .smc, \"awx\", @progbits\n"  /* writable code, placed in the RW segment by link.ld */
    ".globl smc_loop\n"
    "smc_loop:\n\t"
    "pushl %ebx\n\t"
    "xorl %eax, %eax\n\t"
    "movl $0, %ecx\n"
    "1:\n\t"
    ".byte 0x05\n"                          /* add eax, imm32 */
    ".globl smc_loop_imm\n"
    "smc_loop_imm:\n\t"
    ".long 0\n\t"
    "incl %ecx\n\t"
    "movl %ecx, smc_loop_imm\n\t"           /* next pass adds ecx */
    "jmp 2f\n"                              /* branch after the store */
    "2:\n\t"
    "cmpl $10, %ecx\n\t"
    "jb 1b\n\t"
    "movl $0, smc_loop_imm\n\t"             /* restore for a second run */
    "popl %ebx\n\t"
    "ret\n"
    ".popsection\n");

int kmain(uint32_t magic, struct mb_info *mbi)
{
    (void)mbi;
    print("smc: self-modifying and generated code\n");
    if (magic != MB_BOOT_MAGIC) { print("FAIL bad magic\n"); return 0x10; }
    idt_init();

    emit_mov_ret(code[0], 0x11111111);
    print("generated: "); print_hexn(call(code[0]), 8); nl();
    code[0][1] = 0x22;                      /* patch one immediate byte */
    print("patched byte: "); print_hexn(call(code[0]), 8); nl();
    *(volatile uint32_t *)(code[0] + 1) = 0x33333333;
    print("patched dword: "); print_hexn(call(code[0]), 8); nl();

    print("self-patching loop: "); print_dec(smc_loop()); nl();
    print("again: "); print_dec(smc_loop()); nl();

    /* Instruction crossing from code[1] into code[2]: the imm32 of a MOV
     * starts 2 bytes before the page end. */
    uint8_t *x = code[1] + 4096 - 3;
    emit_mov_ret(x, 0xAABBCCDD);
    print("straddling: "); print_hexn(call(x), 8); nl();
    code[2][0] = 0x01;                      /* bits 16..23 of the imm, in the next page */
    code[2][1] = 0x02;
    print("patched in 2nd page: "); print_hexn(call(x), 8); nl();

    /* New function copied over the old one with REP MOVSB. */
    static const uint8_t repl[] = { 0x31, 0xC0, 0x40, 0x40, 0x40, 0xC3 };   /* xor eax,eax; inc x3; ret */
    memcpy(code[0], repl, sizeof repl);
    print("rep movsb replacement: "); print_hexn(call(code[0]), 8); nl();

    /* Two linear pages, one physical frame: write via alias, run via exec. */
    paging_identity(16u << 20, PG_P | PG_RW);
    const uint32_t exec = 0x50000000, alias = 0x60000000, frame = 0x00900000;
    map_page(page_dir, exec, frame, PG_P | PG_RW);
    map_page(page_dir, alias, frame, PG_P | PG_RW);
    paging_enable(page_dir);
    emit_mov_ret((uint8_t *)alias, 0x0A0A0A0A);
    print("alias write, exec: "); print_hexn(call((void *)exec), 8); nl();
    ((volatile uint8_t *)alias)[1] = 0xBB;
    print("alias patch, exec: "); print_hexn(call((void *)exec), 8); nl();
    /* Remap exec to another frame holding different code. */
    emit_mov_ret((uint8_t *)0x00901000, 0x0C0C0C0C);
    map_page(page_dir, exec, 0x00901000, PG_P | PG_RW);
    invlpg(exec);
    print("remapped exec page: "); print_hexn(call((void *)exec), 8); nl();

    print("PASS smc done\n");
    return 0;
}
