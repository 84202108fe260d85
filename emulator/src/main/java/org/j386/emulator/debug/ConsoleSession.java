package org.j386.emulator.debug;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;

/** Feeds lines to a {@link Console} until quit, detach or the end of input. */
public final class ConsoleSession {
    public static final String PROMPT = "(j386) ";

    /** Where command lines come from. */
    public interface LineSource {
        /** The next line, or null at the end of input. */
        String readLine(String prompt) throws IOException;
    }

    private ConsoleSession() {
    }

    /**
     * Plain lines (a script, a pipe, a socket): each command is echoed after the prompt, so the
     * output reads as a transcript.
     */
    public static LineSource plain(BufferedReader in, PrintWriter out) {
        return prompt -> {
            String line = in.readLine();
            if (line != null) {
                out.println(prompt + line);
                out.flush();
            }
            return line;
        };
    }

    /** Reads and runs commands; returns how the session ended (QUIT at the end of input). */
    public static Console.Next run(Console console, LineSource in) throws IOException {
        while (true) {
            console.out().flush();
            String line = in.readLine(PROMPT);
            if (line == null) {
                return Console.Next.QUIT;
            }
            Console.Next next = console.execute(line);
            if (next != Console.Next.READ) {
                return next;
            }
        }
    }

    /** The first lines of a session: where the machine stands. */
    public static void greet(Console console, Debugger debugger, String headline) {
        console.report(Stop.simple(Stop.Kind.STEP, headline + " " + debugger.here()));
        console.out().flush();
    }
}
