; expect: 6: error: symbol `nowhere' not defined
        bits 32
start:  nop
        jmp start
        ; a label that is never defined
        jmp nowhere
