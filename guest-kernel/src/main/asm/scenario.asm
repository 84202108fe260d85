; scenario.asm - runs a scenario passed as a Multiboot module (the differential tests).
; Module: dword 'SCN1', dword operation count, three dword pool sizes, then per operation four
; dwords (op, a, b, c). Pools 0 and 1 (512 MiB, 1 GiB) belong to the first page table, pool 2
; (2 GiB) to a second one; the generator only names pools of the current page table.

SCN_MAGIC       equ 0x314E4353          ; "SCN1"
SCN_SLOTS       equ 64

SCN_ALLOC       equ 1                   ; pool, slot, size: slot := allocate
SCN_RELEASE     equ 2                   ; pool, slot: release the slot's address
SCN_RELEASE_AT  equ 3                   ; pool, address: release an arbitrary address
SCN_WRITE       equ 4                   ; slot, offset: write (if the slot was ever filled)
SCN_PROBE       equ 5                   ; address: read, surviving a segmentation fault
SCN_SWITCH      equ 6                   ; table: load page table 0 or 1
SCN_LEGIT       equ 7                   ; pool, address: ask is_legitimate
SCN_FRAMES      equ 8                   ; slot, n: frame slot := get_frames(process pool, n)
SCN_FREE_FRAMES equ 9                   ; slot: release the frame slot's sequence, if any
SCN_FREE_INSIDE equ 10                  ; slot, k: release frame k of the slot's sequence, which
                                        ;   the kernel must refuse by stopping (a scenario's last)

scn_pools:      dd vm_code, vm_heap, vm_second
scn_bases:      dd CODE_POOL_BASE, HEAP_POOL_BASE, SECOND_POOL_BASE
scn_tables:     dd pt_main, pt_second
scn_slots:      times SCN_SLOTS dd 0
scn_frames:     times SCN_SLOTS dd 0
scn_module:     dd 0
scn_step:       dd 0                    ; the operation running, from 1 (what a checker names)

; segv_probe_write(address, value) -> 1 when writing it was a segmentation fault
segv_probe_write:
        mov     eax, [esp+4]
        mov     edx, [esp+8]
        SEGV_PROBE mov [eax], edx
        ret

; POOL_CALL function, argument: function(the operation's pool, argument), the pool's index in ECX
%macro POOL_CALL 2
        push    %2
        push    dword [scn_pools+ecx*4]
        call    %1
        add     esp, 8
%endmacro

test_scenario:
        FRAME_ENTER
        mov     esi, [scn_module]
        push    dword [esi+12]
        push    dword [esi+8]
        call    code_and_heap_pools_sized
        add     esp, 8
        push    dword [esi+16]
        call    second_table_with_pool
        add     esp, 4
        push    pt_main
        call    pt_load
        add     esp, 4
        PRINT   "scenario: "
        PUTDEC  [esi+4]
        PRINT   " operations"
        NEWLINE
        mov     ebx, [esi+4]                        ; ebx: operations left
        add     esi, 20                             ; esi: next operation
.next:  test    ebx, ebx
        jz      .end
        mov     eax, [esi]
        mov     ecx, [esi+4]
        mov     edx, [esi+8]
        mov     edi, [esi+12]
        inc     dword [scn_step]
        cmp     eax, SCN_ALLOC
        je      .alloc
        cmp     eax, SCN_RELEASE
        je      .release
        cmp     eax, SCN_RELEASE_AT
        je      .release_at
        cmp     eax, SCN_WRITE
        je      .write
        cmp     eax, SCN_PROBE
        je      .probe
        cmp     eax, SCN_SWITCH
        je      .switch
        cmp     eax, SCN_LEGIT
        je      .legit
        cmp     eax, SCN_FRAMES
        je      .frames
        cmp     eax, SCN_FREE_FRAMES
        je      .free_frames
        cmp     eax, SCN_FREE_INSIDE
        je      .free_inside
        PRINT   "scenario: unknown operation "
        PUTDEC  [esi]
        NEWLINE
        xor     eax, eax
        jmp     .out
.alloc: POOL_CALL vm_allocate, edi
        mov     edx, [esi+8]
        mov     [scn_slots+edx*4], eax
        jmp     .done
.release:
        cmp     dword [scn_slots+edx*4], 0
        je      .empty
        POOL_CALL vm_release, dword [scn_slots+edx*4]
        jmp     .done
.empty: PRINT   "scenario: slot "
        PUTDEC  [esi+8]
        PRINT   " was never filled: nothing to release"
        NEWLINE
        jmp     .done
.release_at:
        POOL_CALL vm_release, edx
        jmp     .done
.write: mov     eax, [scn_slots+ecx*4]
        test    eax, eax
        jz      .done
        add     eax, edx
        push    ebx
        push    eax
        call    segv_probe_write
        add     esp, 8
        jmp     .done
.probe: push    ecx
        call    segv_probe
        add     esp, 4
        jmp     .done
.switch:
        push    dword [scn_tables+ecx*4]
        call    pt_load
        add     esp, 4
        jmp     .done
.legit: POOL_CALL vm_is_legitimate, edx
        jmp     .done
.frames:
        push    edx
        push    process_pool
        call    fp_get_frames
        add     esp, 8
        mov     ecx, [esi+4]
        mov     [scn_frames+ecx*4], eax
        jmp     .done
.free_frames:
        mov     eax, [scn_frames+ecx*4]
        test    eax, eax
        jz      .done
        mov     dword [scn_frames+ecx*4], 0
        push    eax
        call    fp_release_frames
        add     esp, 4
        jmp     .done
.free_inside:
        mov     eax, [scn_frames+ecx*4]
        test    eax, eax
        jz      .done
        add     eax, edx
        push    eax
        PRINT   "scenario: releasing a frame inside a sequence, which the kernel must refuse:"
        NEWLINE
        call    fp_release_frames
        add     esp, 4
.done:  add     esi, 16
        dec     ebx
        jmp     .next
.end:   mov     eax, 1
.out:   FRAME_LEAVE
