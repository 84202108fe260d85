package org.j386.emulator.conform;

import java.util.ArrayList;
import java.util.List;

/**
 * Where QEMU departs from the Intel manual in a test ROM's recorded output. A ROM's
 * {@code departs.tsv} has one row a line, tab-separated: the line number, QEMU's text, the
 * manual's text and why (rows starting with '#' are comments). j386 follows the manual, so its
 * output is compared with QEMU's recording with those lines put right; a row whose QEMU text is
 * no longer the recorded line is refused, so that a new recording cannot move a departure onto a
 * line it was never meant for.
 */
public final class QemuDepartures {
    private QemuDepartures() {
    }

    /** {@code recorded} (QEMU's lines) with each departure's line replaced by the manual's text. */
    public static List<String> manualExpectation(String rom, List<String> recorded, String departsTsv) {
        List<String> expected = new ArrayList<>(recorded);
        for (String row : departsTsv.split("\n")) {
            if (row.isBlank() || row.startsWith("#")) {
                continue;
            }
            String[] f = row.split("\t");
            int line = f.length == 4 && f[0].matches("\\d+") ? Integer.parseInt(f[0]) : 0;
            if (line < 1 || line > recorded.size() || !recorded.get(line - 1).equals(f[1])) {
                throw new IllegalStateException(rom + ": the departure from QEMU at line " + f[0]
                        + " does not match the recorded output");
            }
            expected.set(line - 1, f[2]);
        }
        return expected;
    }
}
