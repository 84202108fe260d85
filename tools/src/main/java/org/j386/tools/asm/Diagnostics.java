package org.j386.tools.asm;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Collects the errors and warnings of one assembly. Messages are de-duplicated because the
 * multi-pass layout visits every line several times; only the last pass reports line errors.
 */
public final class Diagnostics {
    private final Set<Diagnostic> seen = new LinkedHashSet<>();
    private final Map<String, Boolean> enabled = new HashMap<>();
    private final Map<String, Boolean> fatal = new HashMap<>();
    private boolean allFatal;

    /** NASM's warning classes of the warnings j386 gives. */
    static final List<String> CLASSES = List.of("label-orphan", "number-overflow", "zeroing", "user", "other");

    Diagnostics() {
    }

    /**
     * Applies NASM's {@code -w} options in order: {@code +class}/{@code -class} turn a class
     * on or off ({@code all} is every class), {@code +error}/{@code -error} make every warning an
     * error or not, {@code +error=class}/{@code -error=class} one class. An unknown class is
     * refused, as the command line's mistake.
     */
    Diagnostics(List<String> options) {
        for (String o : options) {
            if (o.length() < 2 || (o.charAt(0) != '+' && o.charAt(0) != '-')) {
                throw new IllegalArgumentException("-w" + o + ": expected -w+CLASS or -w-CLASS");
            }
            boolean on = o.charAt(0) == '+';
            String name = o.substring(1);
            if (name.equals("error")) {
                allFatal = on;
                fatal.clear();
            } else if (name.startsWith("error=")) {
                fatal.put(known(o, name.substring(6)), on);
            } else if (name.equals("all")) {
                CLASSES.forEach(c -> enabled.put(c, on));
            } else {
                enabled.put(known(o, name), on);
            }
        }
    }

    private static String known(String option, String name) {
        if (!CLASSES.contains(name)) {
            throw new IllegalArgumentException("-w" + option + ": unknown warning class `" + name + "' (known: "
                + String.join(", ", CLASSES) + ")");
        }
        return name;
    }

    /** The class NASM files a warning under, from its text. */
    static String classOf(String message) {
        if (message.startsWith("label alone on a line")) {
            return "label-orphan";
        }
        if (message.endsWith("exceeds bounds")) {
            return "number-overflow";
        }
        if (message.startsWith("uninitialized space declared")) {
            return "zeroing";
        }
        return "other";
    }

    public void error(SourceLine at, String message) {
        seen.add(new Diagnostic(Diagnostic.Severity.ERROR, at.file(), at.line(), message));
    }

    public void warning(SourceLine at, String message) {
        warning(at, message, classOf(message));
    }

    /**
     * A warning of {@code warningClass}: dropped when the class is off (null), an error when made
     * one; returns what was recorded.
     */
    Diagnostic warning(SourceLine at, String message, String warningClass) {
        if (!enabled.getOrDefault(warningClass, true)) {
            return null;
        }
        boolean error = fatal.getOrDefault(warningClass, allFatal);
        Diagnostic d = new Diagnostic(error ? Diagnostic.Severity.ERROR : Diagnostic.Severity.WARNING, at.file(),
            at.line(), message);
        seen.add(d);
        return d;
    }

    /** How NASM's listing shows a message: with its severity and class. */
    static String listed(Diagnostic d, String warningClass) {
        return (d.isError() ? "error: " : "warning: ") + d.message() + " [-w+"
            + (d.isError() ? "error=" : "") + warningClass + "]";
    }

    public boolean hasErrors() {
        return seen.stream().anyMatch(Diagnostic::isError);
    }

    /** A point to {@link #rollback} to. */
    int mark() {
        return seen.size();
    }

    /** Forgets the messages added since {@code mark} (those of a pass that turned out not to be the last). */
    void rollback(int mark) {
        if (seen.size() > mark) {
            List<Diagnostic> keep = new ArrayList<>(seen).subList(0, mark);
            seen.clear();
            seen.addAll(keep);
        }
    }

    public List<Diagnostic> all() {
        return new ArrayList<>(seen);
    }
}
