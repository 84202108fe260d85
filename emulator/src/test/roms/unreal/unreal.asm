; Switching between real-address and protected mode, and what the segment registers keep: a
; data segment loaded with a 4 GiB limit in protected mode keeps it after CR0.PE is cleared
; ("unreal" mode), while a real-mode load changes only its selector and base. Also 32-bit
; protected-mode code reached by a far jump, and a return to real mode through a 16-bit segment.
%include "rom.inc"

start:
    xor ax, ax
    mov ss, ax
    mov ds, ax
    mov es, ax
    mov sp, 0x7000
    out POST, al
    cli
    LOAD_GDT

    ; Into protected mode and back, loading DS and ES with 4 GiB data segments.
    PE_ON
    mov ax, DATA4G
    mov ds, ax
    mov es, ax
    PE_OFF
    mov ax, ds
    SHOW16 "ds selector still=", ax
    ; DS still reaches past 64 KiB with a 32-bit offset (0x67 prefix).
    mov esi, 0x00200000
    mov dword [esi], 0xCAFEF00D
    mov edi, 0x00200004
    mov dword [es:edi], 0x600DD00D
    SHOW32 "[0x200000]=", dword [esi]
    ; A real-mode load changes the base, not the limit: DS = 0x1000 adds 0x10000.
    mov ax, 0x1000
    mov ds, ax
    mov esi, 0x001F0000
    SHOW32 "1000:001f0000=", dword [esi]
    mov ax, 0
    mov ds, ax
    ; Near 4 GiB: the top of the ROM, read through the unreal segment.
    mov esi, 0xFFFFFFF0
    SHOW8 "first byte of the reset vector=", byte [esi]
    ; Both copies of the ROM ignore writes.
    mov byte [esi], 0x90
    SHOW8 "after a write to it=", byte [esi]
    mov esi, ROM_BASE + 0xFFF0
    mov byte [esi], 0x90
    SHOW8 "its copy below 1 MiB after a write=", byte [esi]
    ; String instructions with 32-bit addresses in real mode.
    mov esi, 0x00200000
    mov edi, 0x00300000
    mov ecx, 2
    cld
    a32 rep movsd
    mov edi, 0x00300004
    SHOW32 "movsd copied=", dword [es:edi]
    SHOW32 "esi=", esi

    ; Into 32-bit protected-mode code: it writes to the debug console and returns to 16-bit.
    mov eax, cr0
    or al, 1
    mov cr0, eax
    jmp dword CODE32:(ROM_BASE + pm32)
back16:
    mov ax, DATA64K
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov sp, 0x7000
    mov ax, DATA4G
    mov fs, ax
    PE_OFF
    xor ax, ax
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov ebx, 0x00200008
    SHOW32 "written by 32-bit code, read through unreal fs=", dword [fs:ebx]
    ; DS now has a 64 KiB limit again. QEMU does not check limits in real mode, so the limit is
    ; not probed here; the selector and base are.
    mov ax, ds
    SHOW16 "ds after the round trip=", ax
    mov word [0x0100], 0x4321
    SHOW16 "0000:0100=", word [0x0100]
    ; CR0.PE clear, a far call, and the interrupt table in use again.
    VECTOR 0x41, int41
    int 0x41
    EXIT 0

int41:
    PRINT "int 0x41 in real mode after the round trip", 10
    iret

bits 32
pm32:
    mov ax, DATA4G
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov esp, 0x7000
    mov esi, ROM_BASE + pm32_text
.next:
    lodsb
    test al, al
    jz .done
    out DEBUGCON, al
    jmp .next
.done:
    mov eax, [0x00200000]
    add eax, 1
    mov [0x00200008], eax
    jmp CODE16:back16
pm32_text:
    db "in 32-bit protected mode", 10, 0
bits 16

ROM_END
