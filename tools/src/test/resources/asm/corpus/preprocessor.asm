; The preprocessor subset.
%include "common.inc"
        bits 32
%define SCALE 4
%define ADDR(base, idx) [base + idx * SCALE]
%define EMPTY
        mov eax, ADDR(ebx, ecx)
        mov eax, SCALE EMPTY
%undef SCALE
%ifdef SCALE
        %error SCALE should be gone
%endif
%assign counter 0
%rep 4
        db counter
%assign counter counter + 1
%endrep
%if counter == 4
        db 0x44
%elif counter == 5
        db 0x55
%else
        db 0x66
%endif
%if 0
        %error never
%elif 1
        db 0x11
%endif
%ifndef UNDEFINED_THING
        db 0x22
%endif
%macro SAVE 0-2 eax, ebx
        push %1
        push %2
%endmacro
        SAVE
        SAVE ecx
        SAVE esi, edi
%macro SPIN 1
%%again:
        dec %1
        jnz %%again
%endmacro
        SPIN ecx
        SPIN edx
%macro COUNT 1-*
        db %0
%endmacro
        COUNT 1, 2, 3
entry:  OUTB 0x3F8, 'A'
%rep 2
%rep 2
        nop
%endrep
        int3
%endrep
        struc point
.x:     resd 1
.y:     resd 1
.tag:   resb 1
        endstruc
        mov eax, [esi + point.y]
        mov ecx, point_size
origin: istruc point
        at point.x, dd 1
        at point.y, dd 2
        at point.tag, db 'p'
        iend
        dd origin
; greedy last parameter: takes the rest of the line, commas included
%macro STRING 1+
        db %1, 0
%endmacro
        STRING "a", "b", 3
%macro PAIR 1-2+
        db %0
        dd %2
%endmacro
        PAIR 1, 2, 3
