package org.j386.emulator.debug;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.j386.emulator.cpu.CpuState;
import org.j386.emulator.cpu.Segment;
import org.j386.emulator.cpu.Vectors;
import org.j386.emulator.report.Report;
import org.j386.tools.image.Symbol;

/**
 * The debugger's command language. Each line is one command; {@link #execute} runs it and prints
 * to the console's writer. Short aliases follow gdb's ({@code c}, {@code s}, {@code n}, {@code b}).
 */
public final class Console {
    /** What a command asks of whoever reads the lines. */
    public enum Next { READ, QUIT, DETACH }

    private record Command(String name, String[] aliases, String usage, String help, Action action) {
    }

    private interface Action {
        Next run(String args) throws DebugException;
    }

    /** The most instructions ({@code x/i}) or strings ({@code x/s}) one x command prints. */
    static final int MAX_EXAMINED_ITEMS = 10_000;
    /** The most bytes, halfwords or words one x command prints. */
    static final int MAX_EXAMINED_UNITS = 65_536;

    private final Debugger debugger;
    /** What the console prints through: {@link #target}, cut short by an interrupt (Ctrl-C). */
    private final PrintWriter out;
    private final PrintWriter target;
    /** {@link Debugger#interrupts()} when the current command started, or its run last stopped. */
    private long interruptsSeen;
    /** Inside {@link #execute}: only a command's own output is stopped. */
    private boolean executing;

    /** Thrown by the console's writer when Ctrl-C came while a command was printing. */
    private static final class OutputStopped extends RuntimeException {
        OutputStopped() {
            super(null, null, false, false);
        }
    }

    /** Passes text on until an interrupt arrives during a command that is printing. */
    private final class Stoppable extends java.io.Writer {
        private final PrintWriter to;

        Stoppable(PrintWriter to) {
            this.to = to;
        }

        @Override
        public void write(char[] chars, int offset, int length) {
            if (executing && debugger.interrupts() != interruptsSeen) {
                throw new OutputStopped();
            }
            to.write(chars, offset, length);
        }

        @Override
        public void flush() {
            to.flush();
        }

        @Override
        public void close() {
            to.close();
        }
    }
    private final CpuState s;
    private final Paging paging;
    private final Tables tables;
    private final Map<String, Command> commands = new LinkedHashMap<>();
    private final Map<String, Command> byAlias = new LinkedHashMap<>();

    public Console(Debugger debugger, PrintWriter out) {
        this.debugger = debugger;
        this.target = out;
        this.out = new PrintWriter(new Stoppable(out));
        this.s = debugger.state();
        this.paging = new Paging(debugger.memory(), debugger.machine().mmu());
        this.tables = new Tables(debugger);
        define();
    }

    public PrintWriter out() {
        return out;
    }

    /** Command names and aliases, for completion. */
    public List<String> commandWords() {
        return new ArrayList<>(byAlias.keySet());
    }

    /** Runs one line; errors are printed as one line, never thrown. */
    public Next execute(String line) {
        String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("#")) {
            return Next.READ;
        }
        String word = trimmed;
        String args = "";
        int split = indexOfArgs(trimmed);
        if (split >= 0) {
            word = trimmed.substring(0, split);
            args = trimmed.substring(split).strip();
        }
        String lower = word.toLowerCase(Locale.ROOT);
        Command c = byAlias.get(lower);
        // x/FMT and xp/FMT carry their format in the command word.
        if (c == null && (lower.startsWith("x/") || lower.startsWith("xp/"))) {
            c = byAlias.get(lower.substring(0, lower.indexOf('/')));
            args = word.substring(word.indexOf('/')) + " " + args;
        }
        interruptsSeen = debugger.interrupts();
        executing = true;
        try {
            if (c == null) {
                throw new DebugException("unknown command '" + Expression.quote(word) + "' (try: help)");
            }
            return c.action.run(args);
        } catch (OutputStopped e) {
            target.println();
            target.println("(interrupted: the rest of the output is dropped)");
            debugger.forgetInterrupt();
            return Next.READ;
        } catch (DebugException e) {
            target.println("error: " + e.getMessage());
            return Next.READ;
        } catch (RuntimeException | StackOverflowError defect) {
            // A defect in a command must not take the machine (or an attached j386) down with it.
            target.println("error: internal error in j386 while running '" + Expression.quote(word) + "': " + defect);
            return Next.READ;
        } finally {
            executing = false;
            out.flush();
        }
    }

    private static int indexOfArgs(String line) {
        for (int i = 0; i < line.length(); i++) {
            if (Character.isWhitespace(line.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private void add(String name, String aliases, String usage, String help, Action action) {
        Command c = new Command(name, aliases.isEmpty() ? new String[0] : aliases.split(" "), usage, help, action);
        commands.put(name, c);
        byAlias.put(name, c);
        for (String a : c.aliases) {
            byAlias.put(a, c);
        }
    }

    private void define() {
        add("continue", "c cont", "continue", "run until a breakpoint, watchpoint, caught exception or the end",
                a -> report(debugger.continueRun()));
        add("step", "s si stepi", "step [N]", "execute N instructions (default 1)",
                a -> report(debugger.step(a.isEmpty() ? 1 : positive(a))));
        add("next", "n ni nexti", "next", "execute one instruction; a CALL runs until it returns",
                a -> report(debugger.next()));
        add("until", "u", "until ADDR", "run until EIP reaches ADDR",
                a -> report(debugger.until(address(required(a, "an address")))));
        add("finish", "fin", "finish", "run until the current function returns", a -> report(debugger.finish()));
        add("backtrace", "bt where", "backtrace [N]", "the calls that led here (EBP frames, else return addresses on the stack)",
                a -> {
                    out.print(new Backtrace(debugger).describe((int) Math.min(a.isEmpty() ? 32 : positive(a), 1000)));
                    return Next.READ;
                });
        add("break", "b", "break LOC [if COND]", "breakpoint at a linear address or symbol (*0x100234, vm_pool_allocate)",
                a -> breakpoint(a, false, false));
        add("tbreak", "tb", "tbreak LOC [if COND]", "breakpoint deleted when first hit", a -> breakpoint(a, false, true));
        add("pbreak", "pb", "pbreak PADDR [if COND]", "breakpoint on a physical address, whatever linear page maps it",
                a -> breakpoint(a, true, false));
        add("condition", "cond", "condition N [COND]", "make breakpoint N conditional (no COND: unconditional)",
                this::condition);
        add("delete", "d", "delete [N...]", "delete breakpoints and watchpoints (all without N)", this::delete);
        add("disable", "dis", "disable N...", "disable breakpoints or watchpoints", a -> enable(a, false));
        add("enable", "en", "enable N...", "enable breakpoints or watchpoints", a -> enable(a, true));
        add("watch", "w", "watch [-p] ADDR [1|2|4]", "stop after a write to linear (-p: physical) memory",
                a -> watch(a, Watchpoint.Kind.WRITE));
        add("rwatch", "rw", "rwatch [-p] ADDR [1|2|4]", "stop after a read", a -> watch(a, Watchpoint.Kind.READ));
        add("awatch", "aw", "awatch [-p] ADDR [1|2|4]", "stop after a read or write", a -> watch(a, Watchpoint.Kind.ACCESS));
        add("catch", "", "catch exception [VECTOR|pf|gp|...|all]", "stop before delivering these exceptions",
                a -> catchCommand(a, true));
        add("uncatch", "", "uncatch [VECTOR|pf|gp|...|all]", "stop catching exceptions (all without arguments)",
                a -> catchCommand(a.isEmpty() ? "exception all" : "exception " + a, false));
        add("when", "", "when", "the instruction count and virtual time here", a -> {
            out.printf("instruction %d, virtual time %.8f s%n", s.instructions, s.cycles() / 1e8);
            return Next.READ;
        });
        add("goto", "", "goto N", "move to instruction count N: forward by running, backward by replaying the run",
                a -> report(debugger.goTo(count(required(a, "an instruction count")))));
        add("reverse-step", "rs rsi reverse-stepi", "reverse-step [N]", "go back N instructions (default 1)",
                a -> report(debugger.reverseStep(a.isEmpty() ? 1 : positive(a))));
        add("reverse-next", "rn rni reverse-nexti", "reverse-next", "go back one instruction; over a whole call when it was the call's return",
                a -> report(debugger.reverseNext()));
        add("reverse-finish", "", "reverse-finish", "go back to the CALL that entered the current function",
                a -> report(debugger.reverseFinish()));
        add("reverse-continue", "rc", "reverse-continue", "go back to the previous breakpoint, watchpoint or caught exception",
                a -> report(debugger.reverseContinue()));
        add("last-write", "lw", "last-write [-p] ADDR", "the instruction that last wrote the dword at linear (-p: physical) ADDR, found by replaying the run",
                a -> writes(a, true));
        add("history", "", "history [-p] ADDR", "every write to the dword at linear (-p: physical) ADDR since the start, by replaying the run",
                a -> writes(a, false));
        add("info", "i", "info breakpoints|watchpoints|catch|stats|registers|record", "list breakpoints, catches, statistics, snapshots kept",
                this::info);
        add("regs", "r registers", "regs", "general registers, EIP and EFLAGS", a -> regs());
        add("sregs", "", "sregs", "segment registers with their descriptor caches, GDTR, IDTR, LDTR, TR", a -> sregs());
        add("cregs", "", "cregs", "CR0, CR2, CR3, CR4 with their bits named", a -> cregs());
        add("eflags", "", "eflags", "EFLAGS decoded", a -> {
            out.println("eflags=" + Describe.eflags(s.flags.get()));
            return Next.READ;
        });
        add("print", "p", "print EXPR", "evaluate an expression (registers, symbols, [memory])", this::print);
        add("x", "", "x/FMT ADDR", "examine linear memory: FMT is [count][x|d|u|c|s|i][b|h|w]", a -> examine(a, false));
        add("xp", "", "xp/FMT ADDR", "examine physical memory", a -> examine(a, true));
        add("walk", "", "walk ADDR", "the PDE and PTE translating a linear address, and where translation stops",
                a -> {
                    paging.walk(address(required(a, "a linear address")), out);
                    return Next.READ;
                });
        add("pagetable", "pt", "pagetable [CR3]", "mapped ranges merged into runs with their rights", a -> {
            paging.pagetable(a.isEmpty() ? s.cr3 & 0xFFFFFFFFL : address(a), out);
            return Next.READ;
        });
        add("tlb", "", "tlb", "the translations the TLB holds now", a -> {
            paging.tlb(out);
            return Next.READ;
        });
        add("frames", "", "frames", "which physical frames are mapped, and where", a -> {
            paging.frames(out);
            return Next.READ;
        });
        add("gdt", "", "gdt", "the global descriptor table decoded", a -> {
            tables.gdt(out);
            return Next.READ;
        });
        add("idt", "", "idt [all]", "the interrupt gates with their handlers' symbols", a -> {
            tables.idt(out, a.equals("all"));
            return Next.READ;
        });
        add("tss", "", "tss", "the task-state segment TR points at", a -> {
            tables.tss(out);
            return Next.READ;
        });
        add("pools", "", "pools", "the bundled guest kernel's memory manager, read through its symbols: frame pools and VM pools (mp4), free list and address spaces (lab2)", a -> {
            new Pools(debugger).print(out);
            return Next.READ;
        });
        add("report", "", "report FILE.html", "write the memory report (address space, frames, faults, pools) as an HTML page",
                this::writeReport);
        add("trace", "", "trace on|off", "print every executed instruction", this::trace);
        add("help", "h ?", "help", "this list", a -> help());
        add("detach", "", "detach", "leave the console; the machine runs on", a -> Next.DETACH);
        add("quit", "q exit", "quit", "leave the debugger (the machine stops)", a -> Next.QUIT);
    }

    // ---- run control ----

    /** Prints a stop: what happened, the instruction count, and the next instruction. */
    public Next report(Stop stop) {
        interruptsSeen = debugger.interrupts(); // an interrupt that stopped the run is spent
        out.printf("%s  [%d instructions]%n", stop.headline(), s.instructions);
        if (stop.details() != null && !stop.details().isEmpty()) {
            out.print(stop.details());
        }
        if (stop.kind() != Stop.Kind.ENDED) {
            out.println(debugger.disassembly().line(debugger.memory(), debugger.linear(s.eip), debugger));
        }
        return Next.READ;
    }

    // ---- breakpoints and watchpoints ----

    private Next breakpoint(String args, boolean physical, boolean temporary) throws DebugException {
        String where = required(args, "a location");
        Expression condition = null;
        int cond = where.indexOf(" if ");
        if (cond >= 0) {
            condition = debugger.parse(where.substring(cond + 4));
            where = where.substring(0, cond).strip();
        }
        long address = address(where);
        Breakpoint b = debugger.addBreakpoint(address, physical, where, temporary, condition);
        out.printf("%s %d at %s%s%s%n", temporary ? "Temporary breakpoint" : "Breakpoint", b.id,
                physical ? String.format("physical 0x%08x", address) : debugger.location(address),
                condition == null ? "" : " if " + condition.text(), "");
        return Next.READ;
    }

    private Next condition(String args) throws DebugException {
        String[] parts = required(args, "a breakpoint number").split("\\s+", 2);
        int id = number(parts[0]);
        Breakpoint b = debugger.breakpoint(id).orElseThrow(() -> new DebugException("no breakpoint number " + id));
        b.condition = parts.length > 1 ? debugger.parse(parts[1]) : null;
        out.println(b.condition == null ? "Breakpoint " + id + " is now unconditional"
                : "Breakpoint " + id + " stops only if " + b.condition.text());
        return Next.READ;
    }

    private Next delete(String args) throws DebugException {
        if (args.isEmpty()) {
            debugger.deleteAll();
            out.println("deleted all breakpoints and watchpoints");
            return Next.READ;
        }
        for (String n : args.split("\\s+")) {
            int id = number(n);
            if (!debugger.delete(id)) {
                throw new DebugException("no breakpoint or watchpoint number " + id);
            }
        }
        return Next.READ;
    }

    private Next enable(String args, boolean on) throws DebugException {
        for (String n : required(args, "a breakpoint number").split("\\s+")) {
            int id = number(n);
            if (!debugger.setEnabled(id, on)) {
                throw new DebugException("no breakpoint or watchpoint number " + id);
            }
        }
        return Next.READ;
    }

    private Next watch(String args, Watchpoint.Kind kind) throws DebugException {
        List<String> words = new ArrayList<>(List.of(required(args, "an address").split("\\s+")));
        boolean physical = words.remove("-p");
        int length = 4;
        if (words.size() > 1 && words.get(words.size() - 1).matches("[124]")) {
            length = Integer.parseInt(words.remove(words.size() - 1));
        }
        String spec = String.join(" ", words);
        if (spec.isEmpty()) {
            throw new DebugException("watch needs an address");
        }
        long address = address(spec);
        Watchpoint w = debugger.addWatchpoint(address, length, physical, kind, spec);
        String what = kind == Watchpoint.Kind.WRITE ? "Watchpoint" : kind == Watchpoint.Kind.READ ? "Read watchpoint"
                : "Access watchpoint";
        out.printf("%s %d: %d byte%s at %s%n", what, w.id, length, length == 1 ? "" : "s",
                physical ? String.format("physical 0x%08x", address) : debugger.location(address));
        return Next.READ;
    }

    private static final Map<String, Integer> VECTOR_NAMES = Map.ofEntries(
            Map.entry("de", Vectors.DE), Map.entry("db", Vectors.DB), Map.entry("bp", Vectors.BP),
            Map.entry("of", Vectors.OF), Map.entry("br", Vectors.BR), Map.entry("ud", Vectors.UD),
            Map.entry("nm", Vectors.NM), Map.entry("df", Vectors.DF), Map.entry("ts", Vectors.TS),
            Map.entry("np", Vectors.NP), Map.entry("ss", Vectors.SS), Map.entry("gp", Vectors.GP),
            Map.entry("pf", Vectors.PF), Map.entry("mf", Vectors.MF), Map.entry("ac", Vectors.AC));

    private Next catchCommand(String args, boolean on) throws DebugException {
        String[] words = required(args, "'exception'").split("\\s+");
        if (!words[0].equals("exception")) {
            throw new DebugException("only 'catch exception [VECTOR|pf|gp|...|all]' is supported");
        }
        BitSet set = new BitSet(256);
        if (words.length == 1) {
            set.set(0, 32);
        }
        for (int i = 1; i < words.length; i++) {
            String w = words[i].toLowerCase(Locale.ROOT).replace("#", "");
            if (w.equals("all")) {
                set.set(0, 32);
            } else if (VECTOR_NAMES.containsKey(w)) {
                set.set(VECTOR_NAMES.get(w));
            } else {
                long v = number(w);
                if (v > 31) {
                    throw new DebugException("exception vectors are 0..31, not " + w);
                }
                set.set((int) v);
            }
        }
        debugger.catchVectors(set, on);
        out.println(on ? "Catching " + vectorList(debugger.caughtVectors()) + " before delivery"
                : "Now catching " + vectorList(debugger.caughtVectors()));
        return Next.READ;
    }

    private static String vectorList(BitSet set) {
        if (set.isEmpty()) {
            return "no exceptions";
        }
        if (set.cardinality() == 32 && set.nextClearBit(0) == 32) {
            return "every exception (vectors 0-31)";
        }
        StringBuilder b = new StringBuilder();
        set.stream().forEach(v -> b.append(b.length() == 0 ? "" : ", ").append(Vectors.name(v)));
        return b.toString();
    }

    private Next info(String args) throws DebugException {
        String what = required(args, "what to show (breakpoints, watchpoints, catch, stats, registers, record)");
        switch (what) {
            case "b": case "break": case "breakpoints": case "w": case "watch": case "watchpoints":
                listBreakpoints();
                return Next.READ;
            case "catch":
                out.println("Catching " + vectorList(debugger.caughtVectors()));
                return Next.READ;
            case "stats":
                stats();
                return Next.READ;
            case "r": case "registers":
                return regs();
            case "record":
                out.println(debugger.recordingSummary());
                return Next.READ;
            default:
                throw new DebugException("info " + what + ": unknown (breakpoints, watchpoints, catch, stats, registers, record)");
        }
    }

    private void listBreakpoints() {
        List<Breakpoint> bs = debugger.breakpoints();
        List<Watchpoint> ws = debugger.watchpoints();
        if (bs.isEmpty() && ws.isEmpty()) {
            out.println("No breakpoints or watchpoints.");
            return;
        }
        out.println("Num  Type             Enb  Address     Hits  What");
        for (Breakpoint b : bs) {
            out.printf("%-4d %-16s %-4s 0x%08x  %4d  %s%s%n", b.id, (b.temporary ? "temp " : "") + (b.physical ? "pbreak" : "breakpoint"),
                    b.enabled ? "y" : "n", b.address, b.hits,
                    b.physical ? b.spec : b.spec + debugger.symbolSuffix(b.address),
                    b.condition == null ? "" : " if " + b.condition.text());
        }
        for (Watchpoint w : ws) {
            out.printf("%-4d %-16s %-4s 0x%08x  %4d  %s (%d bytes%s)%n", w.id, w.kind.word + " watch", w.enabled ? "y" : "n",
                    w.address, w.hits, w.spec, w.length, w.physical ? ", physical" : "");
        }
    }

    private void stats() {
        out.printf("instructions     %d%n", s.instructions);
        out.printf("virtual time     %.6f s (%d slots)%n", s.cycles() / 1e8, s.cycles());
        StringBuilder vectors = new StringBuilder();
        for (int v = 0; v < 256; v++) {
            long n = debugger.machine().cpu().interrupts.deliveries(v);
            if (n > 0) {
                vectors.append(vectors.length() == 0 ? "" : ", ").append(Vectors.name(v)).append('=').append(n);
            }
        }
        out.printf("interrupts       %s%n", vectors.length() == 0 ? "none" : vectors);
        out.printf("page faults      %d%n", debugger.machine().mmu().pageFaults());
        out.printf("TLB hits         %d%n", debugger.machine().mmu().tlbHits());
        out.printf("TLB misses       %d%n", debugger.machine().mmu().tlbMisses());
        if (debugger.machine().devices().postCode.written()) {
            out.printf("POST code        %s%n", debugger.machine().postCodeText());
        }
    }

    // ---- state ----

    private Next regs() {
        int[] r = s.regs;
        out.printf("eax=%08x  ebx=%08x  ecx=%08x  edx=%08x%n", r[CpuState.EAX], r[CpuState.EBX], r[CpuState.ECX], r[CpuState.EDX]);
        out.printf("esi=%08x  edi=%08x  ebp=%08x  esp=%08x%n", r[CpuState.ESI], r[CpuState.EDI], r[CpuState.EBP], r[CpuState.ESP]);
        out.printf("eip=%08x%s  cpl=%d%s%n", s.eip, debugger.symbolSuffix(s.eip & 0xFFFFFFFFL), s.cpl,
                s.v86() ? "  virtual-8086 mode, cs:ip " + debugger.here()
                        : s.protectedMode() ? "" : "  real-address mode, cs:ip " + debugger.here());
        out.println("eflags=" + Describe.eflags(s.flags.get()));
        return Next.READ;
    }

    private Next sregs() {
        for (int i = 0; i < 6; i++) {
            Segment g = s.segs[i];
            out.printf("%s=%04x  base=%08x limit=%08x  %s%n", CpuState.SEGMENT_NAMES[i], g.selector, g.base, g.limit,
                    Describe.segmentAttributes(g));
        }
        out.printf("ldtr=%04x base=%08x limit=%08x%n", s.ldtr.selector, s.ldtr.base, s.ldtr.limit);
        out.printf("tr=%04x   base=%08x limit=%08x  %s%n", s.tr.selector, s.tr.base, s.tr.limit,
                s.tr.usable ? Describe.segmentAttributes(s.tr) : "not loaded");
        out.printf("gdtr=%08x/%04x  idtr=%08x/%04x%n", s.gdtBase, s.gdtLimit, s.idtBase, s.idtLimit);
        return Next.READ;
    }

    private Next cregs() {
        out.printf("cr0=%08x  %s%n", s.cr0, Describe.bits(s.cr0, Describe.CR0_BITS, Describe.CR0_NAMES));
        out.printf("cr2=%08x%s%n", s.cr2, debugger.symbolSuffix(s.cr2 & 0xFFFFFFFFL));
        out.printf("cr3=%08x  page directory 0x%08x%s%s%n", s.cr3, s.cr3 & 0xFFFFF000, (s.cr3 & 8) != 0 ? " PWT" : "",
                (s.cr3 & 0x10) != 0 ? " PCD" : "");
        out.printf("cr4=%08x  %s%n", s.cr4, Describe.bits(s.cr4, Describe.CR4_BITS, Describe.CR4_NAMES));
        return Next.READ;
    }

    private Next print(String args) throws DebugException {
        long v = debugger.evaluate(required(args, "an expression"));
        out.printf("0x%08x (%d)%s%n", v, v, debugger.symbolSuffix(v));
        return Next.READ;
    }

    private Next trace(String args) throws DebugException {
        switch (args) {
            case "on":
                debugger.setTrace(out);
                out.println("tracing every instruction");
                return Next.READ;
            case "off":
                debugger.setTrace(null);
                out.println("tracing off");
                return Next.READ;
            default:
                throw new DebugException("trace on|off");
        }
    }

    private Next writeReport(String args) throws DebugException {
        java.nio.file.Path file = java.nio.file.Path.of(required(args, "a file name"));
        try {
            Report.write(file, debugger.machine(), debugger.reportHistory(), debugger.machine().endResult(),
                    "stop at instruction " + s.instructions);
        } catch (java.io.IOException | java.nio.file.InvalidPathException e) {
            throw new DebugException("report: " + e.getMessage());
        }
        out.println("report written to " + file + (debugger.reportHistory() == null ? " (present state only: no history was kept)" : ""));
        return Next.READ;
    }

    private Next help() {
        for (Command c : commands.values()) {
            String aliases = c.aliases.length == 0 ? "" : " (" + String.join(", ", c.aliases) + ")";
            out.printf("  %-40s %s%s%n", c.usage, c.help, aliases);
        }
        out.println("  Addresses and values are expressions: 0x1000, 42, kmain+0x10, eax, [esp+4], cr2 & ~0xfff.");
        return Next.READ;
    }

    // ---- memory ----

    private Next examine(String args, boolean physical) throws DebugException {
        String fmt = "";
        String rest = args;
        if (args.startsWith("/")) {
            int sp = indexOfArgs(args);
            fmt = sp < 0 ? args.substring(1) : args.substring(1, sp);
            rest = sp < 0 ? "" : args.substring(sp).strip();
        }
        int i = 0;
        while (i < fmt.length() && Character.isDigit(fmt.charAt(i))) {
            i++;
        }
        if (fmt.startsWith("-")) {
            throw new DebugException("the count in x/" + fmt + " must be at least 1");
        }
        int count = i == 0 ? 1 : number(fmt.substring(0, i));
        char format = 'x';
        int unit = 4;
        for (char ch : fmt.substring(i).toCharArray()) {
            switch (ch) {
                case 'x': case 'd': case 'u': case 'c': case 's': case 'i': format = ch; break;
                case 'b': unit = 1; break;
                case 'h': unit = 2; break;
                case 'w': unit = 4; break;
                default: throw new DebugException("unknown format letter '" + ch + "' (x d u c s i, sizes b h w)");
            }
        }
        long address = rest.isEmpty() && format == 'i' ? debugger.linear(s.eip) : address(required(rest, "an address"));
        int most = format == 'i' || format == 's' ? MAX_EXAMINED_ITEMS : MAX_EXAMINED_UNITS;
        int asked = count;
        count = Math.min(count, most);
        Memory view = new Memory(debugger, physical);
        switch (format) {
            case 'i': view.instructions(address, count, out); break;
            case 's': view.strings(address, count, out); break;
            case 'c': view.values(address, count, 1, 'c', out); break;
            default: view.values(address, count, unit, format, out); break;
        }
        if (asked > most) {
            out.printf("(x shows at most %d %s at a time: %d asked)%n", most,
                    format == 'i' ? "instructions" : format == 's' ? "strings" : "units", asked);
        }
        return Next.READ;
    }

    // ---- the past ----

    /** Most writes {@code history} lists. */
    private static final int HISTORY_LINES = 200;

    private Next writes(String args, boolean lastOnly) throws DebugException {
        String a = required(args, "an address");
        boolean physical = a.startsWith("-p ") || a.equals("-p");
        if (physical) {
            a = required(a.substring(2), "a physical address");
        }
        int address = (int) address(a);
        String where = String.format("%s 0x%08x", physical ? "physical" : "linear", address);
        WriteHistory.Result r;
        try {
            r = debugger.writesTo(address, physical);
        } catch (RuntimeException e) {
            throw new DebugException("the run cannot be replayed: " + e.getMessage());
        }
        if (r == null) {
            throw new DebugException("this session cannot replay the run (j386 debug can)");
        }
        List<WriteHistory.Write> ws = r.writes();
        if (ws.isEmpty()) {
            out.printf("no write to the dword at %s from the start to instruction %d%n", where, r.upTo());
        } else if (lastOnly) {
            // The page walk's accessed and dirty bits are not what "who wrote this?" asks about.
            int last = ws.size() - 1;
            while (last > 0 && ws.get(last).byWalk()) {
                last--;
            }
            out.println(describe(ws.get(last), physical));
            if (last < ws.size() - 1) {
                out.printf("  (since then the page walk set accessed or dirty bits in it, last at instruction %d)%n",
                        ws.get(ws.size() - 1).instruction());
            }
        } else {
            out.printf("%d write%s to the dword at %s from the start to instruction %d:%n", ws.size(), ws.size() == 1 ? "" : "s",
                    where, r.upTo());
            int from = Math.max(0, ws.size() - HISTORY_LINES);
            if (from > 0) {
                out.printf("  (%d earlier writes not shown)%n", from);
            }
            for (WriteHistory.Write w : ws.subList(from, ws.size())) {
                out.println("  " + describe(w, physical));
            }
        }
        if (!r.faithful()) {
            out.println("warning: the replay did not end in this machine's state (registers or RAM differ), so these"
                    + " writes may not be this run's: it depended on something a replay does not repeat, such as a"
                    + " change made from the debugger");
        }
        return Next.READ;
    }

    private String describe(WriteHistory.Write w, boolean physical) {
        return String.format("instruction %d at 0x%08x%s %s 0x%08x over 0x%08x%s", w.instruction(), w.eip(),
                debugger.symbolSuffix(w.eip() & 0xFFFFFFFFL), w.byWalk() ? "(its page walk: accessed/dirty bits) wrote" : "wrote",
                w.after(), w.before(), physical ? "" : String.format(" (physical 0x%08x)", w.physical()));
    }

    // ---- argument helpers ----

    private long address(String text) throws DebugException {
        String t = text.strip();
        if (t.startsWith("*")) {
            t = t.substring(1);
        } else {
            // A demangled name with its parameters, "PageTable::handle_fault(REGS*)", is no expression.
            Optional<Symbol> named = debugger.symbols().lookup(t);
            if (named.isPresent()) {
                return named.get().value() & 0xFFFFFFFFL;
            }
        }
        return debugger.evaluate(t);
    }

    private static String required(String args, String what) throws DebugException {
        if (args.isBlank()) {
            throw new DebugException("needs " + what);
        }
        return args.strip();
    }

    /** An instruction count: any number, 0 included. */
    private long count(String text) throws DebugException {
        String t = text.strip();
        if (t.startsWith("-")) {
            throw new DebugException("an instruction count cannot be negative: " + t);
        }
        try {
            return Long.parseLong(t);
        } catch (NumberFormatException e) {
            return debugger.evaluate(t);
        }
    }

    private int number(String text) throws DebugException {
        long v = debugger.evaluate(text);
        if (v > Integer.MAX_VALUE) {
            throw new DebugException("number too large: " + text);
        }
        return (int) v;
    }

    /**
     * A count of at least 1. Expressions are unsigned 32-bit, so {@code -5} would be 4294967291:
     * a count written with a minus sign, or one that is negative as a signed 32-bit number, is
     * refused instead of taken as billions.
     */
    private long positive(String text) throws DebugException {
        long v = debugger.evaluate(text);
        if (v == 0 || (int) v < 0 || text.strip().startsWith("-")) {
            throw new DebugException("the count must be at least 1, not " + (v == 0 ? "0" : text.strip()));
        }
        return v;
    }
}
