package org.j386.emulator.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import org.j386.emulator.cpu.CpuState;
import org.j386.emulator.machine.Machine;
import org.j386.emulator.machine.RunResult;

/**
 * The memory report: one self-contained HTML page (inline CSS and SVG, a few lines of script, no
 * request of any kind; its Content-Security-Policy forbids them) about a machine at the end of its
 * run or at a debugger's stop.
 */
public final class Report {
    private Report() {
    }

    /**
     * Writes the page for {@code machine}. {@code collector} holds the run's history (null: only the
     * present state and totals are shown); {@code result} is how the run ended (null at a stop).
     * An {@link IOException}'s message names the file and what went wrong, in one line.
     */
    public static void write(Path file, Machine machine, ReportCollector collector, RunResult result, String kernelName)
            throws IOException {
        write(file, page(machine, collector, result, kernelName));
    }

    /** Checks before a run that the report can be written there (creating the file), so a long run is not wasted. */
    public static void checkWritable(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException("cannot write " + file + ": it is a directory");
        }
        write(file, "");
    }

    private static void write(Path file, String text) throws IOException {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IOException("cannot write " + file + ": no such directory");
        } catch (AccessDeniedException e) {
            throw new IOException("cannot write " + file + ": permission denied");
        } catch (IOException e) {
            throw new IOException("cannot write " + file + ": " + (e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getMessage()));
        }
    }

    static String page(Machine machine, ReportCollector collector, RunResult result, String kernelName) {
        CpuState s = machine.cpu().state;
        if (collector != null) {
            collector.ended(result);
        }
        long[] deliveries = new long[256];
        for (int v = 0; v < 256; v++) {
            deliveries[v] = machine.cpu().interrupts.deliveries(v);
        }
        StringBuilder b = new StringBuilder(1 << 16);
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline';"
                        + " script-src 'unsafe-inline'\">\n")
                .append("<title>j386 memory report: ").append(Svg.esc(kernelName)).append("</title>\n<style>").append(STYLE)
                .append("</style></head>\n<body>\n<header><h1>j386 memory report: ").append(Svg.esc(kernelName)).append("</h1>\n<p>")
                .append(Svg.esc(result == null ? "Stopped in the debugger" : "The run ended: " + result.message()))
                .append(String.format(" after %d instructions (%s s of virtual time). RAM %s; CR0=%s CR3=%s CR4=%s: paging %s,"
                        + " 4 MiB pages %s, write protection %s. %d page faults; TLB: %d hits, %d misses.</p></header>%n",
                        s.instructions, String.format(java.util.Locale.ROOT, "%.3f", s.cycles() / 1e8),
                        Svg.bytes(machine.ram().size()), Svg.hex(s.cr0 & 0xFFFFFFFFL), Svg.hex(s.cr3 & 0xFFFFFFFFL),
                        Svg.hex(s.cr4 & 0xFFFFFFFFL), on((s.cr0 & CpuState.CR0_PG) != 0), on((s.cr4 & CpuState.CR4_PSE) != 0),
                        on((s.cr0 & CpuState.CR0_WP) != 0), machine.mmu().pageFaults(), machine.mmu().tlbHits(),
                        machine.mmu().tlbMisses()));
        MemoryFigures.addressSpace(b, AddressSpace.of(machine.ram(), s));
        MemoryFigures.physical(b, PhysicalMap.of(machine.ram(), s));
        TimeFigures.faults(b, collector, s.instructions, machine.mmu().pageFaults());
        TimeFigures.events(b, collector, s.instructions, deliveries, machine.mmu().tlbHits(), machine.mmu().tlbMisses());
        PoolFigures.pools(b, collector, s.instructions);
        b.append("<script>").append(SCRIPT).append("</script>\n</body></html>\n");
        return b.toString();
    }

    private static String on(boolean on) {
        return on ? "on" : "off";
    }

    /** The page's one visual style: system sans-serif, black on white, thin grey rules (README, "The memory report"). */
    private static final String STYLE = """
            body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:#111;background:#fff;margin:16px 24px}
            h1{font-size:20px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 4px;border-top:1px solid #ccc;padding-top:12px}
            h3{font-size:15px;margin:14px 0 4px}p{margin:4px 0;max-width:1100px}.how{color:#333}.note{color:#333;font-style:italic}
            svg text{font:11px system-ui,-apple-system,Helvetica,Arial,sans-serif;fill:#111}
            .legend{display:flex;flex-wrap:wrap;gap:4px 16px;margin:6px 0}.key{display:inline-flex;align-items:center;gap:5px}
            .pair{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}
            .table{max-height:520px;overflow:auto;border:1px solid #ccc}
            table{border-collapse:collapse;font:12px ui-monospace,Menlo,Consolas,monospace}
            th,td{padding:2px 8px;text-align:left;border-bottom:1px solid #eee;white-space:nowrap}th{position:sticky;top:0;background:#f4f4f4}
            tr.hl td{background:#F0E442}.pick{cursor:pointer}.pool{display:inline-block;vertical-align:top;margin-right:24px}
            """;

    /** Clicking a range in the address-space map highlights its row in the table. */
    private static final String SCRIPT = """
            document.getElementById('address-space-map').addEventListener('click',function(e){
              var id=e.target.getAttribute('data-row');if(!id)return;
              document.querySelectorAll('tr.hl').forEach(function(r){r.classList.remove('hl');});
              var row=document.getElementById(id);if(row){row.classList.add('hl');row.scrollIntoView({block:'nearest'});}});
            """;
}
