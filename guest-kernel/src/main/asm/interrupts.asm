; interrupts.asm - GDT, IDT, exception reporting, PIC remap and the 100 Hz PIT tick, for both
; kernels; each names its page-fault handler PAGE_FAULT_HANDLER before including this file.

KERNEL_CS       equ 0x08
KERNEL_DS       equ 0x10
IRQ_BASE        equ 0x20
PIT_HZ          equ 100
PIT_DIVISOR     equ (1193182 + PIT_HZ / 2) / PIT_HZ

gdt:    dq      0
        dq      0x00CF9A000000FFFF      ; 0x08: code, base 0, limit 4 GiB, ring 0
        dq      0x00CF92000000FFFF      ; 0x10: data, base 0, limit 4 GiB, ring 0
gdt_end:
gdt_ptr:
        dw      gdt_end - gdt - 1
        dd      gdt

idt_ptr:
        dw      48 * 8 - 1
        dd      idt

gdt_load:
        lgdt    [gdt_ptr]
        jmp     KERNEL_CS:.reload
.reload:
        mov     ax, KERNEL_DS
        mov     ds, ax
        mov     es, ax
        mov     fs, ax
        mov     gs, ax
        mov     ss, ax
        ret

; One stub per vector 0..47: vectors without an error code push a zero so every frame looks alike.
%macro STUB 1
isr_%1:
%if %1 = 8 || (%1 >= 10 && %1 <= 14) || %1 = 17
%else
        push    0
%endif
        push    %1
        jmp     isr_common
%endmacro

%assign v 0
%rep 48
        STUB v
%assign v v + 1
%endrep

isr_table:
%assign v 0
%rep 48
        dd      isr_ %+ v
%assign v v + 1
%endrep

; SEGV_PROBE instruction: runs the one memory access instruction so that a segmentation fault in
; it resumes after it instead of stopping the kernel (isr_common reads segv_resume);
; EAX := 1 when it faulted, else 0.
%macro SEGV_PROBE 1+
        mov     dword [segv_caught], 0
        mov     dword [segv_resume], %%resume
        %1
%%resume:
        mov     dword [segv_resume], 0
        mov     eax, [segv_caught]
%endmacro

; Frame on entry to isr_common (from ESP up): vector, error code, EIP, CS, EFLAGS.
isr_common:
        pushad                          ; + 32 bytes
        mov     eax, [esp+32]           ; vector
        cmp     eax, 14
        je      .page_fault
        cmp     eax, IRQ_BASE
        jae     .irq
        jmp     exception_stop
.page_fault:
        push    dword [esp+32+8]        ; EIP
        push    dword [esp+32+4+4]      ; error code
        mov     eax, cr2
        push    eax
        call    PAGE_FAULT_HANDLER          ; each kernel names its own
        add     esp, 12
        test    eax, eax
        jnz     .return
        mov     eax, [segv_resume]      ; a probe waiting for this fault resumes at its label
        test    eax, eax
        jz      segfault_stop
        mov     dword [segv_resume], 0
        mov     dword [segv_caught], 1
        mov     [esp+32+8], eax
        jmp     .return
.irq:
        cmp     eax, IRQ_BASE
        jne     .eoi
        inc     dword [ticks]
.eoi:
        cmp     eax, IRQ_BASE + 8
        jb      .master
        mov     al, 0x20
        out     0xA0, al
.master:
        mov     al, 0x20
        out     0x20, al
.return:
        popad
        add     esp, 8
        iretd

; Prints the vector, error code, EIP and CR2 of an unexpected exception and fails the run.
exception_stop:
        PRINT   "exception "
        PUTDEC  [esp+32]
        PRINT   " error "
        PUTHEX  [esp+36]
        PRINT   " eip "
        PUTHEX  [esp+40]
        PRINT   " cr2 "
        mov     eax, cr2
        PUTHEX  eax
        NEWLINE
        jmp     fail_stop

segfault_stop:
        PRINT   "segmentation fault at "
        mov     eax, cr2
        PUTHEX  eax
        PRINT   " eip "
        PUTHEX  [esp+40]
        NEWLINE
        jmp     fail_stop

idt_setup:
        push    ebx
        xor     ecx, ecx
.entry: mov     eax, [isr_table+ecx*4]
        lea     ebx, [idt+ecx*8]
        mov     [ebx], ax                       ; offset 15..0
        mov     word [ebx+2], KERNEL_CS
        mov     word [ebx+4], 0x8E00            ; present, ring 0, 32-bit interrupt gate
        shr     eax, 16
        mov     [ebx+6], ax                     ; offset 31..16
        inc     ecx
        cmp     ecx, 48
        jb      .entry
        lidt    [idt_ptr]
        pop     ebx
        ret

; Remaps the PICs to vectors 0x20..0x2F, unmasks only the timer, and starts the PIT at 100 Hz.
pic_pit_setup:
        mov     al, 0x11
        out     0x20, al
        out     0xA0, al
        mov     al, IRQ_BASE
        out     0x21, al
        mov     al, IRQ_BASE + 8
        out     0xA1, al
        mov     al, 4
        out     0x21, al
        mov     al, 2
        out     0xA1, al
        mov     al, 1
        out     0x21, al
        out     0xA1, al
        mov     al, 0xFE
        out     0x21, al
        mov     al, 0xFF
        out     0xA1, al
        mov     al, 0x34                        ; channel 0, lobyte/hibyte, rate generator
        out     0x43, al
        mov     al, PIT_DIVISOR & 0xFF
        out     0x40, al
        mov     al, PIT_DIVISOR >> 8
        out     0x40, al
        ret
