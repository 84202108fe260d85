; lab2_tests.asm - the Lab2 kernel's tests: its boot steps (kinit1, kvm_init, kinit2, always
; run) and the tests the command line selects, each ending with a PASS or FAIL line.

SPACES_BUILT    equ 100
SPACE_RANGES    equ 4

run_tests:
        RUN_TEST "exhaust", test_exhaust
        RUN_TEST "text_write", test_text_write
        RUN_TEST "spaces", test_spaces
        RUN_TEST "map_fail", test_map_fail
        ret

; lab2_page_fault(cr2, error, eip) -> 0: the Lab2 kernel maps nothing lazily, so every page
; fault is reported and left to a SEGV_PROBE waiting for it (which skips the faulting
; instruction), or else stops the kernel.
lab2_page_fault:
        mov     eax, [esp+4]
        mov     [pf_address], eax
        mov     eax, [esp+8]
        mov     [pf_error], eax
        PRINT   "page fault, error "
        PUTHEX  [pf_error]
        NEWLINE
        xor     eax, eax
        ret

; kinit1 frees the kernel's end to 4 MiB, all that the boot directory maps (to PHYSTOP when
; there is less memory); the list must then hold exactly the pages freed.
test_kinit1:
        TEST_ENTER
        mov     eax, [phystop]
        cmp     eax, BOOT_MAPPED
        jbe     .end
        mov     eax, BOOT_MAPPED
.end:   add     eax, KERNBASE
        push    eax
        push    kernel_end
        call    kinit1
        add     esp, 8
        mov     ebx, eax
        call    check_free_list
        cmp     eax, ebx
        CHECK   e, "kinit1: the free list does not hold the pages freed"
        TEST_LEAVE

; kvm_init builds and loads the kernel's directory; check_vm walks it.
test_kvm_init:
        TEST_ENTER
        call    kvm_init
        push    dword [kpgdir]
        call    check_vm
        add     esp, 4
        test    eax, eax
        CHECK   nz, "kvm_init: the kernel's page table does not map kmap exactly"
        TEST_LEAVE

; kinit2 frees 4 MiB to PHYSTOP, now mapped by the kernel's directory; the list grows by exactly
; that many pages.
test_kinit2:
        TEST_ENTER
        call    free_pages
        mov     ebx, eax
        mov     eax, [phystop]
        add     eax, KERNBASE
        push    eax
        push    P2V(BOOT_MAPPED)
        call    kinit2
        add     esp, 8
        add     ebx, eax
        call    check_free_list
        cmp     eax, ebx
        CHECK   e, "kinit2: the free list does not hold the pages freed"
        TEST_LEAVE

; hold(n) -> pages held: kalloc until n pages are left or kalloc fails, chaining the pages taken
; through their first dword onto held
hold:
        push    ebx
        call    free_pages
        mov     ebx, eax
        sub     ebx, [esp+8]
        jbe     .done
.next:  call    kalloc
        test    eax, eax
        jz      .done
        mov     edx, [held]
        mov     [eax], edx
        mov     [held], eax
        inc     dword [held_count]
        dec     ebx
        jnz     .next
.done:  mov     eax, [held_count]
        pop     ebx
        ret

; release_held(): kfree every held page
release_held:
.next:  mov     eax, [held]
        test    eax, eax
        jz      .done
        mov     edx, [eax]
        mov     [held], edx
        push    eax
        call    kfree
        add     esp, 4
        jmp     .next
.done:  mov     dword [held_count], 0
        ret

; Allocating until kalloc returns 0 takes every page on the list; freeing them all gives the
; list back, junk-filled.
test_exhaust:
        TEST_ENTER
        call    check_free_list
        mov     ebx, eax
        push    0
        call    hold
        add     esp, 4
        cmp     eax, ebx
        CHECK   e, "exhaust: kalloc did not hand out every free page"
        call    kalloc
        test    eax, eax
        CHECK   z, "exhaust: kalloc found a page in an empty list"
        call    release_held
        call    check_free_list
        cmp     eax, ebx
        CHECK   e, "exhaust: freeing every page did not give the list back"
        TEST_LEAVE

; A write to the kernel's own text takes a page fault with error P|W at that address (CR0.WP
; applies to the kernel too), and the text is unchanged.
test_text_write:
        TEST_ENTER
        mov     ebx, [text_probe]
        SEGV_PROBE mov dword [text_probe], 0
        test    eax, eax
        CHECK   nz, "text_write: writing the kernel's text did not fault"
        cmp     dword [pf_error], PTE_P | PTE_W
        CHECK   e, "text_write: the error code is not P|W"
        cmp     dword [pf_address], text_probe
        CHECK   e, "text_write: CR2 is not the address written"
        cmp     [text_probe], ebx
        CHECK   e, "text_write: the text changed"
        TEST_LEAVE

text_probe:     dd 0x600DC0DE

; Builds SPACES_BUILT user-style address spaces, each mapping SPACE_RANGES random ranges (of 1 to
; 64 pages, above 4 MiB and apart) to random physical pages, and frees each with vm_free: the
; tables and directories all come back, so the list ends as long as it started.
test_spaces:
        TEST_ENTER
        call    free_pages
        mov     [spaces_before], eax
        mov     dword [rng_state], 12
        mov     edi, SPACES_BUILT
.space: call    pgdir_alloc
        mov     esi, eax
        test    eax, eax
        CHECK   nz, "spaces: no page for a directory"
        test    esi, esi
        jz      .out
        call    rand
        shl     eax, 12
        add     eax, 4 * MIB
        mov     ebx, eax                            ; ebx: the next range's start
        mov     dword [spaces_left], SPACE_RANGES
.range: call    rand
        and     eax, 0x3FFF
        shl     eax, 12
        push    eax                                 ; pa
        call    rand
        and     eax, 63
        inc     eax
        shl     eax, 12
        mov     [spaces_size], eax
        pop     edx
        push    PTE_W | PTE_U
        push    edx
        push    eax
        push    ebx
        push    esi
        call    map_region
        add     esp, 20
        test    eax, eax
        CHECK   z, "spaces: map_region failed"
        add     ebx, [spaces_size]
        call    rand
        shl     eax, 10                             ; a gap of up to 32 MiB
        and     eax, -PGSIZE
        add     ebx, eax
        dec     dword [spaces_left]
        jnz     .range
        push    esi
        call    vm_free
        add     esp, 4
        dec     edi
        jnz     .space
        call    check_free_list
        cmp     eax, [spaces_before]
        CHECK   e, "spaces: pages were lost"
.out:   TEST_LEAVE

; With three pages left, mapping 20 MiB into an empty directory needs five tables: map_region
; fails halfway with -1, and vm_free gives back the tables it did get.
test_map_fail:
        TEST_ENTER
        call    free_pages
        mov     ebx, eax
        call    pgdir_alloc
        mov     esi, eax
        push    3
        call    hold
        add     esp, 4
        push    PTE_W | PTE_U
        push    0
        push    20 * MIB
        push    4 * MIB
        push    esi
        call    map_region
        add     esp, 20
        cmp     eax, -1
        CHECK   e, "map_fail: map_region did not fail"
        call    free_pages
        test    eax, eax
        CHECK   z, "map_fail: map_region did not use the pages left"
        push    esi
        call    vm_free
        add     esp, 4
        call    release_held
        call    check_free_list
        cmp     eax, ebx
        CHECK   e, "map_fail: pages were lost"
        TEST_LEAVE
