package org.j386.emulator.conform;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The instruction vectors bundled with j386: one gzip file per instruction group under
 * {@code org/j386/emulator/conform/vectors/}, listed with its number of cases in {@code index.txt},
 * each holding forms and their cases (see {@link InstructionVector} for a case line).
 */
public final class VectorSet {
    private static final String DIRECTORY = "/org/j386/emulator/conform/vectors/";

    /** One instruction form and its cases, still as text (parsed when run). */
    public record Form(String group, String name, String rule, String text, List<String> cases) {
    }

    private VectorSet() {
    }

    /** An instruction group and how many cases its file holds. */
    public record Group(String name, int cases) {
    }

    /** The instruction groups, in index order. */
    public static List<Group> index() {
        List<Group> groups = new ArrayList<>();
        try (BufferedReader in = open(DIRECTORY + "index.txt", false)) {
            for (String line; (line = in.readLine()) != null; ) {
                String[] f = line.trim().split(" +");
                if (f.length == 2) {
                    groups.add(new Group(f[0], Integer.parseInt(f[1])));
                } else if (!line.isBlank()) {
                    throw new IllegalStateException(DIRECTORY + "index.txt: expected GROUP CASES, got '" + line + "'");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return groups;
    }

    /** The names of the instruction groups, in index order. */
    public static List<String> groups() {
        return index().stream().map(Group::name).toList();
    }

    /** Every form of one group with its cases. */
    public static List<Form> forms(String group) {
        List<Form> forms = new ArrayList<>();
        String resource = DIRECTORY + group + ".vec.gz";
        try (BufferedReader in = open(resource, true)) {
            String name = null, rule = null, text = null;
            List<String> cases = null;
            int lineNumber = 0;
            for (String line; (line = in.readLine()) != null; ) {
                lineNumber++;
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                if (line.startsWith("form ")) {
                    if (name != null) {
                        forms.add(new Form(group, name, rule, text, List.copyOf(cases)));
                    }
                    String[] f = line.split(" ", 4);
                    if (f.length < 4) {
                        throw new IllegalStateException(resource + ":" + lineNumber + ": form line needs NAME RULE TEXT");
                    }
                    name = f[1];
                    rule = f[2];
                    text = f[3];
                    cases = new ArrayList<>();
                } else if (cases == null) {
                    throw new IllegalStateException(resource + ":" + lineNumber + ": case before the first form line");
                } else {
                    cases.add(line);
                }
            }
            if (name != null) {
                forms.add(new Form(group, name, rule, text, List.copyOf(cases)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return forms;
    }

    private static BufferedReader open(String resource, boolean gzip) throws IOException {
        InputStream raw = VectorSet.class.getResourceAsStream(resource);
        if (raw == null) {
            throw new IllegalStateException("missing resource " + resource + " (make vectors regenerates it)");
        }
        InputStream in = gzip ? new GZIPInputStream(raw, 1 << 16) : raw;
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII), 1 << 16);
    }
}
