; EQU constants: the preprocessor evaluates those already defined in %if, and expressions using $
; and local labels may be referred to before their EQU line; an EQU does not start a new local-label scope.
bits 32
start:
        mov ecx, COUNT
        mov eax, start.vals
        ret
.vals:  dd 1, 2, 3
COUNT equ ($-.vals)/4
SIZE  equ $ - start
        mov edx, .vals
        mov ebx, SIZE
X equ 4
%if X > 2
        db 1
%elif X < 0
        db 2
%else
        db 3
%endif
Y equ X*2
%if Y == 8
        db 8
%endif
