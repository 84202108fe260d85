package org.j386.emulator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * {@code --check tlb} on the {@code tlb_stale} test kernel, whose cases named {@code stale_*} use
 * a translation after changing its entry without a flush, and whose cases named {@code fresh_*}
 * flush correctly (INVLPG, a CR3 reload, a global page kept across one) or change nothing that
 * matters (the accessed and dirty bits).
 */
class CheckTlbOptionTest {
    private static final Path KERNELS = Path.of("src/test/kernels");
    private static final Path STALE = KERNELS.resolve("tlb_stale/tlb_stale.elf");

    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new String[] {Integer.toString(status), out.toString(), err.toString()};
    }

    private static final Pattern REPORT = Pattern.compile("j386: stale TLB entry: (read|write|instruction fetch) at linear"
            + " 0x(\\p{XDigit}{8}) by 0x\\p{XDigit}{8} <(\\w+)\\+0x\\p{XDigit}+> \\(instruction \\d+\\) used the translation"
            + " cached before 0x\\p{XDigit}{8} <(\\w+)\\+0x\\p{XDigit}+> \\(instruction \\d+\\) changed its (PTE|PDE) at"
            + " physical 0x\\p{XDigit}{8} from 0x\\p{XDigit}{8} to 0x\\p{XDigit}{8}, with no INVLPG or CR3 reload in between");

    @Test
    void eachStaleUseIsReportedOnceWithTheWriteThatCausedItAndNoCorrectFlushIs() {
        String[] r = run("boot", "--check", "tlb", "--debugcon", "none", "--serial", "none", STALE.toString());
        assertEquals("16", r[0], r[2]);
        List<String> reports = Arrays.stream(r[2].split("\n")).filter(l -> l.startsWith("j386: stale TLB entry")).toList();
        String summary = String.join("\n", reports);
        assertEquals(List.of(
                "read 00a00000 stale_after_unmap PTE",
                "write 00a01000 stale_after_remap PTE",
                "write 00a02000 stale_after_protect PTE",
                "read 40001234 stale_large_page PDE",
                "read 00a03000 stale_global_after_cr3 PTE"), reports.stream().map(line -> {
                    Matcher m = REPORT.matcher(line);
                    assertTrue(m.matches(), line);
                    assertEquals(m.group(3), m.group(4), "the write and the use are in the same case: " + line);
                    return m.group(1) + " " + m.group(2) + " " + m.group(3) + " " + m.group(5);
                }).toList(), summary);
        assertTrue(r[2].contains("j386: --check tlb: 5 distinct uses of stale translations"), r[2]);
    }

    @Test
    void theAuditChangesNothingTheGuestOrTheStatisticsSee() throws Exception {
        String[] plain = run("boot", "--cpu", "interp", "--stats", "--serial", "none", "--debugcon", "none", STALE.toString());
        String[] checked = run("boot", "--check", "tlb", "--stats", "--serial", "none", "--debugcon", "none", STALE.toString());
        assertEquals(statistics(plain[2]), statistics(checked[2]));
        Path out = Files.createTempFile("tlb_stale", ".out");
        try {
            run("boot", "--check", "tlb", "--serial", "none", "--debugcon", out.toString(), STALE.toString());
            assertEquals(Files.readString(KERNELS.resolve("tlb_stale/expected.out")), Files.readString(out));
        } finally {
            Files.delete(out);
        }
    }

    private static List<String> statistics(String err) {
        return Arrays.stream(err.split("\n"))
                .filter(l -> l.startsWith("instructions") || l.startsWith("TLB") || l.startsWith("page faults")).toList();
    }

    @Test
    void aKernelThatFlushesCorrectlyEndsAsWithoutTheCheck() {
        String[] r = run("boot", "--check", "tlb,reference", "--debugcon", "none", "--serial", "none",
                KERNELS.resolve("paging_wp_tlb_pse/paging_wp_tlb_pse.elf").toString());
        assertEquals("1", r[0], r[2]);
        assertTrue(r[2].contains("j386: --check tlb: no stale translation was used"), r[2]);
    }

    @Test
    void anUnknownCheckIsRefusedInOneLine() {
        String[] r = run("boot", "--check", "tlb,leaks", STALE.toString());
        assertEquals("2", r[0], r[2]);
        assertEquals("j386: error: --check: unknown check 'leaks' (expected tlb or reference)", r[2].strip());
    }
}
