package org.j386.emulator.cli;

import java.util.Locale;

import picocli.CommandLine;

/** Parses {@code -m} sizes the way QEMU does: a number with an optional K, M or G suffix; plain numbers are MiB. */
final class MemorySize implements CommandLine.ITypeConverter<Long> {
    /** The largest RAM one Java array can hold, rounded down to whole MiB. */
    static final long MAX = 2047L << 20;
    static final long MIN = 2L << 20;

    @Override
    public Long convert(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        long unit = 1L << 20;
        if (t.endsWith("K")) {
            unit = 1L << 10;
        } else if (t.endsWith("G")) {
            unit = 1L << 30;
        }
        if (t.endsWith("K") || t.endsWith("M") || t.endsWith("G")) {
            t = t.substring(0, t.length() - 1);
        }
        long n;
        try {
            n = Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + text + "' is not a memory size (examples: 32M, 512K, 1G)");
        }
        if (n <= 0 || n > MAX / unit + 1) {
            throw new CommandLine.TypeConversionException("'" + text + "' is outside 2M..2047M");
        }
        long bytes = n * unit;
        if (bytes < MIN || bytes > MAX) {
            throw new CommandLine.TypeConversionException("'" + text + "' is outside 2M..2047M");
        }
        return (bytes + 0xFFF) & ~0xFFFL;
    }
}
