; Sizes no 32-bit image can have, and labels that never settle, are errors rather than hangs.
; expect: 12: error: `%rep' count 1099511627776 is too large
; expect: 9: error: TIMES value 1099511627776 is too large
; expect: 10: error: RESB value 1099511627776 is too large
; expect: 11: error: absurdly large alignment 1099511627776
; expect: 16: error: section `.bss' would be larger than 4096 MiB
; expect: 18: error: unable to find valid values for all labels after 40 passes (`x' keeps moving)
        nop
        times 1 << 40 db 0
        resb 1 << 40
        align 1 << 40
%rep 1 << 40
%endrep
        section .bss
        resd 1 << 30
        resb 1
        section .text
x       equ x + 1
