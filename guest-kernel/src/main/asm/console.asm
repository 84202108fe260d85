; console.asm - text output on port 0xE9 and the VGA text screen. One character channel only:
; j386 and QEMU may both send the debug console and COM1 to the same terminal, where a second
; channel would print every line twice.

DEBUGCON_PORT   equ 0xE9
VGA_TEXT        equ 0xB8000
VGA_COLS        equ 80
VGA_ROWS        equ 25
VGA_ATTR        equ 0x07

; putc(char c)
putc:
        mov     eax, [esp+4]
        push    ebx
        mov     ebx, eax
        mov     dx, DEBUGCON_PORT
        out     dx, al
        call    vga_putc
        pop     ebx
        ret

; vga_putc: character in BL; keeps the cursor in vga_pos and scrolls at the bottom.
vga_putc:
        push    edi
        push    esi
        push    ecx
        mov     eax, [vga_pos]
        cmp     bl, 10
        je      .newline
        mov     edi, VGA_TEXT
        mov     byte [edi+eax*2], bl
        mov     byte [edi+eax*2+1], VGA_ATTR
        inc     eax
        jmp     .scroll
.newline:
        xor     edx, edx
        mov     ecx, VGA_COLS
        div     ecx
        inc     eax
        imul    eax, eax, VGA_COLS
.scroll:
        cmp     eax, VGA_COLS * VGA_ROWS
        jb      .done
        mov     esi, VGA_TEXT + VGA_COLS * 2
        mov     edi, VGA_TEXT
        mov     ecx, VGA_COLS * (VGA_ROWS - 1) / 2
        rep movsd
        mov     ecx, VGA_COLS / 2
        mov     eax, (VGA_ATTR << 8 | ' ') * 0x10001
        rep stosd
        mov     eax, VGA_COLS * (VGA_ROWS - 1)
.done:
        mov     [vga_pos], eax
        pop     ecx
        pop     esi
        pop     edi
        ret

; vga_clear: blank screen, cursor home
vga_clear:
        push    edi
        mov     edi, VGA_TEXT
        mov     ecx, VGA_COLS * VGA_ROWS / 2
        mov     eax, (VGA_ATTR << 8 | ' ') * 0x10001
        rep stosd
        mov     dword [vga_pos], 0
        pop     edi
        ret

; puts(const char *s)
puts:
        push    esi
        mov     esi, [esp+8]
.next:  movzx   eax, byte [esi]
        test    eax, eax
        jz      .end
        push    eax
        call    putc
        add     esp, 4
        inc     esi
        jmp     .next
.end:   pop     esi
        ret

; Prints a string literal: PRINT "text"
%macro PRINT 1
        jmp     %%over
%%s:    db      %1, 0
%%over: push    %%s
        call    puts
        add     esp, 4
%endmacro

; put_hex(uint32 v): "0x" and eight digits
put_hex:
        push    ebx
        push    esi
        mov     ebx, [esp+12]
        push    '0'
        call    putc
        push    'x'
        call    putc
        add     esp, 8
        mov     esi, 8
.digit: rol     ebx, 4
        mov     eax, ebx
        and     eax, 15
        movzx   eax, byte [hex_digits+eax]
        push    eax
        call    putc
        add     esp, 4
        dec     esi
        jnz     .digit
        pop     esi
        pop     ebx
        ret

; put_dec(uint32 v)
put_dec:
        push    ebx
        push    esi
        mov     eax, [esp+12]
        mov     ebx, 10
        xor     esi, esi
.split: xor     edx, edx
        div     ebx
        add     edx, '0'
        push    edx
        inc     esi
        test    eax, eax
        jnz     .split
.emit:  call    putc
        add     esp, 4
        dec     esi
        jnz     .emit
        pop     esi
        pop     ebx
        ret

%macro PUTHEX 1
        push    dword %1
        call    put_hex
        add     esp, 4
%endmacro

%macro PUTDEC 1
        push    dword %1
        call    put_dec
        add     esp, 4
%endmacro

%macro NEWLINE 0
        push    10
        call    putc
        add     esp, 4
%endmacro

hex_digits:     db      "0123456789abcdef"
