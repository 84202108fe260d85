; expect: 3: error: operation size not specified
        bits 32
        mov [eax], 1
