package org.j386.tools.asm;

import java.util.List;
import org.j386.tools.isa.Register;

/** The parsed form of source lines, before any pass gives numbers to the expressions. */
final class Syntax {
    private Syntax() {
    }

    enum Jump { NONE, SHORT, NEAR, FAR }

    /** An instruction operand as written. */
    sealed interface Operand { }

    record RegOperand(Register register) implements Operand { }

    /**
     * {@code [seg:address]}; size 0 when no size keyword was given. {@code displacement} is the
     * size keyword inside the brackets ({@code [byte ebp]}, {@code [dword 0x1234]}; 0 for none),
     * {@code nosplit} asks for {@code [eax*2]} as an index without a base.
     */
    record MemOperand(int size, boolean far, Register segment, Expr address, int displacement, boolean nosplit)
        implements Operand { }

    /** An immediate, branch target or {@code seg:offset} far pointer ({@code segment} non-null). */
    record ImmOperand(int size, boolean strict, Jump jump, Expr value, Expr segment) implements Operand { }

    /** What a line asks for. */
    sealed interface Statement { }

    record Instruction(List<String> prefixes, String mnemonic, List<Operand> operands) implements Statement { }

    /** DB/DW/DD/DQ: items are {@link Expr} or {@code byte[]} string contents. */
    record Data(int width, List<Object> items) implements Statement { }

    record Reserve(int width, Expr count) implements Statement { }

    record Times(Expr count, Statement body) implements Statement { }

    /** ALIGN (fill statement, NOP by default) or ALIGNB (reserve). */
    record Align(Expr boundary, Statement fill, boolean reserve) implements Statement { }

    record Equ(Expr value) implements Statement { }

    record Bits(int bits) implements Statement { }

    record Org(Expr origin) implements Statement { }

    /** {@code flags}: the ELF attribute words written after the name (exec, nowrite, init_array, ...). */
    record Section(String name, long align, Boolean nobits, long start, List<String> flags) implements Statement { }

    record Incbin(String file, Expr skip, Expr length) implements Statement { }

    record Struc(String name) implements Statement { }

    record EndStruc() implements Statement { }

    record Istruc(String name) implements Statement { }

    record At(Expr field, Statement data) implements Statement { }

    record Iend() implements Statement { }

    /** GLOBAL: names exported in an ELF symbol table. */
    record Global(List<String> names) implements Statement { }

    /** EXTERN: names another object defines; only an object file can refer to them. */
    record Extern(List<String> names) implements Statement { }

    /** COMMON: an uninitialised variable the linker allocates ({@code align} may be null). */
    record Common(String name, Expr size, Expr align) implements Statement { }

    record Empty() implements Statement { }

    /** A line that did not parse; its message is reported in the final pass, in line order. */
    record Invalid(String message) implements Statement { }

    /** A statement that assembles to nothing but draws a warning in the final pass. */
    record Suspicious(String message) implements Statement { }

    /** A line: optional label, statement, and where it came from. */
    record Line(SourceLine source, String label, Statement statement) { }
}
