package io.hashwatch.launcher;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code hashwatch} command line: {@code run}, {@code backfill}, {@code topics} and {@code refit}. The benchmark,
 * {@code hashwatch bench}, is a command of its own in the bench module, which the {@code hashwatch} script runs.
 */
@Command(name = "hashwatch", mixinStandardHelpOptions = true, version = "hashwatch 0.1.0",
        description = "Streaming monitor of the Bitcoin network on Kafka Streams.",
        subcommands = {RunCommand.class, BackfillCommand.class, TopicsCommand.class, RefitCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Also: hashwatch bench measures throughput, latency, memory and header hashing on this machine"
                + " (hashwatch bench --help)."})
public final class Hashwatch implements Callable<Integer> {
    /** Exit code of a configuration or argument error (as picocli's for a usage error). */
    public static final int EXIT_USAGE = CommandLine.ExitCode.USAGE;
    /** Exit code of a failure at run time. */
    public static final int EXIT_FAILURE = CommandLine.ExitCode.SOFTWARE;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        // The commands as declared above (help aside), and the bench's, which the script adds.
        List<String> commands = new ArrayList<>(spec.subcommands().keySet());
        commands.remove("help");
        commands.add("bench");
        spec.commandLine().getErr().println("hashwatch: a command is required (" + String.join(", ", commands) + ")");
        spec.commandLine().usage(spec.commandLine().getErr());
        return EXIT_USAGE;
    }

    /** The configured command line (in-process callers and tests use this). */
    public static CommandLine commandLine() {
        return commandLine(new Hashwatch());
    }

    /**
     * A command line of {@code command} that reports errors as every hashwatch command does: one line naming the
     * command ({@code hashwatch run: ...}), exit code {@link #EXIT_USAGE} or {@link #EXIT_FAILURE}.
     */
    public static CommandLine commandLine(Object command) {
        CommandLine cl = new CommandLine(command);
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            String name = c.getCommandSpec().qualifiedName();
            PrintWriter err = c.getErr();
            err.println(name + ": " + ex.getMessage());
            err.println("Try '" + name + " --help' for usage.");
            err.flush();
            return EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parseResult) -> {
            String name = c.getCommandSpec().qualifiedName();
            PrintWriter err = c.getErr();
            if (ex instanceof UsageException) {
                err.println(name + ": " + ex.getMessage());
                err.flush();
                return EXIT_USAGE;
            }
            err.println(name + " failed: " + ex);
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
