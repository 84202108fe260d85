/* Tiny freestanding library shared by the test kernels.
 * Output goes to the QEMU/j386 debug console (port 0xE9) so the text can be
 * compared byte for byte; exit_qemu() ends the run through isa-debug-exit. */
#ifndef KERNEL_H
#define KERNEL_H

#include <stdint.h>
#include <stddef.h>

/* ---- port I/O ---------------------------------------------------------- */
static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint16_t inw(uint16_t port) { uint16_t v; __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port)); return v; }

/* ---- debug console ----------------------------------------------------- */
#define DEBUGCON_PORT 0xE9
#define EXIT_PORT     0xF4

void putc(char c);
void print(const char *s);
void print_hex(uint32_t v);            /* always 8 digits, "0x" prefix */
void print_hexn(uint32_t v, int digits);/* exactly `digits` digits, no prefix */
void print_dec(uint32_t v);
void print_sdec(int32_t v);
void print_kv(const char *key, uint32_t v); /* " key=0x........" */
void nl(void);
__attribute__((noreturn)) void exit_qemu(uint8_t code);

/* ---- memory helpers (GCC may emit calls to these) ------------------------ */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strncmp(const char *a, const char *b, size_t n);

/* ---- EFLAGS ------------------------------------------------------------- */
#define FL_CF 0x001
#define FL_PF 0x004
#define FL_AF 0x010
#define FL_ZF 0x040
#define FL_SF 0x080
#define FL_IF 0x200
#define FL_DF 0x400
#define FL_OF 0x800
#define FL_ARITH (FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_OF)
/* Prints the flags selected by mask as letters, '-' for clear bits and '.'
 * for flags the instruction leaves undefined (not printed). */
void print_flags(uint32_t flags, uint32_t mask);

/* ---- interrupts and exceptions ----------------------------------------- */
/* Saved state as laid out by the stubs in isr.S (lowest address first). */
struct frame {
    uint32_t edi, esi, ebp, esp_pusha, ebx, edx, ecx, eax; /* pusha */
    uint32_t vector, err;       /* err is 0 for vectors without an error code */
    uint32_t eip, cs, eflags;   /* pushed by the CPU */
};
typedef void (*handler_t)(struct frame *f);

/* A fault site: emits "1: insn 2:" and stores both addresses in the kernel's
 * own at_insn and after_insn, so a handler can check the saved EIP and resume
 * after the instruction. */
#define FAULT_SITE(insn, ...) \
    __asm__ volatile("movl $1f, at_insn\n\tmovl $2f, after_insn\n1:\t" insn "\n2:" __VA_ARGS__)

void idt_init(void);            /* installs stubs for vectors 0..47 and loads IDTR */
void set_handler(int vector, handler_t h);
static inline void sti(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void cli(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void hlt(void) { __asm__ volatile("hlt" ::: "memory"); }

/* ---- 8259 PIC and 8254 PIT --------------------------------------------- */
void pic_remap(uint8_t master_base, uint8_t slave_base);
void pic_set_masks(uint8_t master, uint8_t slave);
void pic_eoi(int irq);
uint8_t pic_read_isr(int slave);
uint8_t pic_read_irr(int slave);
void pit_start(uint16_t divisor);  /* channel 0, lobyte/hibyte, mode 3 */

/* ---- control registers and paging -------------------------------------- */
static inline uint32_t read_cr0(void) { uint32_t v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static inline uint32_t read_cr2(void) { uint32_t v; __asm__ volatile("mov %%cr2, %0" : "=r"(v)); return v; }
static inline uint32_t read_cr3(void) { uint32_t v; __asm__ volatile("mov %%cr3, %0" : "=r"(v)); return v; }
static inline uint32_t read_cr4(void) { uint32_t v; __asm__ volatile("mov %%cr4, %0" : "=r"(v)); return v; }
static inline void write_cr0(uint32_t v) { __asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory"); }
static inline void write_cr3(uint32_t v) { __asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory"); }
static inline void write_cr4(uint32_t v) { __asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory"); }
static inline void invlpg(uint32_t lin) { __asm__ volatile("invlpg (%0)" : : "r"(lin) : "memory"); }

#define CR0_PG 0x80000000u
#define CR0_WP 0x00010000u
#define CR4_PSE 0x00000010u
#define PG_P   0x001u
#define PG_RW  0x002u
#define PG_US  0x004u
#define PG_A   0x020u
#define PG_D   0x040u
#define PG_PS  0x080u

/* ---- paging helpers (lib/paging.c) --------------------------------------
 * One page directory plus a small pool of page tables in .bss; frames for
 * lazily mapped pages come from physical 8 MiB upwards.  Everything below
 * 16 MiB is identity mapped, so page tables and frames stay reachable. */
extern uint32_t page_dir[1024];
void paging_identity(uint32_t bytes, uint32_t flags);  /* 4 KiB pages from 0 */
uint32_t *pte_ptr(uint32_t *pd, uint32_t lin, int create); /* 0 if no page table */
void map_page(uint32_t *pd, uint32_t lin, uint32_t phys, uint32_t flags);
uint32_t *alloc_table(void);                   /* zeroed, page aligned */
uint32_t alloc_frame(void);                    /* physical address, zeroed */
void paging_enable(uint32_t *pd);              /* CR3 = pd, CR0.PG = 1 */

/* ---- Multiboot v1 information ------------------------------------------ */
#define MB_BOOT_MAGIC 0x2BADB002u
struct mb_info {
    uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
    uint32_t mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;
    uint32_t drives_length, drives_addr, config_table, boot_loader_name;
};
struct mb_module { uint32_t mod_start, mod_end, string, reserved; };
struct mb_mmap { uint32_t size; uint32_t addr_lo, addr_hi, len_lo, len_hi, type; } __attribute__((packed));

/* Symbols from link.ld */
extern char __kernel_start[], __kernel_end[];

#endif
