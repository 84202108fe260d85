; kernel.asm - the j386 guest kernel: a memory manager (contiguous frame pools, recursive page
; tables with lazy page faults, virtual-memory pools) and the tests that exercise it.
; Multiboot v1, loaded at 1 MiB. Assembled by j386's own assembler (NASM dialect).
;
; Command line: test=all (default) or test=NAME,NAME,...   pt_mib=N (page-table test size, 4)
;               crash=gp|divide|segv: raise that exception first (shows its report)
; With a scenario module (scenario.asm) the kernel runs that scenario instead of the tests.
; Output: one "PASS name" or "FAIL name" line per test on port 0xE9 and the VGA screen;
; the run ends through the debug-exit port 0xF4: 0 when every test passed (exit status 1),
; 1 otherwise (exit status 3).

        bits    32
        org     0x100000

MB_MAGIC        equ 0x1BADB002
MB_FLAGS        equ 0x00010003          ; page-aligned modules, memory info, address fields
MIB             equ 0x100000
KERNEL_POOL_BASE equ 2 * MIB / 4096
KERNEL_POOL_FRAMES equ 2 * MIB / 4096
PROCESS_POOL_BASE equ 4 * MIB / 4096
HOLE_FRAME      equ 15 * MIB / 4096
HOLE_FRAMES     equ MIB / 4096

kernel_start:
mb_header:
        dd      MB_MAGIC
        dd      MB_FLAGS
        dd      -(MB_MAGIC + MB_FLAGS)
        dd      mb_header               ; header_addr
        dd      kernel_start            ; load_addr
        dd      kernel_end              ; load_end_addr
        dd      kernel_end              ; bss_end_addr (no bss: all data is in the image)
        dd      start                   ; entry_addr

%define PAGE_FAULT_HANDLER pt_handle_fault
%include "macros.asm"
%include "trace.asm"
%include "console.asm"
%include "interrupts.asm"
%include "frame_pool.asm"
%include "page_table.asm"
%include "vm_pool.asm"
%include "harness.asm"
%include "tests.asm"
%include "scenario.asm"

start:
        cli
        mov     esp, stack_top
        cld
        mov     [mb_magic], eax
        mov     [mb_info], ebx
        call    gdt_load
        call    idt_setup
        call    pic_pit_setup
        call    vga_clear
        call    copy_cmdline
        PRINT   "j386 guest kernel: memory manager tests"
        NEWLINE
        call    require_multiboot
        push    SCN_MAGIC
        call    scenario_module
        add     esp, 4
        mov     [scn_module], eax
        call    memory_setup
        call    crash_on_request
        sti
        cmp     dword [scn_module], 0
        jne     .scenario
        call    run_tests
        jmp     finish
.scenario:                                          ; a scenario module: run it and nothing else
        RUN_TEST "scenario", test_scenario
        jmp     finish

; The kernel pool at 2-4 MiB keeps its info frame inside; the process pool from 4 MiB to the top
; of RAM takes its info frames from the kernel pool (it is not mapped one to one once paging is
; on); the 15-16 MiB hole is inaccessible. Then the first page table is built, loaded and enabled.
memory_setup:
        push    ebx
        push    0
        push    KERNEL_POOL_FRAMES
        push    KERNEL_POOL_BASE
        push    kernel_pool
        call    fp_init
        add     esp, 16
        mov     ebx, [mb_info]
        mov     eax, [ebx+8]                        ; mem_upper: KiB above 1 MiB
        add     eax, 1024
        shr     eax, 2                              ; frames of RAM
        sub     eax, PROCESS_POOL_BASE
        mov     [process_frames], eax
        push    eax
        call    needed_info_frames
        add     esp, 4
        push    eax
        push    kernel_pool
        call    fp_get_frames
        add     esp, 8
        push    eax
        push    dword [process_frames]
        push    PROCESS_POOL_BASE
        push    process_pool
        call    fp_init
        add     esp, 16
        cmp     dword [process_frames], HOLE_FRAME + HOLE_FRAMES - PROCESS_POOL_BASE
        jbe     .paging
        push    HOLE_FRAMES
        push    HOLE_FRAME
        push    process_pool
        call    fp_mark_inaccessible
        add     esp, 12
.paging:
        push    pt_main
        call    pt_init
        call    pt_load
        add     esp, 4
        call    pt_enable_paging
        pop     ebx
        ret

; crash=gp, crash=divide or crash=segv on the command line raises that exception (segv: a read
; outside every pool), to show its report.
crash_on_request:
        call    crash_requested
        test    eax, eax
        jz      .none
        cmp     byte [eax], 'g'
        je      .gp
        cmp     byte [eax], 's'
        je      .segv
        xor     ecx, ecx
        div     ecx                                 ; #DE: vector 0
.gp:    int     0x80                                ; no gate: #GP with error code 0x80 * 8 + 2
.segv:  mov     eax, [0xC0000000]                   ; no pool there: segmentation fault
.none:  ret


; ---------------------------------------------------------------- data (all inside the image)
        align   4
        HARNESS_DATA
pool_list:      dd 0
process_frames: dd 0
shared_low_table: dd 0
paging_on:      dd 0
current_pt:     dd 0
kernel_pool:    times FP_size db 0
process_pool:   times FP_size db 0
pt_main:        times PT_size db 0
pt_second:      times PT_size db 0
vm_pt_test:     times VM_size db 0
vm_code:        times VM_size db 0
vm_heap:        times VM_size db 0
vm_churn:       times VM_size db 0
vm_second:      times VM_size db 0
live:           times 512 dd 0
        align   16
stack:          times 16384 db 0
stack_top:
kernel_end:
