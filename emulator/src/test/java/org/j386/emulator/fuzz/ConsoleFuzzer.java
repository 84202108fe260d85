package org.j386.emulator.fuzz;

import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import org.j386.emulator.debug.Console;
import org.j386.emulator.debug.Debugger;
import org.j386.emulator.machine.Machine;
import org.j386.emulator.machine.MachineConfig;

/**
 * Console command sequences: every command with arguments drawn from numbers at the edges,
 * negative and huge counts, registers, symbols, memory reads and expressions nested to random
 * depths, and plain garbage, run against a kernel whose virtual time is limited. No command may
 * throw, report an internal error, or print more than {@link #MAX_OUTPUT} characters.
 * ({@code trace on} is left out: it prints every instruction by design.)
 */
final class ConsoleFuzzer implements Fuzz.Target {
    static final long MAX_OUTPUT = 2L << 20;
    private static final List<String> COMMANDS = List.of("continue", "step", "next", "until", "finish", "backtrace",
            "break", "tbreak", "pbreak", "condition", "delete", "disable", "enable", "watch", "rwatch", "awatch",
            "catch exception", "uncatch", "info", "regs", "sregs", "cregs", "eflags", "print", "x", "xp", "walk",
            "pagetable", "tlb", "frames", "frames", "gdt", "idt", "tss", "pools", "help", "detach", "quit", "bogus");
    private static final String[] ATOMS = {"0", "1", "-1", "-5", "0x7fffffff", "0x80000000", "0xffffffff", "4294967296",
        "99999999999999999999", "eax", "esp", "$cr2", "cr3", "eip", "kmain", "_start", "nosuch", "$nosuch", "[esp]",
        "[0]", "[0xfffffffc]", "", "(", ")", "[", "]", "+", "/", "0/0", "1%0", "*", "if", "-p", "all", "pf", "99"};
    private static final String[] OPS = {"+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>", "==", "!=", "<", ">=",
        "&&", "||"};

    @Override
    public String name() {
        return "console";
    }

    @Override
    public void run(Random r, StringBuilder input) throws Exception {
        MachineConfig config = new MachineConfig();
        config.maxTimeSlots = 2_000_000; // 0.02 virtual seconds: continue always comes back
        Machine machine = new Machine(config);
        machine.boot(Path.of("src/test/kernels/paging_lazy/paging_lazy.elf"));
        if (r.nextInt(3) == 0) {
            // Paging on with CR3 anywhere, RAM or not: the paging views must cope with any tables.
            machine.cpu().state.cr3 = r.nextInt() & 0xFFFFF000;
            machine.cpu().state.cr0 |= 0x80000001;
            machine.cpu().system.syncPaging();
            input.append(String.format("(cr3=0x%08x, paging on)%n", machine.cpu().state.cr3));
        }
        Debugger debugger = new Debugger(machine);
        Counting text = new Counting();
        Console console = new Console(debugger, new PrintWriter(text));
        int n = 1 + r.nextInt(12);
        String[] lines = new String[n];
        for (int i = 0; i < n; i++) {
            lines[i] = command(r);
            input.append(lines[i].length() > 400 ? lines[i].substring(0, 400) + "... (" + lines[i].length()
                    + " characters)" : lines[i]).append('\n');
        }
        for (String line : lines) {
            text.reset();
            console.execute(line);
            if (text.count > MAX_OUTPUT) {
                throw new AssertionError("'" + line + "' printed " + text.count + " characters");
            }
            if (text.start.toString().contains("internal error")) {
                throw new AssertionError("'" + line + "': " + text.start);
            }
        }
    }

    private static String command(Random r) {
        String c = COMMANDS.get(r.nextInt(COMMANDS.size()));
        if (c.equals("x") || c.equals("xp")) {
            String count = switch (r.nextInt(5)) {
                case 0 -> "";
                case 1 -> "-" + r.nextInt(10);
                case 2 -> String.valueOf(r.nextInt(100));
                case 3 -> "99999999";
                default -> String.valueOf(r.nextLong() & Long.MAX_VALUE);
            };
            String fmt = "xducsibhwz".charAt(r.nextInt(10)) + (r.nextBoolean() ? "" : "" + "bhw".charAt(r.nextInt(3)));
            return c + "/" + count + fmt + " " + expression(r, 0);
        }
        return switch (r.nextInt(4)) {
            case 0 -> c;
            case 1 -> c + " " + ATOMS[r.nextInt(ATOMS.length)];
            case 2 -> c + " " + expression(r, 0);
            default -> c + " " + expression(r, 0) + " if " + expression(r, 0);
        };
    }

    /** A random expression, sometimes nested far beyond the console's limits. */
    private static String expression(Random r, int depth) {
        switch (r.nextInt(depth > 6 ? 2 : 7)) {
            case 0: case 1:
                return ATOMS[r.nextInt(ATOMS.length)];
            case 2: {
                int deep = r.nextInt(3) == 0 ? 1000 + r.nextInt(20000) : r.nextInt(120);
                String open = r.nextBoolean() ? "(" : "[";
                String close = open.equals("(") ? ")" : "]";
                return open.repeat(deep) + expression(r, depth + 1) + close.repeat(deep);
            }
            case 3:
                return "-~!".charAt(r.nextInt(3)) + expression(r, depth + 1);
            case 4:
                return "1" + ("+" + ATOMS[r.nextInt(ATOMS.length)]).repeat(r.nextInt(3000));
            default:
                return expression(r, depth + 1) + " " + OPS[r.nextInt(OPS.length)] + " " + expression(r, depth + 1);
        }
    }

    /** Counts what a command prints and keeps its first 4 KiB. */
    private static final class Counting extends Writer {
        long count;
        final StringBuilder start = new StringBuilder();

        void reset() {
            count = 0;
            start.setLength(0);
        }

        @Override
        public void write(char[] c, int off, int len) {
            count += len;
            int keep = Math.min(len, 4096 - start.length());
            if (keep > 0) {
                start.append(c, off, keep);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
