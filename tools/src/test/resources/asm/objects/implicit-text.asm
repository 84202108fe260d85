; Code before any SECTION line goes to .text, which NASM creates only when it writes the code:
; it comes after the sections named meanwhile. Short branches and narrow fields reach other
; objects through 8- and 16-bit relocations.
        extern  elsewhere
        jmp     short elsewhere
        jmp     short in_data
        dw      elsewhere
        db      in_data + 1

        section .data
in_data: dw     elsewhere
