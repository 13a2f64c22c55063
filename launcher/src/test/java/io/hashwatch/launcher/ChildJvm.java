package io.hashwatch.launcher;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * {@code hashwatch} ({@link Hashwatch#main}) in a separate JVM, started from this test JVM's classpath, its stdout and
 * stderr going to one file. Lets a test kill it for real ({@link #kill()}: SIGKILL on Linux) or stop it as Ctrl-C or
 * a service manager would ({@link #terminate}: SIGTERM, which runs the shutdown hook).
 */
final class ChildJvm implements AutoCloseable {
    /** Exit status of a process killed by SIGKILL (128 + 9), as {@link Process#exitValue()} reports it on Linux. */
    static final int SIGKILL_EXIT = 137;
    /** Exit status of a JVM stopped by SIGTERM after its shutdown hooks ran (128 + 15). */
    static final int SIGTERM_EXIT = 143;

    private final Process process;
    private final Path log;
    private final List<String> command;

    private ChildJvm(Process process, Path log, List<String> command) {
        this.process = process;
        this.log = log;
        this.command = command;
    }

    /**
     * @param log  where stdout and stderr go (appended to, so a restart can share the file)
     * @param env  environment variables to set in the child (every other HASHWATCH_* variable is removed)
     * @param jvm  further JVM options
     * @param args the hashwatch command line
     */
    static ChildJvm start(Path log, Map<String, String> env, List<String> jvm, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Small and single-threaded GC: the machines running these tests have two cores.
        cmd.add("-Xmx512m");
        cmd.add("-XX:+UseSerialGC");
        cmd.addAll(jvm);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Hashwatch.class.getName());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().keySet().removeIf(k -> k.startsWith("HASHWATCH_"));
        pb.environment().putAll(env);
        return new ChildJvm(pb.start(), log, List.copyOf(cmd));
    }

    static ChildJvm start(Path log, List<String> args) throws IOException {
        return start(log, Map.of(), List.of(), args);
    }

    Process process() {
        return process;
    }

    List<String> command() {
        return command;
    }

    /** Everything the child printed so far (and any earlier run sharing the file). */
    String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Where a test keeps a child's output: {@code target/child-logs/NAME.log} of the module (kept after the test for
     * a look at what happened; emptied at each start).
     */
    static Path logFile(String name) throws IOException {
        Path dir = Path.of("target", "child-logs").toAbsolutePath();
        Files.createDirectories(dir);
        Path f = dir.resolve(name + ".log");
        Files.deleteIfExists(f);
        return f;
    }

    /** The last lines of the output (without the Kafka clients' repeated connection warnings), for messages. */
    String tail() {
        List<String> lines = output().lines().filter(l -> !l.contains("could not be established")
                && !l.contains("Bootstrap broker") && !l.startsWith("\tat ")).toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }

    /** Waits until the output contains {@code text}; fails if the child exits first or the time runs out. */
    void awaitOutput(String text, Duration timeout) throws InterruptedException {
        await(() -> output().contains(text), "the child to print '" + text + "'", timeout);
    }

    /**
     * Waits for a condition while the child is alive. Polls every 100 ms; fails with the child's output if it exits
     * or the time runs out.
     */
    void await(BooleanSupplier condition, String what, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (!process.isAlive()) {
                if (condition.getAsBoolean()) {
                    return;
                }
                fail("the child JVM exited (" + process.exitValue() + ") before " + what + ":\n" + tail());
            }
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeout.toSeconds() + " s waiting for " + what + "; child output:\n"
                        + tail());
            }
            Thread.sleep(100);
        }
    }

    /** SIGKILL (Process.destroyForcibly on Linux): no shutdown hook, no flush, no commit. Returns the exit status. */
    int kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            fail("the child JVM did not die within 60 s of SIGKILL");
        }
        return process.exitValue();
    }

    /** SIGTERM, then waits for the clean stop; returns the exit status. */
    int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            fail("the child JVM did not stop within " + timeout.toSeconds() + " s of SIGTERM:\n" + tail());
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
