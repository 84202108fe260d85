package org.j386.emulator.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.j386.emulator.cli.Main;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report in a real browser: pages written by {@code j386 boot --report} load in headless
 * Chromium without a console error or a request of any kind, and every section draws an SVG with
 * something in it. Screenshots go to {@code target/report/}, and to the directory named by
 * {@code -Dj386.report.screenshots} ({@code make report-test} puts the guest kernel's, which the README shows, there). Skipped,
 * saying so, where Chromium is not installed.
 */
class ReportInBrowserTest {
    private static final String PAGING_LAZY = "src/test/kernels/paging_lazy/paging_lazy.elf";
    private static HeadlessChromium browser;

    @TempDir
    Path dir;

    @BeforeAll
    static void startChromium() throws Exception {
        Optional<Path> chromium = HeadlessChromium.find();
        if (chromium.isEmpty()) {
            System.out.println("ReportInBrowserTest: skipped, chromium is not installed (make report-test installs it)");
        }
        Assumptions.assumeTrue(chromium.isPresent(), "chromium is not installed (make report-test installs it)");
        browser = new HeadlessChromium(chromium.get());
    }

    @AfterAll
    static void stopChromium() throws Exception {
        if (browser != null) {
            browser.close();
        }
    }

    /** Boots with --report and returns the page. */
    private Path boot(String name, int expectedStatus, String... args) {
        Path page = dir.resolve(name + ".html");
        List<String> all = new ArrayList<>(List.of("boot"));
        all.addAll(List.of(args));
        all.addAll(List.of("--serial", "none", "--debugcon", "none", "--report", page.toString()));
        StringWriter err = new StringWriter();
        int status = Main.execute(all.toArray(String[]::new), new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
        assertEquals(expectedStatus, status, err.toString());
        return page;
    }

    /** Per section: the number of SVG elements and of shapes drawn in them, as "id:svgs:shapes" words. */
    private static final String SECTIONS = "Array.from(document.querySelectorAll('section')).map(s => s.id + ':'"
            + " + s.querySelectorAll('svg').length + ':' + s.querySelectorAll('svg rect, svg circle, svg path, svg line').length)"
            + ".join(' ')";

    private void check(Path page, String screenshot, boolean forReadme) throws Exception {
        HeadlessChromium.Load load = browser.load(page);
        assertEquals(List.of(), load.problems(), page + " caused console errors or requests");
        String sections = browser.evaluate(SECTIONS);
        assertEquals(5, sections.split(" ").length, sections);
        for (String s : sections.split(" ")) {
            String[] f = s.split(":");
            assertTrue(Integer.parseInt(f[1]) > 0 && Integer.parseInt(f[2]) > 0, "section " + f[0] + " drew nothing: " + sections);
        }
        Path png = Path.of("target/report").resolve(screenshot);
        browser.screenshot(png);
        assertTrue(Files.size(png) > 10_000, png + " is too small to show the page");
        String publish = System.getProperty("j386.report.screenshots");
        if (forReadme && publish != null && !publish.isBlank()) {
            Files.createDirectories(Path.of(publish));
            Files.copy(png, Path.of(publish).resolve(screenshot), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static int count(String selector) throws Exception {
        return Integer.parseInt(browser.evaluate("String(document.querySelectorAll('" + selector + "').length)"));
    }

    @Test
    void guestKernelReportLoadsCleanlyAndDrawsEverySectionWithItsPools() throws Exception {
        check(boot("guest", 1), "report-guest-kernel.png", true);
        assertTrue(count("#pools .pool") >= 2, "pools drawn: " + count("#pools .pool"));
    }

    @Test
    void pagingTestKernelReportLoadsCleanlyAndDrawsEverySection() throws Exception {
        check(boot("paging_lazy", 1, PAGING_LAZY), "report-paging-lazy.png", false);
        assertTrue(count("#fault-timeline circle") >= 11, "faults drawn: " + count("#fault-timeline circle"));
    }

    @Test
    void clickingARangeHighlightsItsRowInTheTable() throws Exception {
        Path page = boot("paging_lazy_click", 1, PAGING_LAZY);
        assertEquals(List.of(), browser.load(page).problems());
        String row = browser.evaluate("var r=document.querySelectorAll('#address-space-map rect.pick')[1];"
                + "r.dispatchEvent(new MouseEvent('click',{bubbles:true}));"
                + "document.querySelector('tr.hl').id + ' ' + document.querySelector('tr.hl td').textContent");
        assertEquals("r1 0x40000000-0x40001fff", row);
    }

    @Test
    void browserCheckCatchesConsoleErrorsAndRequests() throws Exception {
        Path page = dir.resolve("bad.html");
        Files.writeString(page, "<!DOCTYPE html><html><body><script>console.error('broken')</script>"
                + "<img src=\"http://127.0.0.1:9/missing.png\"></body></html>");
        List<String> problems = browser.load(page).problems();
        assertTrue(problems.stream().anyMatch(p -> p.contains("broken")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("127.0.0.1:9")), problems.toString());
    }
}
