package org.j386.tools.asm;

/** One message about the source, printed the way NASM prints it: {@code FILE:LINE: error: text}. */
public record Diagnostic(Severity severity, String file, int line, String message) {

    public enum Severity { WARNING, ERROR }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    @Override
    public String toString() {
        return file + ":" + line + ": " + (isError() ? "error" : "warning") + ": " + message;
    }
}
