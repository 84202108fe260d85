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
        return parse(text, MIN, MAX, "2M..2047M");
    }

    /** A size with an optional K, M or G suffix (plain numbers are MiB) within {@code min..max}. */
    static long parse(String text, long min, long max, String range) {
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
        if (n <= 0 || n > max / unit + 1) {
            throw new CommandLine.TypeConversionException("'" + text + "' is outside " + range);
        }
        long bytes = n * unit;
        if (bytes < min || bytes > max) {
            throw new CommandLine.TypeConversionException("'" + text + "' is outside " + range);
        }
        return (bytes + 0xFFF) & ~0xFFFL;
    }

    /** {@code --record-limit}: the bound on the memory the debugger's snapshots take, 1M..1024G. */
    static final class RecordLimit implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String text) {
            return parse(text, 1L << 20, 1L << 40, "1M..1024G");
        }
    }

    /** {@code --jit-cache}: the bound on compiled code kept, 64K..1G. */
    static final class CodeCacheSize implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String text) {
            return parse(text, 64L << 10, 1L << 30, "64K..1G");
        }
    }
}
