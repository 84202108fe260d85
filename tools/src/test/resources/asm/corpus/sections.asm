; Section layout of the bin format: start= fixes an address, the sections after it follow it,
; custom names with progbits/nobits, and sections without contents at the end. (One nobits
; section only: NASM 2.16 lets .bss overlap a nobits section declared before it.)
        org 0x1000
        section .text
start:  mov eax, table
        mov ebx, after_table
        mov ecx, scratch
        mov edx, [stack_top]
        jmp far_away
        section .data start=0x1100
table:  dd 1, 2, 3
        section .rodata
after_table:
        db "follows .data"
        section .far progbits start=0x1200 align=16
far_away:
        ret
        section .scratch nobits
scratch: resb 64
        alignb 16
stack:  resb 256
stack_top:
        section .text
        dd table, after_table, far_away, scratch, stack_top
