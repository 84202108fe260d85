package org.j386.emulator.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.j386.tools.disasm.ByteSource;
import org.j386.tools.disasm.Disassembler;
import org.j386.tools.disasm.Instruction;
import org.j386.tools.disasm.SymbolLookup;
import org.j386.tools.image.Elf32File;
import org.j386.tools.image.ImageFormatException;
import org.j386.tools.image.ProgramHeader;
import org.j386.tools.image.SectionHeader;
import org.j386.tools.image.Symbol;
import org.j386.tools.image.SymbolTable;

import picocli.CommandLine.Model.CommandSpec;

/** {@code j386 disasm FILE}: the disassembler, in NASM's spelling. */
final class DisasmCommand implements Callable<Integer> {
    /** The largest file disassembled: far more than any kernel's code. */
    static final long MAX_FILE = 64L << 20;

    Path file;
    String origin;
    int bits;
    boolean elf;

    private CommandSpec spec;

    /** The command's options and help, bound to this object. */
    CommandSpec model() {
        spec = CommandModel.of(this, "disasm", "Disassemble a flat binary, or the code sections of an ELF32 executable"
                + " or relocatable object, to Intel syntax as NASM writes it: address, bytes and instruction on each"
                + " line. ELF symbols become labels and name branch targets and absolute addresses; an object's"
                + " relocations are shown under the instructions they patch, as objdump -dr shows them.")
            .unsorted()
            .spaceBeforeValues()
            .exitStatuses(
                "  0    disassembled",
                "  2    bad command line, or a file that cannot be read or is no ELF32 i386 file")
            .parameter("FILE", "the file to disassemble", Path.class, null, v -> file = v)
            .option("--org", "ADDR", "address of the first byte of a flat binary (default: 0); 0x for hex", "0",
                    v -> origin = v)
            .option("--bits", "16|32", "default operand and address size of the code (default: ${DEFAULT-VALUE})",
                    "32", Integer.class, null, v -> bits = v)
            .flag("--elf", "FILE is an ELF32 executable or relocatable object: disassemble its code sections",
                    v -> elf = v)
            .build();
        return spec;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (bits != 16 && bits != 32) {
            err.println("j386: error: --bits must be 16 or 32, not " + bits);
            return 2;
        }
        long org;
        try {
            org = origin.toLowerCase().startsWith("0x") ? Long.parseLong(origin.substring(2), 16) : Long.parseLong(origin);
        } catch (NumberFormatException e) {
            err.println("j386: error: --org " + origin + ": not a number");
            return 2;
        }
        byte[] data;
        try {
            // Checked before reading: a device never ends, and a file of gigabytes would not fit.
            if (Files.exists(file) && !Files.isRegularFile(file)) {
                err.println("j386: error: cannot read " + file + ": not a regular file");
                return 2;
            }
            if (Files.exists(file) && Files.size(file) > MAX_FILE) {
                err.println("j386: error: " + file + " is too large to disassemble (" + Files.size(file)
                        + " bytes; at most " + (MAX_FILE >> 20) + " MiB)");
                return 2;
            }
            data = Files.readAllBytes(file);
        } catch (IOException e) {
            err.println("j386: error: cannot read " + file);
            return 2;
        }
        if (!elf) {
            print(out, data, org, List.of());
            out.flush();
            return 0;
        }
        Elf32File image;
        try {
            image = Elf32File.parseAny(file.toString(), data);
        } catch (ImageFormatException e) {
            err.println("j386: error: " + e.getMessage());
            return 2;
        }
        SymbolTable symbols = image.symbolTable();
        List<Region> regions = new ArrayList<>();
        for (SectionHeader s : image.sections()) {
            if ((s.flags() & SectionHeader.SHF_EXECINSTR) != 0 && s.hasFileData() && s.size() != 0) {
                regions.add(new Region("section " + s.name(), s.offset(), s.size(), s.addr(), s));
            }
        }
        if (regions.isEmpty()) { // no section headers: the executable segments
            for (ProgramHeader p : image.loadSegments()) {
                if (p.executable() && p.filesz() != 0) {
                    regions.add(new Region("segment " + p.index(), p.offset(), p.filesz(), p.vaddr(), null));
                }
            }
        }
        boolean first = true;
        for (Region s : regions) {
            if (s.offset() < 0 || (long) s.offset() + Integer.toUnsignedLong(s.size()) > data.length) {
                err.println("j386: error: " + file + ": " + s.name() + " lies beyond the end of the file");
                return 2;
            }
            byte[] code = java.util.Arrays.copyOfRange(data, s.offset(), s.offset() + s.size());
            long start = Integer.toUnsignedLong(s.addr());
            out.println((first ? "" : "\n") + "; " + s.name());
            first = false;
            List<Symbol> labels = new ArrayList<>();
            List<Elf32File.Relocation> relocations = List.of();
            SymbolTable names = symbols;
            if (image.relocatable()) {
                // every section of an object starts at 0: only its own symbols name its addresses
                List<Symbol> own = new ArrayList<>();
                for (Symbol sym : image.symbols()) {
                    if (sym.sectionIndex() == s.header().index() && sym.namesAnAddress()) {
                        own.add(sym);
                    }
                }
                names = new SymbolTable(own);
                try {
                    relocations = image.relocations(s.header());
                } catch (ImageFormatException e) {
                    err.println("j386: error: " + e.getMessage());
                    return 2;
                }
            }
            for (Symbol sym : names.symbols()) {
                long v = Integer.toUnsignedLong(sym.value());
                if (v >= start && v < start + code.length) {
                    labels.add(sym);
                }
            }
            List<String> relocationLines = new ArrayList<>();
            for (Elf32File.Relocation r : relocations) {
                relocationLines.add(String.format("%08X %s %s", r.offset(), r.typeName(),
                    r.symbolName(image.sections())));
            }
            print(out, code, start, labels, SymbolLookup.of(names), relocations, relocationLines);
        }
        out.flush();
        return 0;
    }

    /**
     * Bytes of the file to disassemble: a code section (with its header), or a code segment when
     * there are no sections (header null).
     */
    private record Region(String name, int offset, int size, int addr, SectionHeader header) {
    }

    private void print(PrintWriter out, byte[] code, long start, List<Symbol> labels) {
        print(out, code, start, labels, SymbolLookup.NONE, List.of(), List.of());
    }

    /** Where a relocation line starts: under the instruction column. */
    private static final String RELOCATION_INDENT = " ".repeat(28);

    /**
     * Prints the code, a {@code name:} line before each labelled address. Decoding restarts at
     * every label, so data before a label (a Multiboot header) cannot swallow the code after it.
     */
    private void print(PrintWriter out, byte[] code, long start, List<Symbol> labels, SymbolLookup names,
                       List<Elf32File.Relocation> relocations, List<String> relocationLines) {
        int nextRelocation = 0;
        Disassembler dis = Disassembler.standard();
        ByteSource src = ByteSource.of(code, start);
        int next = 0;
        long at = start;
        long end = start + code.length;
        while (at < end) {
            while (next < labels.size() && Integer.toUnsignedLong(labels.get(next).value()) < at) {
                next++;
            }
            long limit = end;
            while (next < labels.size() && Integer.toUnsignedLong(labels.get(next).value()) == at) {
                out.println(labels.get(next).name() + ":");
                next++;
            }
            if (next < labels.size()) {
                limit = Integer.toUnsignedLong(labels.get(next).value());
            }
            long bound = limit;
            ByteSource bytes = a -> a < bound ? src.byteAt(a) : -1;
            Instruction i = dis.decode(bytes, at, bits, names);
            if (nextRelocation < relocations.size()
                && Integer.toUnsignedLong(relocations.get(nextRelocation).offset()) < at + i.length()) {
                // the linker changes this number: naming the symbol of this section at it would mislead
                i = dis.decode(bytes, at, bits, SymbolLookup.NONE);
            }
            out.println(i);
            at += i.length();
            while (nextRelocation < relocations.size()
                && Integer.toUnsignedLong(relocations.get(nextRelocation).offset()) < at) {
                out.println(RELOCATION_INDENT + relocationLines.get(nextRelocation++));
            }
        }
    }
}
