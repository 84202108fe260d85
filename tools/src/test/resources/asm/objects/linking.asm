; A module as a C program links it: EXTERN functions and data, GLOBAL definitions, COMMON
; variables, and every kind of field the linker fills in (R_386_32 and R_386_PC32, and the
; 16- and 8-bit ones), against symbols and against sections.
        bits    32
        extern  c_function, c_table
        global  entry, counter, table_end
        common  shared_buffer 64:16
        common  shared_word 4

BUFFER_SIZE equ 64

struc   node
.next:  resd 1
.value: resd 1
endstruc

        section .text
entry:  call    c_function              ; PC32 against the external symbol
        call    helper                  ; same section: resolved here
        call    far_helper              ; PC32 against another section
        mov     eax, [counter]          ; 32 against .data, offset in the field
        mov     eax, [table + 4]
        mov     ebx, c_table + 8        ; 32 against the external, addend in the field
        lea     esi, [ebx + c_table]
        mov     ecx, [shared_buffer + BUFFER_SIZE - 4]
        mov     dword [shared_word], BUFFER_SIZE
        jmp     c_function              ; near: another object's code is never in short reach
        jz      c_function
        jmp     .done
.done:  ret
helper: mov     eax, [esi + node.value]
        mov     edx, table_end - table  ; a difference within one section is a number
        push    message
        push    dword scratch
        ret

        section .data
counter: dd     1
table:  dd      entry, helper, table, c_table, message + 2
table_end:
        dw      message
        db      c_table

        section .rodata
message: db     "linked", 0

        section .bss
scratch: resd   4

        section .text.cold progbits alloc exec
far_helper:
        ret
