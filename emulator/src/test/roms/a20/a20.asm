; The A20 gate: open at reset; closed and opened again through system control port A (0x92) and
; through the keyboard controller's output port (command 0xD1). While it is closed, FFFF:0010
; (linear 0x100000) is 0000:0000, and so is every address with bit 20 set, in unreal mode too.
%include "rom.inc"

start:
    xor ax, ax
    mov ss, ax
    mov ds, ax
    mov sp, 0x7000
    mov ax, 0xFFFF
    mov es, ax
    out POST, al
    in al, 0x92
    SHOW8 "port 0x92 at reset=", al
    PRINT "at reset: "
    call probe

    in al, 0x92
    and al, 0xFD
    out 0x92, al
    PRINT "0x92 bit 1 clear: "
    call probe
    in al, 0x92
    SHOW8 "port 0x92=", al
    in al, 0x92
    or al, 0x02
    out 0x92, al
    PRINT "0x92 bit 1 set: "
    call probe

    call kbc_wait
    mov al, 0xD1
    out 0x64, al
    call kbc_wait
    mov al, 0xDD
    out 0x60, al
    call kbc_wait
    PRINT "output port 0xdd: "
    call probe
    mov al, 0xD0
    out 0x64, al
    call kbc_wait_data
    in al, 0x60
    SHOW8 "output port read back=", al
    ; The gate is one line: port 0x92 opens it whatever the keyboard controller last said.
    in al, 0x92
    or al, 0x02
    out 0x92, al
    PRINT "0x92 after the controller closed it: "
    call probe
    and al, 0xFD
    out 0x92, al
    call kbc_wait
    mov al, 0xD1
    out 0x64, al
    call kbc_wait
    mov al, 0xDF
    out 0x60, al
    call kbc_wait
    PRINT "output port 0xdf: "
    call probe

    ; In unreal mode with the gate closed: 0x300000 is 0x200000, 0x1FFFFF stays itself.
    cli
    LOAD_GDT
    PE_ON
    mov ax, DATA4G
    mov fs, ax
    PE_OFF
    in al, 0x92
    and al, 0xFD
    out 0x92, al
    mov ebx, 0x00200000
    mov dword [fs:ebx], 0x22222222
    mov ebx, 0x00300000
    mov dword [fs:ebx], 0x33333333
    mov ebx, 0x00200000
    SHOW32 "gate closed, [0x200000]=", dword [fs:ebx]
    mov ebx, 0x0017FFFC
    mov dword [fs:ebx], 0x17171717
    mov ebx, 0x0007FFFC
    SHOW32 "gate closed, [0x7fffc]=", dword [fs:ebx]
    in al, 0x92
    or al, 0x02
    out 0x92, al
    mov ebx, 0x00300000
    SHOW32 "gate open, [0x300000]=", dword [fs:ebx]
    mov ebx, 0x0017FFFC
    SHOW32 "gate open, [0x17fffc]=", dword [fs:ebx]
    mov ebx, 0x0007FFFC
    SHOW32 "gate open, [0x7fffc]=", dword [fs:ebx]
    EXIT 0

; Writes 0x11 to 0000:0000 and 0x22 to FFFF:0010, and prints what 0000:0000 holds.
probe:
    push ax
    mov byte [0], 0x11
    mov byte [es:0x10], 0x22
    mov al, [0]
    cmp al, 0x22
    je .wraps
    PRINT "no wrap", 10
    jmp .done
.wraps:
    PRINT "wraps at 1 MiB", 10
.done:
    pop ax
    ret

; Waits until the controller's input buffer is empty (status bit 1).
kbc_wait:
    push ax
.poll:
    in al, 0x64
    test al, 0x02
    jnz .poll
    pop ax
    ret

; Waits until the controller's output buffer holds a byte (status bit 0).
kbc_wait_data:
    push ax
.poll:
    in al, 0x64
    test al, 0x01
    jz .poll
    pop ax
    ret

ROM_END
