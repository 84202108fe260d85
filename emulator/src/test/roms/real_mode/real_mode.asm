; Real-address mode: segment × 16 + offset, the 16-bit addressing forms and their 64 KiB
; wrap-around, the 0x66 and 0x67 overrides, far transfers, far-pointer loads, 16-bit string
; instructions, PUSHA/POPA, ENTER/LEAVE, and the stack wrapping at SP = 0.
%include "rom.inc"

start:
    xor ax, ax
    mov ss, ax
    mov sp, 0x7000
    mov ax, 0x1000                  ; DS: linear 0x10000
    mov ds, ax
    mov ax, 0x2000                  ; ES: linear 0x20000
    mov es, ax
    out POST, al

    ; Segment × 16 + offset: the same byte seen through two segment:offset pairs.
    mov byte [0x0123], 0x5A
    push ds
    push word 0x1012
    pop ds
    SHOW8 "1012:0003=", byte [0x0003]
    pop ds

    ; Every 16-bit addressing form, and the offset wrapping at 64 KiB.
    mov bx, 0x0100
    mov si, 0x0020
    mov di, 0x0030
    mov bp, 0x0200
    mov word [0x0120], 0x1111       ; [bx+si]
    mov word [0x0130], 0x2222       ; [bx+di]
    mov word [ss:0x0220], 0x3333    ; [bp+si] defaults to SS
    mov word [ss:0x0230], 0x4444    ; [bp+di]
    mov word [0x0020], 0x5555       ; [si]
    mov word [0x0030], 0x6666       ; [di]
    mov word [ss:0x0200], 0x7777    ; [bp+0]
    mov word [0x0100], 0x8888       ; [bx]
    xor ax, ax
    add ax, [bx+si]
    add ax, [bx+di]
    add ax, [bp+si]
    add ax, [bp+di]
    add ax, [si]
    add ax, [di]
    add ax, [bp]
    add ax, [bx]
    SHOW16 "sum of the eight forms=", ax
    mov word [0x0010], 0xBEEF
    mov bx, 0xFFF0
    mov si, 0x0010
    SHOW16 "[bx+si+0x10] with bx+si=0x10000: ", word [bx+si+0x10]
    mov bx, 0x0030
    SHOW16 "[bx-0x20] wraps below 0: ", word [bx-0x20]
    ; 0x67: 32-bit addressing in real mode, with a scaled index.
    mov eax, 0x0004
    mov ecx, 0x0003
    mov dword [0x0010], 0x01020304
    SHOW32 "[eax+ecx*4]: ", dword [eax+ecx*4]
    ; 0x66: 32-bit operands.
    mov eax, 0x7FFFFFFF
    add eax, 1
    pushfd
    pop edx
    SHOW32 "0x7fffffff+1=", eax
    and edx, 0x8D5
    SHOW32 "flags=", edx
    mov eax, 0x12345678
    mov ebx, 0x1000
    mul ebx
    SHOW32 "mul edx=", edx
    SHOW32 "mul eax=", eax
    mov ax, 0xFFFF
    mov cx, 0x10
    imul cx
    SHOW16 "imul16 dx=", dx
    SHOW16 "imul16 ax=", ax
    mov ax, 1000
    mov bl, 7
    div bl
    SHOW16 "1000/7 ax=", ax
    mov eax, 0x89ABCDEF
    shld ax, ax, 4
    rol eax, 8
    bswap eax
    SHOW32 "shifts=", eax
    movzx ecx, byte [0x0123]
    SHOW32 "movzx=", ecx
    movsx edx, word [0x0010]
    SHOW32 "movsx=", edx
    lea ax, [bx+si+0xFFF0]
    SHOW16 "lea wraps=", ax

    ; The stack: SP wraps from 0 to 0xFFFE; a 32-bit push moves SP by 4.
    mov ax, sp
    mov [0x0200], ax
    mov sp, 0x0000
    push word 0xABCD
    mov dx, sp
    mov cx, [ss:0xFFFE]
    pop ax
    mov bx, sp
    mov sp, [0x0200]
    SHOW16 "sp after push at 0=", dx
    SHOW16 "0000:fffe=", cx
    SHOW16 "sp after pop=", bx
    push dword 0x11223344
    pop ax
    pop bx
    SHOW16 "push dword, low=", ax
    SHOW16 "push dword, high=", bx

    ; PUSHA/POPA and their 32-bit forms.
    mov ax, 0x0A0A
    mov cx, 0x0C0C
    mov dx, 0x0D0D
    mov bx, 0x0B0B
    mov bp, 0x0E0E
    mov si, 0x0505
    mov di, 0x0606
    pusha
    mov bp, sp
    SHOW16 "pusha sp slot=", word [ss:bp+6]
    xor ax, ax
    mov cx, ax
    mov dx, ax
    mov bx, ax
    mov si, ax
    mov di, ax
    mov bp, ax
    popa
    SHOW16 "popa ax=", ax
    SHOW16 "popa bp=", bp
    SHOW16 "popa di=", di
    mov esi, 0xA5A50000
    pushad
    xor esi, esi
    popad
    SHOW32 "popad esi=", esi

    ; ENTER/LEAVE with a 16-bit stack, nesting level 2.
    mov bp, 0x6F00
    mov word [ss:0x6EFE], 0x1234
    enter 8, 2
    mov dx, sp
    SHOW16 "enter bp=", bp
    SHOW16 "enter sp=", dx
    SHOW16 "enter copied=", word [ss:bp-2]
    leave
    mov dx, sp
    SHOW16 "leave bp=", bp
    SHOW16 "leave sp=", dx

    ; String instructions with 16-bit addresses: SI and DI wrap at 64 KiB.
    cld
    mov si, 0xFFFE
    mov word [0xFFFE], 0x4241
    mov byte [0x0000], 0x43
    mov di, 0x0100
    mov cx, 3
    rep movsb
    SHOW16 "si after wrap=", si
    SHOW16 "di=", di
    SHOW32 "moved=", dword [es:0x0100]
    mov di, 0x0200
    mov ax, 0x7E7E
    mov cx, 4
    rep stosw
    SHOW16 "stosw di=", di
    mov si, 0x0100
    mov di, 0x0100
    push ds
    push es
    pop ds
    mov cx, 5
    repe cmpsb
    pop ds
    SHOW16 "cmpsb cx=", cx
    std
    mov si, 0x0001
    lodsw
    SHOW16 "lodsw backwards si=", si
    cld
    mov di, 0x0200
    mov al, 0x7E
    mov cx, 9
    repne scasb
    SHOW16 "scasb cx=", cx

    ; Far transfers: direct, through memory, call and return with an immediate.
    call ROM_SEG:far_routine
    SHOW16 "far call returned, ax=", ax
    mov word [0x0300], .target
    mov word [0x0302], ROM_SEG
    jmp far [0x0300]
    PRINT "not reached", 10
.target:
    push word 0x9999
    mov word [0x0304], far_routine_args
    mov word [0x0306], ROM_SEG
    call far [0x0304]
    mov dx, sp
    SHOW16 "retf 2 sp=", dx
    ; The same code reached through another segment:offset pair.
    call 0xEFFF:(far_routine + 0x10)
    SHOW16 "through efff, ax=", ax

    ; LDS, LES, LFS, LGS, LSS.
    mov word [0x0400], 0x1234
    mov word [0x0402], 0x3000
    mov dword [0x0408], 0x00056789
    mov word [0x040C], 0x4000
    lds bx, [0x0400]
    mov ax, ds
    SHOW16 "lds ds=", ax
    SHOW16 "lds bx=", bx
    mov ax, 0x1000
    mov ds, ax
    o32 les ebx, [0x0408]
    mov ax, es
    SHOW16 "les es=", ax
    SHOW32 "les ebx=", ebx
    lfs cx, [0x0400]
    lgs dx, [0x0400]
    mov ax, fs
    SHOW16 "lfs fs=", ax
    mov ax, gs
    SHOW16 "lgs gs=", ax
    mov word [0x0410], 0x6800
    mov word [0x0412], 0x0000
    lss sp, [0x0410]
    mov ax, ss
    mov dx, sp
    SHOW16 "lss ss=", ax
    SHOW16 "lss sp=", dx

    ; LOOP and JCXZ count CX; a jump near the end of the segment.
    mov cx, 5
    xor ax, ax
.loop:
    add ax, cx
    loop .loop
    SHOW16 "loop sum=", ax
    EXIT 0

far_routine:
    mov ax, cs
    retf

far_routine_args:
    retf 2

ROM_END
