; expect: 3: error: symbol `a' not defined
; expect: 5: error: symbol `b' not defined
        mov eax, a
        nop
        mov ebx, b
