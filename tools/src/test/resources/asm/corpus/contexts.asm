; Macros that keep state: %rotate over the parameters, condition-code parameters (%-1), the context
; stack (%push, %pop, %repl, %ifctx, %$local and %$$outer names), and %stacksize with %arg and %local.
bits 32
%macro pushall 1-*
%rep %0
        push %1
%rotate 1
%endrep
%endmacro
%macro popall 1-*
%rep %0
%rotate -1
        pop %1
%endrep
%endmacro
        pushall eax, ebx, ecx
        popall eax, ebx, ecx
%macro if 1
%push if
        j%-1 %$ifnot
%endmacro
%macro else 0
%ifctx if
%repl else
        jmp %$ifend
%$ifnot:
%else
%error "expected if"
%endif
%endmacro
%macro endif 0
%ifctx if
%$ifnot:
%pop
%elifctx else
%$ifend:
%pop
%endif
%endmacro
        cmp eax, ebx
        if e
        mov ecx, 1
        else
        mov ecx, 2
        endif
%push outer
%define %$depth 1
%push inner
%$x:    dd %$$depth
        jmp %$$y
%pop
%$y:    nop
%pop
bits 32
%push f
%stacksize flat
%assign %$localsize 0
%local a:dword, b:byte, c:word, d:qword
%arg p:dword, q:word
        enter %$localsize, 0
        mov eax, [a]
        mov bl, [b]
        mov cx, [c]
        mov edx, [d]
        mov eax, [p]
        mov ax, [q]
        leave
%pop
bits 16
%push g
%stacksize small
%assign %$localsize 0
%local x:word, y:byte
%arg z:word
        mov ax, [x]
        mov al, [y]
        mov ax, [z]
        sub sp, %$localsize
%pop
