package org.j386.emulator.debug;

import org.j386.tools.disasm.ByteSource;
import org.j386.tools.disasm.Disassembler;
import org.j386.tools.disasm.Instruction;
import org.j386.tools.disasm.SymbolLookup;

/**
 * Guest code as text for {@code x/i}, {@code trace} and the line shown at each stop, read through
 * the debugger's side-effect-free view of memory and decoded as CS's default size says.
 */
public final class Disassembly {
    private final Disassembler disassembler = Disassembler.standard();
    private final SymbolLookup names;

    /** {@code names} annotates branch targets and absolute addresses. */
    public Disassembly(SymbolLookup names) {
        this.names = names;
    }

    /** The instruction at an address; its length is 0 when the first byte is unreadable. */
    public Instruction decode(GuestMemory memory, long address, boolean physical) {
        ByteSource bytes = a -> {
            Long v = memory.readValue(a, physical, 1);
            return v == null ? -1 : v.intValue();
        };
        int bits = memory.state().code32() ? 32 : 16;
        return disassembler.decode(bytes, address & 0xFFFFFFFFL, bits, names);
    }

    /** "0x00100234 <kmain+0x14>:  8b 45 08          mov eax,[ebp+0x8]" */
    public String line(GuestMemory memory, long address, Debugger debugger) {
        return line(memory, address, false, debugger);
    }

    public String line(GuestMemory memory, long address, boolean physical, Debugger debugger) {
        String where = String.format("0x%08x", address & 0xFFFFFFFFL) + (physical ? "" : debugger.symbolSuffix(address));
        Instruction insn = decode(memory, address, physical);
        if (insn.length() == 0) {
            return where + ":  (" + (physical ? "outside RAM" : "not mapped") + ")";
        }
        StringBuilder hex = new StringBuilder();
        for (byte b : insn.bytes()) {
            hex.append(String.format("%02x ", b & 0xFF));
        }
        return String.format("%s:  %-24s%s", where, hex, insn.text()).stripTrailing();
    }
}
