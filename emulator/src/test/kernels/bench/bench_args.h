/* Shared by the benchmark kernels: read "iterations=N" from the Multiboot
 * command line (anywhere in it), or fall back to a default. */
#ifndef BENCH_ARGS_H
#define BENCH_ARGS_H
#include "kernel.h"

static uint32_t cmdline_iterations(const struct mb_info *mbi, uint32_t dflt)
{
    if (!(mbi->flags & 4) || !mbi->cmdline) return dflt;
    static const char key[] = "iterations=";
    for (const char *c = (const char *)mbi->cmdline; *c; c++) {
        if ((c == (const char *)mbi->cmdline || c[-1] == ' ') && !strncmp(c, key, sizeof key - 1)) {
            uint32_t v = 0;
            int digits = 0;
            for (c += sizeof key - 1; *c >= '0' && *c <= '9'; c++, digits++) v = v * 10 + (uint32_t)(*c - '0');
            return digits ? v : dflt;
        }
    }
    return dflt;
}
#endif
