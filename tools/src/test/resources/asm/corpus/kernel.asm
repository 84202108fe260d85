; The constructs a small protected-mode kernel is written with.
        bits 32
        org 0x100000

MB_MAGIC    equ 0x1BADB002
MB_FLAGS    equ (1 << 0) | (1 << 1)
KERNEL_CS   equ 0x08
KERNEL_DS   equ 0x10
PIC1        equ 0x20

        section .text
        global _start, isr_common
mb_header:
        dd MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)

_start:
        cli
        mov esp, stack_top
        lgdt [gdt_desc]
        jmp KERNEL_CS:.flush
.flush:
        mov ax, KERNEL_DS
        mov ds, ax
        mov es, ax
        mov ss, ax
        xor eax, eax
        mov fs, ax
        mov gs, ax
        lidt [idt_desc]
        ; paging on: CR3 = page directory, CR0.PG
        mov eax, page_dir
        mov cr3, eax
        mov eax, cr0
        or eax, 0x80000000
        mov cr0, eax
        mov eax, cr2
        mov ebx, cr4
        invlpg [ebx]
        invlpg [page_dir + 0x1000]
        ; PIC: end of interrupt; read the keyboard
        mov al, 0x20
        out PIC1, al
        out 0xA0, al
        in al, 0x60
        mov dx, 0x3F8
        out dx, al
        in al, dx
        in eax, dx
        out dx, eax
        rep outsb
        rep insd
        ; TSS and LDT
        mov ax, 0x28
        ltr ax
        lldt ax
        str word [tss_sel]
        sgdt [gdt_save]
        sidt [gdt_save]
        smsw ax
        lmsw ax
        clts
        wbinvd
        cpuid
        rdtsc
        mov [tss + tss_t.esp0], esp
        mov dword [tss + tss_t.ss0], KERNEL_DS
        call kmain
        jmp 0x08:0x100000
        call 0x08:_start
        jmp far [far_ptr]
        call far [far_ptr]
.halt:  hlt
        jmp .halt

kmain:
        push ebp
        mov ebp, esp
        mov eax, [ebp + 8]
        movzx ecx, byte [eax]
        lea edx, [vga + ecx * 2 + 160]
        mov word [edx], 0x0741
        mov esi, message
        mov edi, 0xB8000
        mov ecx, message_len
        cld
        rep movsb
        lock inc dword [ticks]
        xchg eax, [ticks]
        cmpxchg [ticks], ecx
        bswap eax
        bt dword [flags], 3
        setz al
        cmovnz eax, ebx
        pop ebp
        ret

; interrupt stubs: the CPU pushes an error code for some vectors; the others push a zero
%macro ISR_NOERR 1
isr%1:
        push dword 0
        push dword %1
        jmp isr_common
%endmacro
%macro ISR_ERR 1
isr%1:
        push dword %1
        jmp isr_common
%endmacro

%assign v 0
%rep 32
%if v == 8 || (v >= 10 && v <= 14) || v == 17
        ISR_ERR v
%else
        ISR_NOERR v
%endif
%assign v v + 1
%endrep

isr_common:
        pushad
        push ds
        push es
        mov ax, KERNEL_DS
        mov ds, ax
        push esp
        call kmain
        add esp, 4
        pop es
        pop ds
        popad
        add esp, 8
        iretd

        align 16
isr_table:
%assign v 0
%rep 32
        dd isr %+ v
%assign v v + 1
%endrep

        section .rodata align=16
message:    db "j386 kernel", 0
message_len equ $ - message

        section .data align=8
; GDT: null, code, data; each descriptor from base, limit and access bits
%macro DESCRIPTOR 3
        dw (%2) & 0xFFFF
        dw (%1) & 0xFFFF
        db ((%1) >> 16) & 0xFF
        db %3
        db (((%2) >> 16) & 0x0F) | 0xC0
        db ((%1) >> 24) & 0xFF
%endmacro
gdt:
        dq 0
        DESCRIPTOR 0, 0xFFFFF, 0x9A
        DESCRIPTOR 0, 0xFFFFF, 0x92
gdt_end:
gdt_desc:
        dw gdt_end - gdt - 1
        dd gdt
idt_desc:
        dw 256 * 8 - 1
        dd idt
far_ptr:
        dd kmain
        dw KERNEL_CS
ticks:  dd 0
flags:  dd 0
tss_sel: dw 0

        struc tss_t
.link:  resd 1
.esp0:  resd 1
.ss0:   resd 1
        resb 92
.iomap: resw 1
        endstruc
tss:
        istruc tss_t
        at tss_t.esp0, dd 0
        at tss_t.ss0, dd KERNEL_DS
        at tss_t.iomap, dw tss_t_size
        iend

        section .bss
        alignb 4096
page_dir:   resb 4096
idt:        resq 256
gdt_save:   resb 6
        alignb 16
stack:      resb 8192
stack_top:
vga equ 0xB8000
