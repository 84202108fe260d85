package org.j386.emulator.cli;

/** A problem with an option value found after parsing. */
final class UsageException extends Exception {
    UsageException(String message) {
        super(message);
    }
}
