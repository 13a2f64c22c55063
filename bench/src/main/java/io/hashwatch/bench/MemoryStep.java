package io.hashwatch.bench;

import io.hashwatch.launcher.Hashwatch;
import io.hashwatch.launcher.PathChecks;
import io.hashwatch.source.HeaderFileSource;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The memory step: {@code hashwatch run} in a child JVM, with its embedded broker, replaying the header file; its
 * peak RSS once it reaches the last height, and its state and broker sizes on disk.
 */
final class MemoryStep {
    private final Report report;
    private final String javaOpts;

    MemoryStep(Report report, String javaOpts) {
        this.report = report;
        this.javaOpts = javaOpts;
    }

    void run(HeaderFileSource source) throws Exception {
        Path dir = Files.createTempDirectory("hashwatch-bench-run-");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path logFile = dir.resolve("run.log");
        Process run = new ProcessBuilder(runCommand(source, port, dir)).redirectErrorStream(true)
                .redirectOutput(logFile.toFile()).start();
        long t0 = System.nanoTime();
        try {
            awaitTip(run, port, source, logFile, t0 + TimeUnit.MINUTES.toNanos(10));
            double seconds = (System.nanoTime() - t0) / 1e9;
            Thread.sleep(5_000); // let the last commit, flushes and compactions settle before reading RSS and sizes
            Map<String, String> status = procStatus(run.pid());
            report.line("memory: `run` (%s, embedded broker, file replay) reached height %d %.1f s after start: peak"
                            + " RSS %s, RSS now %s; on disk: streams state %s, broker %s", javaOpts,
                    source.lastHeight(), seconds, status.getOrDefault("VmHWM", "?"),
                    status.getOrDefault("VmRSS", "?"), mib(size(dir.resolve("streams"))),
                    mib(size(dir.resolve("kafka"))));
        } finally {
            run.destroy();
            if (!run.waitFor(60, TimeUnit.SECONDS)) {
                run.destroyForcibly();
            }
            PathChecks.deleteRecursively(dir);
        }
    }

    /** {@code hashwatch run} on this JVM's classpath, which holds the launcher's. */
    private List<String> runCommand(HeaderFileSource source, int metricsPort, Path dataDir) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Arrays.asList(javaOpts.trim().split("\\s+")));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Hashwatch.class.getName(), "run",
                "--headers", source.file().toAbsolutePath().toString(), "--start-height",
                Long.toString(source.startHeight()), "--network", source.network(), "--exchanges", "none",
                "--alerts-port", "-1", "--metrics-port", Integer.toString(metricsPort), "--data-dir",
                dataDir.toString()));
        return command;
    }

    /** Waits until the tip-height gauge shows the file's last header. */
    private static void awaitTip(Process run, int metricsPort, HeaderFileSource source, Path logFile,
                                 long deadlineNanos) throws InterruptedException {
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                .build();
        long tip = -1;
        while (tip < source.lastHeight()) {
            if (!run.isAlive() || System.nanoTime() > deadlineNanos) {
                throw new IllegalStateException("`run` " + (run.isAlive() ? "did not reach the last header"
                        : "exited with " + run.exitValue()) + "; its log: " + logFile);
            }
            Thread.sleep(500);
            try {
                tip = Math.max(tip, TipHeightGauge.of(client.send(request, HttpResponse.BodyHandlers.ofString())
                        .body(), source.network()));
            } catch (IOException e) {
                // not listening yet
            }
        }
    }

    /** The memory figures of /proc/PID/status (VmHWM, VmRSS, ...) in MiB; empty where there is no /proc. */
    private static Map<String, String> procStatus(long pid) throws IOException {
        Map<String, String> out = new HashMap<>();
        Path status = Path.of("/proc", Long.toString(pid), "status");
        if (!Files.exists(status)) {
            return out;
        }
        for (String l : Files.readAllLines(status)) {
            int colon = l.indexOf(':');
            if (colon > 0) {
                String kb = l.substring(colon + 1).trim();
                if (kb.endsWith(" kB")) {
                    out.put(l.substring(0, colon), mib(Long.parseLong(kb.substring(0, kb.length() - 3).trim())
                            * 1024));
                }
            }
        }
        return out;
    }

    private static long size(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    return 0; // deleted meanwhile (a compacted segment)
                }
            }).sum();
        }
    }

    private static String mib(long bytes) {
        return String.format("%.0f MiB", bytes / 1048576.0);
    }
}
