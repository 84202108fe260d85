package org.j386.emulator.machine;

import org.j386.emulator.memory.PortBus;

/**
 * What the BIOS leaves behind before a Multiboot loader runs, as far as a kernel can observe it.
 * j386 has no BIOS; it programs the interrupt controllers the way SeaBIOS under QEMU does, so a
 * kernel that reads the masks before remapping sees the same values under both.
 */
final class Firmware {
    private Firmware() {
    }

    /** The 8259 pair at vectors 0x08/0x70, cascaded, with SeaBIOS's final masks. */
    static void initialiseInterruptControllers(PortBus ports) {
        int[][] writes = {
                {0x20, 0x11}, {0x21, 0x08}, {0x21, 0x04}, {0x21, 0x01},
                {0xA0, 0x11}, {0xA1, 0x70}, {0xA1, 0x02}, {0xA1, 0x01},
                {0x21, 0xB8}, {0xA1, 0x8E},
        };
        for (int[] w : writes) {
            ports.out(w[0], 1, w[1]);
        }
    }
}
