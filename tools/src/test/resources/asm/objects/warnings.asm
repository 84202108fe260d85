; The warnings of an object file, worded as nasm -f elf32 words them.
%warning a user warning
        section .bss
        db      1
        section .data
        resb    1
        mov     al, 300
        push    byte 200
