/* Instruction sequences run with EFLAGS.TF set, one function each (cdecl; EBX, ESI, EDI
 * and EBP preserved).  The kernel prints every #DB they raise with EIP as an offset from
 * the function's first byte, so the offsets below are what the expected output shows. */

    .file "steps.S"

/* ECX is printed with every trap: start from 0.  The POPF sets TF but is not trapped. */
.macro TF_ON
    xorl %ecx, %ecx
    pushfl
    orl $0x100, (%esp)
    popfl
.endm

/* Each of these three began with TF set, the POPF that clears it included. */
.macro TF_OFF
    pushfl
    andl $~0x100, (%esp)
    popfl
.endm

    .text

/* A trap after every instruction, none after the POPF that set TF. */
    .globl step_plain
step_plain:
    TF_ON
    nop
    incl %eax
    movl $5, %eax
    TF_OFF
    ret

/* IRET that sets TF: the trap comes after the instruction IRET returns to. */
    .globl step_iret
step_iret:
    xorl %ecx, %ecx
    pushfl
    orl $0x100, (%esp)
    pushl %cs
    pushl $1f
    iret
1:  nop
    nop
    TF_OFF
    ret

/* INT n, INT3 and INTO (taken and not): no trap after them; their handlers run with TF
 * clear; the instruction the handler returns to is trapped. */
    .globl step_int
step_int:
    TF_ON
    int $0x2D
    nop
    int3
    into                /* OF is clear (the XOR in TF_ON): nothing happens, it is trapped */
    movl $0x7FFFFFFF, %eax
    addl $1, %eax
    into                /* OF set: #OF, a trap of INTO itself, and no single-step trap */
    nop
    TF_OFF
    ret

/* A faulting instruction raises its fault, not a single-step trap. */
    .globl step_fault
step_fault:
    TF_ON
    ud2                 /* the #UD handler resumes after it */
    nop
    TF_OFF
    ret

/* MOV SS and POP SS hold the trap back until the next instruction has completed. */
    .globl step_ss
step_ss:
    TF_ON
    movw %ss, %ax
    movw %ax, %ss
    movl %esp, %esp
    nop
    pushl %ss
    popl %ss
    nop
    TF_OFF
    ret

/* REP STOSB: a trap after each iteration (EIP still on the instruction until the last);
 * with ECX = 0 one trap after it. */
    .globl step_rep
step_rep:
    pushl %edi
    TF_ON
    movl $3, %ecx
    movl $scratch, %edi
    rep stosb
    rep stosb
    nop
    TF_OFF
    popl %edi
    ret

/* A trap and a pending timer interrupt at the same boundary: the POPF that sets IF began
 * with TF set.  The caller waits with IF clear until the timer's request is pending. */
    .globl step_irq
step_irq:
    TF_ON
    pushfl
    orl $0x200, (%esp)
    popfl
    nop
    cli
    TF_OFF
    ret

/* Entered at CPL 3 by an IRET that sets TF: trapped from the first instruction on, each #DB
 * taken on the TSS's ring-0 stack; INT 0x2C (back to ring 0) is not trapped. */
    .globl user_steps
user_steps:
    nop
    incl %eax
    int $0x2C

    .bss
scratch:
    .space 16

    .section .note.GNU-stack, "", @progbits
