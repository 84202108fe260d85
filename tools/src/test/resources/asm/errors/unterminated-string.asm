; expect: 3: error: unterminated string
        bits 32
        db "abc
        nop
