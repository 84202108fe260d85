; expect: 4: warning: byte data exceeds bounds
; expect: 6: warning: label alone on a line without a colon might be in error
        bits 32
        mov byte [eax], 300
        db 1
orphan
