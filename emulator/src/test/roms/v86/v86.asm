; Virtual-8086 mode: entered by IRETD from ring 0; real-mode addressing at CPL 3; the
; IOPL-sensitive instructions (CLI, STI, PUSHF, POPF, INT n, IRET) faulting with #GP(0) under
; IOPL 0 and running under IOPL 3; I/O through the TSS bitmap whatever IOPL is; INT3, #DE and
; #UD taken to ring 0; interrupts and exceptions arriving on the TSS's ring-0 stack with GS, FS,
; DS and ES in the frame and nulled; IRETD back. The ring-0 side plays the V86 monitor: it reports
; every #GP, steps over the faulting instruction, and grants IOPL 3 when the V86 code runs HLT.
%include "rom.inc"

%define IDT     0x2000
%define STACK0  0x7000              ; the ring-0 stack the TSS names
%define V86_SS  0x0800              ; 0800:0800 = linear 0x8800
%define V86_DS  0x0900              ; linear 0x9000
%define V86_ES  0x0A00
%define V86_FS  0x0B00
%define V86_GS  0x0C00

; GATE vector, handler, type: an IDT entry to CODE16:handler (0x8E00: interrupt gate, DPL 0;
; 0xEE00: DPL 3, which INT n from V86 needs).
%macro GATE 3
    mov word [IDT + (%1) * 8], %2
    mov word [IDT + (%1) * 8 + 2], CODE16
    mov word [IDT + (%1) * 8 + 4], %3
    mov word [IDT + (%1) * 8 + 6], 0
%endmacro

start:
    PROTECTED_START STACK0
    mov byte [0x9000], 0x5A         ; what V86 code finds at DS:0
    mov byte [0x9100], 0xA5         ; and at 0910:0000

    ; The IDT: every vector to 'unexpected', then the ones the test takes.
    FILL_IDT IDT, unexpected
    GATE 0, on_de, 0x8E00
    GATE 3, on_bp, 0xEE00
    GATE 6, on_ud, 0x8E00
    GATE 13, on_gp, 0x8E00
    GATE 0x30, on_int30, 0xEE00
    GATE 0x31, on_done, 0xEE00
    GATE 0x32, unexpected, 0x8E00   ; DPL 0: INT 0x32 from V86 is #GP(0x32 * 8 + 2)
    o32 lidt [cs:idtr]

    ; The TSS: ring-0 stack, and an I/O bitmap denying every port but 0xE9 and 0xF4.
    xor eax, eax
    mov edi, TSS_BASE
    mov ecx, 0x68 / 4
    a32 rep stosd
    mov dword [TSS_BASE + 4], STACK0
    mov word [TSS_BASE + 8], DATA4G
    mov word [TSS_BASE + 0x66], 0x68
    mov al, 0xFF
    mov edi, TSS_BASE + 0x68
    mov ecx, 8192 + 1
    a32 rep stosb
    and byte [TSS_BASE + 0x68 + (0xE9 >> 3)], ~(1 << (0xE9 & 7))
    and byte [TSS_BASE + 0x68 + (0xF4 >> 3)], ~(1 << (0xF4 & 7))
    mov ax, TSS_SEL
    ltr ax

    ; Into V86 mode: GS, FS, DS, ES, SS, ESP, EFLAGS (VM, IOPL 0, IF clear), CS, EIP.
    push dword V86_GS
    push dword V86_FS
    push dword V86_DS
    push dword V86_ES
    push dword V86_SS
    push dword 0x0800
    push dword 0x00020002
    push dword ROM_SEG
    push dword v86_start
    o32 iret

; ---- virtual-8086 code (CPL 3, real-mode addressing) ----

v86_start:
    PRINT "in virtual-8086 mode", 10
    SHOW16 "cs=", cs
    SHOW16 "ds=", ds
    SHOW16 "ss=", ss
    SHOW8 "ds:0=", byte [0]
    mov ax, 0x0910
    mov ds, ax
    SHOW8 "0910:0000=", byte [0]
    mov ax, V86_DS
    mov ds, ax
    PRINT "under iopl 0:", 10
    cli
    sti
    pushf
    popf
    int 0x30
    iret
    out 0x80, al
    in al, 0x80
    int3
    xor bl, bl
    div bl
    lar ax, bx
    PRINT "hlt, for the monitor to grant iopl 3:", 10
    hlt
    PRINT "under iopl 3:", 10
    cli
    sti
    pushfd
    pop eax
    SHOW32 "pushfd image=", eax
    push word 0x0002                ; IOPL 0 and IF clear: POPF may clear IF but not IOPL
    popf
    pushf
    pop ax
    SHOW16 "after popf of 0002=", ax
    sti
    pushf
    push cs
    push word .after_iret
    iret
.after_iret:
    PRINT "iret in v86 returned", 10
    call ROM_SEG:far_sub
    SHOW16 "far call returned, ax=", ax
    int 0x30
    int 0x32
    out 0x80, al
    PRINT "port 0xe9 still allowed", 10
    int 0x31

far_sub:
    mov ax, cs
    retf

; ---- ring-0 handlers: 16-bit code in CODE16 on the TSS's 32-bit stack ----

; Prints the V86 frame whose EIP slot is at SS:EBP, then the handler's own DS and EFLAGS.
show_frame:
    SHOW16 "  ip=", word [ebp]
    SHOW16 "  cs=", word [ebp + 4]
    SHOW32 "  eflags=", dword [ebp + 8]
    SHOW16 "  sp=", word [ebp + 12]
    SHOW16 "  ss=", word [ebp + 16]
    SHOW16 "  es=", word [ebp + 20]
    SHOW16 "  ds=", word [ebp + 24]
    SHOW16 "  fs=", word [ebp + 28]
    SHOW16 "  gs=", word [ebp + 32]
    SHOW16 "  handler ds=", ds
    SHOW16 "  handler gs=", gs
    pushfd
    pop eax
    SHOW32 "  handler eflags=", eax
    ret

on_gp:
    mov ebp, esp
    SHOW16 "#GP error code=", word [ebp]
    add ebp, 4
    ; The first byte of the faulting instruction, at CS * 16 + IP.
    movzx ebx, word [ebp + 4]
    shl ebx, 4
    movzx ecx, word [ebp]
    add ebx, ecx
    mov ax, DATA4G
    mov ds, ax
    mov al, [ebx]
    SHOW8 "  opcode=", al
    SHOW16 "  ip=", word [ebp]
    mov cx, 1
    cmp al, 0xCD                    ; INT n
    je .two
    cmp al, 0xE6                    ; OUT imm8, AL
    je .two
    cmp al, 0xE4                    ; IN AL, imm8
    jne .step
.two:
    mov cx, 2
.step:
    add [ebp], cx
    cmp al, 0xF4                    ; HLT: the monitor grants IOPL 3
    jne .return
    or dword [ebp + 8], 0x3000
.return:
    mov esp, ebp
    o32 iret

on_int30:
    mov ebp, esp
    PRINT "int 0x30 from v86:", 10
    call show_frame
    o32 iret

on_bp:
    mov ebp, esp
    PRINT "int3 from v86:", 10
    call show_frame
    o32 iret

on_de:
    mov ebp, esp
    PRINT "#DE from v86:", 10
    call show_frame
    add word [ebp], 2               ; DIV BL
    o32 iret

on_ud:
    mov ebp, esp
    PRINT "#UD from v86:", 10
    SHOW16 "  ip=", word [ebp]
    add word [ebp], 3               ; LAR AX, BX
    o32 iret

on_done:
    PRINT "done", 10
    EXIT 0

unexpected:
    mov ebp, esp
    PRINT "unexpected interrupt", 10
    SHOW32 "  top of stack=", dword [ebp]
    SHOW32 "  next=", dword [ebp + 4]
    EXIT 2

idtr:
    dw 256 * 8 - 1
    dd IDT

ROM_END
