; macros.asm - the calling convention, and the macros the other files share.
; Calling convention everywhere in both kernels: arguments on the stack (cdecl), result in EAX,
; EAX/ECX/EDX may be clobbered, EBX/ESI/EDI/EBP preserved.

; FRAME_ENTER / FRAME_LEAVE: the frame of a function that reads its arguments at [ebp+8],
; [ebp+12], ... and may use every register the convention asks it to preserve. Saving all of
; them, used or not, gives every such function the same frame, so one pair of macros fits all.
%macro FRAME_ENTER 0
        push    ebp
        mov     ebp, esp
        push    ebx
        push    esi
        push    edi
%endmacro

; Returns from a FRAME_ENTER frame, result in EAX.
%macro FRAME_LEAVE 0
        pop     edi
        pop     esi
        pop     ebx
        pop     ebp
        ret
%endmacro

; APPEND_TO_LIST node, next: links node (a register, not EAX or EDX) at the end of a singly
; linked list whose first link is the dword at EAX; next is the offset of the link in a node.
; Clobbers EAX and EDX.
%macro APPEND_TO_LIST 2
%%walk: mov     edx, [eax]
        test    edx, edx
        jz      %%append
        lea     eax, [edx+%2]
        jmp     %%walk
%%append:
        mov     [eax], %1
%endmacro
