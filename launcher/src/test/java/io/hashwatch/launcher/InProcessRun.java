package io.hashwatch.launcher;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/** A {@code run} in this JVM on a thread of its own. */
final class InProcessRun implements AutoCloseable {
    private final ExecutorService thread = Executors.newSingleThreadExecutor();
    private final RunCommand command;
    private final Future<Integer> exit;

    InProcessRun(String... args) {
        CommandLine cl = Hashwatch.commandLine();
        command = cl.getSubcommands().get("run").getCommand();
        exit = thread.submit(() -> cl.execute(args));
    }

    /** Stops as Ctrl-C does and returns the exit code. */
    int stop() throws Exception {
        command.requestStop();
        return exit.get(60, TimeUnit.SECONDS);
    }

    void assertRunning() {
        if (exit.isDone()) {
            try {
                fail("run ended early with exit code " + exit.get());
            } catch (Exception e) {
                fail("run ended early", e);
            }
        }
    }

    @Override
    public void close() throws Exception {
        if (!exit.isDone()) {
            command.requestStop();
            exit.get(60, TimeUnit.SECONDS);
        }
        thread.shutdownNow();
    }
}
