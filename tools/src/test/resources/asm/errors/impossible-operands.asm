; expect: 4: error: invalid combination of opcode and operands
; expect: 5: warning: byte data exceeds bounds
        bits 32
        mov al, ebx
        out 0x1234, al
        nop
