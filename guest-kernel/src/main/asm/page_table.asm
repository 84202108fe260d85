; page_table.asm - two-level page tables with a recursive directory and lazy page faults.
; The directory and all page-table pages come from the process pool. PDE 0 points at one page
; table mapping the first 4 MiB one to one, shared by every page table; PDE 1023 points at the
; directory itself, so once paging is on the current directory is at 0xFFFFF000 and page table i
; at 0xFFC00000 | i << 12.

PG_PRESENT      equ 1
PG_WRITABLE     equ 2
PD_WINDOW       equ 0xFFFFF000              ; the current directory
PT_WINDOW       equ 0xFFC00000              ; the current page tables
SCRATCH_SLOT    equ 1022                    ; PDE used to reach a new directory while paging is on
SCRATCH_PAGE    equ PT_WINDOW | SCRATCH_SLOT << 12

struc PT
  .dir:         resd 1          ; directory frame
  .pools:       resd 1          ; first registered VM pool
endstruc

; process_frame -> one frame from the process pool (directories and page tables), or 0
process_frame:
        push    1
        push    process_pool
        call    fp_get_frames
        add     esp, 8
        ret

; pt_init(pt) -> directory frame. Before paging the frames are written physically; with paging
; on, the new directory is reached through PDE 1022 of the current one, as if it were a page table.
pt_init:
        FRAME_ENTER
        TRACE_BEGIN EV_PT_INIT, 0
        call    process_frame
        test    eax, eax
        jz      .nomem
        mov     ebx, eax                            ; ebx: directory frame
        cmp     dword [shared_low_table], 0
        jne     .build
        call    process_frame
        test    eax, eax
        jz      .nomem
        mov     [shared_low_table], eax
        mov     edi, eax                            ; before paging: fill it physically
        shl     edi, 12
        mov     eax, PG_PRESENT | PG_WRITABLE
        mov     ecx, 1024
.low:   stosd
        add     eax, 4096
        loop    .low
.build: mov     edi, ebx
        shl     edi, 12
        cmp     dword [paging_on], 0
        je      .fill
        mov     esi, [PD_WINDOW + SCRATCH_SLOT * 4] ; borrow PDE 1022 of the current directory
        mov     eax, edi
        or      eax, PG_PRESENT | PG_WRITABLE
        mov     [PD_WINDOW + SCRATCH_SLOT * 4], eax
        invlpg  [SCRATCH_PAGE]
        mov     edi, SCRATCH_PAGE
.fill:  push    edi
        xor     eax, eax
        mov     ecx, 1024
        rep stosd
        pop     edi
        mov     eax, [shared_low_table]
        shl     eax, 12
        or      eax, PG_PRESENT | PG_WRITABLE
        mov     [edi], eax
        mov     eax, ebx
        shl     eax, 12
        or      eax, PG_PRESENT | PG_WRITABLE
        mov     [edi + 1023 * 4], eax
        cmp     dword [paging_on], 0
        je      .done
        mov     [PD_WINDOW + SCRATCH_SLOT * 4], esi
        invlpg  [SCRATCH_PAGE]
.done:  mov     edx, [ebp+8]
        mov     [edx+PT.dir], ebx
        mov     dword [edx+PT.pools], 0
        RETURN_TRACED EV_PT_INIT, ebx
.nomem: PRINT   "page table: out of frames for a directory or the first page table"
        NEWLINE
        jmp     fail_stop

; pt_load(pt): CR3 := its directory; it becomes the current page table
pt_load:
        push    ebp
        mov     ebp, esp
        mov     edx, [ebp+8]
        TRACE_BEGIN EV_PT_LOAD, 1
        TRACE_VAL [edx+PT.dir]
        mov     [current_pt], edx
        mov     eax, [edx+PT.dir]
        shl     eax, 12
        mov     cr3, eax
        TRACE_END EV_PT_LOAD, 0
        pop     ebp
        ret

pt_enable_paging:
        TRACE_BEGIN EV_PT_ENABLE, 0
        mov     eax, cr0
        or      eax, 0x80000000
        mov     cr0, eax
        mov     dword [paging_on], 1
        TRACE_END EV_PT_ENABLE, 0
        ret

; pt_register_pool(pt, vm): appends the pool to the page table's list (no fixed limit)
pt_register_pool:
        push    ebp
        mov     ebp, esp
        mov     edx, [ebp+8]
        mov     ecx, [ebp+12]
        TRACE_BEGIN EV_REGISTER_POOL, 2
        TRACE_VAL [edx+PT.dir]
        TRACE_VAL [ecx+VM.base]
        mov     dword [ecx+VM.next], 0
        lea     eax, [edx+PT.pools]
        APPEND_TO_LIST ecx, VM.next
        TRACE_END EV_REGISTER_POOL, 0
        pop     ebp
        ret

; pt_handle_fault(address, error code, eip) -> 1 when a frame was mapped, 0 for a segmentation
; fault (a protection fault, or an address no registered pool calls legitimate).
pt_handle_fault:
        FRAME_ENTER
        TRACE_BEGIN EV_PAGE_FAULT, 2
        TRACE_VAL [ebp+8]
        TRACE_VAL [ebp+12]
        xor     ebx, ebx
        test    dword [ebp+12], PG_PRESENT
        jnz     .segv
        mov     eax, [current_pt]
        mov     ebx, [eax+PT.pools]
.ask:   test    ebx, ebx
        jz      .segv
        push    dword [ebp+8]
        push    ebx
        call    vm_is_legitimate
        add     esp, 8
        test    eax, eax
        jnz     .legitimate
        mov     ebx, [ebx+VM.next]
        jmp     .ask
.legitimate:
        mov     esi, [ebp+8]
        shr     esi, 22                             ; esi: directory index
        test    dword [PD_WINDOW + esi*4], PG_PRESENT
        jnz     .table
        call    process_frame
        test    eax, eax
        jz      .nomem
        shl     eax, 12
        or      eax, PG_PRESENT | PG_WRITABLE
        mov     [PD_WINDOW + esi*4], eax
        mov     edi, esi
        shl     edi, 12
        add     edi, PT_WINDOW                      ; the new table through the recursive slot
        invlpg  [edi]
        xor     eax, eax
        mov     ecx, 1024
        rep stosd
.table: push    1
        push    dword [ebx+VM.fpool]
        call    fp_get_frames
        add     esp, 8
        test    eax, eax
        jz      .nomem
        shl     eax, 12
        or      eax, PG_PRESENT | PG_WRITABLE
        mov     edx, [ebp+8]
        shr     edx, 12
        mov     [PT_WINDOW + edx*4], eax
        mov     ebx, eax
        mov     eax, 1
        jmp     .end
.segv:  xor     eax, eax                            ; PTE 0: nothing was mapped
.end:   TRACE_END EV_PAGE_FAULT, 1
        TRACE_VAL ebx
        FRAME_LEAVE
.nomem: PRINT   "page fault at "
        PUTHEX  [ebp+8]
        PRINT   ": out of frames"
        NEWLINE
        jmp     fail_stop

; pt_free_page(page address): clears the PTE in the current page table, releases the frame and
; invalidates the TLB entry -> the frame released, or 0 when the page was not mapped
pt_free_page:
        FRAME_ENTER
        TRACE_BEGIN EV_FREE_PAGE, 1
        TRACE_VAL [ebp+8]
        xor     ebx, ebx
        mov     eax, [ebp+8]
        shr     eax, 22
        test    dword [PD_WINDOW + eax*4], PG_PRESENT
        jz      .done
        mov     eax, [ebp+8]
        shr     eax, 12
        mov     ebx, [PT_WINDOW + eax*4]
        test    ebx, PG_PRESENT
        jz      .unmapped
        mov     dword [PT_WINDOW + eax*4], 0
        mov     eax, [ebp+8]
        invlpg  [eax]
        shr     ebx, 12
        push    ebx
        call    fp_release_frames
        add     esp, 4
        jmp     .done
.unmapped:
        xor     ebx, ebx
.done:  RETURN_TRACED EV_FREE_PAGE, ebx
