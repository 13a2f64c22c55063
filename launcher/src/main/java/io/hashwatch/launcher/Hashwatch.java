package io.hashwatch.launcher;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code hashwatch} command line: {@code run}, {@code backfill} and {@code bench}. */
@Command(name = "hashwatch", mixinStandardHelpOptions = true, version = "hashwatch 0.1.0",
        description = "Streaming monitor of the Bitcoin network on Kafka Streams.",
        subcommands = {RunCommand.class, BackfillCommand.class, TopicsCommand.class, BenchCommand.class,
            CommandLine.HelpCommand.class})
public final class Hashwatch implements Callable<Integer> {
    /** Exit code of a configuration or argument error (as picocli's for a usage error). */
    public static final int EXIT_USAGE = CommandLine.ExitCode.USAGE;
    /** Exit code of a failure at run time. */
    public static final int EXIT_FAILURE = CommandLine.ExitCode.SOFTWARE;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("hashwatch: a command is required (run, backfill, topics, bench)");
        spec.commandLine().usage(spec.commandLine().getErr());
        return EXIT_USAGE;
    }

    /** The configured command line (in-process callers and tests use this). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Hashwatch());
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            PrintWriter err = c.getErr();
            err.println(c.getCommandName().equals("hashwatch") ? "hashwatch: " + ex.getMessage()
                    : "hashwatch " + c.getCommandName() + ": " + ex.getMessage());
            err.println("Try 'hashwatch " + (c.getCommandName().equals("hashwatch") ? "" : c.getCommandName() + " ")
                    + "--help' for usage.");
            err.flush();
            return EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parseResult) -> {
            PrintWriter err = c.getErr();
            if (ex instanceof UsageException) {
                err.println("hashwatch " + c.getCommandName() + ": " + ex.getMessage());
                err.flush();
                return EXIT_USAGE;
            }
            err.println("hashwatch " + c.getCommandName() + " failed: " + ex);
            ex.printStackTrace(err);
            err.flush();
            return EXIT_FAILURE;
        });
        return cl;
    }

    public static void main(String[] args) {
        int rc = commandLine().execute(args);
        System.exit(rc);
    }
}
