package org.j386.emulator.cli;

import java.math.BigDecimal;

import org.j386.emulator.devices.VirtualTime;

import picocli.CommandLine;

/**
 * {@code --max-time}: virtual seconds (a whole or decimal number above zero), converted to
 * instruction slots, or {@code none} for no limit ({@link Long#MAX_VALUE}).
 */
final class VirtualSeconds implements CommandLine.ITypeConverter<Long> {
    private static final BigDecimal SLOTS_PER_SECOND = BigDecimal.valueOf(VirtualTime.SLOTS_PER_SECOND);
    private static final BigDecimal MOST = BigDecimal.valueOf(Long.MAX_VALUE - 1);

    @Override
    public Long convert(String text) {
        String t = text.trim();
        if (t.equalsIgnoreCase("none")) {
            return Long.MAX_VALUE;
        }
        BigDecimal seconds;
        try {
            seconds = new BigDecimal(t.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + text + "' is not a number of seconds (or none)");
        }
        BigDecimal slots = seconds.multiply(SLOTS_PER_SECOND);
        if (slots.compareTo(BigDecimal.ONE) < 0) {
            throw new CommandLine.TypeConversionException("'" + text + "' must be more than 0 (at least 0.00000001)");
        }
        if (slots.compareTo(MOST) > 0) {
            throw new CommandLine.TypeConversionException("'" + text + "' is more virtual time than j386 can count"
                    + " (use none for no limit)");
        }
        return slots.longValue();
    }
}
