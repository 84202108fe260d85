package org.j386.emulator.jit;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.j386.emulator.cpu.Flags;

/**
 * Random but valid 32-bit code for {@link TierMachine}: common integer instructions in byte, word
 * and dword sizes, memory operands whose every addressing form lands in a data window (or, with
 * paging, now and then on an unmapped page), forward branches, loops back to earlier instructions
 * bounded by a counter register, stores into the code itself, and the few instructions whose
 * exceptions the machine's handlers step over.
 *
 * <p>The code is a list of items, each one instruction or a short group (the instructions that
 * set up a pointer register, then the instruction using it). Branches only ever reach the start
 * of an item, so every group runs whole. One register, the counter, is written by nothing but
 * the loop items, which decrement it and branch back only while it stays positive (or, with
 * JNS, non-negative): every sequence ends.
 */
final class CodeGenerator {
    /** A generated sequence: {@code code} is placed at {@code base} and entered there. */
    record Program(int base, byte[] code, int[] itemStarts, int length, int sentinel) {
        String hex() {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < length; i++) {
                b.append(String.format("%02x", code[i] & 0xFF));
            }
            return b.toString();
        }
    }

    private static final int EAX = 0, ECX = 1, EDX = 2, EBX = 3, ESP = 4, EBP = 5, ESI = 6, EDI = 7;
    private static final int TAIL = 32;

    /** What the fixups of an item refer to, resolved once every item has its address. */
    private enum Fix { FORWARD, BACKWARD, FORWARD_ABSOLUTE, PATCH, CALL, CALL_ABSOLUTE }

    private static final class Fixup {
        final Fix kind;
        final int offset;
        final int size;

        Fixup(Fix kind, int offset, int size) {
            this.kind = kind;
            this.offset = offset;
            this.size = size;
        }
    }

    private static final class Item {
        final ByteArrayOutputStream b = new ByteArrayOutputStream();
        final List<Fixup> fixups = new ArrayList<>();
        /** Offset of the imm32 of a lone MOV r, imm32 (4 bytes), or of a lone one-byte instruction (1). */
        int patchOffset = -1;
        int patchSize;
        /** A store into the code, whose target is chosen once all items exist. */
        boolean codeStore;

        void add(int... bytes) {
            for (int v : bytes) {
                b.write(v);
            }
        }

        void imm(int v, int bytes) {
            for (int i = 0; i < bytes; i++) {
                b.write(v >>> (8 * i));
            }
        }

        int size() {
            return b.size();
        }
    }

    /** A memory operand, after its pointer registers have been set up. */
    private static final class Mem {
        boolean a16;
        int base = -1, index = -1, scale, disp, dispSize;
        /** Through FS (the data window as a segment), with an FS prefix. */
        boolean fs;
        /** 16-bit addressing: the r/m field (0-7), and whether r/m 6 is [disp16] rather than [bp+disp]. */
        int rm16;
        boolean absolute16;
    }

    private final Random rnd;
    private final boolean faultingAddresses;
    private final boolean ring3;
    private final int counter;
    private final boolean loopInstruction;
    private final List<Item> items = new ArrayList<>();
    /** Functions the items call, placed after the sentinel; each returns the way its callers expect. */
    private final List<Item> functions = new ArrayList<>();
    private final List<Integer> functionKinds = new ArrayList<>();
    /** Generating a function body: nothing may touch the return address or branch. */
    private boolean inFunction;

    private CodeGenerator(Random rnd, boolean faultingAddresses, boolean ring3) {
        this.rnd = rnd;
        this.faultingAddresses = faultingAddresses;
        this.ring3 = ring3;
        int[] counters = {ECX, EBX, EBP, ESI, EDI};
        this.counter = counters[rnd.nextInt(counters.length)];
        this.loopInstruction = counter == ECX && rnd.nextInt(3) == 0;
    }

    /**
     * A sequence of up to {@code maxItems} items placed at {@code base}; with {@code
     * faultingAddresses} some memory operands point at unmapped pages (paging must be on); {@code
     * ring3} code ends with INT 0x81 rather than HLT.
     */
    static Program generate(Random rnd, int base, int maxItems, boolean faultingAddresses, boolean ring3) {
        return new CodeGenerator(rnd, faultingAddresses, ring3).build(base, maxItems);
    }

    private Program build(int base, int maxItems) {
        Item prologue = new Item();
        prologue.add(0xB8 + counter);
        prologue.imm(1 + rnd.nextInt(30), 4);
        items.add(prologue);
        int n = 1 + rnd.nextInt(maxItems);
        boolean loopPlaced = false;
        for (int i = 0; i < n; i++) {
            Item it = new Item();
            if (rnd.nextInt(100) < 10 && !(loopInstruction && loopPlaced)) {
                loop(it);
                loopPlaced = true;
            } else {
                instruction(it);
            }
            items.add(it);
            if (setsFlags && rnd.nextInt(5) < 2) {
                // A consumer right behind the producer: the tier evaluates such pairs from the operands.
                Item c = new Item();
                int r = rnd.nextInt(5);
                if (r < 3) {
                    forward(c);
                } else if (r < 4) {
                    setcc(c);
                } else {
                    cmovcc(c);
                }
                items.add(c);
            }
        }
        Item sentinel = new Item();
        if (ring3) {
            sentinel.add(0xCD, TierMachine.STOP_VECTOR, 0xEB, 0xFC); // int 0x81, whose handler halts
        } else {
            sentinel.add(0xF4, 0xEB, 0xFD); // hlt, and back to it should anything wake it
        }
        items.add(sentinel);
        for (Item it : items) {
            if (it.codeStore) {
                codeStore(it);
            }
        }
        List<Item> all = new ArrayList<>(items);
        all.addAll(functions);
        int[] starts = new int[all.size() + 1];
        for (int i = 0; i < all.size(); i++) {
            starts[i + 1] = starts[i] + all.get(i).size();
        }
        int length = starts[all.size()];
        byte[] code = new byte[length + TAIL];
        for (int i = 0; i < all.size(); i++) {
            byte[] b = all.get(i).b.toByteArray();
            System.arraycopy(b, 0, code, starts[i], b.length);
        }
        for (int i = 0; i < items.size(); i++) {
            resolve(i, code, starts, base);
        }
        int[] itemStarts = new int[all.size()];
        for (int i = 0; i < all.size(); i++) {
            itemStarts[i] = base + starts[i];
        }
        return new Program(base, code, itemStarts, length, base + starts[items.size() - 1]);
    }

    private void resolve(int i, byte[] code, int[] starts, int base) {
        Item it = items.get(i);
        for (Fixup f : it.fixups) {
            int at = starts[i] + f.offset;
            int end = at + f.size;
            int value;
            switch (f.kind) {
                case FORWARD: {
                    int j = reachable(i + 1, items.size() - 1, end, starts, f.size);
                    value = starts[j] - end;
                    break;
                }
                case BACKWARD: {
                    int j = reachable(1, i, end, starts, f.size);
                    value = starts[j] - end;
                    break;
                }
                case FORWARD_ABSOLUTE:
                    value = base + starts[i + 1 + rnd.nextInt(items.size() - 1 - i)];
                    break;
                case CALL:
                    value = starts[items.size() + readLe(code, at, 4)] - end;
                    break;
                case CALL_ABSOLUTE:
                    value = base + starts[items.size() + readLe(code, at, 4)];
                    break;
                default: { // PATCH: the code store's target was chosen in codeStore
                    int target = readLe(code, at, 4);
                    value = target < 0 ? base + starts[starts.length - 1] + (-target - 1)
                            : base + starts[target] + items.get(target).patchOffset;
                    break;
                }
            }
            for (int k = 0; k < f.size; k++) {
                code[at + k] = (byte) (value >>> (8 * k));
            }
        }
    }

    /** A random item in [from, to] that a displacement of {@code size} bytes reaches from {@code end}. */
    private int reachable(int from, int to, int end, int[] starts, int size) {
        List<Integer> ok = new ArrayList<>();
        for (int j = from; j <= to; j++) {
            int d = starts[j] - end;
            if (size == 4 || (d >= -128 && d <= 127)) {
                ok.add(j);
            }
        }
        if (ok.isEmpty()) {
            throw new IllegalStateException("no reachable item: the item is longer than a short branch reaches");
        }
        return ok.get(rnd.nextInt(ok.size()));
    }

    private static int readLe(byte[] b, int at, int n) {
        int v = 0;
        for (int k = 0; k < n; k++) {
            v |= (b[at + k] & 0xFF) << (8 * k);
        }
        return v;
    }

    // ---- registers ----

    /** A register the code may write: neither ESP nor the counter. */
    private int dst32() {
        int r;
        do {
            r = rnd.nextInt(8);
        } while (r == ESP || r == counter);
        return r;
    }

    /** A byte register (AL..BH) whose dword is not the counter. */
    private int dst8() {
        int r;
        do {
            r = rnd.nextInt(8);
        } while ((r & 3) == counter);
        return r;
    }

    private int dst(int size) {
        return size == 0 ? dst8() : dst32();
    }

    private int size() {
        int r = rnd.nextInt(20);
        return r < 5 ? 0 : r < 9 ? 1 : 2;
    }

    /** Values that often meet: small ones, the edges of each size, and some random. */
    static int value(Random rnd) {
        int[] edges = {0, 1, -1, 2, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x7FFFFFFF, 0x80000000, 31, 32};
        int r = rnd.nextInt(10);
        return r < 3 ? rnd.nextInt(16) : r < 5 ? edges[rnd.nextInt(edges.length)] : r < 6 ? -rnd.nextInt(16)
                : rnd.nextInt();
    }

    private int imm(int size) {
        int v = value(rnd);
        return size == 0 ? v & 0xFF : size == 1 ? v & 0xFFFF : v;
    }

    private static int immBytes(int size) {
        return size == 0 ? 1 : size == 1 ? 2 : 4;
    }

    /** The operand-size prefix and the opcode with its width bit. */
    private static void op(Item it, int size, int opcode) {
        if (size == 1) {
            it.add(0x66);
        }
        it.add(size == 0 ? opcode : opcode | 1);
    }

    private static void op0F(Item it, int size, int opcode) {
        if (size == 1) {
            it.add(0x66);
        }
        it.add(0x0F, opcode);
    }

    private static void movImm32(Item it, int r, int v) {
        it.add(0xB8 + r);
        it.imm(v, 4);
    }

    // ---- memory operands ----

    /** An address for an access of {@code bytes}: in the data window, at its page boundary, or unmapped. */
    private int dataAddress(int bytes) {
        int r = rnd.nextInt(100);
        if (faultingAddresses && r < 5) {
            return TierMachine.UNMAPPED + rnd.nextInt(TierMachine.UNMAPPED_END - TierMachine.UNMAPPED - 64);
        }
        if (r < 15) {
            return TierMachine.DATA + 0x1000 - rnd.nextInt(bytes + 2);
        }
        return TierMachine.DATA + rnd.nextInt(TierMachine.DATA_SIZE - bytes);
    }

    /**
     * A memory operand reaching an address for {@code bytes}: its pointer registers are set up by
     * instructions added to the item first.
     */
    private Mem mem(Item it, int bytes) {
        int r = rnd.nextInt(100);
        Mem m = new Mem();
        if (r < 6 && counter != EBX && counter != EBP && counter != ESI && counter != EDI) {
            return mem16(it);
        }
        int target = dataAddress(bytes);
        if (rnd.nextInt(12) == 0) {
            // An offset into FS, now and then past its limit (#GP(0), after which FS is 4 GiB wide).
            m.fs = true;
            target = rnd.nextInt(20) == 0 ? TierMachine.DATA_SIZE - bytes + 1 + rnd.nextInt(0x100)
                    : rnd.nextInt(TierMachine.DATA_SIZE - bytes + 1);
            if (r >= 20 && r < 30) {
                r = 0;
            }
        }
        if (r < 20) {
            m.disp = target;
            m.dispSize = 4;
            return m;
        }
        if (r < 30 && inFunction) {
            r = 0;
            m.disp = target;
            m.dispSize = 4;
            return m;
        }
        if (r < 30) {
            // The stack page: ESP stays within a few hundred bytes of where it started.
            m.base = ESP;
            m.disp = rnd.nextInt(128) - 64;
            m.dispSize = 1;
            return m;
        }
        m.dispSize = new int[] {0, 1, 4}[rnd.nextInt(3)];
        m.disp = m.dispSize == 0 ? 0 : m.dispSize == 1 ? rnd.nextInt(256) - 128 : rnd.nextInt(0x400) - 0x200;
        if (r < 70) {
            m.base = dst32();
            movImm32(it, m.base, target - m.disp);
            return m;
        }
        m.index = dst32();
        m.scale = rnd.nextInt(4);
        int k = rnd.nextInt(4) == 0 ? -rnd.nextInt(16) : rnd.nextInt(40);
        movImm32(it, m.index, k);
        if (r < 90) {
            do {
                m.base = dst32();
            } while (m.base == m.index);
            movImm32(it, m.base, target - m.disp - (k << m.scale));
        } else {
            m.dispSize = 4;
            m.disp = target - (k << m.scale);
        }
        return m;
    }

    /** 16-bit addressing into the low window, through BX, BP, SI and DI with junk in their high halves. */
    private Mem mem16(Item it) {
        Mem m = new Mem();
        m.a16 = true;
        m.rm16 = rnd.nextInt(8);
        int target = TierMachine.LOW_WINDOW + rnd.nextInt(TierMachine.LOW_WINDOW_SIZE - 4);
        int[][] regs = {{EBX, ESI}, {EBX, EDI}, {EBP, ESI}, {EBP, EDI}, {ESI}, {EDI}, {EBP}, {EBX}};
        boolean absolute = m.rm16 == 6 && rnd.nextBoolean();
        m.dispSize = absolute ? 2 : m.rm16 == 6 ? 1 + rnd.nextInt(2) : rnd.nextInt(3);
        m.disp = m.dispSize == 0 ? 0 : m.dispSize == 1 ? rnd.nextInt(256) - 128 : rnd.nextInt(0x10000);
        if (absolute) {
            m.absolute16 = true;
            m.dispSize = 2;
            m.disp = target;
            return m;
        }
        int[] used = regs[m.rm16];
        int first = used.length == 2 ? rnd.nextInt(0x10000) : 0;
        movImm32(it, used[0], (rnd.nextInt() & 0xFFFF0000) | ((target - m.disp - first) & 0xFFFF));
        if (used.length == 2) {
            movImm32(it, used[1], (rnd.nextInt() & 0xFFFF0000) | first);
        }
        return m;
    }

    /** LEA's operand: any registers, any values (nothing is accessed). */
    private Mem anyAddress() {
        Mem m = new Mem();
        if (rnd.nextInt(8) == 0) {
            m.a16 = true;
            m.rm16 = rnd.nextInt(8);
            m.dispSize = m.rm16 == 6 ? 1 + rnd.nextInt(2) : rnd.nextInt(3);
            m.disp = rnd.nextInt(0x10000);
            return m;
        }
        m.dispSize = new int[] {0, 1, 4}[rnd.nextInt(3)];
        m.disp = m.dispSize == 1 ? rnd.nextInt(256) - 128 : m.dispSize == 4 ? rnd.nextInt() : 0;
        m.base = rnd.nextInt(5) == 0 ? -1 : rnd.nextInt(8);
        if (rnd.nextBoolean()) {
            do {
                m.index = rnd.nextInt(8);
            } while (m.index == ESP);
            m.scale = rnd.nextInt(4);
        }
        if (m.base < 0) {
            m.dispSize = 4;
        }
        return m;
    }

    /** The ModRM byte (and SIB, displacement) for register field {@code reg} and a memory operand. */
    private static void modrm(Item it, int reg, Mem m) {
        if (m.a16) {
            int mod = m.absolute16 || m.dispSize == 0 ? 0 : m.dispSize == 1 ? 1 : 2;
            it.add((mod << 6) | (reg << 3) | m.rm16);
            it.imm(m.disp, m.absolute16 ? 2 : mod == 0 ? 0 : mod == 1 ? 1 : 2);
            return;
        }
        if (m.base < 0 && m.index < 0) {
            it.add((reg << 3) | 5);
            it.imm(m.disp, 4);
            return;
        }
        int dispSize = m.dispSize;
        if (m.base == EBP && dispSize == 0) {
            dispSize = 1; // [ebp] has no mod 00 form
        }
        if (m.base < 0) {
            it.add((reg << 3) | 4, (m.scale << 6) | (m.index << 3) | 5);
            it.imm(m.disp, 4);
            return;
        }
        int mod = dispSize == 0 ? 0 : dispSize == 1 ? 1 : 2;
        if (m.index < 0 && m.base != ESP) {
            it.add((mod << 6) | (reg << 3) | m.base);
        } else {
            it.add((mod << 6) | (reg << 3) | 4, (m.scale << 6) | ((m.index < 0 ? 4 : m.index) << 3) | m.base);
        }
        it.imm(m.disp, dispSize);
    }

    private static void modrmReg(Item it, int reg, int rm) {
        it.add(0xC0 | (reg << 3) | rm);
    }

    /** Emits the address-size prefix a 16-bit memory operand needs; call before the opcode. */
    private static void prefix(Item it, Mem m) {
        if (m != null && m.a16) {
            it.add(0x67);
        }
        if (m != null && m.fs) {
            it.add(0x64);
        }
    }

    /** The register operand {@link #rmDst} or {@link #rmSrc} chose when they returned null. */
    private int rmReg;

    /**
     * The r/m operand of an instruction that writes it: memory with {@code memoryChance} in 8, else
     * null and a writable register of {@code size} in {@link #rmReg}.
     */
    private Mem rmDst(Item it, int size, int memoryChance) {
        if (rnd.nextInt(8) < memoryChance) {
            return mem(it, immBytes(size));
        }
        rmReg = dst(size);
        return null;
    }

    /** As {@link #rmDst} for an operand only read: any register. */
    private Mem rmSrc(Item it, int size, int memoryChance) {
        if (rnd.nextInt(8) < memoryChance) {
            return mem(it, immBytes(size));
        }
        rmReg = rnd.nextInt(8);
        return null;
    }

    private void rm(Item it, int reg, Mem m) {
        if (m == null) {
            modrmReg(it, reg, rmReg);
        } else {
            modrm(it, reg, m);
        }
    }

    // ---- instructions ----

    /** Whether the last instruction generated sets the arithmetic flags from its operands. */
    private boolean setsFlags;

    private void instruction(Item it) {
        if (rnd.nextInt(100) < 4) {
            setsFlags = false;
            call(it);
            return;
        }
        int r = rnd.nextInt(100);
        setsFlags = (r >= 12 && r < 40) || (r >= 71 && r < 80);
        if (r < 12) {
            mov(it);
        } else if (r < 28) {
            alu(it);
        } else if (r < 32) {
            test(it);
        } else if (r < 37) {
            incDec(it);
        } else if (r < 40) {
            negNot(it);
        } else if (r < 44) {
            lea(it);
        } else if (r < 48) {
            extend(it);
        } else if (r < 52) {
            pushPop(it);
        } else if (r < 54) {
            stackPointer(it);
        } else if (r < 57) {
            xchg(it);
        } else if (r < 59) {
            it.add(rnd.nextBoolean() ? 0x98 : 0x99);
        } else if (r < 62) {
            setcc(it);
        } else if (r < 65) {
            cmovcc(it);
        } else if (r < 71) {
            forward(it);
        } else if (r < 76) {
            shift(it);
        } else if (r < 80) {
            multiply(it);
        } else if (r < 83) {
            divide(it);
        } else if (r < 86) {
            flagOps(it);
        } else if (r < 92) {
            callOuts(it);
        } else if (r < 95) {
            it.codeStore = true;
        } else if (r < 97) {
            exceptions(it);
        } else {
            transfers(it);
        }
    }

    private void mov(Item it) {
        int size = size();
        switch (rnd.nextInt(7)) {
            case 0: {
                int d = dst(size);
                op(it, size, 0x88);
                modrmReg(it, rnd.nextInt(8), d);
                break;
            }
            case 1: {
                Mem m = rmSrc(it, size, 5);
                int d = dst(size);
                prefix(it, m);
                op(it, size, 0x8A);
                rm(it, d, m);
                break;
            }
            case 2: {
                Mem m = mem(it, immBytes(size));
                prefix(it, m);
                op(it, size, 0x88);
                modrm(it, rnd.nextInt(8), m);
                break;
            }
            case 3: {
                if (size == 2) {
                    // Alone in its item so that a code store may rewrite its immediate.
                    movImm32(it, dst32(), imm(2));
                    it.patchOffset = 1;
                    it.patchSize = 4;
                } else {
                    if (size == 1) {
                        it.add(0x66);
                    }
                    it.add((size == 0 ? 0xB0 : 0xB8) + dst(size));
                    it.imm(imm(size), immBytes(size));
                }
                break;
            }
            case 4: {
                Mem m = rmDst(it, size, 5);
                prefix(it, m);
                op(it, size, 0xC6);
                rm(it, 0, m);
                it.imm(imm(size), immBytes(size));
                break;
            }
            case 5: {
                // MOV between the accumulator and a 32-bit absolute address.
                boolean store = rnd.nextBoolean();
                op(it, size, store ? 0xA2 : 0xA0);
                it.imm(dataAddress(immBytes(size)), 4);
                break;
            }
            default: {
                Mem m = mem(it, immBytes(size));
                prefix(it, m);
                op(it, size, 0x8A);
                modrm(it, dst(size), m);
                break;
            }
        }
    }

    private void alu(Item it) {
        int alu = rnd.nextInt(8);
        int size = size();
        boolean writes = alu != 7;
        switch (rnd.nextInt(4)) {
            case 0: {
                Mem m = writes ? rmDst(it, size, 3) : rmSrc(it, size, 3);
                prefix(it, m);
                op(it, size, alu << 3);
                rm(it, m == null && rnd.nextInt(4) == 0 ? rmReg : rnd.nextInt(8), m); // now and then r, r
                break;
            }
            case 1: {
                Mem m = rmSrc(it, size, 3);
                prefix(it, m);
                op(it, size, (alu << 3) | 2);
                rm(it, writes ? dst(size) : rnd.nextInt(8), m);
                break;
            }
            case 2:
                op(it, size, (alu << 3) | 4);
                it.imm(imm(size), immBytes(size));
                break;
            default: {
                Mem m = writes ? rmDst(it, size, 3) : rmSrc(it, size, 3);
                boolean short8 = size != 0 && rnd.nextBoolean();
                prefix(it, m);
                if (size == 1) {
                    it.add(0x66);
                }
                it.add(size == 0 ? 0x80 : short8 ? 0x83 : 0x81);
                rm(it, alu, m);
                it.imm(imm(short8 ? 0 : size), short8 ? 1 : immBytes(size));
                break;
            }
        }
    }

    private void test(Item it) {
        int size = size();
        switch (rnd.nextInt(3)) {
            case 0: {
                Mem m = rmSrc(it, size, 3);
                prefix(it, m);
                op(it, size, 0x84);
                rm(it, rnd.nextInt(8), m);
                break;
            }
            case 1: {
                Mem m = rmSrc(it, size, 3);
                prefix(it, m);
                op(it, size, 0xF6);
                rm(it, 0, m);
                it.imm(imm(size), immBytes(size));
                break;
            }
            default:
                op(it, size, 0xA8);
                it.imm(imm(size), immBytes(size));
                break;
        }
    }

    private void incDec(Item it) {
        int size = size();
        int dec = rnd.nextInt(2);
        if (size == 2 && rnd.nextBoolean()) {
            it.add(0x40 + 8 * dec + dst32());
            it.patchOffset = 0;
            it.patchSize = 1;
            return;
        }
        if (size == 1 && rnd.nextBoolean()) {
            it.add(0x66, 0x40 + 8 * dec + dst32());
            return;
        }
        Mem m = rmDst(it, size, 4);
        prefix(it, m);
        op(it, size, 0xFE);
        rm(it, dec, m);
    }

    private void negNot(Item it) {
        int size = size();
        Mem m = rmDst(it, size, 3);
        prefix(it, m);
        op(it, size, 0xF6);
        rm(it, 2 + rnd.nextInt(2), m);
    }

    private void lea(Item it) {
        Mem m = anyAddress();
        prefix(it, m);
        if (rnd.nextInt(5) == 0) {
            it.add(0x66);
        }
        it.add(0x8D);
        modrm(it, dst32(), m);
    }

    private void extend(Item it) {
        int from = rnd.nextInt(2);
        int to = from == 0 && rnd.nextInt(3) == 0 ? 1 : 2;
        Mem m = rmSrc(it, from, 3);
        prefix(it, m);
        op0F(it, to, (rnd.nextBoolean() ? 0xB6 : 0xBE) | from);
        rm(it, dst32(), m);
    }

    private void pushPop(Item it) {
        switch (rnd.nextInt(8)) {
            case 0:
            case 1:
                it.add(0x50 + rnd.nextInt(8));
                break;
            case 2:
                it.add(0x58 + dst32());
                break;
            case 3:
                if (rnd.nextBoolean()) {
                    it.add(0x68);
                    it.imm(imm(2), 4);
                } else {
                    it.add(0x6A, imm(0));
                }
                break;
            case 4: {
                Mem m = mem(it, 4);
                prefix(it, m);
                it.add(0xFF);
                modrm(it, 6, m);
                break;
            }
            case 5: {
                Mem m = mem(it, 4);
                prefix(it, m);
                it.add(0x8F);
                modrm(it, 0, m);
                break;
            }
            case 6:
                it.add(0x66, 0x50 + rnd.nextInt(8));
                break;
            default:
                // A word push and a word pop as a pair, so that the stack stays dword-aligned.
                if (rnd.nextBoolean()) {
                    it.add(0x66, 0x50 + rnd.nextInt(8));
                } else if (rnd.nextBoolean()) {
                    it.add(0x66, 0x6A, imm(0));
                } else {
                    it.add(0x66, 0x68);
                    it.imm(imm(1), 2);
                }
                it.add(0x66, 0x58 + dst32());
                break;
        }
    }

    /**
     * ESP as an ordinary destination, in pairs that give it back: the tier keeps ESP in the state
     * rather than in a local, so every write to it must reach there.
     */
    private void stackPointer(Item it) {
        int k = 4 * (1 + rnd.nextInt(16)) + (rnd.nextInt(4) == 0 ? rnd.nextInt(4) : 0);
        switch (rnd.nextInt(6)) {
            case 0: // sub esp, k ... add esp, k
                it.add(0x83, 0xEC, k);
                it.add(0x89, 0x44, 0x24, rnd.nextInt(k)); // mov [esp+d], eax
                it.add(0x83, 0xC4, k);
                break;
            case 1: // lea esp, [esp-k]; push; lea esp, [esp+k+4]
                it.add(0x8D, 0x64, 0x24, -k & 0xFF);
                it.add(0x50 + rnd.nextInt(8));
                it.add(0x8D, 0x64, 0x24, k + 4);
                break;
            case 2: { // mov r, esp; sub esp, k; mov esp, r
                int r = dst32();
                it.add(0x89, 0xE0 + r);
                it.add(0x83, 0xEC, k);
                it.add(0x89, 0xC4 + 8 * r);
                break;
            }
            case 3: { // xchg esp, r twice
                int r = dst32();
                it.add(0x87, 0xE0 + r);
                it.add(0x40 + r); // inc r: the stack pointer for a moment
                it.add(0x87, 0xC4 + 8 * r);
                it.add(0x4C); // dec esp
                break;
            }
            case 4: // push esp; pop esp; inc esp; dec esp; sub sp, k; add sp, k
                it.add(0x54, 0x5C, 0x44, 0x4C);
                it.add(0x66, 0x83, 0xEC, k, 0x66, 0x83, 0xC4, k);
                break;
            default: // add esp, imm32 / sub esp, imm32 with an ALU flag consumer between
                it.add(0x81, 0xC4);
                it.imm(-k, 4);
                it.add(0x0F, 0x92, 0xC0 + dst8()); // setb r8: CF of the ESP arithmetic
                it.add(0x81, 0xEC);
                it.imm(-k, 4);
                break;
        }
    }

    private void xchg(Item it) {
        int size = size();
        if (size != 0 && rnd.nextInt(3) == 0) {
            if (size == 1) {
                it.add(0x66);
            }
            it.add(0x90 + dst32());
            return;
        }
        Mem m = rmDst(it, size, 3);
        prefix(it, m);
        op(it, size, 0x86);
        rm(it, dst(size), m);
    }

    private void setcc(Item it) {
        Mem m = rmDst(it, 0, 3);
        prefix(it, m);
        it.add(0x0F, 0x90 + rnd.nextInt(16));
        rm(it, 0, m);
    }

    private void cmovcc(Item it) {
        int size = 1 + rnd.nextInt(2);
        Mem m = rmSrc(it, size, 3);
        prefix(it, m);
        op0F(it, size, 0x40 + rnd.nextInt(16));
        rm(it, dst32(), m);
    }

    private void forward(Item it) {
        int r = rnd.nextInt(10);
        if (r < 5) {
            it.add(0x70 + rnd.nextInt(16), 0);
            it.fixups.add(new Fixup(Fix.FORWARD, 1, 1));
        } else if (r < 7) {
            it.add(0x0F, 0x80 + rnd.nextInt(16));
            it.imm(0, 4);
            it.fixups.add(new Fixup(Fix.FORWARD, 2, 4));
        } else if (r < 8) {
            it.add(0xEB, 0);
            it.fixups.add(new Fixup(Fix.FORWARD, 1, 1));
        } else if (r < 9) {
            it.add(0xE9);
            it.imm(0, 4);
            it.fixups.add(new Fixup(Fix.FORWARD, 1, 4));
        } else if (counter != ECX) {
            // JECXZ, LOOPNE, LOOPE, LOOP: forward only, ECX is not the counter.
            it.add(0xE0 + rnd.nextInt(4), 0);
            it.fixups.add(new Fixup(Fix.FORWARD, 1, 1));
        } else {
            it.add(0xE3, 0);
            it.fixups.add(new Fixup(Fix.FORWARD, 1, 1));
        }
    }

    /** Decrements the counter and branches back while it stays positive (non-negative for JNS). */
    private void loop(Item it) {
        if (loopInstruction) {
            it.add(0xE2, 0);
            it.fixups.add(new Fixup(Fix.BACKWARD, 1, 1));
            return;
        }
        switch (rnd.nextInt(3)) {
            case 0: it.add(0x48 + counter); break;
            case 1: it.add(0x83, 0xE8 + counter, 1); break;
            default: it.add(0x83, 0xC0 + counter, 0xFF); break;
        }
        int cc = rnd.nextBoolean() ? 0xF : 0x9;
        if (rnd.nextInt(4) == 0) {
            it.add(0x0F, 0x80 + cc);
            it.imm(0, 4);
            it.fixups.add(new Fixup(Fix.BACKWARD, it.size() - 4, 4));
        } else {
            it.add(0x70 + cc, 0);
            it.fixups.add(new Fixup(Fix.BACKWARD, it.size() - 1, 1));
        }
    }

    private void shift(Item it) {
        int size = size();
        int kind;
        do {
            kind = rnd.nextInt(8);
        } while (kind == 6);
        Mem m = rmDst(it, size, 3);
        prefix(it, m);
        switch (rnd.nextInt(3)) {
            case 0:
                op(it, size, 0xC0);
                rm(it, kind, m);
                it.add(rnd.nextInt(6) == 0 ? rnd.nextInt(256) : rnd.nextInt(33));
                break;
            case 1:
                op(it, size, 0xD0);
                rm(it, kind, m);
                break;
            default:
                op(it, size, 0xD2);
                rm(it, kind, m);
                break;
        }
    }

    private void multiply(Item it) {
        int size = size();
        switch (rnd.nextInt(4)) {
            case 0: {
                Mem m = rmSrc(it, size, 3);
                prefix(it, m);
                op(it, size, 0xF6);
                rm(it, 4 + rnd.nextInt(2), m);
                break;
            }
            case 1: {
                int s = 1 + rnd.nextInt(2);
                Mem m = rmSrc(it, s, 3);
                prefix(it, m);
                op0F(it, s, 0xAF);
                rm(it, dst32(), m);
                break;
            }
            default: {
                int s = 1 + rnd.nextInt(2);
                boolean short8 = rnd.nextBoolean();
                Mem m = rmSrc(it, s, 3);
                prefix(it, m);
                if (s == 1) {
                    it.add(0x66);
                }
                it.add(short8 ? 0x6B : 0x69);
                rm(it, dst32(), m);
                it.imm(imm(short8 ? 0 : s), short8 ? 1 : immBytes(s));
                break;
            }
        }
    }

    /**
     * Guarded division: the dividend is extended from the accumulator and the divisor has a
     * magnitude of at least 2, so the quotient fits. Now and then an unguarded two-byte form,
     * whose #DE the handler steps over.
     */
    private void divide(Item it) {
        int size = size();
        boolean signed = rnd.nextBoolean();
        if (rnd.nextInt(5) == 0) {
            it.add(size == 0 ? 0xF6 : 0xF7);
            modrmReg(it, signed ? 7 : 6, rnd.nextInt(8));
            return;
        }
        int d = 2 + rnd.nextInt(size == 0 ? 60 : 100000);
        if (signed && rnd.nextBoolean()) {
            d = -d;
        }
        // The dividend: AX from AL, DX:AX from AX, EDX:EAX from EAX.
        if (size == 0) {
            if (signed) {
                it.add(0x66, 0x98); // cbw
            } else {
                it.add(0x0F, 0xB6, 0xC0); // movzx eax, al
            }
        } else {
            if (size == 1) {
                it.add(0x66);
            }
            if (signed) {
                it.add(0x99); // cwd, cdq
            } else {
                it.add(0x31, 0xD2); // xor dx, dx / xor edx, edx
            }
        }
        if (rnd.nextInt(3) == 0) {
            // The divisor in memory, at an absolute address: no pointer register meets EDX:EAX.
            Mem m = new Mem();
            m.disp = dataAddress(immBytes(size));
            m.dispSize = 4;
            op(it, size, 0xC6);
            modrm(it, 0, m);
            it.imm(d, immBytes(size));
            op(it, size, 0xF6);
            modrm(it, signed ? 7 : 6, m);
            return;
        }
        int divisor;
        do {
            divisor = dst32();
        } while (divisor == EAX || divisor == EDX);
        movImm32(it, divisor, d);
        if (size == 1) {
            it.add(0x66);
        }
        it.add(size == 0 ? 0xF6 : 0xF7);
        modrmReg(it, signed ? 7 : 6, divisor);
    }

    private void flagOps(Item it) {
        switch (rnd.nextInt(8)) {
            case 0:
            case 1:
                it.add(new int[] {0xF8, 0xF9, 0xF5}[rnd.nextInt(3)]);
                it.patchOffset = 0;
                it.patchSize = 1;
                break;
            case 2:
                it.add(rnd.nextBoolean() ? 0x9F : 0x9E); // lahf, sahf
                break;
            case 3:
                it.add(rnd.nextBoolean() ? 0xFC : 0xFD); // cld, std
                break;
            case 6:
                if (!ring3) {
                    // cli or sti (whose one-instruction shadow holds back a pending interrupt), or
                    // mov ss, r with the same selector (which holds back interrupts and traps)
                    int r = dst32();
                    switch (rnd.nextInt(3)) {
                        case 0: it.add(0xFA); break;
                        case 1: it.add(0xFB); break;
                        default:
                            movImm32(it, r, TierMachine.DATA_SELECTOR);
                            it.add(0x8E, 0xD0 + r);
                            break;
                    }
                    break;
                }
                it.add(0x90);
                break;
            case 4:
                it.add(0x9C, 0x58 + dst32()); // pushf; pop r
                break;
            default: {
                // popf of a value with every flag ring 0 may change; TF now and then.
                int v = rnd.nextInt() & (Flags.ARITH | Flags.DF | Flags.IF | Flags.IOPL | Flags.AC);
                if (rnd.nextInt(24) == 0) {
                    v |= Flags.TF;
                }
                it.add(0x68);
                it.imm(v, 4);
                it.add(0x9D);
                break;
            }
        }
    }

    /** Instructions the bytecode tier leaves to the interpreter's implementation. */
    private void callOuts(Item it) {
        int size = 1 + rnd.nextInt(2);
        switch (rnd.nextInt(11)) {
            case 0:
                it.add(0x0F, 0xC8 + dst32()); // bswap
                break;
            case 1: {
                // bt/bts/btr/btc with an immediate bit offset
                int kind = 4 + rnd.nextInt(4);
                Mem m = kind == 4 ? rmSrc(it, size, 3) : rmDst(it, size, 3);
                prefix(it, m);
                op0F(it, size, 0xBA);
                rm(it, kind, m);
                it.add(rnd.nextInt(256));
                break;
            }
            case 2: {
                // bt/bts/btr/btc r, r (a register operand: the offset cannot leave it)
                op0F(it, size, 0xA3 + 8 * rnd.nextInt(4));
                modrmReg(it, rnd.nextInt(8), dst32());
                break;
            }
            case 3: {
                Mem m = rmSrc(it, size, 3);
                prefix(it, m);
                op0F(it, size, rnd.nextBoolean() ? 0xBC : 0xBD);
                rm(it, dst32(), m);
                break;
            }
            case 4: {
                int s = size();
                Mem m = rmDst(it, s, 3);
                prefix(it, m);
                if (s == 1) {
                    it.add(0x66);
                }
                it.add(0x0F, (rnd.nextBoolean() ? 0xC0 : 0xB0) | (s == 0 ? 0 : 1)); // xadd, cmpxchg
                rm(it, dst(s), m);
                break;
            }
            case 5: {
                Mem m = rmDst(it, size, 3);
                boolean byCl = rnd.nextBoolean();
                prefix(it, m);
                op0F(it, size, (rnd.nextBoolean() ? 0xA4 : 0xAC) | (byCl ? 1 : 0));
                rm(it, rnd.nextInt(8), m);
                if (!byCl) {
                    it.add(rnd.nextInt(40));
                }
                break;
            }
            case 6:
            case 7:
                strings(it);
                break;
            case 8:
                it.add(new int[] {0x27, 0x2F, 0x37, 0x3F}[rnd.nextInt(4)]);
                break;
            case 9:
                // aad, aam (aam 0 raises #DE: a two-byte instruction)
                it.add(rnd.nextBoolean() ? 0xD5 : 0xD4, rnd.nextInt(8) == 0 ? 0 : 1 + rnd.nextInt(20));
                break;
            default:
                if (counter != EBX) {
                    movImm32(it, EBX, TierMachine.DATA + rnd.nextInt(TierMachine.DATA_SIZE - 256));
                    it.add(0xD7); // xlat
                } else {
                    it.add(0x90);
                }
                break;
        }
    }

    private void strings(Item it) {
        if (counter == ECX || counter == ESI || counter == EDI) {
            it.add(0x90);
            return;
        }
        int margin = 128;
        movImm32(it, ESI, TierMachine.DATA + margin + rnd.nextInt(TierMachine.DATA_SIZE - 2 * margin));
        movImm32(it, EDI, TierMachine.DATA + margin + rnd.nextInt(TierMachine.DATA_SIZE - 2 * margin));
        movImm32(it, ECX, rnd.nextInt(13));
        int size = size();
        int[] ops = {0xA4, 0xA6, 0xAA, 0xAC, 0xAE};
        int o = ops[rnd.nextInt(ops.length)];
        if (size == 1) {
            it.add(0x66);
        }
        int rep = rnd.nextInt(4);
        if (rep == 1) {
            it.add(0xF3);
        } else if (rep == 2 && (o == 0xA6 || o == 0xAE)) {
            it.add(0xF2);
        } else if (rep == 2) {
            it.add(0xF3);
        }
        it.add(size == 0 ? o : o | 1);
    }

    /** Instructions that raise exceptions the handlers step over, or that call the handlers. */
    private void exceptions(Item it) {
        switch (rnd.nextInt(6)) {
            case 0: {
                // mov gs, r: #GP with the selector as error code for most selectors, two bytes
                int r = dst32();
                int[] selectors = {TierMachine.DATA_SELECTOR, 0, TierMachine.DATA_SELECTOR | 3,
                    TierMachine.BEYOND_GDT, TierMachine.CODE_SELECTOR, TierMachine.USER_DATA_SELECTOR,
                    rnd.nextInt(0x10000)};
                movImm32(it, r, selectors[rnd.nextInt(selectors.length)]);
                it.add(0x8E, 0xE8 + r);
                break;
            }
            case 5: {
                // mov fs, r: the window's segment, narrow or wide, changes under the code
                int r = dst32();
                movImm32(it, r, rnd.nextBoolean() ? TierMachine.WINDOW_SELECTOR : TierMachine.WIDE_WINDOW_SELECTOR);
                it.add(0x8E, 0xE0 + r);
                break;
            }
            case 1:
                it.add(0x0F, 0x0B); // ud2
                break;
            case 2:
                it.add(0xCC); // int3
                break;
            case 3:
                it.add(0xCE); // into
                break;
            default:
                it.add(0xCD, 0x80);
                break;
        }
    }

    /** Calls, returns and indirect jumps, all to later items. */
    private void transfers(Item it) {
        if (rnd.nextBoolean()) {
            call(it);
            return;
        }
        switch (rnd.nextInt(3)) {
            case 0:
                it.add(0xE8, 0, 0, 0, 0, 0x58 + dst32()); // call the next instruction; pop its address
                break;
            case 1:
                it.add(0x68);
                it.imm(0, 4);
                it.fixups.add(new Fixup(Fix.FORWARD_ABSOLUTE, 1, 4));
                it.add(0xC3); // push a later item's address; ret
                break;
            default: {
                int r = dst32();
                it.add(0xB8 + r);
                it.imm(0, 4);
                it.fixups.add(new Fixup(Fix.FORWARD_ABSOLUTE, 1, 4));
                it.add(0xFF, 0xE0 + r); // jmp r
                break;
            }
        }
    }

    /** A store of any value to the dword the PATCH fixup will point at: inline or not, plain or read-modify-write. */
    private void dwordStore(Item it, int target) {
        int form = rnd.nextInt(6);
        int[][] opcodes = {{0xC7, 0x05}, {0x81, 0x05}, {0x81, 0x35}, {0xF7, 0x15}, {0x0F, 0xC1, 0x05 | (dst32() << 3)},
            {0xD1, 0x25}}; // mov, add, xor, not, xadd, shl by 1
        it.add(opcodes[form]);
        it.fixups.add(new Fixup(Fix.PATCH, it.size(), 4));
        it.imm(target, 4);
        if (form <= 2) {
            it.imm(rnd.nextInt(), 4);
        }
    }

    /**
     * A call of a function after the sentinel: one that returns plainly (called directly or through
     * a register), one that returns two bytes past its return address (over a UD2 the caller
     * leaves there, so a return predicted to the call's end faults), or one that pops an argument.
     */
    private void call(Item it) {
        int kind = rnd.nextInt(3);
        int f = -1;
        for (int j = 0; j < functions.size(); j++) {
            if (functionKinds.get(j) == kind && rnd.nextBoolean()) {
                f = j;
            }
        }
        if (f < 0) {
            f = function(kind);
        }
        if (kind == 0 && rnd.nextBoolean()) {
            int r = dst32();
            it.add(0xB8 + r);
            it.fixups.add(new Fixup(Fix.CALL_ABSOLUTE, it.size(), 4));
            it.imm(f, 4);
            it.add(0xFF, 0xD0 + r); // call r
            return;
        }
        if (kind == 2) {
            it.add(0x68);
            it.imm(value(rnd), 4); // the argument
        }
        it.add(0xE8);
        it.fixups.add(new Fixup(Fix.CALL, it.size(), 4));
        it.imm(f, 4);
        if (kind == 1) {
            it.add(0x0F, 0x0B);
        }
    }

    private int function(int kind) {
        Item f = new Item();
        if (kind == 1) {
            f.add(0x83, 0x04, 0x24, 0x02); // add dword [esp], 2
        }
        boolean outer = inFunction;
        boolean flags = setsFlags;
        inFunction = true;
        for (int n = rnd.nextInt(5); n > 0; n--) {
            switch (rnd.nextInt(10)) {
                case 0: mov(f); break;
                case 1: alu(f); break;
                case 2: incDec(f); break;
                case 3: shift(f); break;
                case 4: setcc(f); break;
                case 5: cmovcc(f); break;
                case 6: stackPointer(f); break;
                case 7: multiply(f); break;
                case 8: flagOps(f); break;
                default: lea(f); break;
            }
        }
        inFunction = outer;
        setsFlags = flags;
        if (kind == 2) {
            f.add(0xC2, 4, 0); // ret 4
        } else {
            f.add(0xC3);
        }
        functions.add(f);
        functionKinds.add(kind);
        return functions.size() - 1;
    }

    /**
     * A store into the code: over the immediate of a lone MOV r, imm32 or a lone one-byte
     * instruction (before or after this one, with a value of the same shape), or past the end of
     * the code, where it changes nothing but the page.
     */
    private void codeStore(Item it) {
        List<Integer> patchable = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            if (items.get(i).patchOffset >= 0) {
                patchable.add(i);
            }
        }
        int target;
        if (patchable.isEmpty() || rnd.nextInt(4) == 0) {
            target = -1 - rnd.nextInt(TAIL - 4);
            if (rnd.nextInt(3) == 0 && counter != ECX && counter != EDI) {
                // rep stosb over the tail: a string instruction, run by the interpreter's code
                it.add(0xBF);
                it.fixups.add(new Fixup(Fix.PATCH, it.size(), 4));
                it.imm(target, 4);
                movImm32(it, ECX, rnd.nextInt(-target));
                it.add(0xF3, 0xAA);
                return;
            }
            dwordStore(it, target);
            return;
        }
        target = patchable.get(rnd.nextInt(patchable.size()));
        Item t = items.get(target);
        if (t.patchSize == 4) {
            dwordStore(it, target);
        } else {
            int[] safe = {0x90, 0xF8, 0xF9, 0xF5, 0x40 + dst32(), 0x48 + dst32()};
            it.add(0xC6, 0x05);
            it.fixups.add(new Fixup(Fix.PATCH, it.size(), 4));
            it.imm(target, 4);
            it.add(safe[rnd.nextInt(safe.length)]);
        }
    }
}
