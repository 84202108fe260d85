/* The Multiboot v1 information structure as the loader hands it over:
 * magic, flags, memory sizes, the memory map, boot device, boot loader name,
 * the command line and the modules (strings, sizes, page alignment that our
 * header asked for, and contents).
 *
 * QEMU prefixes the command line with the kernel's file name and each module
 * string is "<file> <args>" as given to -initrd; only the base name of those
 * file paths is printed so the expected output does not depend on the
 * directory the test runs from.  Absolute addresses of the structures are
 * loader choices, so only their properties (below 1 MiB, page aligned,
 * outside the kernel) are printed. */
#include "kernel.h"

static void print_basename_then_rest(const char *s)
{
    const char *end = s;
    while (*end && *end != ' ') end++;
    const char *base = s;
    for (const char *p = s; p < end; p++) if (*p == '/') base = p + 1;
    print("file=\"");
    for (const char *p = base; p < end; p++) putc(*p);
    print("\" rest=\"");
    print(*end ? end + 1 : end);
    print("\"");
}

static uint32_t checksum(const uint8_t *p, uint32_t n)
{
    /* Order-sensitive so a shuffled module does not pass. */
    uint32_t h = 2166136261u;
    for (uint32_t i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u;
    return h;
}

static const char *yes(int c) { return c ? "yes" : "no"; }

int kmain(uint32_t magic, struct mb_info *mbi)
{
    print("multiboot_info: what the loader passed\n");
    print("magic="); print_hexn(magic, 8); nl();
    if (magic != MB_BOOT_MAGIC) { print("FAIL bad magic\n"); return 0x10; }
    uint32_t kstart = (uint32_t)__kernel_start, kend = (uint32_t)__kernel_end;
    print("flags="); print_hexn(mbi->flags, 8); nl();
#ifdef SHOW_ADDRESSES
    /* Loader-specific placement, for investigating a loader by hand:
     * gcc ... -DSHOW_ADDRESSES; never part of the expected output. */
    print("mbi="); print_hexn((uint32_t)mbi, 8); print(" cmdline="); print_hexn(mbi->cmdline, 8);
    print(" mods="); print_hexn(mbi->mods_addr, 8); print(" mmap="); print_hexn(mbi->mmap_addr, 8);
    print(" name="); print_hexn(mbi->boot_loader_name, 8); nl();
    for (uint32_t i = 0; i < mbi->mods_count; i++) {
        const struct mb_module *m = (const struct mb_module *)mbi->mods_addr + i;
        print("mod "); print_hexn(m->mod_start, 8); putc('-'); print_hexn(m->mod_end, 8);
        print(" string="); print_hexn(m->string, 8); nl();
    }
#endif
    print("info struct outside kernel: ");
    print(yes((uint32_t)mbi + sizeof *mbi <= kstart || (uint32_t)mbi >= kend)); nl();

    if (mbi->flags & (1u << 0)) {
        print("mem_lower="); print_dec(mbi->mem_lower); print(" KiB mem_upper=");
        print_dec(mbi->mem_upper); print(" KiB\n");
    } else return 0x11;

    if (mbi->flags & (1u << 1)) { print("boot_device="); print_hexn(mbi->boot_device, 8); nl(); }

    if (mbi->flags & (1u << 2)) {
        const char *c = (const char *)mbi->cmdline;
        print("cmdline: "); print_basename_then_rest(c); nl();
    } else return 0x12;

    if (mbi->flags & (1u << 3)) {
        print("mods_count="); print_dec(mbi->mods_count); nl();
        const struct mb_module *m = (const struct mb_module *)mbi->mods_addr;
        for (uint32_t i = 0; i < mbi->mods_count; i++) {
            uint32_t len = m[i].mod_end - m[i].mod_start;
            print("module "); print_dec(i); print(": "); print_basename_then_rest((const char *)m[i].string); nl();
            print("  size="); print_dec(len); print(" page aligned="); print(yes((m[i].mod_start & 0xFFF) == 0));
            print(" above kernel="); print(yes(m[i].mod_start >= kend));
            print(" checksum="); print_hexn(checksum((const uint8_t *)m[i].mod_start, len), 8); nl();
            const uint8_t *p = (const uint8_t *)m[i].mod_start;
            print("  first bytes:");
            for (uint32_t j = 0; j < len && j < 16; j++) { putc(' '); print_hexn(p[j], 2); }
            nl();
            if (i == 0) {
                print("  text: ");
                for (uint32_t j = 0; j < len; j++) putc(p[j] == '\n' ? '|' : (char)p[j]);
                nl();
            }
        }
        if (mbi->mods_count != 2) { print("FAIL expected 2 modules\n"); return 0x13; }
    } else return 0x14;

    if (mbi->flags & (1u << 6)) {
        print("mmap_length="); print_dec(mbi->mmap_length); nl();
        uint32_t a = mbi->mmap_addr;
        while (a < mbi->mmap_addr + mbi->mmap_length) {
            const struct mb_mmap *e = (const struct mb_mmap *)a;
            print("  mmap size="); print_dec(e->size);
            print(" base="); print_hexn(e->addr_hi, 8); print_hexn(e->addr_lo, 8);
            print(" len="); print_hexn(e->len_hi, 8); print_hexn(e->len_lo, 8);
            print(" type="); print_dec(e->type); nl();
            a += e->size + 4;
        }
    }
    /* Only that a name is given: each loader writes its own ("qemu", "j386"). */
    if (mbi->flags & (1u << 9)) {
        const char *name = (const char *)mbi->boot_loader_name;
        print("boot_loader_name: "); print(name[0] ? "present" : "empty"); nl();
    }
    print("PASS multiboot_info done\n");
    return 0;
}
