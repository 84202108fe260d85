package org.j386.guest.reference;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * One trace record: an operation's begin (its arguments) or its end (its results). On the trace
 * port a record is a header dword {@code op | end << 8 | count << 16} followed by {@code count}
 * value dwords.
 */
public record Event(Op op, boolean end, int[] values) {

    public static Event begin(Op op, int... values) {
        return new Event(op, false, values.clone());
    }

    public static Event end(Op op, int... values) {
        return new Event(op, true, values.clone());
    }

    public int header() {
        return op.code | (end ? 1 << 8 : 0) | values.length << 16;
    }

    /** Decodes a header dword; the values follow separately. */
    public static Event fromHeader(int header, int[] values) {
        return new Event(Op.of(header & 0xFF), (header & 0x100) != 0, values.clone());
    }

    public static int valueCount(int header) {
        return header >>> 16 & 0xFF;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Event e && e.op == op && e.end == end && Arrays.equals(e.values, values);
    }

    @Override
    public int hashCode() {
        return op.hashCode() * 31 + Arrays.hashCode(values) + (end ? 1 : 0);
    }

    /** One JSON object, as {@code --trace-events} writes it. */
    public String toJson() {
        return "{\"op\":\"" + op + "\",\"phase\":\"" + (end ? "end" : "begin") + "\",\"values\":["
                + Arrays.stream(values).mapToObj(v -> "\"0x" + Integer.toHexString(v) + "\"")
                        .collect(Collectors.joining(",")) + "]}";
    }

    @Override
    public String toString() {
        return op + (end ? " end " : " begin ") + Arrays.stream(values)
                .mapToObj(v -> "0x" + Integer.toHexString(v)).collect(Collectors.joining(" "));
    }
}
