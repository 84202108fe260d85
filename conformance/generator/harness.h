/*
 * Shared declarations of the conformance harness: the instruction forms table (forms.c) and the
 * engine that turns each form into cases and runs them on the real CPU (harness.c).
 */
#ifndef HARNESS_H
#define HARNESS_H

#include <stdint.h>

/* Fixed linear addresses, below 16 MiB so the emulator can mirror them in a small RAM. */
#define CODE_ADDR  0x00100000u /* the instruction under test, followed by the exit stub */
#define DATA_ADDR  0x00200000u /* memory operands live here */
#define DATA_SIZE  0x6000u
/*
 * FS is an LDT data segment based at DATA_ADDR (limit 0xFFFF): the 16-bit addressing forms reach the
 * data buffer through it with an FS override, since 16-bit offsets alone stay below 64 KiB.
 */
#define FS_LIMIT   0xFFFFu
/*
 * Memory operands are placed inside [TARGET_LO, TARGET_HI), far enough from the buffer's ends that
 * a BT-family bit offset of up to +-32767 bits still lands inside the buffer.
 */
#define TARGET_LO  (DATA_ADDR + 0x1800u)
#define TARGET_HI  (DATA_ADDR + 0x4000u)

/* EFLAGS bits. */
#define F_CF 0x001u
#define F_PF 0x004u
#define F_AF 0x010u
#define F_ZF 0x040u
#define F_SF 0x080u
#define F_DF 0x400u
#define F_OF 0x800u
#define F_ARITH (F_CF | F_PF | F_AF | F_ZF | F_SF | F_OF)

/* Operand kinds: where an operand lives and how it is encoded. */
enum kind {
    K_NONE,
    K_RM,     /* ModRM r/m: a register or memory, chosen per case */
    K_M,      /* ModRM r/m, memory only (LEA, CMPXCHG8B) */
    K_REG,    /* ModRM reg */
    K_OPREG,  /* register in the low three bits of the last opcode byte */
    K_IMM,    /* immediate of the operand size */
    K_IMM8,   /* one immediate byte (sign-extended or a count, by class) */
    K_ACC,    /* AL/AX/EAX, implicit */
    K_AH,     /* AH, implicit */
    K_CL,     /* CL, implicit count */
    K_ONE,    /* the constant 1 of the shift-by-one forms */
    K_DXAX,   /* AX, DX:AX or EDX:EAX, implicit dividend */
    K_EDXEAX, /* EDX:EAX, implicit (CMPXCHG8B) */
    K_ECXEBX, /* ECX:EBX, implicit (CMPXCHG8B) */
    K_MOFFS,  /* a memory operand given by a 32-bit address after the opcode (A0-A3) */
    K_ECX,    /* ECX (or CX with 67), implicit loop count */
    K_REL8,   /* 8-bit branch displacement (always to the taken-branch exit) */
    K_REL32   /* 32-bit branch displacement (likewise) */
};

/* Value classes: which edge values an operand gets and how random ones are drawn. */
enum cls {
    C_NONE,   /* no value (K_ONE, string operands set by a hook) */
    C_WO,     /* written only: its initial value is random and not enumerated */
    C_DATA,   /* ordinary data: 0, 1, sign boundaries, all-ones, ... */
    C_COUNT,  /* shift/rotate counts: 0, 1, size-1, size, size+1, 31, 32, ... */
    C_COUNTD, /* SHLD/SHRD counts, kept where the result is defined (masked count <= size) */
    C_BITOFF, /* BT-family bit offsets */
    C_BASE,   /* AAM/AAD base (10 mostly; 0 faults in AAM) */
    C_ALL8,   /* every byte value is an edge value (BCD adjustments) */
    C_LOOP,   /* loop counts: 0, 1, 2, 0x10000, 0x10001, all-ones */
    C_LEVEL,  /* ENTER nesting levels */
    C_FRAME,  /* ENTER frame sizes, kept small: the CPU touches the final stack pointer */
    C_TARGET  /* a branch target: the address of the taken-branch exit */
};

/* Undefined-flags rules (see UNDEFINED_FLAGS in forms.c). */
enum rule {
    R_NONE, R_LOGIC, R_SHIFT, R_SAR, R_ROT, R_SHXD, R_MUL, R_DIV, R_DAA, R_AAA, R_AAM, R_BT, R_BSF,
    R_COUNT
};

/* Per-form special value handling. */
enum hook {
    H_NONE, H_DIV, H_IDIV, H_CMPXCHG, H_CMPXCHG8B, H_STRING, H_REPSTRING, H_XLAT, H_LEA, H_UD,
    H_STACK, /* ESP (and EBP) point into the data buffer; the stack top holds data to pop */
    H_RET,   /* H_STACK, and the stack top holds the taken-branch exit's address */
    H_LOCK,  /* LOCK prefix: memory destination, now and then a register one (#UD) */
    H_BOUND  /* BOUND: bounds around the index half the time */
};

typedef struct {
    uint8_t kind, size, cls;
} Opnd;

#define MAX_OPS 4

typedef struct {
    char group[16];
    char name[40];
    char text[48];
    uint8_t opcode[6];  /* prefixes and opcode bytes */
    uint8_t oplen;
    int8_t ext;         /* ModRM.reg opcode extension, or -1 when the reg field is an operand */
    uint8_t rule;
    uint8_t hook;
    uint8_t addr16;     /* 0x67: 16-bit addressing (LEA; other forms through FS) */
    uint8_t popf;       /* the popped doubleword is EFLAGS: keep it to the arithmetic flags and DF */
    Opnd op[MAX_OPS];
    int nops;
} Form;

extern Form forms[];
extern int nforms;
void build_forms(void);
uint32_t undefined_flags(const Form *f, uint32_t count);
const char *rule_text(int rule);
const char *rule_name(int rule);

#endif
