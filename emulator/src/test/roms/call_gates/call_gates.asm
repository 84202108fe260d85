; Call gates: far CALL through 32- and 16-bit gates from ring 3 into ring 0 (and ring 1) on the
; stack the TSS names, with the gate's parameter count of dwords or words copied from the
; caller's stack; CALL and JMP through gates at the same privilege level and into conforming
; code; RET far back to the outer ring releasing the parameters on both stacks and nulling the
; data segment registers the outer ring may not use. And the faults, each shown with the state
; it left: #GP and #NP naming the gate or its code segment, #GP(0), #TS for every wrong stack in
; the TSS and for a TSS too short to hold one, and #GP and #SS for a RET to a wrong outer stack.
; Last, the stack for ring 1 comes from a 16-bit TSS.
; Every fault goes to a ring-0 handler that prints it, with the CS:EIP (and SS:ESP, from an
; outer ring) it found in the frame, and resumes where the test says.
%include "rom.inc"

%define GDT     0x1000
%define IDT     0x2000
%define RESUME  0x0500              ; where the fault handler resumes, in the faulting code segment
%define STACK0  0x6000              ; the stacks the TSS names for rings 0 and 1
%define STACK1  0x5000
%define STACK3  0x8000
%define STACK16_1 0x4800            ; ring 1's stack in the 16-bit TSS

%define SEL_TSS       0x18          ; the TSS at TSS_BASE
%define SEL_TSS_SMALL 0x20          ; the same TSS with limit 0x0F: a ring-0 stack, no ring-1 one
%define USER_CODE     0x2B          ; 16-bit code over the ROM, as CODE16, at DPL 3
%define USER_DATA     0x33          ; 4 GiB data, DPL 3
%define RING1_CODE    0x39
%define RING1_DATA    0x41
%define CONFORMING    0x48          ; conforming readable code over the ROM, DPL 0
%define ABSENT_CODE   0x50          ; ring-0 code, not present
%define RODATA1       0x58          ; read-only data, DPL 1
%define ABSENT_DATA1  0x60          ; writable data, DPL 1, not present
%define ABSENT_DATA3  0x68          ; writable data, DPL 3, not present
%define G32_R0        0x70          ; 32-bit gate, DPL 3, to ring 0, two dwords of parameters
%define G16_R0        0x78          ; 16-bit gate, DPL 3, to ring 0, three words of parameters
%define G32_SAME      0x80          ; to ring-3 code (two parameters, never copied)
%define G_DPL0        0x88          ; DPL 0
%define G_ABSENT      0x90          ; not present
%define G_DATA        0x98          ; naming a data segment
%define G_NULL        0xA0          ; naming the null selector
%define G_ABSENT_CS   0xA8          ; naming code not present
%define G_CONF        0xB0          ; to conforming ring-0 code
%define G_CONF_JMP    0xB8          ; the same, for a JMP
%define G_FAR         0xC0          ; to conforming code at 0x10000, beyond its limit
%define G_JMP_SAME    0xC8          ; to ring-3 code, for a JMP
%define G_R1          0xD0          ; to ring 1, one dword of parameters
%define G_LTR         0xD8          ; to ring 0: loads its dword parameter into TR
%define G_RET         0xE0          ; to ring 0: the RET tests
%define ABSENT_CODE3  0xE8          ; ring-3 code, not present
%define G_ABSENT_CS3  0xF0          ; naming it
%define SEL_TSS16     0xF8          ; a 16-bit TSS at TSS16
%define TSS16         0x3100
%define BEYOND_GDT    0x07F8

; GATE vector, handler: an interrupt gate (DPL 0) in the IDT to CODE16:handler.
%macro GATE 2
    mov word [IDT + (%1) * 8], %2
    mov word [IDT + (%1) * 8 + 2], CODE16
    mov word [IDT + (%1) * 8 + 4], 0x8E00
    mov word [IDT + (%1) * 8 + 6], 0
%endmacro

; TRY "title", instruction: the title on a line of its own, then the instruction; a fault in it
; resumes right after it (DS must reach RESUME).
%macro TRY 2+
    PRINT %1, 10
    mov word [RESUME], %%resume
    %2
%%resume:
%endmacro

; CALL_GATE selector, offset, parameters, access: a gate descriptor with a 16-bit offset (access
; 0xEC: a present 32-bit call gate of DPL 3; 0xE4 a 16-bit one).
%macro CALL_GATE 4
    dw (%2), (%1)
    db (%3), (%4)
    dw 0
%endmacro

; SHOW_WHERE: CS, SS and ESP as the code that runs it has them, on the current line.
%macro SHOW_WHERE 0
    PRINT " cs="
    push ax
    mov ax, cs
    call hex16
    PRINT " ss="
    mov ax, ss
    call hex16
    pop ax
    PRINT " esp="
    push eax
    lea eax, [esp + 4]
    call hex32
    pop eax
%endmacro

; SHOW_STACK count, size: that many dwords (size 4) or words (size 2) from the stack top, on a
; line; changes CX, EDX and the flags.
%macro SHOW_STACK 2
    mov cx, %1
    mov edx, %2
    call show_stack
%endmacro

; SHOW_FAR selector, offset: the two (any operands MOV takes) as 4 and 8 hex digits with a colon
; between them. Changes EAX.
%macro SHOW_FAR 2
    mov ax, %1
    call hex16
    PRINT ":"
    mov eax, %2
    call hex32
%endmacro

; SHOW_SEGS: DS, ES, FS and GS on a line.
%macro SHOW_SEGS 0
    push ax
    PRINT "  ds="
    mov ax, ds
    call hex16
    PRINT " es="
    mov ax, es
    call hex16
    PRINT " fs="
    mov ax, fs
    call hex16
    PRINT " gs="
    mov ax, gs
    call hex16
    PRINT 10
    pop ax
%endmacro

start:
    PROTECTED_START 0x7000
    TASK_TABLES TSS_BASE, 0x68
    mov dword [TSS_BASE + 4], STACK0
    mov word [TSS_BASE + 8], DATA4G
    mov dword [TSS_BASE + 0x0C], STACK1
    FILL_IDT IDT, unexpected
    GATE 10, on_ts
    GATE 11, on_np
    GATE 12, on_ss
    GATE 13, on_gp
    o32 lidt [cs:idtr]
    mov ax, SEL_TSS_SMALL           ; the whole TSS comes later, through G_LTR
    ltr ax
    pushfd                          ; IOPL 3: every ring may print
    or dword [esp], 0x3000
    popfd

    PRINT "ring 0", 10
    TRY "call through a DPL-0 gate with RPL 3:", call G_DPL0 | 3:0
    TRY "call through a gate to ring-3 code:", call G32_SAME:0
    PRINT "call through the 16-bit gate, same privilege:", 10
    push word 0xAAAA                ; what lies above the parameters
    push word 0xBBBB
    push word 0x1111
    push word 0x2222
    push word 0x3333
    call G16_R0:0
    add esp, 4
    PRINT "  back:"
    SHOW_WHERE
    PRINT 10

    PRINT "retf to ring 3:", 10
    push dword USER_DATA
    push dword STACK3
    push dword USER_CODE
    push dword ring3
    o32 retf

; ---- ring 3 ----

ring3:
    PRINT "ring 3:"
    SHOW_WHERE
    PRINT 10
    SHOW_SEGS
    mov ax, USER_DATA
    mov ds, ax
    mov es, ax

    PRINT "call through the 32-bit gate to ring 0 with two dwords:", 10
    push dword 0x11111111
    push dword 0x22222222
    call G32_R0 | 3:0x1234
    PRINT "  back:"
    SHOW_WHERE
    PRINT 10
    SHOW_SEGS
    mov ax, USER_DATA
    mov ds, ax
    xor ax, ax
    mov fs, ax

    PRINT "call through the 16-bit gate to ring 0 with three words:", 10
    push word 0x1111
    push word 0x2222
    push word 0x3333
    call G16_R0 | 3:0
    PRINT "  back:"
    SHOW_WHERE
    PRINT 10

    PRINT "call through a gate to ring-3 code:", 10
    push dword 0x11111111
    push dword 0x22222222
    call G32_SAME | 3:0
    add esp, 8
    PRINT "  back:"
    SHOW_WHERE
    PRINT 10
    PRINT "jmp through a gate to ring-3 code:", 10
    jmp G_JMP_SAME | 3:0
after_jmp_same:
    PRINT "call through a gate to conforming ring-0 code:", 10
    call G_CONF | 3:0
    PRINT "jmp through a gate to conforming ring-0 code:", 10
    jmp G_CONF_JMP | 3:0
after_conf_jmp:

    TRY "jmp through a gate to conforming code beyond its limit:", jmp G_FAR | 3:0
    TRY "jmp through a gate to ring-0 code:", jmp G32_R0 | 3:0
    TRY "call through a DPL-0 gate:", call G_DPL0 | 3:0
    TRY "call through a gate not present:", call G_ABSENT | 3:0
    TRY "call through a gate to a data segment:", call G_DATA | 3:0
    TRY "call through a gate to the null selector:", call G_NULL | 3:0
    TRY "call through a gate to code not present:", call G_ABSENT_CS | 3:0
    TRY "jmp through a gate to ring-0 code not present:", jmp G_ABSENT_CS | 3:0
    TRY "jmp through a gate to ring-3 code not present:", jmp G_ABSENT_CS3 | 3:0
    push dword CODE16
    push dword after_jmp_same
    TRY "retf to ring 0:", o32 retf
    add esp, 8

    ; Ring 1's stack, from a TSS too short to hold it, then from the whole TSS, each wrong way.
    push dword 0x11111111
    TRY "call to ring 1 with a TSS of limit 0x0f:", call G_R1 | 3:0
    PRINT "load the whole TSS from ring 0:", 10
    push dword SEL_TSS
    call G_LTR | 3:0
    mov word [TSS_BASE + 0x10], 0
    TRY "call to ring 1 with SS1 null:", call G_R1 | 3:0
    mov word [TSS_BASE + 0x10], RING1_DATA | 2
    TRY "call to ring 1 with SS1's RPL 2:", call G_R1 | 3:0
    mov word [TSS_BASE + 0x10], USER_DATA & ~2
    TRY "call to ring 1 with SS1 of DPL 3:", call G_R1 | 3:0
    mov word [TSS_BASE + 0x10], RODATA1 | 1
    TRY "call to ring 1 with SS1 read-only:", call G_R1 | 3:0
    mov word [TSS_BASE + 0x10], BEYOND_GDT | 1
    TRY "call to ring 1 with SS1 beyond the GDT:", call G_R1 | 3:0
    mov word [TSS_BASE + 0x10], ABSENT_DATA1 | 1
    TRY "call to ring 1 with SS1 not present:", call G_R1 | 3:0
    mov word [TSS_BASE + 0x10], RING1_DATA
    PRINT "call to ring 1 with one dword:", 10
    call G_R1 | 3:0
    PRINT "  back:"
    SHOW_WHERE
    PRINT 10

    PRINT "retf to ring 3 with a wrong stack, from ring 0:", 10
    call G_RET | 3:0
    PRINT "  back:"
    SHOW_WHERE
    PRINT 10

    ; A 16-bit TSS holds SP and SS for each inner ring as words.
    mov word [TSS16 + 2], STACK0
    mov word [TSS16 + 4], DATA4G
    mov word [TSS16 + 6], STACK16_1
    mov word [TSS16 + 8], RING1_DATA
    PRINT "load a 16-bit TSS from ring 0:", 10
    push dword SEL_TSS16
    call G_LTR | 3:0
    push dword 0x11111111
    PRINT "call to ring 1 with the 16-bit TSS's stack:", 10
    call G_R1 | 3:0
    PRINT "  back:"
    SHOW_WHERE
    PRINT 10
    EXIT 0

; ---- the gates' targets ----

; Through G32_R0 from ring 3: the frame, then DS, FS and GS loaded for the RET to null or keep.
ring0_entry32:
    PRINT "  in ring 0:"
    SHOW_WHERE
    PRINT 10
    SHOW_STACK 6, 4
    push word DATA4G
    pop ds
    push word CONFORMING
    pop fs
    push word CODE16
    pop gs
    o32 retf 8

; Through G16_R0: the frame of words (the first five when called from ring 0).
ring0_entry16:
    PRINT "  in ring 0:"
    SHOW_WHERE
    PRINT 10
    SHOW_STACK 7, 2
    retf 6

; Through G32_SAME from ring 3: no stack switch, no parameters copied.
ring3_entry:
    PRINT "  in ring-3 code:"
    SHOW_WHERE
    PRINT 10
    SHOW_STACK 4, 4
    o32 retf

ring3_jmp_entry:
    PRINT "  in ring-3 code:"
    SHOW_WHERE
    PRINT 10
    jmp USER_CODE:after_jmp_same

; Through G_CONF: CPL stays 3, so does the stack.
conf_entry:
    PRINT "  in conforming code:"
    SHOW_WHERE
    PRINT 10
    SHOW_STACK 2, 4
    o32 retf

conf_jmp_entry:
    PRINT "  in conforming code:"
    SHOW_WHERE
    PRINT 10
    jmp USER_CODE:after_conf_jmp

ring1_entry:
    PRINT "  in ring 1:"
    SHOW_WHERE
    PRINT 10
    SHOW_STACK 5, 4
    o32 retf 4

; Through G_LTR: TR from the parameter.
load_tr:
    mov ax, [esp + 8]
    ltr ax
    o32 retf 4

; Through G_RET from ring 3: the return frame is EIP, CS, ESP, SS; each wrong SS faults here, in
; ring 0, with the frame still on the stack.
ret_tests:
    mov word [esp + 12], 0
    TRY "  SS null:", o32 retf
    mov word [esp + 12], USER_DATA & ~1
    TRY "  SS with RPL 2:", o32 retf
    mov word [esp + 12], RING1_DATA | 2
    TRY "  SS of DPL 1:", o32 retf
    mov word [esp + 12], ABSENT_DATA3 | 3
    TRY "  SS not present:", o32 retf
    mov word [esp + 12], USER_DATA
    o32 retf

; show_stack: CX items of EDX bytes (4 or 2) from the caller's stack top, on one line.
show_stack:
    push eax
    push ebx
    push cx
    lea ebx, [esp + 12]             ; above EAX, EBX, CX and the return address
    PRINT "  stack:"
.next:
    PRINT " "
    mov eax, [ss:ebx]
    cmp edx, 4
    jne .word
    call hex32
    jmp .shown
.word:
    call hex16
.shown:
    add ebx, edx
    loop .next
    PRINT 10
    pop cx
    pop ebx
    pop eax
    ret

; ---- faults ----

on_ts:
    PRINT "  #TS"
    jmp report_fault
on_np:
    PRINT "  #NP"
    jmp report_fault
on_ss:
    PRINT "  #SS"
    jmp report_fault
on_gp:
    PRINT "  #GP"

; The error code, and CS:EIP (with SS:ESP when it came from an outer ring) from the frame; then
; on at RESUME in the code that faulted.
report_fault:
    push ds
    push eax
    push word DATA4G
    pop ds
    PRINT "("
    mov ax, [esp + 6]
    call hex16
    PRINT ") at "
    SHOW_FAR [esp + 14], [esp + 10]
    test byte [esp + 14], 3
    jz .same_ring
    PRINT " ss:esp="
    SHOW_FAR [esp + 26], [esp + 22]
.same_ring:
    PRINT 10
    movzx eax, word [RESUME]
    mov [esp + 10], eax
    pop eax
    pop ds
    add esp, 4                      ; the error code
    o32 iret

%include "tasks.inc"
    SYSTEM_DESCRIPTOR TSS_BASE, 0x0067, 0x89    ; 0x18
    SYSTEM_DESCRIPTOR TSS_BASE, 0x000F, 0x89    ; 0x20
    dw 0xFFFF, 0x0000
    db 0x0F, 0xFB, 0x00, 0x00       ; 0x28 ring-3 code over the ROM
    dw 0xFFFF, 0x0000
    db 0x00, 0xF3, 0xCF, 0x00       ; 0x30 ring-3 data
    dw 0xFFFF, 0x0000
    db 0x0F, 0xBB, 0x00, 0x00       ; 0x38 ring-1 code
    dw 0xFFFF, 0x0000
    db 0x00, 0xB3, 0xCF, 0x00       ; 0x40 ring-1 data
    dw 0xFFFF, 0x0000
    db 0x0F, 0x9F, 0x00, 0x00       ; 0x48 conforming readable code, DPL 0
    dw 0xFFFF, 0x0000
    db 0x0F, 0x1B, 0x00, 0x00       ; 0x50 ring-0 code, not present
    dw 0xFFFF, 0x0000
    db 0x00, 0xB1, 0xCF, 0x00       ; 0x58 ring-1 read-only data
    dw 0xFFFF, 0x0000
    db 0x00, 0x33, 0xCF, 0x00       ; 0x60 ring-1 data, not present
    dw 0xFFFF, 0x0000
    db 0x00, 0x73, 0xCF, 0x00       ; 0x68 ring-3 data, not present
    CALL_GATE CODE16, ring0_entry32, 2, 0xEC    ; 0x70 G32_R0
    CALL_GATE CODE16, ring0_entry16, 3, 0xE4    ; 0x78 G16_R0
    CALL_GATE USER_CODE, ring3_entry, 2, 0xEC   ; 0x80 G32_SAME
    CALL_GATE CODE16, ring0_entry32, 0, 0x8C    ; 0x88 G_DPL0
    CALL_GATE CODE16, ring0_entry32, 0, 0x6C    ; 0x90 G_ABSENT
    CALL_GATE DATA4G, 0, 0, 0xEC                ; 0x98 G_DATA
    CALL_GATE 0, 0, 0, 0xEC                     ; 0xA0 G_NULL
    CALL_GATE ABSENT_CODE, 0, 0, 0xEC           ; 0xA8 G_ABSENT_CS
    CALL_GATE CONFORMING, conf_entry, 0, 0xEC   ; 0xB0 G_CONF
    CALL_GATE CONFORMING, conf_jmp_entry, 0, 0xEC ; 0xB8 G_CONF_JMP
    dw 0x0000, CONFORMING
    db 0, 0xEC
    dw 0x0001                       ; 0xC0 G_FAR: offset 0x10000
    CALL_GATE USER_CODE, ring3_jmp_entry, 0, 0xEC ; 0xC8 G_JMP_SAME
    CALL_GATE RING1_CODE, ring1_entry, 1, 0xEC  ; 0xD0 G_R1
    CALL_GATE CODE16, load_tr, 1, 0xEC          ; 0xD8 G_LTR
    CALL_GATE CODE16, ret_tests, 0, 0xEC        ; 0xE0 G_RET
    dw 0xFFFF, 0x0000
    db 0x0F, 0x7B, 0x00, 0x00       ; 0xE8 ring-3 code, not present
    CALL_GATE ABSENT_CODE3, 0, 0, 0xEC          ; 0xF0 G_ABSENT_CS3
    SYSTEM_DESCRIPTOR TSS16, 0x002B, 0x81       ; 0xF8 a 16-bit TSS
task_gdt_end:
task_gdtr:
    dw task_gdt_end - task_gdt - 1
    dd GDT

ROM_END
