/* Interrupt and exception entry stubs for vectors 0..47.
 *
 * Every stub leaves the same layout on the stack (struct frame in kernel.h):
 * the CPU frame, then the error code (a 0 is pushed for vectors where the CPU
 * pushes none, so the frame has one shape), then the vector, then PUSHA.
 * The C dispatcher may rewrite any saved field (e.g. EIP to skip a faulting
 * instruction) before IRET resumes.
 */

    .file "isr.S"           /* stable FILE symbol, see start.S */

/* Vectors 8, 10-14, 17 push an error code in protected mode. */
.macro STUB vec
    .align 8
isr_\vec:
    .if (\vec == 8) || (\vec >= 10 && \vec <= 14) || (\vec == 17)
    .else
    pushl $0
    .endif
    pushl $\vec
    jmp isr_common
.endm

    .text
.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47
    STUB \v
.endr

isr_common:
    pushal
    cld                         /* the interrupted code may have set DF */
    pushl %esp                  /* argument: struct frame * */
    call isr_dispatch
    addl $4, %esp
    popal
    addl $8, %esp               /* drop vector and error code */
    iret

    .section .rodata
    .align 4
    .globl isr_stub_table
isr_stub_table:
.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47
    .long isr_\v
.endr

    .section .note.GNU-stack, "", @progbits
