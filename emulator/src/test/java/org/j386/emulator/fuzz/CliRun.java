package org.j386.emulator.fuzz;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.j386.emulator.cli.Main;

/** One in-process run of the j386 command line, and the checks every run must pass. */
record CliRun(int status, String out, String err) {
    /** The statuses j386 documents for boot: 0, 2, 4, 6, 8, 12, 130, and odd ones from the guest. */
    static boolean documented(int status) {
        return status == 0 || status == 2 || status == 4 || status == 6 || status == 8 || status == 12
                || status == 130 || (status & 1) == 1;
    }

    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new CliRun(status, out.toString(), err.toString());
    }

    /** Fails unless the status is documented, not the internal-error 10, and no stack trace was printed. */
    CliRun assertWellBehaved() {
        if (status == 10 || !documented(status)) {
            throw new AssertionError("exit status " + status + "\n" + err);
        }
        if (err.contains("\tat ") || err.contains("Exception") || err.contains("Error:") && !err.contains("error:")) {
            throw new AssertionError("a stack trace or exception on stderr:\n" + err);
        }
        if (status == 2 && err.strip().lines().count() != 1) {
            throw new AssertionError("a refusal must be one line:\n" + err);
        }
        return this;
    }
}
