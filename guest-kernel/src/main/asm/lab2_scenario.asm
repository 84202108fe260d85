; lab2_scenario.asm - runs a scenario passed as a Multiboot module (the differential tests).
; Module: dword 'SCN2', dword operation count, dword PHYSTOP limit (0: none), then per operation
; five dwords (op, a, b, c, d). Slots name pages and address spaces the scenario keeps.

L2_MAGIC        equ 0x324E4353          ; "SCN2"
L2_MAX_OPS      equ 1024
L2_OP_SIZE      equ 20
L2_PAGE_SLOTS   equ 16
L2_SPACE_SLOTS  equ 4

L2_KALLOC       equ 1                   ; slot: free the slot's page if any, then slot := kalloc
L2_KFREE        equ 2                   ; slot: free the slot's page, if any
L2_NEW_SPACE    equ 3                   ; space, kernel: free the space if any, then space :=
                                        ;   setupkvm (kernel 1) or an empty directory (0)
L2_MAP          equ 4                   ; space, va, size, pa | perm: map_region, if the space exists
L2_WALK         equ 5                   ; space, va, alloc: pgdir_walk, if the space exists
L2_FREE_SPACE   equ 6                   ; space: vm_free it (back to the kernel's first if loaded)
L2_SWITCH       equ 7                   ; space: load it if it maps the kernel; -1: kpgdir
L2_CHECK        equ 8                   ; check_free_list
L2_HOLD         equ 9                   ; n: kalloc until n pages are left
L2_RELEASE_HELD equ 10                  ; kfree every held page

; scenario_copy: copies the first module into the kernel when it is a scenario (it lies where
; kinit1 will free, inside the first 4 MiB the boot directory maps)
scenario_copy:
        push    esi
        push    edi
        push    L2_MAGIC
        call    scenario_module
        add     esp, 4
        mov     esi, eax
        test    eax, eax
        jz      .none
        mov     ecx, [esi+4]
        cmp     ecx, L2_MAX_OPS
        jbe     .fits
        mov     ecx, L2_MAX_OPS
.fits:  mov     [scn_count], ecx
        mov     eax, [esi+8]
        mov     [scn_phystop], eax
        add     esi, 12
        mov     edi, scn_ops
        imul    ecx, ecx, L2_OP_SIZE / 4
        rep movsd
.none:  pop     edi
        pop     esi
        ret

; free_space(space slot in EAX): vm_free of the slot's directory, loading the kernel's first
; when it is the one loaded
free_space:
        push    ebx
        mov     ebx, eax
        mov     eax, [scn_spaces+ebx*4]
        test    eax, eax
        jz      .done
        cmp     eax, [scn_current]
        jne     .free
        push    dword [kpgdir]
        call    switch_vm
        add     esp, 4
        mov     eax, [kpgdir]
        mov     [scn_current], eax
.free:  push    dword [scn_spaces+ebx*4]
        call    vm_free
        add     esp, 4
        mov     dword [scn_spaces+ebx*4], 0
        mov     dword [scn_kernel+ebx*4], 0
.done:  pop     ebx
        ret

; kfree_slot(page slot in EAX): frees the slot's page, if any
kfree_slot:
        mov     edx, [scn_pages+eax*4]
        test    edx, edx
        jz      .done
        mov     dword [scn_pages+eax*4], 0
        push    edx
        call    kfree
        add     esp, 4
.done:  ret

test_scenario:
        FRAME_ENTER
        mov     eax, [kpgdir]
        mov     [scn_current], eax
        PRINT   "scenario: "
        PUTDEC  [scn_count]
        PRINT   " operations"
        NEWLINE
        mov     esi, scn_ops
        mov     edi, [scn_count]
.next:  test    edi, edi
        jz      .end
        inc     dword [scn_step]
        mov     eax, [esi]
        mov     ebx, [esi+4]                        ; ebx: a, the slot of most operations
        cmp     eax, L2_KALLOC
        je      .kalloc
        cmp     eax, L2_KFREE
        je      .kfree
        cmp     eax, L2_NEW_SPACE
        je      .new_space
        cmp     eax, L2_MAP
        je      .map
        cmp     eax, L2_WALK
        je      .walk
        cmp     eax, L2_FREE_SPACE
        je      .free_space
        cmp     eax, L2_SWITCH
        je      .switch
        cmp     eax, L2_CHECK
        je      .check
        cmp     eax, L2_HOLD
        je      .hold
        cmp     eax, L2_RELEASE_HELD
        je      .release_held
        PRINT   "scenario: unknown operation "
        PUTDEC  [esi]
        NEWLINE
        xor     eax, eax
        jmp     .out
.kalloc:
        mov     eax, ebx
        call    kfree_slot
        call    kalloc
        mov     [scn_pages+ebx*4], eax
        jmp     .done
.kfree: mov     eax, ebx
        call    kfree_slot
        jmp     .done
.new_space:
        mov     eax, ebx
        call    free_space
        cmp     dword [esi+8], 0
        je      .empty
        call    setupkvm
        mov     [scn_spaces+ebx*4], eax
        test    eax, eax
        setnz   al
        movzx   eax, al
        mov     [scn_kernel+ebx*4], eax
        jmp     .done
.empty: call    pgdir_alloc
        mov     [scn_spaces+ebx*4], eax
        jmp     .done
.map:   mov     eax, [scn_spaces+ebx*4]
        test    eax, eax
        jz      .done
        mov     edx, [esi+16]
        mov     ecx, edx
        and     ecx, PTE_FLAGS
        push    ecx
        and     edx, ~PTE_FLAGS
        push    edx
        push    dword [esi+12]
        push    dword [esi+8]
        push    eax
        call    map_region
        add     esp, 20
        jmp     .done
.walk:  mov     eax, [scn_spaces+ebx*4]
        test    eax, eax
        jz      .done
        push    dword [esi+12]
        push    dword [esi+8]
        push    eax
        call    pgdir_walk
        add     esp, 12
        jmp     .done
.free_space:
        mov     eax, ebx
        call    free_space
        jmp     .done
.switch:
        mov     eax, [kpgdir]
        cmp     ebx, -1
        je      .load
        cmp     dword [scn_kernel+ebx*4], 0
        je      .done
        mov     eax, [scn_spaces+ebx*4]
.load:  mov     [scn_current], eax
        push    eax
        call    switch_vm
        add     esp, 4
        jmp     .done
.check: call    check_free_list
        jmp     .done
.hold:  push    ebx
        call    hold
        add     esp, 4
        jmp     .done
.release_held:
        call    release_held
.done:  add     esi, L2_OP_SIZE
        dec     edi
        jmp     .next
.end:   mov     eax, 1
.out:   FRAME_LEAVE
