package org.j386.emulator.check;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.j386.guest.GuestKernel;
import org.j386.tools.asm.Assembler;
import org.j386.tools.asm.ElfFormat;

/**
 * The one-line bugs of guest-kernel/mutants (format in its README): each names a source file, the
 * line as it stands and the line that replaces it.
 */
final class MutantCatalogue {
    static final Path DIR = Path.of("../guest-kernel/mutants");
    static final Path SOURCES = Path.of("../guest-kernel/src/main/asm");

    /** One mutant: in {@code file}, the {@code occurrence}-th line whose code is {@code from} becomes {@code to}. */
    record Mutant(String name, String file, int occurrence, boolean occurrenceGiven, String from, String to,
            String description) {
        /** The source with this mutant's line replaced; fails unless exactly the line named matches. */
        String apply(String source) {
            String[] lines = source.split("\n", -1);
            List<Integer> matches = new ArrayList<>();
            for (int i = 0; i < lines.length; i++) {
                if (code(lines[i]).equals(from)) {
                    matches.add(i);
                }
            }
            if (matches.isEmpty() || matches.size() < occurrence || !occurrenceGiven && matches.size() > 1) {
                throw new IllegalStateException(name + ": " + matches.size() + " lines of " + file + " read '" + from
                        + "'" + (occurrenceGiven ? ", occurrence " + occurrence + " asked" : " (name one with #N)"));
            }
            int at = matches.get(occurrence - 1);
            String line = lines[at];
            lines[at] = line.substring(0, line.length() - line.stripLeading().length()) + to;
            return String.join("\n", lines);
        }
    }

    private static final Pattern HEADER = Pattern.compile("mutant (\\S+) ([^#\\s]+)(?:#(\\d+))? -- (.+)");

    /** A line's code: without its comment, its whitespace runs made single spaces. */
    static String code(String line) {
        int comment = line.indexOf(';');
        return (comment < 0 ? line : line.substring(0, comment)).trim().replaceAll("\\s+", " ");
    }

    /** The mutants of the kernel {@code guestName} (mp4.mutants, lab2.mutants). */
    static List<Mutant> of(String guestName) throws IOException {
        List<String> lines;
        try (Stream<String> all = Files.lines(DIR.resolve(guestName + ".mutants"))) {
            lines = all.map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        }
        List<Mutant> mutants = new ArrayList<>();
        for (int i = 0; i < lines.size(); i += 3) {
            Matcher m = HEADER.matcher(lines.get(i));
            if (!m.matches() || i + 2 >= lines.size() || !lines.get(i + 1).startsWith("- ")
                    || !lines.get(i + 2).startsWith("+ ")) {
                throw new IllegalStateException(guestName + ".mutants: not a mutant at '" + lines.get(i) + "'");
            }
            mutants.add(new Mutant(m.group(1), m.group(2), m.group(3) == null ? 1 : Integer.parseInt(m.group(3)),
                    m.group(3) != null, code(lines.get(i + 1).substring(2)), lines.get(i + 2).substring(2).strip(),
                    m.group(4)));
        }
        return mutants;
    }

    /** A copy of the guest sources in {@code dir} with {@code mutant} applied. */
    static void writeMutatedSources(Mutant mutant, Path dir) throws IOException {
        try (Stream<Path> files = Files.list(SOURCES)) {
            for (Path f : files.toList()) {
                String text = Files.readString(f);
                Files.writeString(dir.resolve(f.getFileName().toString()),
                        mutant != null && f.getFileName().toString().equals(mutant.file()) ? mutant.apply(text) : text);
            }
        }
    }

    /** The kernel's image assembled from the sources with {@code mutant} (null: none) applied, in a folder under {@code dir}. */
    static byte[] assemble(GuestKernel kernel, Mutant mutant, Path dir) throws IOException {
        Path sources = Files.createTempDirectory(dir, mutant == null ? "original" : mutant.name());
        writeMutatedSources(mutant, sources);
        String main = kernel == GuestKernel.MP4 ? "kernel.asm" : "lab2.asm";
        Assembler.Result result = Assembler.assemble(sources.resolve(main),
                new Assembler.Options(List.of(sources), new ElfFormat()));
        if (!result.ok()) {
            throw new IllegalStateException((mutant == null ? "the sources" : mutant.name()) + " do not assemble: "
                    + result.diagnostics());
        }
        return result.output();
    }

    /** The mutant of {@code guestName} called {@code name}. */
    static Mutant named(String guestName, String name) throws IOException {
        return of(guestName).stream().filter(m -> m.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no mutant " + name));
    }

    private MutantCatalogue() {
    }
}
