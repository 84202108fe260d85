; Section layout, generated at random: sections opened in any order and reopened, ALIGN and
; ALIGNB raising their alignment (.text too, which then moves off ORG), align=, data that
; points across sections and forward.
bits 32
org 0x1234
section .rodata
L0:
times 1 dd L0
L1:
alignb 2
section .rodata
L2:
times 1 dd L2
section .bss
L3:
resb 11
L4:
alignb 4
L5:
resb 25
L6:
resd 7
section .data
L7:
times 1 dd L0
L8:
times 1 dd L6
L9:
times 1 dd L0
section .data
L10:
times 1 dd L1
section .foo align=2
L11:
db 68
L12:
alignb 2
L13:
alignb 16
section .foo
L14:
db 47,74
L15:
db 21,27,138,76,137
L16:
times 3 dd L1
L17:
db 206,121,82,22,187,44
section .rodata align=16
L18:
align 16
L19:
db 9,194,168,0,221
L20:
db 227,138
section .rodata
L21:
times 1 dd L16
L22:
times 1 dd L12
L23:
times 2 dd L15
section .rodata
L24:
alignb 2
L25:
align 4
section .text
L26:
alignb 8
L27:
db 87,132,15
L28:
db 88,134,84,61,75,6,24
L29:
db 199,150
section .foo align=4
L30:
db 142,70,44,151,60
L31:
db 72,196,86,140
L32:
times 3 dd L31
section .rodata align=1
L33:
alignb 4
L34:
times 1 dd L10
L35:
times 1 dd L0
section .data align=8
L36:
db 246,134,34,14,223
L37:
alignb 2
L38:
times 3 dd L34
L39:
times 1 dd L14
section .data align=32
L40:
align 16
L41:
times 3 dd L3
L42:
times 1 dd L23
L43:
db 118,190,253,124
section .text
L44:
mov eax, [L43]
section .bss
L45:
alignb 4
section .data align=1
L46:
times 3 dd L34
L47:
align 2
L48:
align 8
section .text
L49:
alignb 16
L50:
times 1 dd L6
L51:
times 3 dd L14
L52:
align 4
section .data
L53:
db 38
section .text
L54:
align 4
section .rodata
L55:
db 101,7,224
section .rodata
L56:
times 3 dd L51
section .bss
L57:
alignb 8
L58:
resd 5
L59:
resd 3
section .text
dd L59,L0,L56,L58,L19
