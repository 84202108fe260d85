; trace.asm - the event records of the memory manager (see README.md, "Event protocol").
; A record is a header dword  op | end << 8 | count << 16  followed by count value dwords, all
; written with OUT to TRACE_PORT. Every operation writes a begin record (its arguments) on entry
; and an end record (its results) on exit. Machines without a device there ignore the writes.

TRACE_PORT              equ 0x504

EV_POOL_INIT            equ 1
EV_GET_FRAMES           equ 2
EV_RELEASE_FRAMES       equ 3
EV_MARK_INACCESSIBLE    equ 4
EV_PT_INIT              equ 5
EV_PT_LOAD              equ 6
EV_PT_ENABLE            equ 7
EV_PAGE_FAULT           equ 8
EV_REGISTER_POOL        equ 9
EV_FREE_PAGE            equ 10
EV_VM_INIT              equ 11
EV_VM_ALLOCATE          equ 12
EV_VM_RELEASE           equ 13
EV_VM_LEGITIMATE        equ 14
; the Lab2 kernel's operations (lab2.asm, kalloc.asm, vm.asm)
EV_KERNEL_LAYOUT        equ 16
EV_FREE_RANGE           equ 17
EV_KFREE                equ 18
EV_KALLOC               equ 19
EV_CHECK_FREE_LIST      equ 20
EV_PGDIR_WALK           equ 21
EV_MAP_REGION           equ 22
EV_SETUP_KVM            equ 23
EV_SWITCH_VM            equ 24
EV_VM_FREE              equ 25
EV_PGDIR_ALLOC          equ 26

; TRACE_BEGIN op, count / TRACE_END op, count: the header; TRACE_VAL x: one value.
; All registers are preserved; x may be a register (not ESP) or an EBP-relative operand.
%macro TRACE_VAL 1
        push    eax
        push    edx
        mov     eax, %1
        mov     dx, TRACE_PORT
        out     dx, eax
        pop     edx
        pop     eax
%endmacro

%macro TRACE_BEGIN 2
        TRACE_VAL %1 | %2 << 16
%endmacro

%macro TRACE_END 2
        TRACE_VAL %1 | 1 << 8 | %2 << 16
%endmacro

; POOL_OP_ENTER op, base field[, count]: the FRAME_ENTER frame of a pool operation
; (pool, x[, y]), EBX := the pool, and its begin record: the pool named by its base (the field
; at that offset), then x, then y when count is 3.
%macro POOL_OP_ENTER 2-3 2
        FRAME_ENTER
        mov     ebx, [ebp+8]
        TRACE_BEGIN %1, %3
        TRACE_VAL [ebx+%2]
        TRACE_VAL [ebp+12]
%if %3 > 2
        TRACE_VAL [ebp+16]
%endif
%endmacro

; RETURN_TRACED op, result: the end record with the one value result (a register other than
; EAX), then returns it from a FRAME_ENTER frame.
%macro RETURN_TRACED 2
        TRACE_END %1, 1
        TRACE_VAL %2
        mov     eax, %2
        FRAME_LEAVE
%endmacro
