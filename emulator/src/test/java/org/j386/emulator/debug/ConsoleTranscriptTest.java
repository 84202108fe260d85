package org.j386.emulator.debug;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.j386.emulator.check.ReferenceChecker;
import org.j386.emulator.check.TracePort;
import org.j386.emulator.machine.Machine;
import org.j386.emulator.machine.MachineConfig;
import org.j386.guest.GuestKernel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Scripted console sessions on the test kernels and the bundled guest kernel, compared with
 * committed transcripts ({@code guest-check}: the bundled guest kernel with the reference
 * checker attached, as {@code --check-reference} does; {@code course}: the example course kernel,
 * a flat binary, with the symbols of its ELF, as {@code --symbols} gives them; {@code lab2}: the
 * Lab2 kernel). The guest's
 * debug-console output is interleaved where the guest printed it. After a deliberate change of
 * output, {@code make transcripts} rewrites the transcripts (review them with git diff).
 */
class ConsoleTranscriptTest {
    static final Path KERNELS = Path.of("src/test/kernels");
    static final Path SCRIPTS = Path.of("src/test/resources/org/j386/emulator/debug");
    /** The example course kernel: a flat binary and the ELF that names it. */
    static final Path COURSE_KERNEL = Path.of("../examples/course-kernel");

    /** Runs a command script against a kernel and returns everything the console printed. */
    static String session(String kernel, String script) throws Exception {
        StringWriter text = new StringWriter();
        PrintWriter out = new PrintWriter(text);
        MachineConfig config = new MachineConfig();
        config.debugcon = new OutputStream() {
            @Override
            public void write(int b) {
                out.write(b & 0xFF);
            }
        };
        Machine machine = new Machine(config);
        ReferenceChecker checker = null;
        if (kernel.equals("guest-check")) {
            checker = new ReferenceChecker(() -> machine.cpu().state.instructions, () -> machine.exit(0));
            machine.ports().register(TracePort.PORT, 1, new TracePort(checker));
        }
        if (kernel.startsWith("guest")) {
            machine.boot(GuestKernel.NAME, GuestKernel.image());
        } else if (kernel.equals("course")) {
            machine.boot(COURSE_KERNEL.resolve("kernel.bin"));
            machine.useSymbols(COURSE_KERNEL.resolve("kernel.elf"));
        } else if (kernel.equals("lab2")) {
            machine.boot(GuestKernel.LAB2.bootName, GuestKernel.LAB2.elf());
        } else {
            machine.boot(KERNELS.resolve(kernel).resolve(kernel + ".elf"));
        }
        Debugger debugger = new Debugger(machine);
        if (checker != null) {
            debugger.comparePoolsWith(checker::pools, checker::caveat);
        }
        Console console = new Console(debugger, out);
        ConsoleSession.greet(console, debugger, "Stopped at the kernel's entry");
        ConsoleSession.run(console, ConsoleSession.plain(new BufferedReader(new StringReader(script)), out));
        out.flush();
        return text.toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"paging_lazy", "guest", "guest-check", "course", "lab2"})
    void scriptedSessionPrintsTheCommittedTranscript(String kernel) throws Exception {
        String script = Files.readString(SCRIPTS.resolve(kernel + ".commands"));
        String actual = session(kernel, script);
        Path expectedFile = SCRIPTS.resolve(kernel + ".transcript");
        if (Boolean.getBoolean("j386.updateTranscripts")) {
            Files.writeString(expectedFile, actual, StandardCharsets.UTF_8);
        }
        assertEquals(Files.readString(expectedFile, StandardCharsets.UTF_8), actual);
    }
}
