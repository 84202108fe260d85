; vm.asm - the Lab2 kernel's page tables: two levels, 10-bit directory index, 10-bit table index,
; 12-bit offset. Directories and tables are pages from kalloc, named by their kernel virtual
; address; the entries hold physical addresses.

PTE_P           equ 1
PTE_W           equ 2
PTE_U           equ 4
PTE_PS          equ 0x80
PTE_FLAGS       equ 0xFFF
CR0_WP          equ 1 << 16

; KMAP_ENTRY virt, phys start, phys end, perm: one row of kmap (the end of the data row is
; PHYSTOP, known only at boot, so kmap lives in the data and lab2.asm sets it).
KMAP_VIRT       equ 0
KMAP_START      equ 4
KMAP_END        equ 8
KMAP_PERM       equ 12
KMAP_SIZE       equ 16

; pgdir_walk(pgdir, va, alloc) -> the address of va's PTE, or 0 when its table is missing and
; alloc is 0 or no page is left for it. A new table is zeroed (kalloc leaves junk) and installed
; with P|W|U: the PTEs below decide what each page allows.
pgdir_walk:
        FRAME_ENTER
        TRACE_BEGIN EV_PGDIR_WALK, 3
        TRACE_VAL [ebp+8]
        TRACE_VAL [ebp+12]
        TRACE_VAL [ebp+16]
        mov     esi, [ebp+12]
        shr     esi, 22
        shl     esi, 2
        add     esi, [ebp+8]                        ; esi: the PDE
        mov     eax, [esi]
        test    eax, PTE_P
        jz      .missing
        and     eax, ~PTE_FLAGS
        lea     ebx, [eax + KERNBASE]
        jmp     .entry
.missing:
        xor     ebx, ebx
        cmp     dword [ebp+16], 0
        je      .out
        call    kalloc
        test    eax, eax
        jz      .out
        mov     ebx, eax
        mov     edi, eax
        xor     eax, eax
        mov     ecx, PGSIZE / 4
        rep stosd
        lea     eax, [ebx - KERNBASE + (PTE_P | PTE_W | PTE_U)]
        mov     [esi], eax
.entry: mov     eax, [ebp+12]
        shr     eax, 12
        and     eax, 0x3FF
        lea     ebx, [ebx + eax*4]
.out:   RETURN_TRACED EV_PGDIR_WALK, ebx

; map_region(pgdir, va, size, pa, perm) -> 0, or -1 when a table could not be allocated (the
; pages mapped so far stay mapped: the caller frees the directory). Maps every page the range
; [va, va + size) touches, in step with pa, each with perm|P; a size of 0 maps nothing.
; Mapping over a present PTE is a kernel bug: it panics ("remap").
map_region:
        FRAME_ENTER
        TRACE_BEGIN EV_MAP_REGION, 5
        TRACE_VAL [ebp+8]
        TRACE_VAL [ebp+12]
        TRACE_VAL [ebp+16]
        TRACE_VAL [ebp+20]
        TRACE_VAL [ebp+24]
        xor     ebx, ebx
        mov     esi, [ebp+12]
        and     esi, ~PTE_FLAGS                     ; esi: page
        mov     edi, [ebp+16]
        test    edi, edi
        jz      .out
        add     edi, [ebp+12]
        dec     edi
        and     edi, ~PTE_FLAGS                     ; edi: last page
        and     dword [ebp+20], ~PTE_FLAGS
.page:  push    1
        push    esi
        push    dword [ebp+8]
        call    pgdir_walk
        add     esp, 12
        test    eax, eax
        jz      .failed
        test    dword [eax], PTE_P
        jnz     .remap
        mov     edx, [ebp+24]
        and     edx, PTE_FLAGS
        or      edx, [ebp+20]
        or      edx, PTE_P
        mov     [eax], edx
        cmp     esi, edi
        je      .out
        add     esi, PGSIZE
        add     dword [ebp+20], PGSIZE
        jmp     .page
.failed:
        mov     ebx, -1
.out:   RETURN_TRACED EV_MAP_REGION, ebx
.remap: PANIC   "remap"

; pgdir_alloc() -> a new empty directory (kalloc leaves junk, which would read as present
; entries), or 0 when no page is left
pgdir_alloc:
        FRAME_ENTER
        TRACE_BEGIN EV_PGDIR_ALLOC, 0
        call    kalloc
        mov     ebx, eax
        test    eax, eax
        jz      .out
        mov     edi, eax
        xor     eax, eax
        mov     ecx, PGSIZE / 4
        rep stosd
.out:   RETURN_TRACED EV_PGDIR_ALLOC, ebx

; setupkvm() -> a new directory mapping kmap (xv6's setupkvm), or 0 when memory ran out, in
; which case everything it took is given back.
setupkvm:
        FRAME_ENTER
        TRACE_BEGIN EV_SETUP_KVM, 0
        call    pgdir_alloc
        mov     ebx, eax
        test    eax, eax
        jz      .out
        mov     esi, kmap
.row:   cmp     esi, kmap_end
        jae     .out
        push    dword [esi+KMAP_PERM]
        push    dword [esi+KMAP_START]
        mov     eax, [esi+KMAP_END]
        sub     eax, [esi+KMAP_START]
        push    eax
        push    dword [esi+KMAP_VIRT]
        push    ebx
        call    map_region
        add     esp, 20
        add     esi, KMAP_SIZE
        test    eax, eax
        jz      .row
        push    ebx
        call    vm_free
        add     esp, 4
        xor     ebx, ebx
.out:   RETURN_TRACED EV_SETUP_KVM, ebx

; kvm_init(): the kernel's own directory (xv6's setupkvm and kvmalloc) in kpgdir, loaded, and
; CR0.WP set so that the kernel itself cannot write its read-only text. Without memory for it
; the kernel cannot go on.
kvm_init:
        call    setupkvm
        test    eax, eax
        jz      .none
        mov     [kpgdir], eax
        push    eax
        call    switch_vm
        add     esp, 4
        mov     eax, cr0
        or      eax, CR0_WP
        mov     cr0, eax
        ret
.none:  PANIC   "kvm_init: out of memory"

; switch_vm(pgdir): loads the directory into CR3
switch_vm:
        mov     eax, [esp+4]
        TRACE_BEGIN EV_SWITCH_VM, 1
        TRACE_VAL eax
        sub     eax, KERNBASE
        mov     cr3, eax
        TRACE_END EV_SWITCH_VM, 0
        ret

; vm_free(pgdir): frees every table a present PDE points to (the flag bits masked off), then the
; directory. The pages the tables map are not the directory's to free.
vm_free:
        FRAME_ENTER
        TRACE_BEGIN EV_VM_FREE, 1
        TRACE_VAL [ebp+8]
        mov     esi, [ebp+8]
        test    esi, esi
        jz      .none
        xor     ebx, ebx
.pde:   mov     eax, [esi+ebx*4]
        test    eax, PTE_P
        jz      .skip
        and     eax, ~PTE_FLAGS
        add     eax, KERNBASE
        push    eax
        call    kfree
        add     esp, 4
.skip:  inc     ebx
        cmp     ebx, 1024
        jb      .pde
        push    esi
        call    kfree
        add     esp, 4
        TRACE_END EV_VM_FREE, 0
        FRAME_LEAVE
.none:  PANIC   "vm_free: no pgdir"

; lookup(pgdir, va) -> the PTE of va, or 0 when va is not mapped; no table is allocated and no
; record written (check_vm's own walk)
lookup:
        mov     edx, [esp+4]
        mov     ecx, [esp+8]
        mov     eax, ecx
        shr     eax, 22
        mov     eax, [edx+eax*4]
        test    eax, PTE_P
        jz      .none
        and     eax, ~PTE_FLAGS
        shr     ecx, 12
        and     ecx, 0x3FF
        mov     eax, [eax + KERNBASE + ecx*4]
        test    eax, PTE_P
        jnz     .done
.none:  xor     eax, eax
.done:  ret

; check_vm(pgdir) -> 1 when every kmap page translates to its physical page with exactly its
; permissions (P, W as kmap says, never U), and nothing else is mapped: the present PTEs number
; exactly the kmap pages, and kmap's rows do not overlap. Prints the first page that is wrong.
check_vm:
        FRAME_ENTER
        xor     edi, edi                            ; edi: kmap pages
        mov     esi, kmap
.row:   cmp     esi, kmap_end
        jae     .extra
        mov     ebx, [esi+KMAP_VIRT]
        mov     ecx, [esi+KMAP_END]
        sub     ecx, [esi+KMAP_START]
        shr     ecx, 12
        add     edi, ecx
        mov     [check_vm_left], ecx
        mov     eax, [esi+KMAP_START]
        mov     [check_vm_pa], eax
.page:  cmp     dword [check_vm_left], 0
        je      .next_row
        push    ebx
        push    dword [ebp+8]
        call    lookup
        add     esp, 8
        mov     edx, [esi+KMAP_PERM]
        or      edx, [check_vm_pa]
        or      edx, PTE_P
        and     eax, ~(PTE_FLAGS & ~(PTE_P | PTE_W | PTE_U))
        cmp     eax, edx
        jne     .wrong
        add     ebx, PGSIZE
        add     dword [check_vm_pa], PGSIZE
        dec     dword [check_vm_left]
        jmp     .page
.next_row:
        add     esi, KMAP_SIZE
        jmp     .row
.extra: mov     esi, [ebp+8]                        ; count every present PTE
        xor     ebx, ebx
        xor     ecx, ecx
.pde:   mov     eax, [esi+ecx*4]
        test    eax, PTE_P
        jz      .next_pde
        and     eax, ~PTE_FLAGS
        add     eax, KERNBASE
        xor     edx, edx
.pte:   test    dword [eax+edx*4], PTE_P
        jz      .next_pte
        inc     ebx
.next_pte:
        inc     edx
        cmp     edx, 1024
        jb      .pte
.next_pde:
        inc     ecx
        cmp     ecx, 1024
        jb      .pde
        cmp     ebx, edi
        jne     .outside
        mov     eax, 1
        FRAME_LEAVE
.wrong: PRINT   "check_vm: wrong mapping at "
        PUTHEX  ebx
        NEWLINE
        xor     eax, eax
        FRAME_LEAVE
.outside:
        PRINT   "check_vm: pages mapped outside kmap"
        NEWLINE
        xor     eax, eax
        FRAME_LEAVE
