package org.j386.emulator.boot;

import java.io.ByteArrayOutputStream;
import org.j386.tools.image.Elf32Writer;
import org.j386.tools.image.MultibootHeader;
import org.j386.tools.image.ProgramHeader;
import org.j386.tools.image.Symbol;

/** Kernel images for the loader tests, built with the image tools instead of kept as binary fixtures. */
public final class TestKernels {
    static final int TEXT = 0x100000;
    static final int DATA = 0x101000;
    static final int BSS = 0x102000;
    static final int BSS_SIZE = 0x2800;
    /** cli; hlt; jmp $-1 */
    static final byte[] CODE = {(byte) 0xFA, (byte) 0xF4, (byte) 0xEB, (byte) 0xFD};
    static final byte[] DATA_BYTES = {1, 2, 3, 4, 5};
    /** The data segment is longer in memory than in the file: its tail is zero like bss. */
    static final int DATA_MEMSZ = 0x100;
    private static final int FLAGS = MultibootHeader.PAGE_ALIGN_MODULES | MultibootHeader.MEMORY_INFO;

    private TestKernels() {
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static byte[] header(int flags) {
        return MultibootHeader.builder().flags(flags).build().toBytes();
    }

    /** .text (Multiboot header then code), .data with a zero tail, .bss; entry just after the header. */
    static Elf32Writer elfKernel(int headerFlags) {
        return elfKernel(headerFlags, CODE);
    }

    /** The same kernel layout running {@code code} from its entry point (for machine and CLI tests). */
    public static byte[] elfKernelRunning(byte[] code) {
        return elfKernel(FLAGS, code).toBytes();
    }

    /** Where {@link #elfKernelRunning} puts the code, after the header: the ORG for code that uses its addresses. */
    public static int runningCodeAddress() {
        return TEXT + header(FLAGS).length;
    }

    private static Elf32Writer elfKernel(int headerFlags, byte[] code) {
        byte[] header = header(headerFlags);
        int entry = TEXT + header.length;
        return new Elf32Writer(entry)
                .segment(Elf32Writer.Segment.text(TEXT, concat(header, code)))
                .segment(new Elf32Writer.Segment(".data", DATA, DATA, DATA_BYTES, DATA_MEMSZ,
                        ProgramHeader.PF_R | ProgramHeader.PF_W))
                .segment(Elf32Writer.Segment.bss(BSS, BSS_SIZE))
                .symbol("start", entry, code.length, Symbol.STT_FUNC, Symbol.STB_GLOBAL)
                .symbol("table", DATA, DATA_BYTES.length, Symbol.STT_OBJECT, Symbol.STB_GLOBAL);
    }

    public static byte[] elfKernel() {
        return elfKernel(FLAGS).toBytes();
    }

    /**
     * A flat (non-ELF) image: {@code prefix} bytes of padding, the header with address fields, then
     * code; loaded so that file offset 0 lands at {@code loadAddr}.
     */
    public static byte[] flatKernel(int prefix, int loadAddr, int bssSize) {
        int headerAddr = loadAddr + prefix;
        int codeAddr = headerAddr + 32;
        int loadEnd = codeAddr + CODE.length;
        byte[] header = MultibootHeader.builder()
                .addresses(headerAddr, loadAddr, loadEnd, loadEnd + bssSize, codeAddr).build().toBytes();
        return concat(new byte[prefix], header, CODE);
    }
}
