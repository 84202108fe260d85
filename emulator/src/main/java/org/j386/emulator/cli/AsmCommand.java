package org.j386.emulator.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.j386.tools.asm.Assembler;
import org.j386.tools.asm.BinFormat;
import org.j386.tools.asm.Diagnostic;
import org.j386.tools.asm.ElfFormat;
import org.j386.tools.asm.ElfObjectFormat;
import org.j386.tools.asm.OutputFormat;

import picocli.CommandLine.Model.CommandSpec;

/** {@code j386 asm SOURCE}: the NASM-dialect assembler. */
final class AsmCommand implements Callable<Integer> {
    Path source;
    Path output;
    String format;
    Path listing;
    List<Path> includes = new ArrayList<>();
    List<String> defines = new ArrayList<>();
    List<String> undefines = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    List<String> gccWarnings = new ArrayList<>();
    boolean dependenciesOnly;
    Path dependencyFile;
    String dependencyTarget;
    boolean phonyDependencies;

    private CommandSpec spec;

    /** The command's options and help, bound to this object. */
    CommandSpec model() {
        spec = CommandModel.of(this, "asm", "Assemble a NASM-syntax source into a flat binary (as nasm -f bin lays it"
                + " out), an ELF32 relocatable object for ld (as nasm -f elf32 writes it) or an ELF32 i386 executable"
                + " with a symbol table. Messages read FILE:LINE: error: text.")
            .unsorted()
            .spaceBeforeValues()
            .exitStatuses(
                "  0    assembled (warnings, if any, were printed)",
                "  1    the source has errors; no output was written",
                "  2    bad command line, or a file that cannot be read or written")
            .parameter("SOURCE", "the source file", Path.class, null, v -> source = v)
            .option("-o", "OUT", "output file (default: SOURCE with .bin, .o or .elf for its extension)", null,
                    Path.class, null, v -> output = v)
            .option("-f", "FORMAT", "bin, elf32 (or elf: a relocatable object) or elfexec (default: ${DEFAULT-VALUE});"
                    + " an elfexec executable starts at ORG, else 0x100000", "bin", v -> format = v)
            .option("-l", "LISTING", "also write a listing as nasm -l writes it: line, offset, bytes, source", null,
                    Path.class, null, v -> listing = v)
            .repeatable("-I", "DIR", Path.class, null, null, includes,
                    "a folder searched by %%include and INCBIN after the source's own (repeatable)")
            .repeatable("-D", "NAME[=VALUE]", false, defines,
                    "define a macro before the source, as %%define NAME VALUE (repeatable)")
            .repeatable("-U", "NAME", false, undefines, "undefine a macro -D defined (repeatable)")
            .repeatable("-w", "+CLASS|-CLASS", String.class, null, new WarningOption(), warnings,
                    "turn a warning class on or off, or make it an error: -w+error, -w+error=CLASS; classes"
                    + " label-orphan, number-overflow, zeroing, user, other, all (repeatable)")
            .repeatable("-W", "CLASS|no-CLASS", false, gccWarnings,
                    "the same in gcc's spelling: -Werror, -Wno-zeroing, -Wall (repeatable)")
            .flag("-M", "print the output's dependencies in Makefile syntax instead of assembling",
                    v -> dependenciesOnly = v)
            .option("-MD", "FILE", "assemble, and write the dependencies to FILE", null, Path.class, null,
                    v -> dependencyFile = v)
            .option("-MT", "TARGET", "the target named in the dependencies (default: the output file)",
                    v -> dependencyTarget = v)
            .flag("-MP", "also name every dependency as a target without prerequisites, so that make does not fail"
                    + " when one is deleted", v -> phonyDependencies = v)
            .build();
        return spec;
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        OutputFormat fmt;
        switch (format) {
            case "bin": fmt = new BinFormat(); break;
            case "elf": case "elf32": fmt = new ElfObjectFormat(); break;
            case "elfexec": fmt = new ElfFormat(); break;
            default:
                err.println("j386: error: unknown output format `" + format + "' (bin, elf32 or elfexec)");
                return 2;
        }
        if (!Files.isReadable(source) || Files.isDirectory(source)) {
            err.println("j386: error: cannot read " + source);
            return 2;
        }
        if (!Files.isRegularFile(source)) {
            err.println("j386: error: cannot read " + source + ": not a regular file");
            return 2;
        }
        Map<String, String> macros = new LinkedHashMap<>();
        for (String d : defines) {
            int eq = d.indexOf('=');
            String name = eq < 0 ? d : d.substring(0, eq);
            if (!name.matches("[A-Za-z_.?$][A-Za-z0-9_.?$#@~]*")) {
                err.println("j386: error: -D " + d + ": not a macro name");
                return 2;
            }
            macros.put(name, eq < 0 ? "" : d.substring(eq + 1));
        }
        undefines.forEach(macros::remove);
        List<String> warningOptions = new ArrayList<>(warnings);
        for (String w : gccWarnings) {
            warningOptions.add(w.startsWith("no-") ? "-" + w.substring(3) : "+" + w);
        }
        Assembler.Result r;
        try {
            r = Assembler.assemble(source,
                new Assembler.Options(includes, fmt, macros, warningOptions, listing != null));
        } catch (IllegalArgumentException e) {
            err.println("j386: error: " + e.getMessage());
            return 2;
        }
        for (Diagnostic d : r.diagnostics()) {
            err.println(d);
        }
        err.flush();
        if (!r.ok()) {
            return 1;
        }
        Path out = output != null ? output : defaultOutput(source,
            format.equals("bin") ? ".bin" : format.equals("elfexec") ? ".elf" : ".o");
        String dependencies = dependencies(dependencyTarget != null ? dependencyTarget : out.toString(), r);
        if (dependenciesOnly) {
            spec.commandLine().getOut().print(dependencies);
            spec.commandLine().getOut().flush();
            return 0;
        }
        try {
            if (dependencyFile != null) {
                Files.writeString(dependencyFile, dependencies);
            }
            Files.write(out, r.output());
            if (listing != null) {
                Files.writeString(listing, r.listing(), StandardCharsets.ISO_8859_1);
            }
        } catch (IOException e) {
            err.println("j386: error: cannot write " + (listing != null && Files.exists(out) ? listing : out)
                + ": " + IoProblem.describe(e));
            return 2;
        }
        return 0;
    }

    /** Takes {@code -w-CLASS} as -w with a value, where picocli would see an option in {@code -CLASS}. */
    static final class WarningOption implements picocli.CommandLine.IParameterPreprocessor {
        @Override
        public boolean preprocess(java.util.Stack<String> args, CommandSpec spec, picocli.CommandLine.Model.ArgSpec arg,
                                  Map<String, Object> info) {
            if (args.isEmpty()) {
                return false;
            }
            List<String> values = arg.getValue();
            values.add(args.pop());
            return true;
        }
    }

    /** A Makefile rule: the target depends on the source and every file it included or INCBINed. */
    private String dependencies(String target, Assembler.Result r) {
        List<String> files = new ArrayList<>();
        files.add(source.toString());
        Path here = Path.of("").toAbsolutePath();
        for (Path p : r.dependencies()) {
            Path absolute = p.toAbsolutePath().normalize();
            files.add(absolute.startsWith(here) ? here.relativize(absolute).toString() : absolute.toString());
        }
        StringBuilder sb = new StringBuilder(target).append(" :");
        files.forEach(f -> sb.append(' ').append(f));
        sb.append("\n\n");
        if (phonyDependencies) {
            files.forEach(f -> sb.append(f).append(" :\n\n"));
        }
        return sb.toString();
    }

    private static Path defaultOutput(Path source, String extension) {
        String name = source.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        return source.resolveSibling(stem + extension);
    }
}
