; Task switches that fail, and where each fault lands. Before the switch point the old task takes
; it and nothing has changed: a TSS below its minimum limit (0x67 for 32 bits, 0x2B for 16) and
; an IRET whose back link names an available TSS are #TS naming that TSS. After the switch point
; the fault belongs to the new task: a bad LDT, CS, SS, DS or GS selector in its TSS is #TS (#SS
; for a stack segment not present, #NP for a data segment not present) naming the selector, with
; the new task's registers loaded, its TSS busy and the old one free. #TS, #NP and #SS go through
; task gates to handler tasks, which show the task they interrupted from its back link and TSS.
%include "rom.inc"

%define GDT     0x1000
%define IDT     0x2000
%define TSS_A   0x3000              ; the main task
%define TSS_X   0x3100              ; the task under test, rebuilt for each case
%define TSS_TS  0x3200              ; the handler tasks of #TS, #NP and #SS
%define TSS_NP  0x3300
%define TSS_SS  0x3400
%define LDT     0x4000
%define SKIP    0x0500              ; bytes a handler steps task A over after a fault in A
%define SHOW_EIP 0x0502             ; nonzero: the handler shows task X's saved EIP too
%define X_EAX   0x5A5A0000          ; task X's EAX, which no other task holds

%define SEL_A       0x18
%define SEL_X       0x20
%define SEL_TS      0x28
%define SEL_NP      0x30
%define SEL_SS      0x38
%define SEL_RODATA  0x40            ; read-only data
%define SEL_ABSENT  0x48            ; writable data, not present
%define SEL_LDT     0x50
%define SEL_NO_LDT  0x58            ; an LDT descriptor, not present
%define SEL_SMALL32 0x60            ; TSS X as a 32-bit TSS with limit 0x66
%define SEL_SMALL16 0x68            ; TSS X as a 16-bit TSS with limit 0x2A
%define BEYOND_GDT  0x07F8

; BROKEN_X "title", offset, selector: task X with the selector at that offset of its TSS, jumped to.
%macro BROKEN_X 3
    PRINT %1, 10
    call reset_x
    mov word [TSS_X + %2], %3
    jmp SEL_X:0
%endmacro

; HANDLER_GATE vector, selector: a task gate in the IDT.
%macro HANDLER_GATE 2
    mov dword [IDT + (%1) * 8], (%2) << 16
    mov dword [IDT + (%1) * 8 + 4], 0x8500
%endmacro

start:
    PROTECTED_START 0x7000
    TASK_TABLES TSS_A, 0x500
    TASK TSS_TS, task_ts, 0x5000
    TASK TSS_NP, task_np, 0x5800
    TASK TSS_SS, task_ss, 0x6000
    FILL_IDT IDT, unexpected
    HANDLER_GATE 10, SEL_TS
    HANDLER_GATE 11, SEL_NP
    HANDLER_GATE 12, SEL_SS
    o32 lidt [cs:idtr]
    mov ax, SEL_A
    ltr ax
    mov eax, 0xA0A0A0A0

    ; Faults before the switch point, in task A.
    PRINT "jmp to a 32-bit TSS with limit 0x66:", 10
    mov word [SKIP], 5
    jmp SEL_SMALL32:0
    PRINT "jmp to a 16-bit TSS with limit 0x2a:", 10
    mov word [SKIP], 5
    jmp SEL_SMALL16:0
    PRINT "iret with a back link to an available TSS:", 10
    call reset_x
    mov word [TSS_A], SEL_X
    mov word [SKIP], 2
    pushfd
    or dword [esp], 0x4000
    popfd
    iretd
    pushfd
    and dword [esp], ~0x4000
    popfd

    ; Faults after the switch point, in task X. The first shows where X's EIP was saved: at its
    ; entry, as the manual says (QEMU saves the far JMP's address instead; see README.md).
    mov word [SHOW_EIP], 1
    BROKEN_X "LDT selector naming a data segment:", 0x60, DATA4G
    mov word [SHOW_EIP], 0
    BROKEN_X "LDT not present:", 0x60, SEL_NO_LDT
    BROKEN_X "LDT selector beyond the GDT:", 0x60, BEYOND_GDT
    BROKEN_X "CS null:", 0x4C, 0
    BROKEN_X "CS naming a data segment:", 0x4C, DATA4G
    BROKEN_X "SS null:", 0x50, 0
    BROKEN_X "SS read-only:", 0x50, SEL_RODATA
    BROKEN_X "SS not present:", 0x50, SEL_ABSENT
    BROKEN_X "DS beyond the GDT:", 0x54, BEYOND_GDT
    BROKEN_X "DS not present:", 0x54, SEL_ABSENT
    BROKEN_X "DS naming the LDT, a system segment:", 0x54, SEL_LDT
    BROKEN_X "GS with RPL 3 above its segment's DPL 0:", 0x5C, DATA4G | 3
    PRINT "a whole task X:", 10
    call reset_x
    jmp SEL_X:0
    SHOW32 "back in A, eax=", eax
    EXIT 0

; Task X as a runnable task: zeroed, at task_x on its own stack, its TSS available.
reset_x:
    push eax
    push ecx
    push edi
    xor eax, eax
    mov edi, TSS_X
    mov ecx, 0x68 / 4
    a32 rep stosd
    pop edi
    pop ecx
    pop eax
    TASK TSS_X, task_x, 0x4800
    mov dword [TSS_X + 0x28], X_EAX
    mov byte [GDT + SEL_X + 5], 0x89
    ret

; Task X runs only when nothing in its TSS is wrong.
task_x:
    SHOW32 "  task X ran, eax=", eax
    jmp SEL_A:0
    jmp task_x

; The handler tasks: each is entered at its start with the error code on its stack, names its
; exception, reports, then resumes task A: by IRET when the fault was A's (A called it, in effect),
; or by a jump when it was task X's (A had jumped to X and is free).
%macro HANDLER_TASK 2
%1:
    pop eax
    PRINT %2
    call report
    jne %%to_a
    iretd
    jmp %1
%%to_a:
    jmp SEL_A:0
    jmp %1
%endmacro

HANDLER_TASK task_ts, "  #TS"
HANDLER_TASK task_np, "  #NP"
HANDLER_TASK task_ss, "  #SS"

; In a handler task, with the error code in EAX: the code and the interrupted task. Task A is
; stepped over the instruction that faulted; task X's TSS shows the state it had when it faulted,
; the state it was given. ZF is set when the interrupted task is A.
report:
    SHOW32 " error code=", eax
    str bx
    movzx ebx, bx
    mov ebx, [GDT + ebx + 2]
    and ebx, 0x00FFFFFF             ; this task's TSS (all lie below 16 MiB)
    SHOW16 "  interrupted task=", word [ebx]
    call show_busy
    cmp word [ebx], SEL_A
    jne .in_new_task
    movzx eax, word [SKIP]
    add [TSS_A + 0x20], eax
    jmp .done
.in_new_task:
    SHOW32 "  its eax=", dword [TSS_X + 0x28]
    SHOW32 "  its esp=", dword [TSS_X + 0x38]
    SHOW16 "  its cs=", word [TSS_X + 0x4C]
    SHOW16 "  its ss=", word [TSS_X + 0x50]
    SHOW16 "  its ds=", word [TSS_X + 0x54]
    SHOW16 "  its gs=", word [TSS_X + 0x5C]
    cmp word [SHOW_EIP], 0
    je .done
    SHOW32 "  its eip=", dword [TSS_X + 0x20]
    SHOW32 "  task X's entry=", task_x
.done:
    cmp word [ebx], SEL_A
    ret

show_busy:
    SHOW_BUSY2 "  busy a,x=", SEL_A, SEL_X
    ret

%include "tasks.inc"
    SYSTEM_DESCRIPTOR TSS_A, 0x0067, 0x89       ; 0x18 TSS A
    SYSTEM_DESCRIPTOR TSS_X, 0x0067, 0x89       ; 0x20 TSS X
    SYSTEM_DESCRIPTOR TSS_TS, 0x0067, 0x89      ; 0x28 TSS of the #TS handler
    SYSTEM_DESCRIPTOR TSS_NP, 0x0067, 0x89      ; 0x30 TSS of the #NP handler
    SYSTEM_DESCRIPTOR TSS_SS, 0x0067, 0x89      ; 0x38 TSS of the #SS handler
    dw 0xFFFF, 0x0000
    db 0x00, 0x91, 0xCF, 0x00       ; 0x40 read-only data
    dw 0xFFFF, 0x0000
    db 0x00, 0x13, 0xCF, 0x00       ; 0x48 writable data, not present
    SYSTEM_DESCRIPTOR LDT, 0x000F, 0x82         ; 0x50 LDT
    SYSTEM_DESCRIPTOR LDT, 0x000F, 0x02         ; 0x58 LDT, not present
    SYSTEM_DESCRIPTOR TSS_X, 0x0066, 0x89       ; 0x60 32-bit TSS, limit 0x66
    SYSTEM_DESCRIPTOR TSS_X, 0x002A, 0x81       ; 0x68 16-bit TSS, limit 0x2A
task_gdt_end:
task_gdtr:
    dw task_gdt_end - task_gdt - 1
    dd GDT

ROM_END
