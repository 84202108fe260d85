package org.j386.tools.asm;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Collects the errors and warnings of one assembly. Messages are de-duplicated because the
 * multi-pass layout visits every line several times; only the last pass reports line errors.
 */
public final class Diagnostics {
    private final Set<Diagnostic> seen = new LinkedHashSet<>();

    public void error(SourceLine at, String message) {
        seen.add(new Diagnostic(Diagnostic.Severity.ERROR, at.file(), at.line(), message));
    }

    public void warning(SourceLine at, String message) {
        seen.add(new Diagnostic(Diagnostic.Severity.WARNING, at.file(), at.line(), message));
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
