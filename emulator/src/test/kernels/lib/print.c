/* Debug console output.  Everything is unbuffered: one OUT per byte keeps the
 * text complete even if a test dies in the middle of a line. */
#include "kernel.h"

void putc(char c) { outb(DEBUGCON_PORT, (uint8_t)c); }

void print(const char *s) { while (*s) putc(*s++); }

void nl(void) { putc('\n'); }

void print_hexn(uint32_t v, int digits)
{
    static const char hex[] = "0123456789ABCDEF";
    for (int i = digits - 1; i >= 0; i--)
        putc(hex[(v >> (i * 4)) & 0xF]);
}

void print_hex(uint32_t v) { print("0x"); print_hexn(v, 8); }

void print_dec(uint32_t v)
{
    char buf[11];
    int n = 0;
    do { buf[n++] = (char)('0' + v % 10); v /= 10; } while (v);
    while (n) putc(buf[--n]);
}

void print_sdec(int32_t v)
{
    if (v < 0) { putc('-'); print_dec(-(uint32_t)v); }
    else print_dec((uint32_t)v);
}

void print_kv(const char *key, uint32_t v)
{
    putc(' '); print(key); putc('='); print_hex(v);
}

void print_flags(uint32_t flags, uint32_t mask)
{
    /* Fixed order O S Z A P C so columns line up in the golden files. */
    static const struct { uint32_t bit; char name; } f[] = {
        { FL_OF, 'O' }, { FL_SF, 'S' }, { FL_ZF, 'Z' },
        { FL_AF, 'A' }, { FL_PF, 'P' }, { FL_CF, 'C' },
    };
    for (unsigned i = 0; i < sizeof f / sizeof f[0]; i++) {
        if (!(mask & f[i].bit)) putc('.');
        else putc((flags & f[i].bit) ? f[i].name : '-');
    }
}

__attribute__((noreturn)) void exit_qemu(uint8_t code)
{
    outb(EXIT_PORT, code);
    for (;;) { cli(); hlt(); }
}

/* String helpers written with REP prefixes so the compiler cannot turn them
 * back into calls to themselves. */
void *memset(void *d, int c, size_t n)
{
    void *dd = d;
    __asm__ volatile("rep stosb" : "+D"(dd), "+c"(n) : "a"(c) : "memory");
    return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
    void *dd = d;
    __asm__ volatile("rep movsb" : "+D"(dd), "+S"(s), "+c"(n) : : "memory");
    return d;
}

void *memmove(void *d, const void *s, size_t n)
{
    if ((uintptr_t)d <= (uintptr_t)s || (uintptr_t)d >= (uintptr_t)s + n)
        return memcpy(d, s, n);
    /* Overlapping with the destination above: copy backwards. */
    void *dd = (char *)d + n - 1;
    const void *ss = (const char *)s + n - 1;
    __asm__ volatile("std; rep movsb; cld" : "+D"(dd), "+S"(ss), "+c"(n) : : "memory", "cc");
    return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const uint8_t *x = a, *y = b;
    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (a[i] != b[i]) return (uint8_t)a[i] < (uint8_t)b[i] ? -1 : 1;
        if (!a[i]) return 0;
    }
    return 0;
}
