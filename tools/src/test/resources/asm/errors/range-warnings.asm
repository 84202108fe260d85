; The warnings NASM gives for values that do not fit, and for a label alone on a line.
; expect: 16: warning: byte data exceeds bounds
; expect: 17: warning: word data exceeds bounds
; expect: 18: warning: byte data exceeds bounds
; expect: 19: warning: word data exceeds bounds
; expect: 20: warning: dword data exceeds bounds
; expect: 21: warning: signed byte value exceeds bounds
; expect: 22: warning: signed byte value exceeds bounds
; expect: 24: warning: byte data exceeds bounds
; expect: 25: warning: byte data exceeds bounds
; expect: 26: warning: byte data exceeds bounds
; expect: 27: warning: word data exceeds bounds
; expect: 28: warning: word data exceeds bounds
; expect: 29: warning: label alone on a line without a colon might be in error
bits 32
mov al, 300
mov ax, 70000
db 256
dw 70000
dd 0x1FFFFFFFF
push byte 200
add eax, byte 200
mov al, -129
int 256
out 256, al
in al, 300
enter 70000, 0
ret 70000
label
dd foo
foo equ 3
