package org.j386.emulator.conform;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Results of one suite tallied per group: passed, failed, and the first failure. */
public final class ConformanceReport implements ConformanceSuite.Listener {
    /** One row of the table. */
    public static final class Row {
        public final String group;
        public long passed;
        public long failed;
        /** "label: failure" of the first failing case, or null. */
        public String firstFailure;

        Row(String group) {
            this.group = group;
        }
    }

    private final Map<String, Row> rows = new LinkedHashMap<>();

    @Override
    public void result(String group, String label, String failure) {
        Row row = rows.computeIfAbsent(group, Row::new);
        if (failure == null) {
            row.passed++;
        } else {
            row.failed++;
            if (row.firstFailure == null) {
                row.firstFailure = label + ": " + failure;
            }
        }
    }

    public List<Row> rows() {
        return new ArrayList<>(rows.values());
    }

    public long passed() {
        return rows.values().stream().mapToLong(r -> r.passed).sum();
    }

    public long failed() {
        return rows.values().stream().mapToLong(r -> r.failed).sum();
    }
}
