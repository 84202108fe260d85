package org.j386.tools.disasm;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.j386.tools.isa.Form;
import org.j386.tools.isa.InstructionTable;
import org.j386.tools.isa.OperandKind;
import org.j386.tools.isa.Register;

/**
 * Decodes IA-32 machine code to Intel syntax in NASM's spelling, driven by the same table of
 * forms as the assembler: the first row (in table order) whose opcode, ModR/M digit and size
 * requirements fit the bytes is the instruction, so adding a row to the table teaches both.
 *
 * <p>The API a debugger or a tracer uses is one call per instruction:
 * <pre>{@code
 * Disassembler d = Disassembler.standard();
 * Instruction i = d.decode(addr -> memory.readByte(addr), eip, 32, symbols);
 * print(i);          // "00101000  B801000000        mov eax,0x1"
 * eip += i.length(); // the next instruction
 * }</pre>
 * {@link #decode} never throws for any bytes: a byte that starts no known instruction (or an
 * instruction cut short by unreadable bytes) comes back as a one-byte {@code db 0x..}, and an
 * unreadable address as an {@link Instruction} of length 0. Instances are immutable and safe to
 * share between threads.
 *
 * <p>Spelling: mnemonics and registers in lower case, numbers in hex ({@code 0x1f}), operand
 * sizes ({@code byte}, {@code word}, {@code dword}) only where the operands leave the size open,
 * sign-extended immediates as {@code byte +0x4} like ndisasm, {@code short}/{@code near} on
 * branches whose size is not the default, {@code o16}/{@code o32}/{@code a16}/{@code a32} for
 * prefixes that change nothing visible. Every line assembles back to the same bytes.
 */
public final class Disassembler {

    /** The longest instruction the processor accepts. */
    static final int MAX_LENGTH = 15;

    private static final Disassembler STANDARD = new Disassembler(InstructionTable.standard());

    /** Forms by first opcode byte, or 0x100 + second byte after 0F; table order kept. */
    private final Map<Integer, List<Form>> byOpcode = new HashMap<>();

    /** A disassembler for the forms of {@code table} (rows marked assemble-only are skipped). */
    public Disassembler(InstructionTable table) {
        for (Form f : table.forms()) {
            if (f.assembleOnly() || f.modrm() == Form.ModRm.BOTH) {
                continue;
            }
            int first = f.opcodeByte(0);
            boolean twoByte = first == 0x0F && f.opcodeLength() > 1;
            int last = f.opcodeByte(f.opcodeLength() - 1);
            int keyByte = twoByte ? f.opcodeByte(1) : first;
            int variants = f.plusReg() && f.opcodeLength() == (twoByte ? 2 : 1) ? 8 : 1;
            for (int r = 0; r < variants; r++) {
                int key = twoByte ? 0x100 | (keyByte + r) : keyByte + r;
                byOpcode.computeIfAbsent(key, k -> new ArrayList<>()).add(f);
            }
            if (f.plusReg() && variants == 1 && last != keyByte) {
                throw new IllegalStateException("+r only on the last opcode byte: " + f);
            }
        }
    }

    /** The disassembler for the table shipped with the tools. */
    public static Disassembler standard() {
        return STANDARD;
    }

    /**
     * Decodes the instruction at {@code address}.
     *
     * @param code    where the bytes come from
     * @param address address of the first byte; also the base of relative branch targets (in
     *                16-bit code targets wrap at 64 KiB as IP does)
     * @param bits    16 or 32: the default operand and address size of the code segment
     */
    public Instruction decode(ByteSource code, long address, int bits) {
        return decode(code, address, bits, SymbolLookup.NONE);
    }

    /**
     * Decodes the instruction at {@code address} and, when {@code symbols} names its branch
     * target or absolute memory address, appends {@code " ; name+0x4"} to the text.
     */
    public Instruction decode(ByteSource code, long address, int bits, SymbolLookup symbols) {
        if (bits != 16 && bits != 32) {
            throw new IllegalArgumentException("bits must be 16 or 32: " + bits);
        }
        int first = code.byteAt(address);
        if (first < 0) {
            return new Instruction(address, new byte[0], "(unreadable)", -1);
        }
        Cursor c = new Cursor(code, address);
        Instruction ins;
        try {
            ins = tryDecode(c, address, bits);
        } catch (Unreadable e) {
            ins = null;
        }
        if (ins == null) {
            return new Instruction(address, new byte[] {(byte) first}, String.format("db 0x%02x", first), -1);
        }
        if (symbols != SymbolLookup.NONE && c.named >= 0) {
            String name = symbols.nameFor(c.named);
            if (name != null) {
                return new Instruction(address, ins.bytes(), ins.text() + " ; " + name, ins.target());
            }
        }
        return ins;
    }

    /** Decodes {@code code}, loaded at {@code origin}, from start to end. */
    public List<Instruction> decodeAll(byte[] code, long origin, int bits, SymbolLookup symbols) {
        ByteSource src = ByteSource.of(code, origin);
        List<Instruction> out = new ArrayList<>();
        long at = origin;
        while (at < origin + code.length) {
            Instruction i = decode(src, at, bits, symbols);
            out.add(i);
            at += i.length();
        }
        return out;
    }

    /** Decodes all of {@code code}, loaded at {@code origin}, as {@code bits}-bit code, without symbols. */
    public static List<Instruction> disassemble(byte[] code, long origin, int bits) {
        return STANDARD.decodeAll(code, origin, bits, SymbolLookup.NONE);
    }

    /** Thrown (without a trace) when an instruction runs into unreadable bytes or past 15 bytes. */
    private static final class Unreadable extends RuntimeException {
        static final Unreadable INSTANCE = new Unreadable();

        private Unreadable() {
            super(null, null, false, false);
        }
    }

    private static final class Cursor {
        final ByteSource code;
        final long start;
        long pos;
        /** An absolute address a symbol could name (branch target, [disp]), or -1. */
        long named = -1;

        Cursor(ByteSource code, long start) {
            this.code = code;
            this.start = start;
            this.pos = start;
        }

        int peek() {
            int b = pos - start < MAX_LENGTH ? code.byteAt(pos) : -1;
            if (b < 0) {
                throw Unreadable.INSTANCE;
            }
            return b;
        }

        int u8() {
            int v = peek();
            pos++;
            return v;
        }

        long le(int bytes) {
            long v = 0;
            for (int i = 0; i < bytes; i++) {
                v |= (long) u8() << (8 * i);
            }
            return v;
        }

        int previous() {
            return code.byteAt(pos - 1);
        }

        byte[] bytes() {
            byte[] b = new byte[(int) (pos - start)];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) code.byteAt(start + i);
            }
            return b;
        }
    }

    private Instruction tryDecode(Cursor c, long address, int bits) {
        int osize = bits;
        int asize = bits;
        boolean opPrefix = false;
        boolean adPrefix = false;
        Register segment = null;
        List<String> words = new ArrayList<>();
        int rep = 0;
        loop:
        while (true) {
            int b = c.peek();
            switch (b) {
                case 0x66: opPrefix = true; osize = bits == 32 ? 16 : 32; break;
                case 0x67: adPrefix = true; asize = bits == 32 ? 16 : 32; break;
                case 0xF0: words.add("lock"); break;
                case 0xF2: case 0xF3: rep = b; break;
                case 0x26: segment = Register.ES; break;
                case 0x2E: segment = Register.CS; break;
                case 0x36: segment = Register.SS; break;
                case 0x3E: segment = Register.DS; break;
                case 0x64: segment = Register.FS; break;
                case 0x65: segment = Register.GS; break;
                default: break loop;
            }
            c.pos++;
        }
        long opcodeStart = c.pos;
        int b0 = c.u8();
        int key = b0 == 0x0F ? 0x100 | c.u8() : b0;
        List<Form> candidates = byOpcode.get(key);
        if (candidates == null) {
            return null;
        }
        for (Form f : candidates) {
            c.pos = opcodeStart;
            c.named = -1;
            if (f.operandSize() != 0 && f.operandSize() != osize) {
                continue;
            }
            if (f.addressSize() != 0 && f.addressSize() != asize) {
                continue;
            }
            long[] target = {-1};
            String text = operands(f, c, address, bits, osize, asize, segment, target);
            if (text == null) {
                continue;
            }
            StringBuilder sb = new StringBuilder();
            for (String w : words) {
                sb.append(w).append(' ');
            }
            if (rep != 0) {
                boolean compares = f.mnemonic().startsWith("CMPS") || f.mnemonic().startsWith("SCAS");
                sb.append(rep == 0xF2 ? "repne " : compares ? "repe " : "rep ");
            }
            if (opPrefix && f.operandSize() == 0 && sizeMatters(f)) {
                sb.append('o').append(osize).append(' ');
            }
            if (adPrefix && !usesAddress(f)) {
                sb.append('a').append(asize).append(' ');
            }
            if (segment != null && !usesMemory(f)) {
                return null; // a lone segment prefix: shown as db by the caller
            }
            sb.append(text);
            return new Instruction(address, c.bytes(), sb.toString(), target[0]);
        }
        return null;
    }

    /** Whether a 66 prefix changes what a form without its own size does (string ops, PUSHA...). */
    private static boolean sizeMatters(Form f) {
        return true;
    }

    private static boolean usesMemory(Form f) {
        return f.operands().stream().anyMatch(k -> k.inRmField() || k.cat == OperandKind.Cat.MOFFS)
            || f.mnemonic().matches("(MOVS|CMPS|LODS|OUTS|XLAT)[BWD]?");
    }

    private static boolean usesAddress(Form f) {
        return f.addressSize() != 0 || f.operands().stream().anyMatch(k -> k.inRmField() || k.cat == OperandKind.Cat.MOFFS);
    }

    /** Decodes the rest of form {@code f} and prints it; null when the bytes do not fit the form. */
    private String operands(Form f, Cursor c, long address, int bits, int osize, int asize, Register segment,
                            long[] branchTarget) {
        for (int i = 0; i < f.opcodeLength(); i++) {
            int want = f.opcodeByte(i);
            int got = c.u8();
            boolean last = i == f.opcodeLength() - 1;
            if (last && f.plusReg() ? (got & 0xF8) != want : got != want) {
                return null;
            }
        }
        int regNumber = f.plusReg() ? c.previous() & 7 : -1;
        int modrm = -1;
        String memText = null;
        if (f.modrm() != Form.ModRm.NONE) {
            modrm = c.u8();
            int mod = modrm >> 6;
            int reg = (modrm >> 3) & 7;
            if (f.modrm() == Form.ModRm.DIGIT && reg != f.digit()) {
                return null;
            }
            if (f.modrm() == Form.ModRm.REG) {
                regNumber = reg;
            }
            int rmIndex = f.indexOf(OperandKind::inRmField);
            OperandKind rmKind = rmIndex >= 0 ? f.operands().get(rmIndex) : null;
            if (mod == 3) {
                if (rmKind == null || rmKind.cat == OperandKind.Cat.MEM || rmKind.cat == OperandKind.Cat.FARMEM) {
                    return null;
                }
            } else {
                if (rmKind == null || rmKind.cat == OperandKind.Cat.RMREG) {
                    return null;
                }
                memText = memory(c, modrm, asize, segment);
            }
        }
        List<OperandKind> kinds = f.operands();
        String[] text = new String[kinds.size()];
        // registers that fix the size of a memory operand, as the assembler reads them
        long registerSizes = 0;
        for (int i = 0; i < kinds.size(); i++) {
            OperandKind k = kinds.get(i);
            if (k.cat == OperandKind.Cat.REG || (k.cat == OperandKind.Cat.RM && memText == null)
                || k.cat == OperandKind.Cat.RMREG
                || (k.cat == OperandKind.Cat.FIXED && k != OperandKind.CL && k != OperandKind.DX
                    && k.fixed.kind == Register.Kind.GPR)) {
                registerSizes |= k.size;
            }
        }
        boolean sizedByRegister = registerSizes != 0;
        for (int i = 0; i < kinds.size(); i++) {
            OperandKind k = kinds.get(i);
            switch (k.cat) {
                case REG: {
                    Register r = Register.gpr(k.size, regNumber);
                    text[i] = r.spelling();
                    break;
                }
                case SPECIAL: {
                    Register r = Register.of(k.registerKind(), k.size, regNumber);
                    if (r == null) {
                        return null;
                    }
                    text[i] = r.spelling();
                    break;
                }
                case RMREG: case RM: case MEM: case FARMEM:
                    if (memText == null) {
                        text[i] = Register.gpr(k.size, modrm & 7).spelling();
                    } else if (k.cat == OperandKind.Cat.FARMEM) {
                        text[i] = "far " + memText;
                    } else if (k.size != 0 && (registerSizes & k.size) == 0) {
                        text[i] = OperandKind.sizeKeyword(k.size) + " " + memText;
                    } else {
                        text[i] = memText;
                    }
                    break;
                case FIXED:
                    text[i] = k.fixed.spelling();
                    break;
                case ONE:
                    text[i] = "1";
                    break;
                default:
                    break; // immediates follow, in the order of the tail
            }
        }
        int next = 0;
        for (Form.Tail t : f.tail()) {
            while (!isTailKind(kinds.get(next))) {
                next++;
            }
            OperandKind k = kinds.get(next);
            int i = next++;
            String hint = f.operandSize() != 0 && f.operandSize() != bits && !sizedByRegister && memText == null
                ? OperandKind.sizeKeyword(f.operandSize()) + " " : "";
            switch (t) {
                case MO: {
                    long off = c.le(asize / 8);
                    text[i] = "[" + (segment != null ? segment.spelling() + ":" : "") + hex(off) + "]";
                    c.named = off;
                    if (asize != bits) {
                        return null; // moffs with a 67 prefix has no unambiguous spelling here
                    }
                    break;
                }
                case PW: case PD: {
                    long off = c.le(t == Form.Tail.PW ? 2 : 4);
                    long seg = c.le(2);
                    text[i] = hint + hex(seg) + ":" + hex(off);
                    c.named = off;
                    break;
                }
                case RB: case RW: case RD: {
                    long d = c.le(t.bytes);
                    long disp = t == Form.Tail.RB ? (byte) d : t == Form.Tail.RW ? (short) d : (int) d;
                    long target = address + (c.pos - c.start) + disp;
                    target &= f.operandSize() == 16 || (f.operandSize() == 0 && osize == 16) ? 0xFFFF : 0xFFFFFFFFL;
                    String kw = "";
                    if (t == Form.Tail.RB && f.mnemonic().equals("JMP")) {
                        kw = "short ";
                    } else if (t != Form.Tail.RB && f.mnemonic().startsWith("J") && !f.mnemonic().equals("JMP")) {
                        kw = "near ";
                    }
                    text[i] = kw + hex(target);
                    branchTarget[0] = target;
                    c.named = target;
                    break;
                }
                default: {
                    long v = c.le(t.bytes);
                    if (k == OperandKind.SBYTE) {
                        long s = (byte) v;
                        String sign = s < 0 ? "-" : "+";
                        text[i] = (hint.isEmpty() ? "byte " : hint) + sign + hex(Math.abs(s));
                    } else {
                        text[i] = hint + hex(v);
                    }
                }
            }
        }
        StringBuilder sb = new StringBuilder(f.mnemonic().toLowerCase(Locale.ROOT));
        for (int i = 0; i < text.length; i++) {
            sb.append(i == 0 ? " " : ",").append(text[i]);
        }
        return sb.toString();
    }

    private static boolean isTailKind(OperandKind k) {
        switch (k.cat) {
            case IMM: case SBYTE: case REL: case PTR: case MOFFS: return true;
            default: return false;
        }
    }


    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    private static final String[] RM16 = {"bx+si", "bx+di", "bp+si", "bp+di", "si", "di", "bp", "bx"};

    /** Reads ModR/M memory addressing (SIB, displacement) and prints it as {@code [seg:base+index*scale+disp]}. */
    private static String memory(Cursor c, int modrm, int asize, Register segment) {
        int mod = modrm >> 6;
        int rm = modrm & 7;
        StringBuilder sb = new StringBuilder("[");
        if (segment != null) {
            sb.append(segment.spelling()).append(':');
        }
        if (asize == 16) {
            if (mod == 0 && rm == 6) {
                long off = c.le(2);
                sb.append(hex(off));
                c.named = off;
            } else {
                sb.append(RM16[rm]);
                if (mod == 1) {
                    sb.append(signedHex((byte) c.u8()));
                } else if (mod == 2) {
                    sb.append(signedHex((short) c.le(2)));
                }
            }
            return sb.append(']').toString();
        }
        String base = null;
        String index = null;
        int scale = 1;
        boolean disp32Only = false;
        if (rm == 4) {
            int sib = c.u8();
            scale = 1 << (sib >> 6);
            int idx = (sib >> 3) & 7;
            int b = sib & 7;
            if (idx != 4) {
                index = Register.gpr(32, idx).spelling();
            }
            if (b == 5 && mod == 0) {
                disp32Only = true;
            } else {
                base = Register.gpr(32, b).spelling();
            }
        } else if (rm == 5 && mod == 0) {
            disp32Only = true;
        } else {
            base = Register.gpr(32, rm).spelling();
        }
        long disp = 0;
        boolean hasDisp = true;
        if (disp32Only || mod == 2) {
            disp = (int) c.le(4);
        } else if (mod == 1) {
            disp = (byte) c.u8();
        } else {
            hasDisp = false;
        }
        boolean first = true;
        if (base != null) {
            sb.append(base);
            first = false;
        }
        if (index != null) {
            sb.append(first ? "" : "+").append(index);
            if (scale != 1 || base == null) {
                sb.append('*').append(scale);
            }
            first = false;
        }
        if (first) {
            sb.append(hex(disp & 0xFFFFFFFFL));
            c.named = disp & 0xFFFFFFFFL;
        } else if (hasDisp) {
            sb.append(signedHex(disp));
        }
        return sb.append(']').toString();
    }

    private static String signedHex(long v) {
        return v < 0 ? "-" + hex(-v) : "+" + hex(v);
    }
}
