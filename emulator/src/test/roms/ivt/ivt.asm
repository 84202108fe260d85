; Interrupts and exceptions in real-address mode: the vector table at IDTR.base (moved by LIDT),
; the FLAGS/CS/IP frame, IF and TF cleared in the handler, IRET restoring the flags, faults
; returning to the faulting instruction and traps after it, and a timer interrupt through the
; 8259 and 8254.
%include "rom.inc"

; Each handler records the frame it found at 0000:0500 (IP, CS, FLAGS) and its own flags.
%define FRAME 0x0500

start:
    xor ax, ax
    mov ss, ax
    mov ds, ax
    mov sp, 0x7000
    out POST, al

    VECTOR 0x40, soft_handler
    mov ax, 0x08C5                  ; OF, SF, ZF, PF and CF; STI then sets IF
    push ax
    popf
    sti
    int 0x40
    PRINT "int 0x40: "
    call show_frame
    pushf
    pop ax
    SHOW16 "flags after iret=", ax

    ; #DE is a fault: the frame points at the DIV, the handler moves past it.
    VECTOR 0, de_handler
    xor bl, bl
    mov ax, 0x1234
    div bl
    PRINT "#DE: "
    call show_frame
    ; #UD (UD2), #BR (BOUND), INT3 and INTO (traps: the frame points after them).
    VECTOR 6, ud_handler
    ud2
    PRINT "#UD: "
    call show_frame
    VECTOR 5, br_handler
    mov word [0x0600], 10
    mov word [0x0602], 20
    mov ax, 30
    bound ax, [0x0600]
    PRINT "#BR: "
    call show_frame
    VECTOR 3, soft_handler
    int3
    PRINT "int3: "
    call show_frame
    VECTOR 4, soft_handler
    mov al, 0x7F
    add al, 1
    into
    PRINT "into: "
    call show_frame

    ; TF: the single-step trap goes through vector 1; the handler runs with TF clear.
    VECTOR 1, step_handler
    mov word [0x0610], 0
    pushf
    pop ax
    or ah, 1
    push ax
    popf
    nop
    nop
    pushf
    pop ax
    and ah, 0xFE
    push ax
    popf
    SHOW16 "single steps=", word [0x0610]

    ; LIDT moves the table: vector 0x40 is now read at 0x8000 + 0x100.
    mov word [0x8100], moved_handler
    mov word [0x8102], ROM_SEG
    o32 lidt [cs:moved_idt]
    int 0x40
    o32 lidt [cs:reset_idt]
    int 0x40
    PRINT "after lidt back: "
    call show_frame

    ; A 32-bit IRET in real mode pops EIP, CS and EFLAGS.
    pushfd
    push dword ROM_SEG
    push dword .after_iretd
    iretd
.after_iretd:
    PRINT "iretd returned", 10

    ; The timer: the 8259 at vector 0x20, the 8254 counting down from 0x1000, then HLT.
    VECTOR 0x20, timer_handler
    TIMER_IRQ0
    mov word [0x0620], 0
    sti
.wait:
    hlt
    cmp word [0x0620], 3
    jb .wait
    cli
    SHOW16 "timer ticks=", word [0x0620]
    EXIT 0

show_frame:
    SHOW16 "ip=", word [FRAME]
    SHOW16 "  cs=", word [FRAME + 2]
    SHOW16 "  flags=", word [FRAME + 4]
    SHOW16 "  handler flags=", word [FRAME + 6]
    ret

; Copies the frame (IP, CS, FLAGS) and the handler's own FLAGS to FRAME.
record:
    push bp
    mov bp, sp
    push ax
    mov ax, [bp + 4]
    mov [FRAME], ax
    mov ax, [bp + 6]
    mov [FRAME + 2], ax
    mov ax, [bp + 8]
    mov [FRAME + 4], ax
    pushf
    pop ax
    mov [FRAME + 6], ax
    pop ax
    pop bp
    ret

soft_handler:
    call record
    iret

de_handler:
    call record
    push bp
    mov bp, sp
    add word [bp + 2], 2            ; DIV BL is two bytes
    pop bp
    iret

ud_handler:
    call record
    push bp
    mov bp, sp
    add word [bp + 2], 2            ; UD2
    pop bp
    iret

br_handler:
    call record
    push bp
    mov bp, sp
    add word [bp + 2], 4            ; BOUND AX, [disp16]
    pop bp
    iret

step_handler:
    inc word [0x0610]
    iret

moved_handler:
    PRINT "vector 0x40 through the moved table", 10
    iret

timer_handler:
    inc word [0x0620]
    push ax
    mov al, 0x20
    out 0x20, al
    pop ax
    iret

moved_idt:
    dw 0x03FF
    dd 0x8000
reset_idt:
    dw 0x03FF
    dd 0

ROM_END
