package org.j386.emulator.cli;

import picocli.CommandLine;

/** A count that must be at least 1 (an instruction limit of 0 or less would stop before the guest starts). */
final class PositiveCount implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String text) {
        long n;
        try {
            n = Long.parseLong(text.trim().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + text + "' is not a whole number");
        }
        if (n < 1) {
            throw new CommandLine.TypeConversionException("'" + text + "' must be 1 or more");
        }
        return n;
    }
}
