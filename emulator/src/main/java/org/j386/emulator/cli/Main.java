package org.j386.emulator.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** The {@code j386} command line. */
public final class Main implements Runnable {
    private CommandSpec spec;

    /** The top level: help, version and the exit statuses; the commands are added to it. */
    private CommandSpec model() {
        spec = CommandModel.of(this, "j386", "An IA-32 PC emulator that shows what the MMU did.")
            .version("j386 0.1.0")
            .exitStatuses(
                "  0    the guest halted with interrupts disabled, or waits for an interrupt no device can raise",
                "  odd  the guest wrote v to the debug-exit port 0xF4: (v << 1) | 1, as QEMU's isa-debug-exit",
                "  2    bad command line, or an image or file that cannot be used",
                "  4    --max-instructions or --max-time reached (every run stops after --max-time, default",
                "       600 virtual seconds)",
                "  6    triple fault (a fault while delivering a double fault)",
                "  8    the guest used something j386 does not emulate (nothing known reaches it today)",
                "  10   internal error in j386",
                "  12   --check-reference: the guest's memory manager diverged from the reference",
                "  14   --jit-check: a compiled block and the interpreter disagreed",
                "  16   --check tlb: the guest used a translation that a page-table write had made stale",
                "  130  stopped from a debugger (quit in the console, kill in gdb)")
            .build();
        return spec;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (try: j386 boot IMAGE)");
    }

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** picocli's list of built-in converters to leave out: regular expressions of class names, comma-separated. */
    private static final String UNUSED_CONVERTERS_PROPERTY = "picocli.converters.excludes";

    /** The commands, in the order help lists them. */
    private static final Map<String, Supplier<CommandSpec>> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("boot", () -> new BootCommand().model());
        COMMANDS.put("debug", () -> new DebugCommand().model());
        COMMANDS.put("attach", () -> new AttachCommand().model());
        COMMANDS.put("asm", () -> new AsmCommand().model());
        COMMANDS.put("disasm", () -> new DisasmCommand().model());
        COMMANDS.put("conform", () -> new ConformCommand().model());
    }

    /** Runs the command line and returns the exit status (what tests call instead of main). */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        // picocli registers converters for the java.sql and java.time types by reflection, loading
        // and initialising a hundred classes no j386 option has: about 5 ms of every start-up.
        if (System.getProperty(UNUSED_CONVERTERS_PROPERTY) == null) {
            System.setProperty(UNUSED_CONVERTERS_PROPERTY, "java\\.sql\\..*,java\\.time\\..*");
        }
        CommandLine cli = new CommandLine(new Main().model());
        // Even built by hand, a command's model is a part of a short run's start-up worth saving:
        // only the command named is built, unless help or an error needs them all.
        Supplier<CommandSpec> named = args.length > 0 ? COMMANDS.get(args[0]) : null;
        if (named != null) {
            cli.addSubcommand(args[0], named.get());
        } else {
            COMMANDS.forEach((name, command) -> cli.addSubcommand(name, command.get()));
        }
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((ex, arguments) -> {
            err.println("j386: error: " + ex.getMessage());
            err.flush();
            return 2;
        });
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            err.println("j386: internal error: " + ex);
            err.flush();
            return 10;
        });
        return cli.execute(args);
    }
}
