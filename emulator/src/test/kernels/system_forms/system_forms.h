/* Constants shared by system_forms.c and the low-memory code in low.S (assembler-safe). */
#ifndef SYSTEM_FORMS_H
#define SYSTEM_FORMS_H

#define LOW_BASE        0x6000  /* where low.S's blob runs: below 64 KiB, free under Multiboot */
#define LOW_DATA        0x7000  /* scratch data below 64 KiB for 16-bit addressing */

#ifndef SEL_KCODE
#define SEL_KCODE       0x08
#endif
/* GDT entries added after the ones ring3.c defines (0x08..0x40). */
#define SEL_CODE_BASED  0x48    /* 32-bit code, base LOW_BASE, limit 0xFFFF */
#define SEL_CODE16      0x50    /* 16-bit code, base LOW_BASE, limit 0xFFFF */
#define SEL_DATA_BASED  0x58    /* data, base LOW_DATA, limit 4 GiB */
#define SEL_CODE_XO     0x60    /* execute-only code, flat */
#define SEL_DATA_RO     0x68    /* read-only data, flat */
#define SEL_STACK16     0x70    /* 16-bit (B = 0) stack segment, base STACK16_BASE, limit 0xFFFF */
#define GDT_ENTRIES     15      /* selectors from 0x78 on lie beyond the limit */
#define STACK16_BASE    0x8000

#define VEC_REPORT      0x2D    /* reports the interrupt frame it was raised with */
#define VEC_GATE16      0x2E    /* a 16-bit gate to low_gate16_handler */

#endif
