; Hardware task switches through 32-bit TSSs: far JMP and CALL to a TSS and through a task gate,
; INT n and #GP through task gates in the IDT, IRET with NT set, and what each does to the busy
; bits, the back link, EFLAGS.NT and CR0.TS; LDTR loaded from the new TSS; #TS for a TSS below
; the minimum limit and #GP for a jump to a busy one. The GDT lives in RAM so that the busy bits
; can change.
%include "rom.inc"

%define GDT     0x1000
%define IDT     0x2000
%define TSS_A   0x3000
%define TSS_B   0x3100
%define TSS_C   0x3200
%define TSS_D   0x3300
%define LDT     0x4000
%define SKIP    0x0500              ; bytes task D steps task A over after a #GP

%define SEL_A    0x18
%define SEL_B    0x20
%define SEL_C    0x28
%define SEL_D    0x30
%define SEL_GATE 0x38               ; task gate to B
%define SEL_TINY 0x40               ; a TSS with limit 0x40
%define SEL_LDT  0x48

start:
    PROTECTED_START 0x7000

    ; The GDT in RAM, the TSSs zeroed, tasks B, C and D ready to run.
    TASK_TABLES TSS_A, 0x400
    TASK TSS_B, task_b, 0x6000
    TASK TSS_C, task_c, 0x5800
    TASK TSS_D, task_d, 0x5000
    mov word [TSS_C + 0x60], SEL_LDT
    mov word [TSS_C + 0x54], 0x000C ; DS: slot 1 of that LDT
    mov dword [LDT + 8], 0x0000FFFF ; LDT slot 1: data at 0x9000, limit 0xFFFF
    mov dword [LDT + 12], 0x00009300
    mov word [LDT + 10], 0x9000
    mov byte [0x9000], 0x1D

    ; The IDT: #TS to a handler in this task, #GP and INT 0x40 to tasks D and C.
    FILL_IDT IDT, unexpected
    mov word [IDT + 10 * 8], on_ts
    mov dword [IDT + 13 * 8], SEL_D << 16
    mov dword [IDT + 13 * 8 + 4], 0x8500
    mov dword [IDT + 0x40 * 8], SEL_C << 16
    mov dword [IDT + 0x40 * 8 + 4], 0x8500
    o32 lidt [cs:idtr]

    mov ax, SEL_A
    ltr ax
    PRINT "task A after LTR:", 10
    call show_task

    PRINT "jmp to TSS B:", 10
    jmp SEL_B:0
    PRINT "back in A:", 10
    call show_task

    PRINT "call to TSS B:", 10
    call SEL_B:0
    PRINT "back in A after iret:", 10
    call show_task

    PRINT "jmp through the task gate:", 10
    jmp SEL_GATE:0
    PRINT "back in A:", 10
    call show_task

    PRINT "int 0x40 through a task gate:", 10
    clts
    mov eax, 0xA0A0A0A0
    int 0x40
    SHOW32 "back in A, eax=", eax
    call show_task

    PRINT "#GP through a task gate:", 10
    mov word [SKIP], 2
    mov ax, 0x07F8
    mov ds, ax                      ; beyond the GDT: #GP(0x7f8)
    PRINT "back in A after the #GP task", 10

    PRINT "jmp to a TSS with limit 0x40:", 10
    jmp SEL_TINY:0
    PRINT "jmp to A itself, which is busy:", 10
    mov word [SKIP], 5
    jmp SEL_A:0
    call show_task
    EXIT 0

; Task B: reports, then returns by IRET when called (NT set) or jumps back to A.
task_b:
    PRINT "  in task B", 10
    call show_task
    pushfd
    pop eax
    test eax, 0x4000
    jz .jump_back
    iretd
    jmp task_b
.jump_back:
    jmp SEL_A:0
    jmp task_b

; Task C: INT 0x40's task; its DS comes from the LDT the TSS names.
task_c:
    PRINT "  in task C", 10
    call show_task
    SHOW8 "  ds:0 through the LDT=", byte [0]
    SHOW32 "  eax in C=", eax
    iretd
    jmp task_c

; Task D: #GP's task. The error code is on its stack; A's saved EIP is stepped over SKIP bytes.
task_d:
    PRINT "  in task D", 10
    pop eax
    SHOW32 "  error code=", eax
    push ds
    push word DATA4G
    pop ds
    SHOW32 "  A's saved eip=", dword [TSS_A + 0x20]
    movzx eax, word [SKIP]
    add [TSS_A + 0x20], eax
    call show_task
    pop ds
    iretd
    jmp task_d

; #TS in task A (an interrupt gate): report and step over the 5-byte far JMP.
on_ts:
    mov ebp, esp
    PRINT "  #TS"
    SHOW32 " error code=", dword [ebp]
    add dword [ebp + 4], 5
    add esp, 4
    o32 iret

; TR, the back link of the current TSS, NT, CR0.TS and the busy bits of A, B, C and D.
show_task:
    call show_tr_link
    push eax
    push ebx
    push ds
    push word DATA4G
    pop ds
    sldt ax
    SHOW16 "  ldtr=", ax
    pushfd
    pop eax
    shr eax, 14
    and al, 1
    SHOW8 "  nt=", al
    mov eax, cr0
    shr eax, 3
    and al, 1
    SHOW8 "  cr0.ts=", al
    PRINT "  busy a,b,c,d="
    mov al, [GDT + SEL_A + 5]
    call busy_bit
    mov al, [GDT + SEL_B + 5]
    call busy_bit
    mov al, [GDT + SEL_C + 5]
    call busy_bit
    mov al, [GDT + SEL_D + 5]
    call busy_bit
    PRINT 10
    pop ds
    pop ebx
    pop eax
    ret

%include "tasks.inc"
    SYSTEM_DESCRIPTOR TSS_A, 0x0067, 0x89       ; 0x18 TSS A
    SYSTEM_DESCRIPTOR TSS_B, 0x0067, 0x89       ; 0x20 TSS B
    SYSTEM_DESCRIPTOR TSS_C, 0x0067, 0x89       ; 0x28 TSS C
    SYSTEM_DESCRIPTOR TSS_D, 0x0067, 0x89       ; 0x30 TSS D
    dw 0x0000, SEL_B
    db 0x00, 0x85, 0x00, 0x00       ; 0x38 task gate to B
    SYSTEM_DESCRIPTOR TSS_D + 0x80, 0x0040, 0x89 ; 0x40 a TSS below the minimum limit
    SYSTEM_DESCRIPTOR LDT, 0x000F, 0x82         ; 0x48 LDT: two slots
task_gdt_end:
task_gdtr:
    dw task_gdt_end - task_gdt - 1
    dd GDT

ROM_END
