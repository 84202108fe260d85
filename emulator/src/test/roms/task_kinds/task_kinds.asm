; The kinds of task a switch can reach and the ways it is reached, beyond tasks.asm's: a 16-bit
; (286) TSS of the minimum limit 0x2B, called, returned from, jumped to and entered by #GP through
; a task gate with a word error code; a TSS whose EFLAGS has VM set, which runs in virtual-8086
; mode and leaves by INT n through a task gate; the timer's IRQ 0 through a task gate; and under
; paging, CR3 loaded from the new TSS (the TLB flushed with it) but never saved to the old one.
%include "rom.inc"

%define GDT     0x1000
%define IDT     0x2000
%define TSS_A   0x3000
%define TSS_I   0x3100              ; IRQ 0's task
%define TSS_P   0x3200              ; the task with its own page directory
%define TSS_W   0x3300              ; 16-bit tasks
%define TSS_WG  0x3380
%define TSS_V   0xA000              ; the V86 task, with an I/O bitmap allowing every port
%define SKIP    0x0500              ; bytes #GP's task steps task A over
%define PD1     0x20000             ; identity map of the first 4 MiB
%define PT1     0x21000
%define PD2     0x22000             ; the same but linear PAGE_SEEN at physical PAGE_SEEN + 0x1000
%define PT2     0x23000
%define PAGE_SEEN 0x50000

%define V86_CS  ROM_SEG
%define V86_DS  0x0900              ; linear 0x9000
%define V86_ES  0x0A00
%define V86_FS  0x0B00
%define V86_GS  0x0C00

%define SEL_A    0x18
%define SEL_I    0x20
%define SEL_P    0x28
%define SEL_W    0x30
%define SEL_WG   0x38
%define SEL_V    0x40

; W16 tss, entry, sp: a 16-bit task at CODE16:entry with ES, SS and DS on DATA4G, FLAGS 2.
%macro W16 3
    mov word [%1 + 0x0E], %2
    mov word [%1 + 0x10], 0x0002
    mov word [%1 + 0x1A], %3
    mov word [%1 + 0x22], DATA4G
    mov word [%1 + 0x24], CODE16
    mov word [%1 + 0x26], DATA4G
    mov word [%1 + 0x28], DATA4G
%endmacro

; GATE_TO vector, selector, access: a task gate in the IDT (access 0x85, or 0xE5 for DPL 3).
%macro GATE_TO 3
    mov dword [IDT + (%1) * 8], (%2) << 16
    mov dword [IDT + (%1) * 8 + 4], (%3) << 8
%endmacro

start:
    PROTECTED_START 0x7000
    TASK_TABLES TSS_A, 0x400
    FILL_IDT IDT, unexpected
    GATE_TO 13, SEL_WG, 0x85
    GATE_TO 0x20, SEL_I, 0x85
    GATE_TO 0x41, SEL_A, 0xE5
    o32 lidt [cs:idtr]
    mov ax, SEL_A
    ltr ax

    ; A 16-bit task: CALL, IRET, JMP there and back.
    W16 TSS_W, task_w, 0x4800
    mov word [TSS_W + 0x12], 0x1616 ; AX
    mov word [TSS_W + 0x14], 0x2B2B ; CX
    mov ax, DATA4G
    mov fs, ax
    mov gs, ax
    mov eax, 0xA0A0A0A0
    mov ecx, 0xC0C0C0C0
    PRINT "call to a 16-bit TSS:", 10
    call SEL_W:0
    SHOW32 "back in A, eax=", eax
    SHOW16 "  W's saved ip=", word [TSS_W + 0x0E]
    SHOW16 "  W's saved flags=", word [TSS_W + 0x10]
    SHOW16 "  W's saved ax=", word [TSS_W + 0x12]
    SHOW16 "  W's saved cs=", word [TSS_W + 0x24]
    SHOW16 "  the word after W's TSS=", word [TSS_W + 0x2C]
    call show_busy
    PRINT "jmp to the 16-bit task:", 10
    jmp SEL_W:0
    SHOW16 "back in A, W's saved ax=", word [TSS_W + 0x12]
    SHOW16 "  W's saved ip=", word [TSS_W + 0x0E]
    call show_busy

    ; #GP through a task gate to a 16-bit TSS: a word of error code.
    W16 TSS_WG, task_wg, 0x4400
    PRINT "#GP through a task gate to a 16-bit TSS:", 10
    mov word [SKIP], 2
    mov ax, 0x07F8
    mov ds, ax                      ; beyond the GDT: #GP(0x7f8)
    PRINT "back in A after the #GP task", 10

    ; Virtual-8086 mode from a task switch, and back by INT 0x41 through a task gate.
    xor eax, eax
    mov edi, TSS_V
    mov ecx, (0x68 + 8192 + 4) / 4
    a32 rep stosd
    mov dword [TSS_V + 0x20], v86_code
    mov dword [TSS_V + 0x24], 0x00023002 ; VM, IOPL 3, IF clear
    mov dword [TSS_V + 0x28], 0xEAEAEAEA
    mov dword [TSS_V + 0x38], 0x0800
    mov word [TSS_V + 0x48], V86_ES
    mov word [TSS_V + 0x4C], V86_CS
    mov word [TSS_V + 0x50], 0x0700 ; SS: linear 0x7800 at SP 0x0800
    mov word [TSS_V + 0x54], V86_DS
    mov word [TSS_V + 0x58], V86_FS
    mov word [TSS_V + 0x5C], V86_GS
    mov word [TSS_V + 0x66], 0x68   ; the I/O bitmap, all ports allowed, then its byte of ones
    mov byte [TSS_V + 0x68 + 8192], 0xFF
    mov byte [0x9000], 0x86
    PRINT "jmp to a TSS with VM set:", 10
    jmp SEL_V:0
    PRINT "back in A by int 0x41:", 10
    call show_task
    SHOW32 "  V's saved eflags=", dword [TSS_V + 0x24]
    SHOW16 "  V's saved cs=", word [TSS_V + 0x4C]
    SHOW16 "  V's saved ds=", word [TSS_V + 0x54]
    SHOW16 "  V's saved gs=", word [TSS_V + 0x5C]
    SHOW32 "  V's saved eip=", dword [TSS_V + 0x20]
    SHOW32 "  V's int 0x41 ends at ", v86_after_int
    SHOW32 "  V's saved eax=", dword [TSS_V + 0x28]
    pushfd
    and dword [esp], ~0x4000        ; the INT made this task nested; it is the outermost again
    popfd

    ; The timer's IRQ 0 through a task gate, taken while A halts.
    TASK TSS_I, task_i, 0x5000
    TIMER_IRQ0
    PRINT "hlt until IRQ 0 through a task gate:", 10
    sti
    hlt
a_after_hlt:
    cli
    PRINT "back in A after hlt", 10
    call show_task

    ; Paging: A on PD1, task P on PD2, which maps PAGE_SEEN elsewhere.
    mov ecx, 1024
    mov edi, PT1
    mov eax, 0x00000003
.fill:
    mov [edi], eax
    mov [edi + PT2 - PT1], eax
    add eax, 0x1000
    add edi, 4
    dec ecx
    jnz .fill
    xor ebx, ebx                    ; addresses past 64 KiB need a 32-bit address: EBX + disp32
    mov dword [ebx + PT2 + (PAGE_SEEN >> 12) * 4], (PAGE_SEEN + 0x1000) | 3
    mov dword [ebx + PD1], PT1 | 3
    mov dword [ebx + PD2], PT2 | 3
    mov byte [ebx + PAGE_SEEN], 0x11
    mov byte [ebx + PAGE_SEEN + 0x1000], 0x22
    mov dword [TSS_A + 0x1C], PD1
    TASK TSS_P, task_p, 0x4000
    mov dword [TSS_P + 0x1C], PD2
    mov eax, PD1
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax
    PRINT "paging on, in A:", 10
    call show_paging
    PRINT "jmp to a task with its own page directory:", 10
    jmp SEL_P:0
    PRINT "back in A:", 10
    call show_paging
    SHOW32 "  P's TSS still names cr3=", dword [TSS_P + 0x1C]
    PRINT "jmp to that task again:", 10
    jmp SEL_P:0
    PRINT "back in A:", 10
    call show_paging
    EXIT 0

; The 16-bit task: reports, returns by IRET; when resumed by a jump, reports and jumps back.
task_w:
    PRINT "  in the 16-bit task", 10
    SHOW32 "  eax=", eax
    SHOW32 "  ecx=", ecx
    SHOW16 "  fs=", fs
    SHOW16 "  gs=", gs
    call show_task
    mov ax, 0x5151
    iret
    SHOW16 "  in the 16-bit task again, ax=", ax
    call show_task
    mov ax, 0x7A7A
    jmp SEL_A:0
    jmp task_w

; #GP's 16-bit task: its SP, the word of error code, then A stepped over the faulting MOV.
task_wg:
    PRINT "  in #GP's 16-bit task", 10
    SHOW16 "  sp=", sp
    pop ax
    SHOW16 "  error code=", ax
    call show_task
    mov ax, [SKIP]
    add [TSS_A + 0x20], ax
    iret
    jmp task_wg

; IRQ 0's task: where it came from, then the end of interrupt and the timer masked.
task_i:
    PRINT "  in IRQ 0's task", 10
    call show_task
    SHOW32 "  A's saved eflags=", dword [TSS_A + 0x24]
    SHOW32 "  A's saved eip=", dword [TSS_A + 0x20]
    SHOW32 "  the end of A's hlt=", a_after_hlt
    mov al, 0xFF
    out 0x21, al
    mov al, 0x20
    out 0x20, al
    iretd
    jmp task_i

; The paged task: its CR3 and what PAGE_SEEN holds under it; then CR3 moved to PD1 by hand, which
; a switch away does not save.
task_p:
    PRINT "  in the paged task", 10
    call show_paging
    mov eax, PD1
    mov cr3, eax
    jmp SEL_A:0
    jmp task_p

show_paging:
    push eax
    mov eax, cr3
    SHOW32 "  cr3=", eax
    xor eax, eax
    SHOW8 "  byte at the page seen=", byte [eax + PAGE_SEEN]
    pop eax
    ret

; Virtual-8086 code, reached by the task switch to TSS V.
v86_code:
    PRINT "  in V86 mode", 10
    SHOW16 "  cs=", cs
    SHOW16 "  ss=", ss
    SHOW16 "  ds=", ds
    SHOW16 "  es=", es
    SHOW16 "  fs=", fs
    SHOW16 "  gs=", gs
    SHOW16 "  sp=", sp
    SHOW8 "  ds:0=", byte [0]
    SHOW32 "  eax=", eax
    pushfd
    pop eax
    SHOW32 "  eflags as pushfd shows it=", eax
    mov eax, 0x86868686
    int 0x41
v86_after_int:
    PRINT "V86 task resumed", 10
    EXIT 3

; TR, the back link of the current TSS, NT, and the busy bits of A and the 16-bit task W.
show_task:
    call show_tr_link
    push eax
    pushfd
    pop eax
    shr eax, 14
    and al, 1
    SHOW8 "  nt=", al
    pop eax
show_busy:
    SHOW_BUSY2 "  busy a,w=", SEL_A, SEL_W
    ret

%include "tasks.inc"
    SYSTEM_DESCRIPTOR TSS_A, 0x0067, 0x89       ; 0x18 TSS A
    SYSTEM_DESCRIPTOR TSS_I, 0x0067, 0x89       ; 0x20 IRQ 0's TSS
    SYSTEM_DESCRIPTOR TSS_P, 0x0067, 0x89       ; 0x28 the paged task's TSS
    SYSTEM_DESCRIPTOR TSS_W, 0x002B, 0x81       ; 0x30 16-bit TSS, the minimum limit
    SYSTEM_DESCRIPTOR TSS_WG, 0x002B, 0x81      ; 0x38 #GP's 16-bit TSS
    SYSTEM_DESCRIPTOR TSS_V, 0x0068 + 8192, 0x89 ; 0x40 the V86 task's TSS and its I/O bitmap
task_gdt_end:
task_gdtr:
    dw task_gdt_end - task_gdt - 1
    dd GDT

ROM_END
