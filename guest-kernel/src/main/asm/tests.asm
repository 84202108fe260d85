; tests.asm - the MP4 kernel's tests, selected by the command line, each ending with a PASS or FAIL
; line.

CODE_POOL_BASE  equ 512 * MIB
CODE_POOL_SIZE  equ 256 * MIB
HEAP_POOL_BASE  equ 1024 * MIB
HEAP_POOL_SIZE  equ 256 * MIB
CHURN_POOL_BASE equ 1536 * MIB
CHURN_POOL_SIZE equ MIB
SECOND_POOL_BASE equ 0x80000000
SECOND_POOL_SIZE equ 64 * MIB
PT_TEST_BASE    equ 4 * MIB
PT_TEST_DEFAULT_MIB equ 4

; CHECK_ONE_FREE_REGION vm, "message": fails the running test unless the pool is back to the one
; free region it was created with
%macro CHECK_ONE_FREE_REGION 2
        push    0
        push    1
        push    %1
        call    counts_are
        add     esp, 12
        test    eax, eax
        CHECK   nz, %2
%endmacro

run_tests:
        RUN_TEST "timer", test_timer
        RUN_TEST "frame_pool", test_frame_pool
        RUN_TEST "page_table", test_page_table
        RUN_TEST "vm_pool", test_vm_pool
        RUN_TEST "grow", test_grow
        RUN_TEST "fragment", test_fragment
        RUN_TEST "churn", test_churn
        RUN_TEST "two_tables", test_two_tables
        RUN_TEST "segfault", test_segfault
        ret

key_pt_mib:     db "pt_mib=", 0

; ------------------------------------------------------------------ helpers

; fill(address, dwords, seed): writes seed, seed+1, ... ; check(...) -> 1 if they read back
fill:
        push    edi
        mov     edi, [esp+8]
        mov     ecx, [esp+12]
        mov     eax, [esp+16]
.next:  test    ecx, ecx
        jz      .done
        mov     [edi], eax
        add     edi, 4
        inc     eax
        dec     ecx
        jmp     .next
.done:  pop     edi
        ret

check:
        push    esi
        mov     esi, [esp+8]
        mov     ecx, [esp+12]
        mov     edx, [esp+16]
        mov     eax, 1
.next:  test    ecx, ecx
        jz      .done
        cmp     [esi], edx
        jne     .bad
        add     esi, 4
        inc     edx
        dec     ecx
        jmp     .next
.bad:   xor     eax, eax
.done:  pop     esi
        ret

; counts_are(vm, regions, allocated) -> 1 when the pool's region counts are those
counts_are:
        push    dword [esp+4]
        call    vm_counts
        add     esp, 4
        cmp     eax, [esp+8]
        jne     .no
        cmp     edx, [esp+12]
        jne     .no
        mov     eax, 1
        ret
.no:    xor     eax, eax
        ret

; print_counts(vm): " regions R allocated A free F"
print_counts:
        push    ebx
        push    esi
        push    dword [esp+12]
        call    vm_counts
        add     esp, 4
        mov     ebx, eax
        mov     esi, edx
        PRINT   " regions "
        PUTDEC  ebx
        PRINT   " allocated "
        PUTDEC  esi
        sub     ebx, esi
        PRINT   " free "
        PUTDEC  ebx
        NEWLINE
        pop     esi
        pop     ebx
        ret


; code_and_heap_pools: creates the code pool (512 MiB) and the heap pool (1 GiB) in the first
; page table unless an earlier test did, so that every test can run alone
code_and_heap_pools:
        cmp     dword [vm_code+VM.size], 0
        jne     .done
        push    HEAP_POOL_SIZE
        push    CODE_POOL_SIZE
        call    code_and_heap_pools_sized
        add     esp, 8
.done:  ret

; second_table_with_pool(pool size): builds the second page table (paging is on), loads it and
; creates its pool at 2 GiB; the second table stays loaded
second_table_with_pool:
        push    pt_second
        call    pt_init
        call    pt_load
        add     esp, 4
        push    pt_second
        push    process_pool
        push    dword [esp+12]
        push    SECOND_POOL_BASE
        push    vm_second
        call    vm_init
        add     esp, 20
        ret

; code_and_heap_pools_sized(code pool size, heap pool size)
code_and_heap_pools_sized:
        push    pt_main
        push    process_pool
        push    dword [esp+12]
        push    CODE_POOL_BASE
        push    vm_code
        call    vm_init
        add     esp, 20
        push    pt_main
        push    process_pool
        push    dword [esp+16]
        push    HEAP_POOL_BASE
        push    vm_heap
        call    vm_init
        add     esp, 20
        ret

; ------------------------------------------------------------------ tests

; The PIT ticks at 100 Hz: wait for 10 ticks with HLT.
test_timer:
        push    ebx
        mov     ebx, [ticks]
        add     ebx, 10
.wait:  hlt
        cmp     [ticks], ebx
        jb      .wait
        mov     eax, 1
        pop     ebx
        ret

; First fit, head-of-sequence marking and release through the owning pool, on the kernel pool.
test_frame_pool:
        TEST_ENTER
        push    4096
        call    needed_info_frames
        add     esp, 4
        cmp     eax, 1
        CHECK   e, "needed_info_frames(4096) is not 1"
        push    4097
        call    needed_info_frames
        add     esp, 4
        cmp     eax, 2
        CHECK   e, "needed_info_frames(4097) is not 2"
        push    2
        push    kernel_pool
        call    fp_get_frames
        add     esp, 8
        mov     ebx, eax                            ; a: 2 frames
        push    3
        push    kernel_pool
        call    fp_get_frames
        add     esp, 8
        mov     esi, eax                            ; b: 3 frames
        lea     eax, [ebx+2]
        cmp     esi, eax
        CHECK   e, "get_frames did not return the next free run"
        mov     eax, [kernel_pool+FP.info]
        shl     eax, 12
        sub     esi, KERNEL_POOL_BASE
        cmp     byte [eax+esi], FRAME_HEAD
        CHECK   e, "the first frame of a sequence is not marked as its head"
        cmp     byte [eax+esi+1], FRAME_USED
        CHECK   e, "a later frame of a sequence is not marked used"
        add     esi, KERNEL_POOL_BASE
        push    ebx
        call    fp_release_frames
        add     esp, 4
        cmp     eax, 2
        CHECK   e, "release_frames did not free the whole sequence"
        push    1
        push    kernel_pool
        call    fp_get_frames
        add     esp, 8
        cmp     eax, ebx
        CHECK   e, "first fit did not reuse the lowest free frame"
        push    3
        push    kernel_pool
        call    fp_get_frames
        add     esp, 8
        mov     edi, eax
        lea     eax, [esi+3]
        cmp     edi, eax
        CHECK   e, "a run of one free frame was used for three"
        push    edi
        call    fp_release_frames
        push    esi
        call    fp_release_frames
        push    ebx
        call    fp_release_frames
        add     esp, 12
        TEST_LEAVE

; Writes then verifies N MiB (pt_mib=N) above 4 MiB: every page and every page table is mapped
; lazily by the fault handler; then the region is released and every frame returns to its pool.
test_page_table:
        TEST_ENTER
        push    PT_TEST_DEFAULT_MIB
        push    key_pt_mib
        call    param_number
        add     esp, 8
        mov     edi, eax
        shl     edi, 20                             ; edi: bytes
        PRINT   "page table test: "
        mov     eax, edi
        shr     eax, 20
        PUTDEC  eax
        PRINT   " MiB from 4 MiB"
        NEWLINE
        lea     eax, [edi + VM_PAGE * VM_META_PAGES]
        push    pt_main
        push    process_pool
        push    eax
        push    PT_TEST_BASE
        push    vm_pt_test
        call    vm_init
        add     esp, 20
        push    edi
        push    vm_pt_test
        call    vm_allocate
        add     esp, 8
        mov     esi, eax
        cmp     esi, PT_TEST_BASE + VM_PAGE * VM_META_PAGES
        CHECK   e, "the page-table test region is not right after the metadata page"
        test    esi, esi
        jz      .out
        mov     ebx, edi
        shr     ebx, 2
        push    0x10000
        push    ebx
        push    esi
        call    fill
        call    check
        add     esp, 12
        test    eax, eax
        CHECK   nz, "the page-table test read back different data"
        push    esi
        push    vm_pt_test
        call    vm_release
        add     esp, 8
        shr     edi, 12
        cmp     eax, edi
        CHECK   e, "release did not free every page of the page-table test"
.out:   TEST_LEAVE

; Allocate/free loops on a code pool at 512 MiB and a heap pool at 1 GiB.
test_vm_pool:
        TEST_ENTER
        call    code_and_heap_pools
        mov     ebx, 1                              ; ebx: round 1..32
.round: imul    eax, ebx, 3000
        push    eax
        push    vm_code
        call    vm_allocate
        add     esp, 8
        mov     esi, eax
        imul    eax, ebx, 5000
        push    eax
        push    vm_heap
        call    vm_allocate
        add     esp, 8
        mov     edi, eax
        test    esi, esi
        CHECK   nz, "the code pool could not allocate"
        test    edi, edi
        CHECK   nz, "the heap pool could not allocate"
        test    esi, esi
        jz      .out
        test    edi, edi
        jz      .out
        imul    eax, ebx, 750
        push    ebx
        push    eax
        push    esi
        call    fill
        add     esp, 12
        imul    eax, ebx, 1250
        push    ebx
        push    eax
        push    edi
        call    fill
        call    check
        add     esp, 12
        test    eax, eax
        CHECK   nz, "heap pool data was lost"
        imul    eax, ebx, 750
        push    ebx
        push    eax
        push    esi
        call    check
        add     esp, 12
        test    eax, eax
        CHECK   nz, "code pool data was lost"
        push    esi
        push    vm_code
        call    vm_release
        add     esp, 8
        push    edi
        push    vm_heap
        call    vm_release
        add     esp, 8
        inc     ebx
        cmp     ebx, 32
        jbe     .round
        CHECK_ONE_FREE_REGION vm_code, "the code pool did not return to one free region"
        CHECK_ONE_FREE_REGION vm_heap, "the heap pool did not return to one free region"
.out:   TEST_LEAVE

; Increasing sizes (1..100 pages, less one byte) without release, then release of all.
test_grow:
        TEST_ENTER
        call    code_and_heap_pools
        mov     ebx, 1
.alloc: mov     eax, ebx
        shl     eax, 12
        dec     eax
        push    eax
        push    vm_code
        call    vm_allocate
        add     esp, 8
        test    eax, eax
        CHECK   nz, "an increasing-size allocation failed"
        mov     [live + ebx*4 - 4], eax
        test    eax, eax
        jz      .release
        mov     [eax], ebx                          ; touch its first page
        mov     edx, ebx
        shl     edx, 12
        mov     [eax+edx-4], ebx                    ; and its last
        inc     ebx
        cmp     ebx, 100
        jbe     .alloc
        PRINT   "grow: after 100 allocations"
        push    vm_code
        call    print_counts
        add     esp, 4
.release:
        dec     ebx
        jz      .check
        mov     eax, [live + ebx*4 - 4]
        cmp     [eax], ebx
        CHECK   e, "an increasing-size region lost its data"
        push    dword [live + ebx*4 - 4]
        push    vm_code
        call    vm_release
        add     esp, 8
        cmp     eax, ebx
        CHECK   e, "release freed the wrong number of pages"
        jmp     .release
.check: CHECK_ONE_FREE_REGION vm_code, "the code pool did not return to one free region"
        TEST_LEAVE

; Random allocate/release rounds on the heap pool, releasing half of the live regions each
; round; prints the region counts (fragmentation), then releases everything.
test_fragment:
        TEST_ENTER
        call    code_and_heap_pools
        mov     dword [rng_state], 611
        xor     edi, edi                            ; edi: live regions
        mov     esi, 1                              ; esi: round
.round: mov     ebx, 40
.alloc: call    rand
        and     eax, 15
        inc     eax
        shl     eax, 12
        sub     eax, 100
        push    eax
        push    vm_heap
        call    vm_allocate
        add     esp, 8
        test    eax, eax
        CHECK   nz, "a fragmenting allocation failed"
        test    eax, eax
        jz      .done
        mov     [live + edi*4], eax
        mov     [eax], eax
        inc     edi
        dec     ebx
        jnz     .alloc
        xor     ebx, ebx                            ; release every other live region, compact
        xor     ecx, ecx
.half:  cmp     ebx, edi
        jae     .halved
        mov     eax, [live + ebx*4]
        test    ebx, 1
        jnz     .keep
        push    ecx
        cmp     [eax], eax
        CHECK   e, "a fragmenting region lost its data"
        push    eax
        push    vm_heap
        call    vm_release
        add     esp, 8
        pop     ecx
        inc     ebx
        jmp     .half
.keep:  mov     [live + ecx*4], eax
        inc     ecx
        inc     ebx
        jmp     .half
.halved:
        mov     edi, ecx
        PRINT   "fragment: round "
        PUTDEC  esi
        push    vm_heap
        call    print_counts
        add     esp, 4
        inc     esi
        cmp     esi, 10
        jbe     .round
.done:  test    edi, edi
        jz      .check
        dec     edi
        push    dword [live + edi*4]
        push    vm_heap
        call    vm_release
        add     esp, 8
        jmp     .done
.check: CHECK_ONE_FREE_REGION vm_heap, "the heap pool did not return to one free region"
        TEST_LEAVE

; Allocates and releases 128 times the size of a 1 MiB pool, one region live beside the new one;
; the pool ends with the region counts it started with.
test_churn:
        TEST_ENTER
        push    pt_main
        push    process_pool
        push    CHURN_POOL_SIZE
        push    CHURN_POOL_BASE
        push    vm_churn
        call    vm_init
        add     esp, 20
        xor     edi, edi                            ; edi: the live region
        xor     ebx, ebx                            ; ebx: iteration
.next:  mov     eax, ebx
        imul    eax, eax, 7
        and     eax, 31
        inc     eax
        shl     eax, 12
        push    eax
        push    vm_churn
        call    vm_allocate
        add     esp, 8
        test    eax, eax
        CHECK   nz, "a churn allocation failed"
        test    eax, eax
        jz      .out
        mov     esi, eax
        mov     [esi], ebx
        test    edi, edi
        jz      .keep
        push    edi
        push    vm_churn
        call    vm_release
        add     esp, 8
.keep:  mov     edi, esi
        inc     ebx
        cmp     ebx, 2048
        jb      .next
        push    edi
        push    vm_churn
        call    vm_release
        add     esp, 8
        PRINT   "churn: after 2048 allocations"
        push    vm_churn
        call    print_counts
        add     esp, 4
        CHECK_ONE_FREE_REGION vm_churn, "the churn pool did not end with the counts it started with"
.out:   TEST_LEAVE

; A second page table, built while paging is on, with its own pool; the kernel switches between
; the two tables and each sees only its own pages.
test_two_tables:
        TEST_ENTER
        call    code_and_heap_pools
        push    SECOND_POOL_SIZE
        call    second_table_with_pool
        add     esp, 4
        push    3 * 4096
        push    vm_second
        call    vm_allocate
        add     esp, 8
        mov     edi, eax                            ; edi: region in the second table
        push    0x2000
        push    3 * 1024
        push    edi
        call    fill
        add     esp, 12
        push    pt_main
        call    pt_load
        add     esp, 4
        push    3 * 4096
        push    vm_heap
        call    vm_allocate
        add     esp, 8
        mov     esi, eax                            ; esi: region in the first table
        push    0x1000
        push    3 * 1024
        push    esi
        call    fill
        add     esp, 12
        push    edi
        call    segv_probe
        add     esp, 4
        test    eax, eax
        CHECK   nz, "the second table's pool is visible from the first"
        mov     ebx, 10
.switch:
        push    pt_second
        call    pt_load
        add     esp, 4
        push    0x2000
        push    3 * 1024
        push    edi
        call    check
        add     esp, 12
        test    eax, eax
        CHECK   nz, "the second table lost its data"
        push    pt_main
        call    pt_load
        add     esp, 4
        push    0x1000
        push    3 * 1024
        push    esi
        call    check
        add     esp, 12
        test    eax, eax
        CHECK   nz, "the first table lost its data"
        dec     ebx
        jnz     .switch
        push    esi
        push    vm_heap
        call    vm_release
        add     esp, 8
        push    pt_second
        call    pt_load
        add     esp, 4
        push    edi
        push    vm_second
        call    vm_release
        add     esp, 8
        push    pt_main
        call    pt_load
        add     esp, 4
        TEST_LEAVE

; Addresses outside every pool, or inside a pool but in no allocated region, are segmentation
; faults; releasing an address that was never allocated is reported and frees nothing.
test_segfault:
        TEST_ENTER
        call    code_and_heap_pools
        push    0xC0000000
        call    segv_probe
        add     esp, 4
        test    eax, eax
        CHECK   nz, "an address outside every pool did not fault"
        push    HEAP_POOL_BASE + 100 * MIB
        call    segv_probe
        add     esp, 4
        test    eax, eax
        CHECK   nz, "an unallocated address inside a pool did not fault"
        push    HEAP_POOL_BASE
        call    segv_probe
        add     esp, 4
        test    eax, eax
        CHECK   z, "the heap pool's metadata page is not legitimate"
        push    HEAP_POOL_BASE + 8 * MIB
        push    vm_heap
        call    vm_release
        add     esp, 8
        test    eax, eax
        CHECK   z, "releasing a never-allocated address freed pages"
        TEST_LEAVE
