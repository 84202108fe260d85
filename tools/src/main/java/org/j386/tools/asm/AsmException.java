package org.j386.tools.asm;

/**
 * A mistake in the source found while handling one line. Thrown inside the assembler and turned
 * into a {@link Diagnostic} for that line; it carries no stack trace because it is not a bug.
 */
public final class AsmException extends RuntimeException {
    public AsmException(String message) {
        super(message, null, false, false);
    }
}
