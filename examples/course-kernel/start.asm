; start.asm - the Multiboot header, the first instructions and the exception entry stubs.
;
; The kernel is linked as a flat binary (linker.ld), so the header carries the a.out-kludge
; address fields (flag 16): the loader learns from them where the image goes and where to jump.
; The labels they use (code, bss, end) come from the linker script.

        bits    32

MULTIBOOT_MAGIC equ 0x1BADB002
MULTIBOOT_FLAGS equ 0x00010003          ; page-aligned modules, memory info, address fields

        extern  code, bss, end
        extern  _main                   ; kernel.cpp's main(), with -fleading-underscore
        extern  _dispatch_exception     ; exceptions.cpp
        extern  __init_array_start, __init_array_end
        global  start
        global  _stack_top

        section .text
        align   4
multiboot_header:
        dd      MULTIBOOT_MAGIC
        dd      MULTIBOOT_FLAGS
        dd      -(MULTIBOOT_MAGIC + MULTIBOOT_FLAGS)
        dd      multiboot_header        ; header_addr
        dd      code                    ; load_addr
        dd      bss                     ; load_end_addr
        dd      end                     ; bss_end_addr
        dd      start                   ; entry_addr

start:
        mov     esp, _stack_top
        xor     ebp, ebp                ; the end of every backtrace
        ; Constructors of global objects: g++ lists them in .init_array, which linker.ld keeps.
        mov     ebx, __init_array_start
.constructors:
        cmp     ebx, __init_array_end
        jae     .run
        call    [ebx]
        add     ebx, 4
        jmp     .constructors
.run:
        call    _main
.halt:
        cli
        hlt
        jmp     .halt

; Exception stubs: each pushes an error code where the CPU pushes none, then its vector, so that
; every exception reaches dispatch_exception with the same REGS layout (exceptions.hpp).
%macro exception_without_code 1
        global  _isr%1
_isr%1:
        push    dword 0
        push    dword %1
        jmp     exception_common
%endmacro
%macro exception_with_code 1
        global  _isr%1
_isr%1:
        push    dword %1
        jmp     exception_common
%endmacro

exception_without_code 0
exception_without_code 1
exception_without_code 2
exception_without_code 3
exception_without_code 4
exception_without_code 5
exception_without_code 6
exception_without_code 7
exception_with_code 8
exception_without_code 9
exception_with_code 10
exception_with_code 11
exception_with_code 12
exception_with_code 13
exception_with_code 14
exception_without_code 15
exception_without_code 16
exception_with_code 17
exception_without_code 18
exception_without_code 19

exception_common:
        pusha
        push    ds
        push    es
        push    fs
        push    gs
        push    esp                     ; REGS *
        call    _dispatch_exception
        add     esp, 4
        pop     gs
        pop     fs
        pop     es
        pop     ds
        popa
        add     esp, 8                  ; vector and error code
        iret

        section .bss
        align   16
        resb    16384
_stack_top:

        section .note.GNU-stack noalloc noexec nowrite progbits
