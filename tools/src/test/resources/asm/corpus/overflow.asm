; Values at the edges of their fields: NASM warns outside -2^n .. 2^n-1 (signed bytes: -128..127)
; but assembles the low bits; j386 must write the same bytes.
        bits 32
        db -128
        db -129
        db -256
        db -257
        dw -32769
        dw -65536
        dw -65537
        dd -2147483649
        dd -4294967296
        dd -4294967297
        mov al,-200
        push byte 127
        push byte 128
        push byte -128
        push byte -129
        push byte 255
        push byte 256
        push byte -256
        push byte -257
