package org.j386.tools.image;

/**
 * One ELF program header. Addresses, offsets and sizes are unsigned 32-bit values held in ints, as
 * everywhere in the machine.
 *
 * @param index position in the program header table, for messages
 */
public record ProgramHeader(int index, int type, int offset, int vaddr, int paddr, int filesz, int memsz,
                            int flags, int align) {
    public static final int PT_NULL = 0, PT_LOAD = 1;
    public static final int PF_X = 1, PF_W = 2, PF_R = 4;

    public boolean isLoad() {
        return type == PT_LOAD;
    }

    public boolean executable() {
        return (flags & PF_X) != 0;
    }
}
