; The processor as reset leaves it, and its first instructions: the registers the manual gives,
; real-mode selector instructions that fault, and an LDT selector used before any LLDT (the
; reset LDTR has base 0 and limit 0xFFFF).
%include "rom.inc"

start:
    ; Registers first, before anything changes them; the stack is not set up yet, so the values
    ; are parked in registers that print as they are.
    mov ebp, edx
    mov ebx, eax
    mov esi, esp
    pushfd                          ; SS:SP = 0000:0000 wraps to 0000:FFFC
    pop edi
    mov ax, 0
    mov ss, ax
    mov sp, 0x7000
    out POST, al
    SHOW32 "eax=", ebx
    SHOW32 "esp=", esi
    SHOW32 "eflags=", edi
    mov eax, 1
    cpuid
    PRINT "edx is the cpuid signature: "
    cmp eax, ebp
    je .same
    PRINT "no", 10
    jmp .cr
.same:
    PRINT "yes", 10
.cr:
    mov eax, cr0
    SHOW32 "cr0=", eax
    mov eax, cr2
    SHOW32 "cr2=", eax
    mov eax, cr3
    SHOW32 "cr3=", eax
    mov eax, dr6
    SHOW32 "dr6=", eax
    mov eax, dr7
    SHOW32 "dr7=", eax
    mov ax, cs
    SHOW16 "cs=", ax
    mov ax, ds
    SHOW16 "ds=", ax
    smsw ax
    SHOW16 "msw=", ax
    ; SIDT and SGDT: base 0, limit 0xFFFF.
    sidt [0x500]
    SHOW16 "idt limit=", word [0x500]
    SHOW32 "idt base=", dword [0x502]
    sgdt [0x500]
    SHOW16 "gdt limit=", word [0x500]
    SHOW32 "gdt base=", dword [0x502]

    ; The selector instructions have no meaning in real mode: #UD.
    VECTOR 6, on_ud
    mov byte [0x600], 0
    sldt ax
    str ax
    lar ax, bx
    lsl ax, bx
    verr bx
    verw bx
    arpl bx, ax
    lldt bx
    ltr bx
    SHOW8 "#UD count=", byte [0x600]

    ; A data descriptor at linear 8 (vector 2 of the IVT) is slot 1 of the reset LDT; enter
    ; protected mode with a GDT that has a code segment, and load DS through the LDT.
    mov dword [0x08], 0x0000FFFF    ; base 0x040000, limit 0xFFFF, data RW, present
    mov dword [0x0C], 0x00009304
    push word 0x4000
    pop es
    mov dword [es:0], 0xC0DE0001
    cli
    LOAD_GDT
    PE_ON
    sldt ax
    SHOW16 "sldt in protected mode=", ax
    mov ax, 0x0C                    ; LDT slot 1, RPL 0
    mov ds, ax
    mov eax, [0]
    SHOW32 "through the reset LDT: ", eax
    mov ax, DATA64K
    mov ds, ax
    PE_OFF
    xor ax, ax
    mov ds, ax
    mov eax, cr0
    SHOW32 "back in real mode, cr0=", eax
    EXIT 0

; #UD: count it and step over the faulting instruction (every one above is 2 or 3 bytes; the
; handler finds the length from the ModRM byte: 3 for the 0F forms, 2 for ARPL).
on_ud:
    push bp
    mov bp, sp
    push ds
    push si
    push ax
    inc byte [ss:0x600]
    lds si, [bp + 2]                ; the faulting CS:IP
    mov al, [si]
    add word [bp + 2], 2            ; ARPL r/m16, r16 is 63 /r
    cmp al, 0x0F
    jne .done
    inc word [bp + 2]               ; 0F 00 /r and 0F 02 /r, 0F 03 /r
.done:
    pop ax
    pop si
    pop ds
    pop bp
    iret

ROM_END
