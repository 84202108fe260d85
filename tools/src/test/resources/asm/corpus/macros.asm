; More of the preprocessor: nested single-line macros, %xdefine against %define, nested %rep
; with %assign, macros calling macros with %%labels, defaults and %0, %{1}, braces around an
; argument with commas, %if with && and ||, local labels inside a macro.
bits 32
%define A 1
%define B A+A
%define F(x) (x)*B
%define G(x,y) F(x)+y
        dd F(3), G(2,5), B*B
%xdefine C B
%define A 10
        dd C, B
%assign i 0
%rep 3
  %assign j 0
  %rep 2
        db i*10+j
    %assign j j+1
  %endrep
  %assign i i+1
%endrep
%macro INNER 1
%%here: dd %%here, %1
%endmacro
%macro OUTER 2
        INNER %1
        INNER %2
%%x:    jmp %%x
%endmacro
        OUTER 1, 2
        OUTER 3, 4
%macro DEF 1-3 7, 8
        db %0, %1, %2, %3
%endmacro
        DEF 1
        DEF 1, 2
        DEF 1, 2, 3
%macro BR 1
        db %{1}
%endmacro
        BR 5
%define STR 'hi'
        db STR, 0
%macro MOV2 2
        mov %1, %2
%endmacro
        MOV2 eax, [ebx+4]
        MOV2 {byte [eax]}, 3
%if A > 5 && B < 100
        db 0xAA
%endif
%if (A == 10) || 0
        db 0xBB
%endif
%ifdef A
%ifndef Z
        db 0xCC
%endif
%endif
%undef A
%ifdef A
        db 0xDD
%else
        db 0xEE
%endif
label1:
%macro LOCALLBL 0
.inner: dd .inner
%endmacro
        LOCALLBL
