; frame_pool.asm - contiguous frame pools.
; A pool's state is one byte per frame (FREE, HEAD of an allocated sequence, USED inside a
; sequence, INACCESSIBLE), kept in info frames: the pool's own first frames when it is
; constructed with info frame 0, otherwise frames the caller hands in. All pools are kept on one
; list so that release_frames can find the pool that owns a frame.

FRAME_FREE              equ 0
FRAME_USED              equ 1
FRAME_HEAD              equ 2
FRAME_INACCESSIBLE      equ 3
FRAMES_PER_INFO_FRAME   equ 4096

struc FP
  .base:        resd 1          ; first frame number
  .count:       resd 1          ; frames managed
  .info:        resd 1          ; first info frame
  .next:        resd 1          ; next pool on pool_list
endstruc

; needed_info_frames(n) -> info frames for a pool of n frames
needed_info_frames:
        mov     eax, [esp+4]
        add     eax, FRAMES_PER_INFO_FRAME - 1
        shr     eax, 12
        ret

; fp_init(pool, base frame, frame count, info frame or 0)
fp_init:
        FRAME_ENTER
        TRACE_BEGIN EV_POOL_INIT, 3
        TRACE_VAL [ebp+12]
        TRACE_VAL [ebp+16]
        TRACE_VAL [ebp+20]
        mov     ebx, [ebp+8]
        mov     eax, [ebp+12]
        mov     [ebx+FP.base], eax
        mov     ecx, [ebp+16]
        mov     [ebx+FP.count], ecx
        mov     edx, [ebp+20]
        test    edx, edx
        jnz     .given
        mov     edx, eax
.given: mov     [ebx+FP.info], edx
        mov     dword [ebx+FP.next], 0
        mov     edi, edx
        shl     edi, 12
        xor     eax, eax
        rep stosb                               ; every frame free
        cmp     dword [ebp+20], 0
        jne     .link
        push    dword [ebp+16]
        call    needed_info_frames
        add     esp, 4
        mov     edi, [ebx+FP.info]
        shl     edi, 12
        mov     byte [edi], FRAME_HEAD          ; the info frames are the pool's first sequence
        lea     ecx, [eax-1]
        inc     edi
        mov     al, FRAME_USED
        rep stosb
.link:  mov     eax, pool_list                  ; append to the list of all pools
        APPEND_TO_LIST ebx, FP.next
        TRACE_END EV_POOL_INIT, 1
        TRACE_VAL [ebx+FP.info]
        FRAME_LEAVE

; fp_get_frames(pool, n) -> first frame of the lowest run of n free frames (now a sequence), or 0
fp_get_frames:
        POOL_OP_ENTER EV_GET_FRAMES, FP.base
        mov     esi, [ebx+FP.info]
        shl     esi, 12                         ; esi: state bytes
        mov     edx, esi
        add     edx, [ebx+FP.count]             ; edx: end of the state bytes
        xor     eax, eax                        ; result
        cmp     dword [ebp+12], 0
        je      .done
        mov     edi, esi
.seek:  mov     ecx, edx                        ; find the next free frame from edi
        sub     ecx, edi
        jbe     .none
        mov     al, FRAME_FREE
        repne scasb
        jne     .none
        dec     edi                             ; edi: a free frame; measure its run
        mov     ecx, edi
.run:   inc     ecx
        mov     eax, ecx
        sub     eax, edi
        cmp     eax, [ebp+12]
        je      .found
        cmp     ecx, edx
        jae     .none
        cmp     byte [ecx], FRAME_FREE
        je      .run
        mov     edi, ecx
        jmp     .seek
.found: mov     byte [edi], FRAME_HEAD
        lea     eax, [edi+1]
.mark:  cmp     eax, ecx
        jae     .marked
        mov     byte [eax], FRAME_USED
        inc     eax
        jmp     .mark
.marked:
        mov     eax, edi
        sub     eax, esi
        add     eax, [ebx+FP.base]
        jmp     .done
.none:  xor     eax, eax
.done:  TRACE_END EV_GET_FRAMES, 1
        TRACE_VAL eax
        FRAME_LEAVE

; fp_mark_inaccessible(pool, first frame, n)
fp_mark_inaccessible:
        POOL_OP_ENTER EV_MARK_INACCESSIBLE, FP.base, 3
        mov     edi, [ebx+FP.info]
        shl     edi, 12
        add     edi, [ebp+12]
        sub     edi, [ebx+FP.base]
        mov     ecx, [ebp+16]
        mov     al, FRAME_INACCESSIBLE
        rep stosb
        TRACE_END EV_MARK_INACCESSIBLE, 0
        FRAME_LEAVE

; fp_release_frames(first frame) -> frames freed; finds the owning pool on pool_list.
; A frame outside every pool, or one that does not head a sequence, stops the kernel.
fp_release_frames:
        FRAME_ENTER
        TRACE_BEGIN EV_RELEASE_FRAMES, 1
        TRACE_VAL [ebp+8]
        mov     ebx, [pool_list]
.find:  test    ebx, ebx
        jz      .nopool
        mov     ecx, [ebp+8]
        sub     ecx, [ebx+FP.base]
        cmp     ecx, [ebx+FP.count]
        jb      .owner
        mov     ebx, [ebx+FP.next]
        jmp     .find
.owner: mov     esi, [ebx+FP.info]
        shl     esi, 12
        cmp     byte [esi+ecx], FRAME_HEAD
        jne     .nohead
        xor     edi, edi
.free:  mov     byte [esi+ecx], FRAME_FREE
        inc     ecx
        inc     edi
        cmp     ecx, [ebx+FP.count]
        jae     .freed
        cmp     byte [esi+ecx], FRAME_USED
        je      .free
.freed: TRACE_END EV_RELEASE_FRAMES, 2
        TRACE_VAL [ebx+FP.base]
        TRACE_VAL edi
        mov     eax, edi
        FRAME_LEAVE
.nopool:
        PRINT   "release_frames: frame "
        PUTHEX  [ebp+8]
        PRINT   " belongs to no pool"
        NEWLINE
        jmp     fail_stop
.nohead:
        PRINT   "release_frames: frame "
        PUTHEX  [ebp+8]
        PRINT   " does not start an allocated sequence"
        NEWLINE
        jmp     fail_stop
