/* Code that must run below 64 KiB: 16-bit near transfers truncate EIP to IP, and the based code
 * segments (system_forms.h) start at LOW_BASE.  The blob is assembled here and copied to
 * LOW_BASE at run time; every absolute address inside it goes through LOW(), every relative one
 * stays right wherever the bytes sit.  Each entry is called from the kernel with a 32-bit near
 * CALL, keeps EBP, and returns its findings in EAX, ECX, EDX (and ESI, EDI where said). */

    .file "low.S"
#include "system_forms.h"
#define FL_IF_BIT 0x200

#define LOW(label) ((label) - low_blob + LOW_BASE)
#define SEG_OFFSET(label) ((label) - low_blob)

    .section .rodata
    .globl low_blob, low_blob_end
    .globl low_near16, low_near16_indirect, low_jumps16, low_ret16_imm
    .globl low_far16, low_far32, low_far_indirect, low_far_ret_imm
    .globl low_based32, low_code16, low_return_to_ebx, low_based_call
    .globl low_iret16_target, low_int_gate16, low_gate16_handler

/* Entries save their starting ESP in EDI; these turn it into results. */
.macro ESP_CHANGE_INTO reg          /* \reg = ESP now - ESP at entry */
    movl %esp, \reg
    subl %edi, \reg
.endm
.macro BYTES_PUSHED_INTO_EAX        /* at a call target: what the call pushed */
    movl %edi, %eax
    subl %esp, %eax
.endm

low_blob:

/* CALL rel16 and RET with a 16-bit operand size: EAX = bytes the call pushed, EDX = the IP it
 * pushed, ECX = ESP change over call and return (0). */
low_near16:
    movl %esp, %edi
    callw 1f
    ESP_CHANGE_INTO %ecx
    ret
1:  BYTES_PUSHED_INTO_EAX
    movzwl (%esp), %edx
    retw

/* CALL r/m16 (register and memory), JMP r/m16 back: EAX = bytes pushed, EDX = IP pushed,
 * ECX = IP reached through the memory form. */
low_near16_indirect:
    movl %esp, %edi
    movw $LOW(1f), %ax
    callw *%ax
    ESP_CHANGE_INTO %ecx
    jnz 3f
    callw *LOW(near16_pointer)
    ret
1:  BYTES_PUSHED_INTO_EAX
    movzwl (%esp), %edx
    retw
2:  movzwl (%esp), %ecx
    addl $2, %esp
    ret
3:  movl $0xBAD, %ecx
    ret
near16_pointer:
    .word LOW(2b)

/* JMP rel8, rel16, r16 and m16, and Jcc rel16, all with a 16-bit operand size: EAX collects one
 * bit per jump that arrived (0x1F for all five). */
low_jumps16:
    xorl %eax, %eax
    .byte 0x66, 0xEB, 1f - 0f          /* o16 JMP rel8 */
0:  ud2
1:  orl $1, %eax
    .byte 0x66, 0xE9                   /* o16 JMP rel16 */
    .word 2f - 7f
7:  ud2
2:  orl $2, %eax
    movw $LOW(3f), %cx
    jmp *%cx
    ud2
3:  orl $4, %eax
    jmpw *LOW(jump16_pointer)
    ud2
4:  orl $8, %eax
    cmpl $0, %eax
    .byte 0x66, 0x0F, 0x85             /* o16 JNE rel16 */
    .word 5f - 6f
6:  ud2
5:  orl $0x10, %eax
    ret
jump16_pointer:
    .word LOW(4b)

/* RET imm16 with a 16-bit operand size: EAX = ESP change over pushing two words, CALL, RET 4. */
low_ret16_imm:
    movl %esp, %edi
    pushw $0x1111
    pushw $0x2222
    callw 1f
    ESP_CHANGE_INTO %eax
    ret
1:  retw $4

/* Far CALL ptr16:16 and m16:16, far RET, 16-bit: EAX = bytes pushed, EDX = CS:IP pushed,
 * ECX = the same through the memory form, ESI = ESP change after both returns. */
low_far16:
    movl %esp, %edi
    lcallw $SEL_KCODE, $LOW(1f)
    movl %edx, %ecx
    lcallw *LOW(far16_pointer)
    xchgl %edx, %ecx
    ESP_CHANGE_INTO %esi
    ret
1:  BYTES_PUSHED_INTO_EAX
    movl (%esp), %edx
    roll $16, %edx
    lretw
far16_pointer:
    .word LOW(1b), SEL_KCODE

/* Far CALL ptr16:32 and m16:32, far RET, 32-bit: EAX = bytes pushed, EDX = EIP pushed,
 * ECX = low word of the CS slot, ESI = ESP change after both returns. */
low_far32:
    movl %esp, %edi
    lcall $SEL_KCODE, $LOW(1f)
    lcall *LOW(far32_pointer)
    ESP_CHANGE_INTO %esi
    ret
1:  BYTES_PUSHED_INTO_EAX
    movl (%esp), %edx
    movzwl 4(%esp), %ecx
    lret
far32_pointer:
    .long LOW(1b)
    .word SEL_KCODE

/* Far JMP ptr16:16, m16:16, ptr16:32 and m16:32: EAX collects one bit per jump that arrived
 * (0x0F). */
low_far_indirect:
    xorl %eax, %eax
    ljmpw $SEL_KCODE, $LOW(1f)
    ud2
1:  orl $1, %eax
    ljmpw *LOW(far_jump16_pointer)
    ud2
2:  orl $2, %eax
    ljmp $SEL_KCODE, $LOW(3f)
    ud2
3:  orl $4, %eax
    ljmp *LOW(far_jump32_pointer)
    ud2
4:  orl $8, %eax
    ret
far_jump16_pointer:
    .word LOW(2b), SEL_KCODE
far_jump32_pointer:
    .long LOW(4b)
    .word SEL_KCODE

/* Far RET imm16 in both sizes: EAX = ESP change over two far calls returning with RET 2
 * (16-bit) and RET 4 (32-bit) after pushing a word and a dword (0). */
low_far_ret_imm:
    movl %esp, %edi
    pushw $0x3333
    lcallw $SEL_KCODE, $LOW(1f)
    pushl $0x44444444
    lcall $SEL_KCODE, $LOW(2f)
    ESP_CHANGE_INTO %eax
    ret
1:  lretw $2
2:  lret $4

/* A 32-bit code segment based at LOW_BASE: entered by far JMP, it reports CS in EAX and in ECX
 * the offset a near CALL pushed (segment-relative, not linear), raises INT VEC_REPORT (the
 * frame holds the offset) and returns by far JMP m16:32 to the flat segment. */
low_based32:
    ljmp $SEL_CODE_BASED, $SEG_OFFSET(1f)
1:  movl %cs, %eax
    call 2f
2:  popl %ecx
    movl %esp, site_esp
    int $VEC_REPORT
    ljmp *%cs:SEG_OFFSET(based_back)
3:  ret
based_back:
    .long LOW(3b)
    .word SEL_KCODE

/* Far CALL into the based segment and far RET out of it: EAX = the offset its near CALL pushed. */
low_based_call:
    lcall $SEL_CODE_BASED, $SEG_OFFSET(1f)
    ret
1:  call 2f
2:  popl %eax
    lret

/* A 16-bit code segment (D = 0) based at LOW_BASE: default operand and address sizes are 16
 * bits, so PUSH and CALL push words and (%bx) is DS:BX.  EAX = CS, ECX = bytes a PUSH AX took,
 * EDX = IP a CALL pushed, ESI = word read through (%bx) with BX = the offset of a marker (its
 * linear address is below 64 KiB, DS is flat), EDI = ESP change; INT VEC_REPORT from here. */
low_code16:
    ljmp $SEL_CODE16, $SEG_OFFSET(1f)
    .code16
1:  movl %cs, %eax
    movl %esp, %edi
    pushw %ax
    movl %edi, %ecx
    subl %esp, %ecx
    popw %dx
    call 2f
2:  popw %dx
    movzwl %dx, %edx
    movw $LOW(code16_marker), %bx
    movzwl (%bx), %esi
    subl %esp, %edi
    addr32 movl %esp, site_esp
    int $VEC_REPORT
    ljmpl $SEL_KCODE, $LOW(3f)
    .code32
3:  ret
code16_marker:
    .word 0x1616

/* Target of 16-bit near transfers made from the kernel's own code (above 64 KiB): takes the
 * word they pushed (if any; EDI says how many bytes to drop) into EDX and jumps to EBX. */
low_return_to_ebx:
    movzwl (%esp), %edx
    addl %edi, %esp
    jmp *%ebx

/* INT through the 16-bit gate VEC_GATE16 with IF set: EAX = bytes pushed, ECX = ESP change over
 * INT and IRET (0), EDX = IP pushed, ESI = FLAGS:CS pushed, EDI = EFLAGS in the handler. */
low_int_gate16:
    pushfl
    orl $FL_IF_BIT, (%esp)
    popfl
    movl %esp, %edi
    int $VEC_GATE16
    ESP_CHANGE_INTO %ecx
    movl %ebx, %edi
    pushl $2
    popfl
    ret
low_gate16_handler:
    BYTES_PUSHED_INTO_EAX
    movzwl (%esp), %edx
    movl 2(%esp), %esi
    pushfl
    popl %ebx
    iretw

/* Target of the 16-bit IRET: back to EBX. */
low_iret16_target:
    jmp *%ebx

low_blob_end:

    .section .note.GNU-stack, "", @progbits
