package org.j386.emulator.check;

import java.io.PrintWriter;
import java.util.function.Supplier;
import org.j386.emulator.memory.TlbAudit;
import org.j386.tools.disasm.SymbolLookup;

/**
 * {@code --check tlb}: one line for each distinct use of a stale translation, as it happens, so
 * that it stands next to the guest's own output of that moment.
 */
public final class StaleTranslationReport implements TlbAudit.Listener {
    private final PrintWriter out;
    private final Supplier<SymbolLookup> names;
    private int cases;

    /** {@code names} is asked at each report: the kernel's symbols are known only once it is loaded. */
    public StaleTranslationReport(PrintWriter out, Supplier<SymbolLookup> names) {
        this.out = out;
        this.names = names;
    }

    @Override
    public void staleUse(TlbAudit.StaleUse use) {
        cases++;
        out.println(describe(use, names.get()));
        out.flush();
    }

    /** How many distinct cases were reported. */
    public int cases() {
        return cases;
    }

    static String describe(TlbAudit.StaleUse u, SymbolLookup names) {
        String by = u.access() == TlbAudit.Access.FETCH ? "" : " by " + at(u.accessEip(), names);
        return String.format("j386: stale TLB entry: %s at linear 0x%08x%s (instruction %d) used the translation"
                        + " cached before %s (instruction %d) changed its %s at physical 0x%08x from 0x%08x to 0x%08x,"
                        + " with no INVLPG or CR3 reload in between",
                u.access().text, u.linear(), by, u.accessCount(), at(u.writeEip(), names), u.writeCount(),
                u.directoryEntry() ? "PDE" : "PTE", u.entryAddress(), u.oldEntry(), u.newEntry());
    }

    private static String at(int eip, SymbolLookup names) {
        String name = names.nameFor(eip & 0xFFFFFFFFL);
        return String.format("0x%08x", eip) + (name == null ? "" : " <" + name + ">");
    }
}
