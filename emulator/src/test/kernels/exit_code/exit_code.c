/* Exit status through isa-debug-exit: QEMU exits with (value << 1) | 1,
 * so writing 0x2A must end the run with status 85.  Nothing after the OUT
 * may execute. */
#include "kernel.h"

int kmain(uint32_t magic, struct mb_info *mbi)
{
    (void)mbi;
    print("exit_code: writing 0x2A to port 0xF4\n");
    if (magic != MB_BOOT_MAGIC) return 0x01;
    outb(EXIT_PORT, 0x2A);
    /* Reaching this line means the device did not stop the machine. */
    print("FAIL: still running after exit write\n");
    return 0x02;
}
