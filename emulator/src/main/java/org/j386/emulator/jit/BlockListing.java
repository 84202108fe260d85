package org.j386.emulator.jit;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.j386.emulator.cpu.CompiledBlock;
import org.j386.tools.disasm.ByteSource;
import org.j386.tools.disasm.Disassembler;
import org.j386.tools.disasm.Instruction;
import org.j386.tools.disasm.SymbolLookup;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.Textifier;
import org.objectweb.asm.util.TraceClassVisitor;

/**
 * A compiled block as text, for the JIT check's report: its guest instructions in block order,
 * disassembled by the project's disassembler, and the class the translator generated for them,
 * printed by ASM's {@link Textifier}. Needs the block's {@link CompiledBlock#listing}.
 */
public final class BlockListing {
    private BlockListing() {
    }

    /** {@code code} reads guest code by EIP (under the flat CS compiled blocks run in). */
    public static String describe(CompiledBlock b, ByteSource code, SymbolLookup names) {
        CompiledBlock.Listing listing = b.listing;
        if (listing == null) {
            return "(no listing kept for this block: it was not made by the translator in check mode)\n";
        }
        StringBuilder text = new StringBuilder("guest code, in block order:\n");
        Disassembler disassembler = Disassembler.standard();
        for (int eip : listing.eips()) {
            Instruction insn = disassembler.decode(code, eip & 0xFFFFFFFFL, 32, names);
            StringBuilder hex = new StringBuilder();
            for (byte x : insn.bytes()) {
                hex.append(String.format("%02x ", x & 0xFF));
            }
            String name = names.nameFor(eip & 0xFFFFFFFFL);
            text.append(String.format("  %08x%s:  %-24s%s", eip, name == null ? "" : " <" + name + ">", hex,
                    insn.length() == 0 ? "(not readable)" : insn.text()).stripTrailing()).append('\n');
        }
        text.append("bytecode:\n");
        StringWriter out = new StringWriter();
        new ClassReader(listing.classFile()).accept(new TraceClassVisitor(null, new Textifier(), new PrintWriter(out)),
                ClassReader.SKIP_FRAMES);
        text.append(out);
        return text.toString();
    }
}
