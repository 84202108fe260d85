; Prefixes, size keywords, branch sizes and the directive spellings not used elsewhere.
        segment .text
        use32
        rep movsb
        rep movsd
        rep stosw
        repe cmpsb
        repz cmpsd
        repne scasb
        repnz scasw
        rep lodsd
        rep insb
        rep outsw
        lock add [eax], ebx
        lock xchg [ecx], eax
        a16 lodsb
        a32 lodsb
        o16 ret
        o32 iret
        fs movsb
        es lodsd
        xlatb
        cs xlatb
        mov eax, [fs:ebx]
        mov word [gs:bp+si], 5
        mov byte [ss:esp+4], 0x7F
        mov dword [es:0x1000], -1
        push word 3
        push dword 3
        push byte -1
        push strict dword 3
        add eax, strict dword 1
        jmp short forward
        jmp near forward
        jz near forward
        call near forward
        jmp dword 0x08:forward
        jmp word 0x10:0x1234
        call far [eax]
        jmp far [ebx+4]
        loop $
        jecxz $
forward:
        use16
        mov eax, [ebx+ecx*4]
        mov ax, [bx+si+2]
        jcxz $
        jecxz $
        a32 loop $
        o32 retf
        retf 4
        jmp 0xFFFF:0x0000
        call 0x1234:0x5678
        jmp short $+4
        jmp near $+0x1000
        bits 32
%xdefine BASE 0x1000
%define WHERE BASE + 4
%undef BASE
%define BASE 0x2000
        dd WHERE
%ifdef NOT_DEFINED
        db 1
%elifdef WHERE
        db 2
%else
        db 3
%endif
%ifndef WHERE
        db 4
%elifndef ALSO_NOT
        db 5
%endif
        segment .data align=16
        dd 1
        section .rodata
        db "ro"
