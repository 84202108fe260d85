; A symbol minus a place in the section being filled ($, or a label) is a PC-relative field,
; the field's distance from that place folded into the addend.
        bits 32
        extern foo
        section .text
start:  mov eax, foo - $
        mov ebx, [foo - start + 8]
        nop
        section .data
        dd 1
here:   dd foo - $
        dd foo - $ + 4
        dd start - $
        dd foo - here
        dw foo - $
