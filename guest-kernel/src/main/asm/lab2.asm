; lab2.asm - the j386 Lab2 guest kernel: an xv6-style physical page allocator (kalloc.asm) and
; kernel page tables (vm.asm), with the tests that exercise them (lab2_tests.asm).
; A higher-half kernel: linked at KERNBASE + 1 MiB, loaded at 1 MiB through the Multiboot
; header's address fields, entered with paging off. Assembled by j386's own assembler.
;
; Command line: test=all (default) or test=NAME,NAME,...
;               crash=remap|kfree: commit that kernel bug after boot (shows its panic)
; With a scenario module (lab2_scenario.asm) the kernel runs that scenario instead of the tests.
; Output and exit as the MP4 kernel (kernel.asm): PASS/FAIL lines, debug-exit port 0xF4.

KERNBASE        equ 0x80000000
EXTMEM          equ 0x100000
KERNLINK        equ KERNBASE + EXTMEM

        bits    32
        org     KERNLINK
MIB             equ 0x100000
BOOT_MAPPED     equ 4 * MIB             ; what the boot directory maps, and kinit1 may free
MB_MAGIC        equ 0x1BADB002
MB_FLAGS        equ 0x00010003          ; page-aligned modules, memory info, address fields
CR4_PSE         equ 1 << 4
CR0_PG          equ 1 << 31
PDE_4M          equ 0x83                ; present, writable, 4 MiB page
PHYSTOP_MAX     equ 256 * MIB           ; the most memory the kernel maps (free_seen's size)
FREE_SEEN_BYTES equ PHYSTOP_MAX / PGSIZE / 8

kernel_start:
mb_header:                              ; physical addresses: the loader runs before paging
        dd      MB_MAGIC
        dd      MB_FLAGS
        dd      -(MB_MAGIC + MB_FLAGS)
        dd      mb_header - KERNBASE    ; header_addr
        dd      kernel_start - KERNBASE ; load_addr
        dd      kernel_end - KERNBASE   ; load_end_addr
        dd      kernel_end - KERNBASE   ; bss_end_addr (no bss: all data is in the image)
        dd      start - KERNBASE        ; entry_addr

; PANIC "message": the kernel cannot go on; the running test fails and the run ends
%macro PANIC 1
        PRINT   "panic: "
        PRINT   %1
        NEWLINE
        jmp     fail_stop
%endmacro

%define PAGE_FAULT_HANDLER lab2_page_fault
%include "macros.asm"
%include "trace.asm"
%include "console.asm"
%include "interrupts.asm"
%include "harness.asm"
%include "kalloc.asm"
%include "vm.asm"
%include "lab2_tests.asm"
%include "lab2_scenario.asm"

; Entered at the physical address with paging off: only addresses made physical work until the
; jump to high. The boot directory maps the first 4 MiB both at 0 (this code) and at KERNBASE.
start:
        cli
        mov     [V2P(mb_magic)], eax
        mov     [V2P(mb_info)], ebx
        mov     eax, cr4
        or      eax, CR4_PSE
        mov     cr4, eax
        mov     eax, V2P(entrypgdir)
        mov     cr3, eax
        mov     eax, cr0
        or      eax, CR0_PG
        mov     cr0, eax
        mov     eax, high
        jmp     eax
high:
        mov     esp, stack_top
        cld
        call    gdt_load
        call    idt_setup
        call    vga_clear
        call    copy_cmdline
        PRINT   "j386 lab2 kernel: physical page allocator and kernel page tables"
        NEWLINE
        call    require_multiboot
        call    scenario_copy                       ; before kinit1 frees where it lies
        call    memory_layout
        RUN_STEP name_kinit1, test_kinit1
        RUN_STEP name_kvm_init, test_kvm_init
        RUN_STEP name_kinit2, test_kinit2
        call    crash_on_request
        cmp     dword [scn_count], 0
        jne     .scenario
        call    run_tests
        jmp     finish
.scenario:
        RUN_STEP name_scenario, test_scenario
        jmp     finish

name_kinit1:    db "kinit1", 0
name_kvm_init:  db "kvm_init", 0
name_kinit2:    db "kinit2", 0
name_scenario:  db "scenario", 0

; PHYSTOP: the top of RAM from the Multiboot mem_upper, at most PHYSTOP_MAX and at most a
; scenario's own limit; the writable kmap row ends there. Then the layout record, so that a
; reference knows the kernel's end, where its data starts and PHYSTOP.
memory_layout:
        mov     eax, [mb_info]
        mov     eax, [eax+8]                        ; mem_upper: KiB above 1 MiB
        add     eax, 1024
        shl     eax, 10
        and     eax, -PGSIZE
        cmp     eax, PHYSTOP_MAX
        jbe     .cap
        mov     eax, PHYSTOP_MAX
.cap:   mov     edx, [scn_phystop]
        test    edx, edx
        jz      .set
        cmp     eax, edx
        jbe     .set
        mov     eax, edx
.set:   mov     [phystop], eax
        mov     [kmap_data_end], eax
        TRACE_BEGIN EV_KERNEL_LAYOUT, 3
        TRACE_VAL kernel_end
        TRACE_VAL data_start
        TRACE_VAL eax
        TRACE_END EV_KERNEL_LAYOUT, 0
        ret

; crash=remap or crash=kfree commits that kernel bug, to show its panic: mapping the I/O space
; again in the kernel's directory, and freeing the kernel's first page.
crash_on_request:
        call    crash_requested
        test    eax, eax
        jz      .none
        cmp     byte [eax], 'r'
        je      .remap
        push    KERNLINK
        call    kfree
.remap: push    PTE_W
        push    0
        push    PGSIZE
        push    KERNBASE
        push    dword [kpgdir]
        call    map_region
.none:  ret


; ---------------------------------------------------------------- data (all inside the image)
; Everything from here on is writable; everything before it is text and read-only data, which
; kvm_init maps read-only.
        align   PGSIZE
data_start:
entrypgdir:
        dd      PDE_4M                              ; VA 0: where the boot code runs
        times   (KERNBASE >> 22) - 1 dd 0
        dd      PDE_4M                              ; VA KERNBASE: where the kernel is linked
        times   1023 - (KERNBASE >> 22) dd 0
kmap:                                   ; virt, phys start, phys end, perm
        dd      KERNBASE, 0, EXTMEM, PTE_W                          ; I/O space
        dd      KERNLINK, V2P(KERNLINK), V2P(data_start), 0         ; text and read-only data
        dd      data_start, V2P(data_start)                         ; data and the rest of memory
kmap_data_end:
        dd      0, PTE_W
        dd      VGA_TEXT, VGA_TEXT, VGA_TEXT + PGSIZE, PTE_W        ; device window: the screen
kmap_end:
        HARNESS_DATA
kmem_freelist:  dd 0
phystop:        dd 0
kpgdir:         dd 0
pf_address:     dd 0
pf_error:       dd 0
check_vm_left:  dd 0
check_vm_pa:    dd 0
held:           dd 0
held_count:     dd 0
spaces_before:  dd 0
spaces_left:    dd 0
spaces_size:    dd 0
scn_count:      dd 0
scn_phystop:    dd 0
scn_current:    dd 0
scn_step:       dd 0                    ; the scenario's operation running, from 1
scn_pages:      times L2_PAGE_SLOTS dd 0
scn_spaces:     times L2_SPACE_SLOTS dd 0
scn_kernel:     times L2_SPACE_SLOTS dd 0
scn_ops:        times L2_MAX_OPS * L2_OP_SIZE db 0
free_seen:      times FREE_SEEN_BYTES db 0
        align   16
stack:          times 16384 db 0
stack_top:
kernel_end:
