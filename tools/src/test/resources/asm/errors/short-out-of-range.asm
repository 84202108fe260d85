; expect: 3: error: short jump is out of range
        bits 32
        jmp short target
        times 200 nop
target: ret
