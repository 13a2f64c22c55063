package io.hashwatch.launcher;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the hashwatch command line in-process and keeps what it printed. */
record CommandRunner(int exitCode, String out, String err) {
    static CommandRunner run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Hashwatch.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int rc = cl.execute(args);
        return new CommandRunner(rc, out.toString(), err.toString());
    }
}
