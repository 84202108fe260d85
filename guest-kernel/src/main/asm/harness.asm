; harness.asm - what both bundled kernels share around their tests: selecting and running them,
; reporting PASS/FAIL, the command line, a pseudo-random sequence, surviving a fault, and the end
; of the run through the debug-exit port. Each kernel places HARNESS_DATA (the variables these
; use) among its data and includes this file before its tests.

MB_BOOT_MAGIC   equ 0x2BADB002
DEBUG_EXIT_PORT equ 0xF4
CMDLINE_MAX     equ 256

; HARNESS_DATA: the variables this file, console.asm and interrupts.asm keep, placed by each
; kernel among its data
%macro HARNESS_DATA 0
mb_magic:       dd 0
mb_info:        dd 0
vga_pos:        dd 0
ticks:          dd 0
segv_resume:    dd 0
segv_caught:    dd 0
failures:       dd 0
current_test:   dd 0
rng_state:      dd 0
test_ok:        dd 0
cmdline:        times CMDLINE_MAX db 0
        align   8
idt:            times 48 * 8 db 0
%endmacro

; RUN_TEST "name", function: runs it when selected and prints its PASS/FAIL line
%macro RUN_TEST 2
        push    %%name
        call    test_selected
        add     esp, 4
        test    eax, eax
        jz      %%skip
        RUN_STEP %%name, %2
        jmp     %%skip
%%name: db      %1, 0
%%skip:
%endmacro

; RUN_STEP name, function: runs it whatever the selection (a step later tests depend on) and
; prints its PASS/FAIL line; name is the address of its string
%macro RUN_STEP 2
        mov     dword [current_test], %1
        call    %2
        push    eax
        push    %1
        call    report
        add     esp, 8
        mov     dword [current_test], 0
%endmacro

; CHECK cond, "message": fails the running test (EBP frame test functions) unless cond holds
%macro CHECK 2
        j%1     %%ok
        PRINT   %2
        NEWLINE
        mov     dword [test_ok], 0
%%ok:
%endmacro

; TEST_ENTER / TEST_LEAVE: the frame of a test function; the test passes unless a CHECK fails
%macro TEST_ENTER 0
        FRAME_ENTER
        mov     dword [test_ok], 1
%endmacro

%macro TEST_LEAVE 0
        mov     eax, [test_ok]
        FRAME_LEAVE
%endmacro

; report(name, passed)
report:
        cmp     dword [esp+8], 0
        jne     .pass
        inc     dword [failures]
        PRINT   "FAIL "
        jmp     .name
.pass:  PRINT   "PASS "
.name:  push    dword [esp+4]
        call    puts
        add     esp, 4
        NEWLINE
        ret

; ------------------------------------------------------------------ command line

; param(key) -> pointer to the value of the first "key" token (key includes the '='), or 0
param:
        push    esi
        push    edi
        mov     esi, cmdline
.token: cmp     byte [esi], 0
        je      .none
        cmp     byte [esi], ' '
        jne     .compare
        inc     esi
        jmp     .token
.compare:
        mov     edi, [esp+12]
        mov     edx, esi
.char:  mov     al, [edi]
        test    al, al
        jz      .found
        cmp     al, [edx]
        jne     .skip
        inc     edi
        inc     edx
        jmp     .char
.skip:  cmp     byte [esi], 0                       ; to the end of this token
        je      .none
        cmp     byte [esi], ' '
        je      .token
        inc     esi
        jmp     .skip
.found: mov     eax, edx
        jmp     .end
.none:  xor     eax, eax
.end:   pop     edi
        pop     esi
        ret

; test_selected(name) -> 1 when test= is absent or "all", or lists the name
test_selected:
        push    esi
        push    edi
        push    key_test
        call    param
        add     esp, 4
        test    eax, eax
        jz      .yes
        mov     esi, eax
.item:  mov     edi, [esp+12]
        mov     edx, esi
.char:  mov     al, [edx]
        cmp     al, ','
        je      .end_item
        cmp     al, ' '
        je      .end_item
        test    al, al
        jz      .end_item
        cmp     al, [edi]
        jne     .next_item
        inc     edx
        inc     edi
        jmp     .char
.end_item:
        cmp     byte [edi], 0                       ; the whole name matched the whole item
        je      .yes
        cmp     edx, esi
        je      .no
        mov     ecx, edx
        sub     ecx, esi
        cmp     ecx, 3
        jne     .next_item
        cmp     dword [esi], 'all,'
        je      .yes
        cmp     word [esi], 'al'
        jne     .next_item
        cmp     byte [esi+2], 'l'
        je      .yes
.next_item:
        mov     al, [esi]
        test    al, al
        jz      .no
        cmp     al, ' '
        je      .no
        inc     esi
        cmp     al, ','
        je      .item
        jmp     .next_item
.yes:   mov     eax, 1
        jmp     .end
.no:    xor     eax, eax
.end:   pop     edi
        pop     esi
        ret

; param_number(key, default) -> decimal value of the key, or the default
param_number:
        push    dword [esp+4]
        call    param
        add     esp, 4
        test    eax, eax
        jz      .default
        mov     edx, eax
        xor     eax, eax
        movzx   ecx, byte [edx]
        sub     ecx, '0'
        cmp     ecx, 9
        ja      .default
.digit: movzx   ecx, byte [edx]
        sub     ecx, '0'
        cmp     ecx, 9
        ja      .done
        imul    eax, eax, 10
        add     eax, ecx
        inc     edx
        jmp     .digit
.default:
        mov     eax, [esp+8]
.done:  ret

key_test:       db "test=", 0

; ------------------------------------------------------------------ helpers

; require_multiboot: returns only when a Multiboot loader started the kernel (the information
; the kernel reads is there)
require_multiboot:
        cmp     dword [mb_magic], MB_BOOT_MAGIC
        jne     .no
        ret
.no:    PRINT   "not loaded by a Multiboot loader"
        NEWLINE
        jmp     fail_stop

; crash_requested() -> the value of crash= on the command line, or 0; with one, the crash about
; to be shown is the running "test" (so its report ends FAIL crash)
crash_requested:
        push    key_crash
        call    param
        add     esp, 4
        test    eax, eax
        jz      .none
        mov     dword [current_test], crash_name
.none:  ret

key_crash:      db "crash=", 0
crash_name:     db "crash", 0

; scenario_module(magic) -> the address of the first Multiboot module when it starts with that
; magic (a scenario for this kernel), else 0
scenario_module:
        mov     eax, [mb_info]
        test    dword [eax], 8
        jz      .none
        cmp     dword [eax+20], 0
        je      .none
        mov     eax, [eax+24]
        mov     eax, [eax]                          ; module start
        mov     edx, [esp+4]
        cmp     [eax], edx
        jne     .none
        ret
.none:  xor     eax, eax
        ret

; rand() -> 15 pseudo-random bits (a linear congruential generator, the same on every machine)
rand:
        mov     eax, [rng_state]
        imul    eax, eax, 1103515245
        add     eax, 12345
        mov     [rng_state], eax
        shr     eax, 16
        and     eax, 0x7FFF
        ret

; segv_probe(address) -> 1 when reading it was a segmentation fault, 0 when it could be read
segv_probe:
        mov     eax, [esp+4]
        SEGV_PROBE mov eax, [eax]
        ret

; Copies the Multiboot command line into the kernel (it may lie where paging will not map it).
copy_cmdline:
        push    esi
        push    edi
        mov     edi, cmdline
        mov     ebx, [mb_info]
        test    dword [ebx], 4
        jz      .done
        mov     esi, [ebx+16]
        mov     ecx, CMDLINE_MAX - 1
.copy:  lodsb
        test    al, al
        jz      .done
        stosb
        loop    .copy
.done:  mov     byte [edi], 0
        pop     edi
        pop     esi
        ret

; Ends the run: a summary line and the debug-exit port.
finish:
        cmp     dword [failures], 0
        jne     .failed
        PRINT   "all tests passed"
        NEWLINE
        mov     al, 0
        out     DEBUG_EXIT_PORT, al
        jmp     halt
.failed:
        PUTDEC  [failures]
        PRINT   " test(s) failed"
        NEWLINE
        jmp     exit_failure

; Stops the kernel after an error it cannot continue from: the running test fails.
fail_stop:
        mov     eax, [current_test]
        test    eax, eax
        jz      exit_failure
        PRINT   "FAIL "
        push    dword [current_test]
        call    puts
        add     esp, 4
        NEWLINE
exit_failure:
        mov     al, 1
        out     DEBUG_EXIT_PORT, al
halt:   cli
        hlt
        jmp     halt

