; Sections as an object file records them: the types, flags and alignments NASM gives the names
; it knows, attribute words, ALIGN raising a section's alignment, and the order of first use.
        section .data
        dd      1
        section .text.startup
        nop
        section .data.local
        db      1
        section .rodata.str
        db      "s", 0
        section .note.GNU-stack noalloc noexec nowrite progbits
        section .init_array
        dd      0
        section .fini_array
        dd      0
        section .comment
        db      "j386", 0
        section .text
        align   32
        nop
        section .bss
        align   64
        resb    3
        section .stack nobits write align=8
        resb    256
        section .tls_data write tls
        section .mine write exec align=2
        db      1
        section .note
        dd      0
