; kalloc.asm - the Lab2 kernel's physical page allocator: a free list threaded through the free
; pages themselves. kmem_freelist holds the kernel virtual address of the first free page, and the
; first dword of each free page the address of the next (0 ends the list).
;
; Two phases, because the allocator must exist before the page tables that map all of memory can
; be built, and those page tables are built from pages the allocator hands out: kinit1 frees only
; what the boot directory maps (the kernel's end to 4 MiB), kinit2 the rest once kvm_init has
; loaded the full kernel page table.

PGSIZE          equ 4096
JUNK_DWORD      equ 0x01010101          ; a free page holds junk: every byte 1

%define V2P(a) ((a) - KERNBASE)
%define P2V(a) ((a) + KERNBASE)

; kinit1(vstart, vend), also called boot_alloc_init, and kinit2(vstart, vend), also called
; alloc_init: both are free_range, over the range their phase may touch.
kinit1:
kinit2:
; free_range(vstart, vend) -> pages freed: kfree of every whole page from vstart (rounded up)
; to vend.
free_range:
        FRAME_ENTER
        TRACE_BEGIN EV_FREE_RANGE, 2
        TRACE_VAL [ebp+8]
        TRACE_VAL [ebp+12]
        mov     esi, [ebp+8]
        add     esi, PGSIZE - 1
        and     esi, -PGSIZE
        xor     ebx, ebx
.next:  lea     eax, [esi+PGSIZE]
        cmp     eax, esi                            ; a range that reaches the top of memory
        jb      .done
        cmp     eax, [ebp+12]
        ja      .done
        push    esi
        call    kfree
        add     esp, 4
        inc     ebx
        add     esi, PGSIZE
        jmp     .next
.done:  RETURN_TRACED EV_FREE_RANGE, ebx

; kfree(v): v must be a page the allocator may own: page-aligned, at or above the kernel's end,
; below PHYSTOP. Anything else is a kernel bug, so it panics. The page is filled with junk, so
; a use after free reads ones rather than the old contents, and pushed on the list.
kfree:
        FRAME_ENTER
        TRACE_BEGIN EV_KFREE, 1
        TRACE_VAL [ebp+8]
        mov     edi, [ebp+8]
        test    edi, PGSIZE - 1
        jnz     .bad
        cmp     edi, kernel_end
        jb      .bad
        lea     eax, [edi - KERNBASE]
        cmp     eax, [phystop]
        jae     .bad
        mov     eax, JUNK_DWORD
        mov     ecx, PGSIZE / 4
        rep stosd
        mov     edi, [ebp+8]
        mov     eax, [kmem_freelist]
        mov     [edi], eax
        mov     [kmem_freelist], edi
        TRACE_END EV_KFREE, 0
        FRAME_LEAVE
.bad:   PANIC   "kfree"

; kalloc() -> a free page's kernel address, or 0 when none is left (the caller decides whether
; that is fatal). The page still holds junk.
kalloc:
        FRAME_ENTER
        TRACE_BEGIN EV_KALLOC, 0
        mov     ebx, [kmem_freelist]
        test    ebx, ebx
        jz      .out
        mov     eax, [ebx]
        mov     [kmem_freelist], eax
.out:   RETURN_TRACED EV_KALLOC, ebx

; check_free_list() -> the number of free pages, or -1 (after printing why) when a page on the
; list is misaligned, outside [kernel end, PHYSTOP), listed twice, or not all junk after its
; link. A bitmap of frames catches pages listed twice, and with them any cycle.
check_free_list:
        FRAME_ENTER
        TRACE_BEGIN EV_CHECK_FREE_LIST, 0
        mov     edi, free_seen
        mov     ecx, FREE_SEEN_BYTES / 4
        xor     eax, eax
        rep stosd
        xor     ebx, ebx                            ; ebx: pages counted
        mov     esi, [kmem_freelist]
.next:  test    esi, esi
        jz      .out
        test    esi, PGSIZE - 1
        jnz     .misplaced
        cmp     esi, kernel_end
        jb      .misplaced
        lea     eax, [esi - KERNBASE]
        cmp     eax, [phystop]
        jae     .misplaced
        shr     eax, 12                             ; the frame's bit in free_seen
        mov     edx, eax
        shr     edx, 3
        and     eax, 7
        bts     [free_seen+edx], eax
        jc      .twice
        lea     edi, [esi+4]
        mov     ecx, PGSIZE / 4 - 1
        mov     eax, JUNK_DWORD
        repe scasd
        jne     .not_junk
        inc     ebx
        mov     esi, [esi]
        jmp     .next
.misplaced:
        PRINT   "check_free_list: page out of place "
        jmp     .bad
.twice: PRINT   "check_free_list: page listed twice "
        jmp     .bad
.not_junk:
        PRINT   "check_free_list: page not filled with junk "
.bad:   PUTHEX  esi
        NEWLINE
        mov     ebx, -1
.out:   RETURN_TRACED EV_CHECK_FREE_LIST, ebx

; free_pages() -> the length of the free list, without checking it or writing a record
free_pages:
        xor     eax, eax
        mov     edx, [kmem_freelist]
.next:  test    edx, edx
        jz      .done
        inc     eax
        mov     edx, [edx]
        jmp     .next
.done:  ret
