; vm_pool.asm - virtual-memory pools.
; The metadata lives in the pool's own first page, mapped lazily like the rest of the pool:
;   +0 number of regions, +4 number of allocated regions, +8 regions[MAX_REGIONS] of
;   (start address, page count | VM_ALLOCATED)
; The regions are sorted by address and cover the pool after the metadata page without gaps.
; allocate: first fit, splitting the region it takes; release: frees every page of the region and
; merges it with free neighbours, so no two free regions are ever adjacent.

VM_PAGE         equ 4096
VM_META_PAGES   equ 1
VM_MAX_REGIONS  equ (VM_PAGE * VM_META_PAGES - 8) / 8
VM_ALLOCATED    equ 0x80000000
VM_PAGES_MASK   equ 0x7FFFFFFF

struc VM
  .base:        resd 1
  .size:        resd 1
  .fpool:       resd 1          ; frame pool for its pages
  .pt:          resd 1          ; page table it is registered with
  .next:        resd 1          ; next pool of the same page table
endstruc

; vm_init(vm, base, size, frame pool, page table); the page table must be the current one
vm_init:
        FRAME_ENTER
        mov     ebx, [ebp+8]
        mov     ecx, [ebp+20]
        mov     edx, [ebp+24]
        TRACE_BEGIN EV_VM_INIT, 4
        TRACE_VAL [ebp+12]
        TRACE_VAL [ebp+16]
        TRACE_VAL [ecx+FP.base]
        TRACE_VAL [edx+PT.dir]
        mov     eax, [ebp+12]
        mov     [ebx+VM.base], eax
        mov     eax, [ebp+16]
        mov     [ebx+VM.size], eax
        mov     [ebx+VM.fpool], ecx
        mov     [ebx+VM.pt], edx
        push    ebx
        push    edx
        call    pt_register_pool
        add     esp, 8
        mov     esi, [ebx+VM.base]
        mov     dword [esi], 1                      ; the first touch of the metadata page faults
        mov     dword [esi+4], 0
        lea     eax, [esi + VM_META_PAGES * VM_PAGE]
        mov     [esi+8], eax
        mov     eax, [ebx+VM.size]
        shr     eax, 12
        sub     eax, VM_META_PAGES
        mov     [esi+12], eax
        TRACE_END EV_VM_INIT, 0
        FRAME_LEAVE

; vm_allocate(vm, bytes) -> address of a region of whole pages, or 0 (reported) when none fits
vm_allocate:
        POOL_OP_ENTER EV_VM_ALLOCATE, VM.base
        mov     ebx, [ebx+VM.base]                  ; ebx: metadata
        mov     ecx, [ebp+12]
        shr     ecx, 12
        test    dword [ebp+12], VM_PAGE - 1
        jz      .rounded
        inc     ecx
.rounded:                                           ; ecx: pages wanted
        xor     edi, edi                            ; edi: result
        test    ecx, ecx
        jz      .done
        mov     edx, [ebx]                          ; edx: region count
        xor     eax, eax                            ; eax: region index
.scan:  cmp     eax, edx
        jae     .done
        mov     esi, [ebx+12+eax*8]
        test    esi, esi
        js      .next                               ; allocated
        cmp     esi, ecx
        jb      .next
        je      .take
        cmp     edx, VM_MAX_REGIONS
        je      .done
        mov     edi, edx                            ; open slot i + 1: shift regions up by one
.shift: lea     esi, [eax+1]
        cmp     edi, esi
        jbe     .split
        mov     esi, [ebx+edi*8]
        mov     [ebx+8+edi*8], esi
        mov     esi, [ebx+4+edi*8]
        mov     [ebx+12+edi*8], esi
        dec     edi
        jmp     .shift
.split: mov     esi, [ebx+12+eax*8]
        sub     esi, ecx
        mov     [ebx+20+eax*8], esi                 ; the rest stays free after the region
        mov     esi, ecx
        shl     esi, 12
        add     esi, [ebx+8+eax*8]
        mov     [ebx+16+eax*8], esi
        inc     dword [ebx]
.take:  mov     edi, [ebx+8+eax*8]
        or      ecx, VM_ALLOCATED
        mov     [ebx+12+eax*8], ecx
        inc     dword [ebx+4]
        jmp     .done
.next:  inc     eax
        jmp     .scan
.done:  TRACE_END EV_VM_ALLOCATE, 1
        TRACE_VAL edi
        test    edi, edi
        jnz     .ok
        cmp     dword [ebp+12], 0
        je      .ok
        PRINT   "vm_allocate: out of virtual memory in the pool at "
        mov     eax, [ebp+8]
        PUTHEX  [eax+VM.base]
        PRINT   " for "
        PUTDEC  [ebp+12]
        PRINT   " bytes"
        NEWLINE
.ok:    mov     eax, edi
        FRAME_LEAVE

; vm_release(vm, address) -> pages the region held; 0 (reported) when no region starts there
vm_release:
        POOL_OP_ENTER EV_VM_RELEASE, VM.base
        mov     ebx, [ebx+VM.base]                  ; ebx: metadata
        mov     ecx, [ebp+12]
        xor     esi, esi                            ; esi: region index
.find:  cmp     esi, [ebx]
        jae     .unknown
        cmp     [ebx+8+esi*8], ecx
        jne     .next
        test    dword [ebx+12+esi*8], VM_ALLOCATED
        jnz     .found
.next:  inc     esi
        jmp     .find
.found: mov     edi, [ebx+12+esi*8]
        and     edi, VM_PAGES_MASK                  ; edi: pages
        push    edi                                 ; [esp+4]: pages
        push    0                                   ; [esp]: page index, first to last
.page:  mov     eax, [esp]
        cmp     eax, [esp+4]
        jae     .freed
        shl     eax, 12
        add     eax, [ebp+12]
        push    eax
        call    pt_free_page
        add     esp, 4
        inc     dword [esp]
        jmp     .page
.freed: add     esp, 4
        pop     edi
        mov     [ebx+12+esi*8], edi
        dec     dword [ebx+4]
        lea     eax, [esi+1]
        cmp     eax, [ebx]
        jae     .prev
        test    dword [ebx+12+eax*8], VM_ALLOCATED
        jnz     .prev
        push    esi
        call    vm_merge
        add     esp, 4
.prev:  test    esi, esi
        jz      .done
        lea     eax, [esi-1]
        test    dword [ebx+12+eax*8], VM_ALLOCATED
        jnz     .done
        push    eax
        call    vm_merge
        add     esp, 4
        jmp     .done
.unknown:
        xor     edi, edi
.done:  TRACE_END EV_VM_RELEASE, 1
        TRACE_VAL edi
        test    edi, edi
        jnz     .ok
        PRINT   "vm_release: "
        PUTHEX  [ebp+12]
        PRINT   " was never allocated in the pool at "
        mov     eax, [ebp+8]
        PUTHEX  [eax+VM.base]
        NEWLINE
.ok:    mov     eax, edi
        FRAME_LEAVE

; vm_merge(i), metadata in EBX: folds free region i + 1 into free region i
vm_merge:
        mov     eax, [esp+4]
        mov     ecx, [ebx+20+eax*8]
        add     [ebx+12+eax*8], ecx
        inc     eax
.shift: lea     ecx, [eax+1]
        cmp     ecx, [ebx]
        jae     .done
        mov     edx, [ebx+8+ecx*8]
        mov     [ebx+8+eax*8], edx
        mov     edx, [ebx+12+ecx*8]
        mov     [ebx+12+eax*8], edx
        inc     eax
        jmp     .shift
.done:  dec     dword [ebx]
        ret

; vm_is_legitimate(vm, address) -> 1 for the metadata pages and allocated regions, else 0
vm_is_legitimate:
        POOL_OP_ENTER EV_VM_LEGITIMATE, VM.base
        mov     edi, 1
        mov     ecx, [ebp+12]
        sub     ecx, [ebx+VM.base]
        cmp     ecx, VM_META_PAGES * VM_PAGE
        jb      .done
        xor     edi, edi
        cmp     ecx, [ebx+VM.size]
        jae     .done
        mov     ebx, [ebx+VM.base]                  ; ebx: metadata
        xor     esi, esi
.scan:  cmp     esi, [ebx]
        jae     .done
        mov     eax, [ebx+12+esi*8]
        mov     edx, eax
        and     eax, VM_PAGES_MASK
        shl     eax, 12
        mov     ecx, [ebp+12]
        sub     ecx, [ebx+8+esi*8]
        cmp     ecx, eax
        jb      .inside
        inc     esi
        jmp     .scan
.inside:
        shr     edx, 31
        mov     edi, edx
.done:  RETURN_TRACED EV_VM_LEGITIMATE, edi

; vm_counts(vm) -> EAX regions, EDX allocated regions
vm_counts:
        mov     eax, [esp+4]
        mov     ecx, [eax+VM.base]
        mov     eax, [ecx]
        mov     edx, [ecx+4]
        ret
