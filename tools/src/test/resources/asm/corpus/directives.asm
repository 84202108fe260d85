; Directives, labels and expressions of the bin format.
        bits 32
        org 0x100000
CONST   equ 10
MASK    equ (1 << 12) - 1
start:
        mov eax, CONST
        mov ebx, MASK
        mov ecx, end_of_text - start      ; a difference of labels is a plain number
        mov edx, $ - start
        mov esi, $$
.loop:  dec ecx
        jnz .loop                          ; start.loop
        jmp short .done
        times 3 nop
.done:
second  mov eax, [.local]                  ; bare label, local label after it
.local  dd 0
        ; numeric literal spellings
        dd 0x1F, 1Fh, $1F, 0h1f, 31, 0d31, 31d, 0b11111, 11111b, 0y101, 0o17, 17q, 17o, 0q17, 1_000_000
        ; character constants are little-endian
        dd 'abcd', 'ab', "x"
        mov eax, 'PONG'
        ; operators and precedence
        dd 1 + 2 * 3, (1 + 2) * 3, 7 / 2, -7 // 2, 7 % 3, -7 %% 3, 1 << 4 | 1, 0xF0 & 0x3C ^ 0xFF
        dd ~0, !0, !5, -(-3), 100 >> 2, 5 - 3 - 1, 2 * 3 + 4 * 5, 1 | 2 ^ 3 & 4
        dd 0x80000000 >> 31, (5 > 3) + (2 == 2) + (3 != 3)
        ; strings in every quote style
        db 'single', 0
        db "double", 0
        db `back\tquote\n\x41\101\0`, 0
        dw 'abc'
        dd 'abcde'
        dq 0x123456789ABCDEF0, -1
        db -1, 255, -128
        dw -1, 65535
        times 4 db 0xAA
        times 2 dw 1, 2
        align 16
aligned:
        db 1
        align 8, db 0xCC
        db 2
        alignb 4
        db 3
        incbin "incbin.dat"
        incbin "incbin.dat", 2
        incbin "incbin.dat", 1, 3
        ; jumps: short when the target fits, near otherwise, settled over several passes
        jmp far_target
        jz far_target
        jmp near_target
        call near_target
near_target:
        times 130 nop
far_target:
        jmp start
        jmp $
        loop far_target2
far_target2:
        jecxz far_target2
end_of_text:

        section .data
value:  dd value, end_of_text, bss_var
        db "data"
        section .bss
bss_var: resd 1
bss_buf: resb 100
        resw 3
        resq 1
        section .text
        mov eax, [bss_var]
        mov [value], eax
        global start
