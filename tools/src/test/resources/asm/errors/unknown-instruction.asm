; expect: 4: error: parser: instruction expected
        bits 32
        nop
        frobnicate eax, 1
        ret
