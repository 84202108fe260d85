; expect: 7: error: section attribute `vstart=' is not supported
; expect: 13: error: section alignment 3 is not a power of two
; (the layout is checked after the last pass, so its message comes last)
; expect: 11: error: section `.b' overlaps the section before it
        nop
        section .a
        section .data vstart=0x100
        db 1
        section .a start=0x10
        db 2
        section .b start=0x10
        db 3
        section .c align=3
