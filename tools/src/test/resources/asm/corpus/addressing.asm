; ModR/M and SIB choices NASM makes.
        bits 32
        mov eax, [eax]
        mov eax, [ebp]               ; EBP base needs a disp8 of 0
        mov eax, [esp]               ; ESP base needs a SIB byte
        mov eax, [esp+4]
        mov eax, [ebp-4]
        mov eax, [eax+127]
        mov eax, [eax+128]           ; disp32
        mov eax, [eax-128]
        mov eax, [eax-129]
        mov eax, [eax*2]             ; becomes [eax+eax]
        mov eax, [eax*3]
        mov eax, [eax*4]             ; no base: disp32 of 0
        mov eax, [eax*5+8]
        mov eax, [ebx*8+0x1000]
        mov eax, [eax+ebx]
        mov eax, [ebx+eax]
        mov eax, [eax+esp]           ; ESP cannot index: swapped
        mov eax, [ebp+eax*2]
        mov eax, [2*eax+ebp+16]
        mov eax, [eax+ebx*4-8]
        mov eax, [0x12345678]        ; moffs form for EAX
        mov ebx, [0x12345678]
        mov [0x10], al
        mov eax, [label]
        mov eax, [ebx+label]         ; label displacements are always 32-bit
        mov eax, [ebx+label2-label]  ; but a difference is a number
        mov eax, [es:eax]
        mov eax, [cs:ebx+4]
        mov eax, [ss:ebp]
        mov eax, [ds:0x10]
        mov eax, [fs:0]
        mov eax, [gs:esi*4]
        mov ax, [bx+si]              ; 16-bit addressing in 32-bit code: 67 prefix
        mov ax, [bp]
        mov ax, [bp+di+4]
        mov ax, [di-300]
        mov ax, [0x1234]
        lea esi, [esi+0]
        lea edi, [edi*1+0]
label:  nop
label2: nop
        bits 16
        mov ax, [bx]
        mov ax, [bp]
        mov ax, [bx+si+0x10]
        mov ax, [si-2]
        mov ax, [0x1234]
        mov eax, [ebx]               ; 32-bit addressing in 16-bit code: 67 prefix
        mov eax, [esp+8]
        mov [es:di], al
        jmp 0xffff:0
        push word 5
        push dword 5
        push 1000
        call label2
        ret
