package org.j386.tools.asm;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.j386.tools.isa.Form;
import org.j386.tools.isa.InstructionTable;
import org.j386.tools.isa.OperandKind;
import org.j386.tools.isa.Register;

/**
 * Chooses a form of the instruction table for a parsed instruction and produces its bytes.
 * Every matching form is encoded and the shortest wins, the earliest row on a tie — which is
 * how NASM ends up with {@code 83 /0 ib} for small immediates and {@code 04 ib} for AL.
 */
final class Encoder {

    /** An operand with its expressions evaluated for the current pass. */
    sealed interface Op { }

    record RegOp(Register register) implements Op { }

    /**
     * A memory operand analysed into the parts ModR/M can express.
     *
     * @param addressSize 16 or 32 from the registers used, 0 when there are none
     */
    /**
     * A memory operand analysed into the parts ModR/M can express.
     *
     * @param addressSize      16 or 32 from the registers used (or a size keyword on a bare
     *                         offset), 0 when there are none
     * @param displacementSize the size keyword inside the brackets: 8 forces a byte
     *                         displacement, 16 or 32 a full one; 0 lets the value decide
     */
    record MemOp(int size, boolean far, Register segment, Register base, Register index, int scale,
                 Value displacement, int addressSize, int displacementSize) implements Op { }

    record ImmOp(int size, boolean strict, Syntax.Jump jump, Value value, Value segment) implements Op { }

    /** The context of one instruction in one pass. */
    /**
     * Where and how an instruction is encoded. {@code longJump} is set once a branch without
     * SHORT/NEAR has been found not to reach with a byte displacement; {@code grow} is called
     * then. Branches start short (also towards labels not yet seen) and only ever grow, so the
     * passes settle on the same sizes NASM picks.
     */
    /**
     * {@code section} is the index of the section being filled; with {@code relocatable} a branch
     * to another section or to an external symbol is left to the linker (near, with a fix-up).
     */
    record Context(int bits, long address, boolean finalPass, Consumer<String> warnings, boolean longJump,
                   Runnable grow, int section, boolean relocatable) {
        Context(int bits, long address, boolean finalPass, Consumer<String> warnings) {
            this(bits, address, finalPass, warnings, false, () -> { }, 0, false);
        }
    }

    private final InstructionTable table;

    Encoder(InstructionTable table) {
        this.table = table;
    }

    // ------------------------------------------------------------------ operand evaluation

    static Op evaluate(Syntax.Operand o, Expr.Scope scope) {
        if (o instanceof Syntax.RegOperand r) {
            return new RegOp(r.register());
        }
        if (o instanceof Syntax.ImmOperand i) {
            Value seg = i.segment() == null ? null : Expr.eval(i.segment(), scope);
            return new ImmOp(i.size(), i.strict(), i.jump(), Expr.eval(i.value(), scope), seg);
        }
        Syntax.MemOperand m = (Syntax.MemOperand) o;
        Expr.Linear lin = Expr.linear(m.address(), scope);
        return analyse(m, lin);
    }

    /** Picks base, index and scale the way NASM does, e.g. {@code [eax*2]} becomes {@code [eax+eax]}. */
    private static MemOp analyse(Syntax.MemOperand m, Expr.Linear lin) {
        List<Map.Entry<Register, Long>> regs = new ArrayList<>(lin.registers().entrySet());
        int asize = 0;
        for (Map.Entry<Register, Long> e : regs) {
            Register r = e.getKey();
            if (r.kind != Register.Kind.GPR || r.size == 8 || (asize != 0 && asize != r.size) || e.getValue() < 0) {
                throw new AsmException("invalid effective address");
            }
            asize = r.size;
        }
        Register base = null;
        Register index = null;
        int scale = 1;
        if (asize == 16) {
            for (Map.Entry<Register, Long> e : regs) {
                if (e.getValue() != 1) {
                    throw new AsmException("invalid effective address");
                }
            }
            if (regs.size() > 2) {
                throw new AsmException("invalid effective address");
            }
            base = regs.get(0).getKey();
            index = regs.size() > 1 ? regs.get(1).getKey() : null;
            if (rm16(base, index) < 0) {
                throw new AsmException("invalid effective address");
            }
        } else if (regs.size() == 1) {
            Register r = regs.get(0).getKey();
            long c = regs.get(0).getValue();
            if (m.nosplit() && (c == 1 || c == 2)) {
                index = r; // NOSPLIT: an index with a 32-bit displacement, no base
                scale = (int) c;
            } else if (c == 1) {
                base = r;
            } else if (c == 2 || c == 3 || c == 5 || c == 9) {
                base = r;
                index = r;
                scale = (int) c - 1;
            } else if (c == 4 || c == 8) {
                index = r;
                scale = (int) c;
            } else {
                throw new AsmException("invalid effective address");
            }
        } else if (regs.size() == 2) {
            Map.Entry<Register, Long> a = regs.get(0);
            Map.Entry<Register, Long> b = regs.get(1);
            if (a.getValue() == 1) {
                base = a.getKey();
                index = b.getKey();
                scale = (int) (long) b.getValue();
            } else if (b.getValue() == 1) {
                base = b.getKey();
                index = a.getKey();
                scale = (int) (long) a.getValue();
            } else {
                throw new AsmException("invalid effective address");
            }
            if (index == Register.ESP && scale == 1 && base != Register.ESP) {
                Register t = base;
                base = index;
                index = t;
            }
        } else if (regs.size() > 2) {
            throw new AsmException("invalid effective address");
        }
        if (index == Register.ESP || (scale != 1 && scale != 2 && scale != 4 && scale != 8)) {
            throw new AsmException("invalid effective address");
        }
        if (regs.isEmpty() && (m.displacement() == 16 || m.displacement() == 32)) {
            asize = m.displacement(); // [word 0x1234], [dword 0x12345678]: the address size
        }
        return new MemOp(m.size(), m.far(), m.segment(), base, index, scale, lin.displacement(), asize,
            m.displacement());
    }

    /** The 16-bit r/m value of a register pair, or -1 when 16-bit addressing cannot express it. */
    static int rm16(Register a, Register b) {
        int mask = bit16(a) | bit16(b);
        switch (mask) {
            case 0b1001: return 0; // bx+si
            case 0b1010: return 1; // bx+di
            case 0b0101: return 2; // bp+si
            case 0b0110: return 3; // bp+di
            case 0b0001: return 4; // si
            case 0b0010: return 5; // di
            case 0b0100: return 6; // bp
            case 0b1000: return 7; // bx
            default: return -1;
        }
    }

    private static int bit16(Register r) {
        if (r == null) {
            return 0;
        }
        switch (r) {
            case SI: return 1;
            case DI: return 2;
            case BP: return 4;
            case BX: return 8;
            default: return 64;
        }
    }

    // ------------------------------------------------------------------ matching

    /** Prefix words written before the mnemonic (rep, lock, o16, a32, ...). */
    record Prefixes(List<String> words) {
        int forcedOperandSize() {
            return words.contains("o16") ? 16 : words.contains("o32") ? 32 : 0;
        }

        int forcedAddressSize() {
            return words.contains("a16") ? 16 : words.contains("a32") ? 32 : 0;
        }
    }

    /** Encodes the instruction; throws {@link AsmException} when no form fits. */
    Code encode(String mnemonic, Prefixes prefixes, List<Op> ops, Context ctx) {
        List<Form> forms = table.forms(mnemonic);
        Code best = null;
        boolean shortMissed = false;
        for (Form f : forms) {
            if (!matches(f, ops, prefixes, ctx.bits(), false)) {
                continue;
            }
            boolean guessedShort = isShortBranch(f) && ((ImmOp) ops.get(0)).jump() == Syntax.Jump.NONE;
            if (guessedShort && ctx.longJump()) {
                continue;
            }
            Code b = emit(f, ops, prefixes, ctx);
            shortMissed |= b == null && guessedShort;
            if (b != null && (best == null || b.size() < best.size())) {
                best = b;
            }
        }
        if (best != null) {
            if (shortMissed) {
                ctx.grow().run();
            }
            return best;
        }
        for (Form f : forms) {
            if (f.operands().size() == ops.size() && !ops.isEmpty()
                && f.operands().get(0).cat == OperandKind.Cat.REL && ops.get(0) instanceof ImmOp i
                && i.jump() == Syntax.Jump.SHORT) {
                throw new AsmException("short jump is out of range");
            }
        }
        for (Form f : forms) {
            if (matches(f, ops, prefixes, ctx.bits(), true)) {
                throw new AsmException("operation size not specified");
            }
        }
        throw new AsmException("invalid combination of opcode and operands");
    }

    /**
     * Whether {@code f} accepts the operands. With {@code anySize} an unsized memory operand
     * matches memory of every size, which tells "size not specified" from "impossible".
     */
    private static boolean matches(Form f, List<Op> ops, Prefixes prefixes, int bits, boolean anySize) {
        List<OperandKind> kinds = f.operands();
        if (kinds.size() != ops.size()) {
            return false;
        }
        // sizes the operands state themselves: registers, sized memory, sized immediates
        long stated = 0;
        long registerSizes = 0;
        boolean unsized = false;
        for (int i = 0; i < ops.size(); i++) {
            Op op = ops.get(i);
            OperandKind k = kinds.get(i);
            if (op instanceof RegOp r) {
                if (k != OperandKind.CL && k != OperandKind.DX && r.register().kind == Register.Kind.GPR) {
                    registerSizes |= r.register().size;
                }
                stated |= r.register().size;
            } else if (op instanceof MemOp m) {
                stated |= m.size();
                unsized |= m.size() == 0;
            } else if (op instanceof ImmOp imm) {
                boolean byteHint = imm.size() == 8 && (k == OperandKind.SBYTE || k == OperandKind.IMM8);
                if (imm.size() == 0 || byteHint) {
                    unsized = true;
                } else {
                    stated |= imm.size();
                }
            }
        }
        if (unsized && f.operandSize() != 0 && f.operandSize() != bits && (stated & f.operandSize()) == 0) {
            return false;
        }
        for (int i = 0; i < ops.size(); i++) {
            if (!accepts(kinds.get(i), ops.get(i), f, registerSizes, anySize)) {
                return false;
            }
        }
        return true;
    }

    private static boolean accepts(OperandKind k, Op op, Form f, long registerSizes, boolean anySize) {
        switch (k.cat) {
            case FIXED:
                return op instanceof RegOp r && r.register() == k.fixed;
            case REG: case RMREG:
                return op instanceof RegOp r && r.register().kind == Register.Kind.GPR && r.register().size == k.size;
            case SPECIAL:
                return op instanceof RegOp r && r.register().kind == k.registerKind();
            case RM:
                if (op instanceof RegOp r) {
                    return r.register().kind == Register.Kind.GPR && r.register().size == k.size;
                }
                return op instanceof MemOp m && !m.far() && memorySize(m, k.size, registerSizes, anySize);
            case MEM:
                if (!(op instanceof MemOp m) || m.far()) {
                    return false;
                }
                return k.size == 0 ? m.size() == 0 : memorySize(m, k.size, registerSizes, anySize);
            case FARMEM:
                return op instanceof MemOp m && m.far();
            case MOFFS:
                return op instanceof MemOp m && !m.far() && m.base() == null && m.index() == null
                    && memorySize(m, k.size, registerSizes, anySize);
            case IMM:
                return op instanceof ImmOp i && i.segment() == null && i.jump() == Syntax.Jump.NONE
                    && (i.size() == 0 || i.size() == k.size) ;
            case SBYTE: {
                if (!(op instanceof ImmOp i) || i.segment() != null || i.jump() != Syntax.Jump.NONE) {
                    return false;
                }
                int osize = f.operandSize() == 0 ? 32 : f.operandSize();
                if (i.size() != 0 && i.size() != 8 && i.size() != osize) {
                    return false;
                }
                if (i.strict() && i.size() != 8) {
                    return false;
                }
                // an explicit BYTE takes any value (with a warning when it does not fit, as NASM does)
                return i.value().simple() && (i.size() == 8 || fitsSignedByte(i.value().value(), osize));
            }
            case ONE:
                return op instanceof ImmOp i && i.segment() == null && i.jump() == Syntax.Jump.NONE
                    && (i.size() == 0 || i.size() == 8) && i.value().simple() && i.value().value() == 1;
            case REL:
                if (!(op instanceof ImmOp i) || i.segment() != null) {
                    return false;
                }
                if (k.size == 8) {
                    return (i.jump() == Syntax.Jump.NONE && i.size() == 0) || i.jump() == Syntax.Jump.SHORT;
                }
                // call dword label, jmp word label: the size picks the form (and a 66 prefix)
                return (i.jump() == Syntax.Jump.NONE || i.jump() == Syntax.Jump.NEAR)
                    && (i.size() == 0 || i.size() == k.size);
            case PTR:
                return op instanceof ImmOp i && i.segment() != null
                    && (i.jump() == Syntax.Jump.NONE || i.jump() == Syntax.Jump.FAR)
                    && (i.size() == 0 || i.size() == k.size);
            default:
                return false;
        }
    }

    /**
     * A memory operand of no stated size takes the size of a register operand of the same
     * instruction ({@code mov [eax], ebx}); alone it is ambiguous, as NASM says.
     */
    private static boolean memorySize(MemOp m, int size, long registerSizes, boolean anySize) {
        if (m.size() != 0) {
            return m.size() == size;
        }
        return anySize || (registerSizes & size) != 0;
    }

    /** True when {@code v}, taken as an operand of {@code osize} bits, survives sign extension from a byte. */
    static boolean fitsSignedByte(long v, int osize) {
        long t = osize == 16 ? (short) v : osize == 32 ? (int) v : v;
        return t >= -128 && t <= 127;
    }

    // ------------------------------------------------------------------ emission

    private static boolean isShortBranch(Form f) {
        return !f.operands().isEmpty() && f.operands().get(0) == OperandKind.REL8;
    }

    /** The bytes of {@code f} with these operands, or null when a short branch cannot reach. */
    private static Code emit(Form f, List<Op> ops, Prefixes prefixes, Context ctx) {
        Code out = new Code();
        int bits = ctx.bits();
        for (String p : prefixes.words()) {
            switch (p) {
                case "lock": out.write(0xF0); break;
                case "rep": case "repe": case "repz": out.write(0xF3); break;
                case "repne": case "repnz": out.write(0xF2); break;
                case "es": case "cs": case "ss": case "ds": case "fs": case "gs":
                    out.write(segmentPrefix(Register.byName(p)));
                    break;
                default: break;
            }
        }
        MemOp mem = null;
        int rmIndex = f.indexOf(OperandKind::inRmField);
        if (rmIndex < 0) {
            rmIndex = f.indexOf(k -> k.cat == OperandKind.Cat.MOFFS);
        }
        if (rmIndex >= 0 && ops.get(rmIndex) instanceof MemOp m) {
            mem = m;
        }
        if (mem != null && mem.segment() != null) {
            out.write(segmentPrefix(mem.segment()));
        }
        // o16/o32/a16/a32 written in the source add their prefix byte without choosing another form
        int osize = f.operandSize() != 0 && f.operandSize() != bits ? f.operandSize() : prefixes.forcedOperandSize();
        if (osize != 0 && osize != bits) {
            out.write(0x66);
        }
        int asize = f.addressSize();
        if (asize == 0) {
            asize = mem != null && mem.addressSize() != 0 ? mem.addressSize() : prefixes.forcedAddressSize();
        }
        if (asize == bits && prefixes.forcedAddressSize() != 0 && prefixes.forcedAddressSize() != bits) {
            asize = prefixes.forcedAddressSize();
        }
        if (asize == 0) {
            asize = bits;
        }
        if (asize != bits) {
            out.write(0x67);
        }
        int regIndex = f.indexOf(OperandKind::inRegField);
        for (int i = 0; i < f.opcodeLength(); i++) {
            int b = f.opcodeByte(i);
            if (f.plusReg() && i == f.opcodeLength() - 1) {
                b += ((RegOp) ops.get(regIndex)).register().number;
            }
            out.write(b);
        }
        switch (f.modrm()) {
            case REG:
                modrm(out, ((RegOp) ops.get(regIndex)).register().number, ops.get(rmIndex), asize);
                break;
            case DIGIT:
                modrm(out, f.digit(), ops.get(rmIndex), asize);
                break;
            case BOTH: {
                int r = ((RegOp) ops.get(regIndex)).register().number;
                out.write(0xC0 | r << 3 | r);
                break;
            }
            default:
                break;
        }
        int next = 0; // next operand to look at for a tail field
        for (Form.Tail t : f.tail()) {
            while (!consumesTail(f.operands().get(next))) {
                next++;
            }
            OperandKind kind = f.operands().get(next);
            Op op = ops.get(next);
            next++;
            switch (t) {
                case MO:
                    out.field(((MemOp) op).displacement(), asize / 8);
                    break;
                case PW: case PD: {
                    ImmOp p = (ImmOp) op;
                    out.field(p.value(), t == Form.Tail.PW ? 2 : 4);
                    if (ctx.finalPass()) {
                        checkRange(p.segment(), 2, ctx.warnings());
                    }
                    little(out, p.segment().value(), 2);
                    break;
                }
                case RB: case RW: case RD: {
                    ImmOp p = (ImmOp) op;
                    Value target = p.value();
                    if (ctx.relocatable() && target.section() != ctx.section() && target.section() != Value.ABSOLUTE) {
                        // the linker computes the distance: the field holds the target's offset
                        // less the field's own width, which ends the instruction
                        if (t == Form.Tail.RB && p.jump() != Syntax.Jump.SHORT) {
                            return null;
                        }
                        out.field(target, target.value() - t.bytes, t.bytes, true);
                        break;
                    }
                    long end = ctx.address() + out.size() + t.bytes;
                    long distance = target.value() - end;
                    if (t == Form.Tail.RB && target.known() && (distance < -128 || distance > 127)) {
                        if (p.jump() != Syntax.Jump.SHORT || ctx.finalPass()) {
                            return null;
                        }
                    }
                    if (target.section() != ctx.section() && target.section() >= 0) {
                        out.field(target, distance, t.bytes, true); // resolved, but listed as NASM lists it
                    } else {
                        little(out, distance, t.bytes);
                    }
                    break;
                }
                default: {
                    ImmOp p = (ImmOp) op;
                    if (kind != OperandKind.SBYTE && ctx.finalPass()) {
                        checkRange(p.value(), t.bytes, ctx.warnings());
                    } else if (ctx.finalPass() && (p.value().value() < -128 || p.value().value() > 127)
                        && !fitsSignedByte(p.value().value(), f.operandSize() == 0 ? ctx.bits() : f.operandSize())) {
                        ctx.warnings().accept("signed byte value exceeds bounds");
                    }
                    out.field(p.value(), t.bytes);
                }
            }
        }
        return out;
    }

    private static boolean consumesTail(OperandKind k) {
        switch (k.cat) {
            case IMM: case SBYTE: case REL: case PTR: case MOFFS: return true;
            default: return false;
        }
    }

    /**
     * NASM's overflow warning: a field of n bits takes -2^n .. 2^n - 1 (so both -1 and 255 fit a
     * byte, and so does -200, which NASM lets pass as well).
     */
    static void checkRange(Value v, int bytes, Consumer<String> warnings) {
        if (bytes >= 8) {
            return;
        }
        long x = v.value();
        long lo = -(1L << (bytes * 8));
        long hi = (1L << (bytes * 8)) - 1;
        if (x < lo || x > hi) {
            String what = bytes == 1 ? "byte" : bytes == 2 ? "word" : "dword";
            warnings.accept(what + " data exceeds bounds");
        }
    }

    static int segmentPrefix(Register seg) {
        switch (seg) {
            case ES: return 0x26;
            case CS: return 0x2E;
            case SS: return 0x36;
            case DS: return 0x3E;
            case FS: return 0x64;
            default: return 0x65;
        }
    }

    /** ModR/M, SIB and displacement for a register or memory operand: the one place they are formed. */
    private static void modrm(Code out, int reg, Op rm, int asize) {
        if (rm instanceof RegOp r) {
            out.write(0xC0 | reg << 3 | r.register().number);
            return;
        }
        MemOp m = (MemOp) rm;
        Value d = m.displacement();
        if (asize == 16) {
            if (m.base() == null) {
                out.write(reg << 3 | 6);
                out.field(d, 2);
                return;
            }
            int rmBits = rm16(m.base(), m.index());
            int dispBytes = dispBytes(d, rmBits == 6, m.displacementSize());
            out.write((dispBytes == 0 ? 0 : dispBytes == 1 ? 0x40 : 0x80) | reg << 3 | rmBits);
            out.field(d, dispBytes);
            return;
        }
        if (m.base() == null && m.index() == null) {
            out.write(reg << 3 | 5);
            out.field(d, 4);
            return;
        }
        if (m.base() == null) {
            out.write(reg << 3 | 4);
            out.write(scaleBits(m.scale()) << 6 | m.index().number << 3 | 5);
            out.field(d, 4);
            return;
        }
        int dispBytes = dispBytes(d, m.base() == Register.EBP, m.displacementSize());
        int mod = dispBytes == 0 ? 0 : dispBytes == 1 ? 0x40 : 0x80;
        if (m.index() != null || m.base() == Register.ESP) {
            out.write(mod | reg << 3 | 4);
            int index = m.index() == null ? 4 : m.index().number;
            out.write(scaleBits(m.scale()) << 6 | index << 3 | m.base().number);
        } else {
            out.write(mod | reg << 3 | m.base().number);
        }
        out.field(d, dispBytes == 2 ? 4 : dispBytes);
    }

    /**
     * 0, 1 or 2 (= full size) displacement bytes; a base of BP/EBP has no form without one, and
     * a size keyword ({@code forced}: 8, or 16/32) chooses the byte or the full form.
     */
    private static int dispBytes(Value d, boolean bpBase, int forced) {
        if (forced == 8 && d.simple()) {
            return 1;
        }
        if (forced == 16 || forced == 32) {
            return 2;
        }
        if (!d.simple()) {
            return 2;
        }
        if (d.value() == 0 && !bpBase) {
            return 0;
        }
        return d.value() >= -128 && d.value() <= 127 ? 1 : 2;
    }

    private static int scaleBits(int scale) {
        return scale == 1 ? 0 : scale == 2 ? 1 : scale == 4 ? 2 : 3;
    }

    static void little(ByteArrayOutputStream out, long v, int bytes) {
        for (int i = 0; i < bytes; i++) {
            out.write((int) (v >>> (8 * i)) & 0xFF);
        }
    }
}
