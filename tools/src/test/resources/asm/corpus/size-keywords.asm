; Size keywords where real sources put them: inside the brackets (the displacement's size, or for
; a bare offset the address size), NOSPLIT, and on branch targets in 16- and 32-bit code.
bits 32
        mov eax, [nosplit esi*2]
        mov eax, [nosplit esi*2+4]
        mov eax, [dword ebx+4]
        mov eax, [byte ebx+4]
        mov eax, [dword ebx]
        mov eax, [byte ebp]
        mov eax, [word 0x1234]
        mov eax, [dword 0x12345678]
        mov al, [es:dword ebx+1]
        mov eax, [esi*2]
bits 16
        mov ax, [dword 0x12345678]
        mov ax, [word 0x1234]
        mov ax, [byte bx+4]
        mov ax, [word bx+4]
        mov ax, [dword ebx+4]
        mov ax, [byte bp]
        mov al, [dword 0x12345678]
        mov eax, [dword 0x10]
target:
        call dword target
        jc near target
        jmp near target
        call near target
        jmp dword target
        jc strict near target
        jmp strict short target
        call word target
        jmp word target
        jc short target
bits 32
        call dword target
        jc near target
        jmp strict near target
        jz strict short target
        call word target
        jmp word target
