package io.hashwatch.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.hashwatch.source.chain.CoinbaseOnlyChain;
import io.hashwatch.source.chain.FakeElectrum;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The Electrum figures end to end, opt-in ({@code -Dhashwatch.bench=true}; not part of CI's timing): {@code
 * hashwatch run --electrum tcp://...} in this JVM (embedded broker, streams app, /metrics) against the fake server
 * answering each line after 50 ms, on a mined regtest chain of coinbase-only blocks (each coinbase proven). Prints
 * the time from start to the history's tip on {@code hashwatch_tip_height}, and from each pushed tip's notification
 * to the gauge showing it.
 */
@EnabledIfSystemProperty(named = "hashwatch.bench", matches = "true")
class ElectrumRunBenchTest {
    static final int HISTORY = 57_600;
    static final int TIPS = 20;
    /** How often /metrics is read: the first run's figure to 0.2 s, each tip's to 10 ms. */
    static final long POLL_MS = 200;
    static final long TIP_POLL_MS = 10;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path tmp;

    private static double tipHeight(int port) {
        return gauge(port, "hashwatch_tip_height{", "network=\"regtest\"");
    }

    /** The largest value of a gauge's series on /metrics whose line has {@code label}; -1 when none. */
    private static double gauge(int port, String name, String label) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            return r.body().lines().filter(l -> l.startsWith(name) && l.contains(label)).mapToDouble(
                    l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).max().orElse(-1);
        } catch (Exception e) {
            return -1;
        }
    }

    /** CPU time of every thread seen, by id (a thread that ended keeps its last sample). */
    private static final class ThreadCpu {
        private final java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory
                .getThreadMXBean();
        private final java.util.Map<Long, String> names = new java.util.HashMap<>();
        private final java.util.Map<Long, Long> cpuNs = new java.util.HashMap<>();

        void sample() {
            for (java.lang.management.ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
                if (t == null) {
                    continue;
                }
                long ns = threads.getThreadCpuTime(t.getThreadId());
                if (ns > 0) {
                    names.put(t.getThreadId(), t.getThreadName());
                    cpuNs.put(t.getThreadId(), ns);
                }
            }
        }

        /** Seconds of CPU by kind of thread: the stream threads, the source's, the fake server's, the rest. */
        String byKind() {
            java.util.Map<String, Double> kinds = new java.util.TreeMap<>();
            cpuNs.forEach((id, ns) -> {
                String n = names.get(id);
                String kind = n.contains("StreamThread") ? "stream threads"
                        : n.startsWith("hashwatch-chain") || n.startsWith("hashwatch-electrum") ? "source (follower, session)"
                        : n.startsWith("fake-electrum") ? "fake server"
                        : n.contains("producer-network-thread") ? "producers' I/O threads"
                        : n.startsWith("hashwatch-api") ? "API (events reader)"
                        : "broker and other";
                kinds.merge(kind, ns / 1e9, Double::sum);
            });
            StringBuilder b = new StringBuilder();
            kinds.forEach((k, v) -> b.append(String.format("%s %.1f s, ", k, v)));
            return b.substring(0, b.length() - 2);
        }

        /** The {@code n} threads (by name, summed) that took the most CPU, with their seconds. */
        String top(int n) {
            java.util.Map<String, Double> byName = new java.util.HashMap<>();
            cpuNs.forEach((id, ns) -> byName.merge(names.get(id).replaceAll("\\d+", "N"), ns / 1e9, Double::sum));
            StringBuilder b = new StringBuilder();
            byName.entrySet().stream().sorted((x, y) -> Double.compare(y.getValue(), x.getValue())).limit(n)
                    .forEach(e -> b.append(String.format("%s %.1f s, ", e.getKey(), e.getValue())));
            return b.substring(0, b.length() - 2);
        }
    }

    /** Time the collectors report, and the JIT compilers' total compilation time, in seconds. */
    private static double[] gcAndJitSeconds() {
        double gc = 0;
        for (java.lang.management.GarbageCollectorMXBean b : java.lang.management.ManagementFactory
                .getGarbageCollectorMXBeans()) {
            gc += Math.max(0, b.getCollectionTime()) / 1000.0;
        }
        java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        return new double[] {gc, jit == null ? 0 : jit.getTotalCompilationTime() / 1000.0};
    }

    private static double processCpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
    }

    /**
     * {@code -Dhashwatch.bench.kafka=commit.interval.ms=1000,...}: client settings for the run (a config file's
     * {@code kafka.*} keys), to measure a setting against the defaults on the same machine.
     */
    private String[] configArgs() throws java.io.IOException {
        String kafka = System.getProperty("hashwatch.bench.kafka", "");
        if (kafka.isBlank()) {
            return new String[0];
        }
        Path file = tmp.resolve("bench.properties");
        StringBuilder b = new StringBuilder();
        for (String kv : kafka.split(",")) {
            b.append("kafka.").append(kv.trim()).append('\n');
        }
        java.nio.file.Files.writeString(file, b);
        System.out.println("run with " + kafka);
        return new String[] {"--config", file.toString()};
    }

    @Test
    @Timeout(600)
    void firstRunAndPushedTipsToTheTipGauge() throws Exception {
        CoinbaseOnlyChain chain = CoinbaseOnlyChain.mine(HISTORY + TIPS);
        int metricsPort = EmbeddedKafka.freePort();
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try (FakeElectrum server = new FakeElectrum(false)) {
            server.put(0, chain.headers().get(0));
            for (int h = 1; h <= HISTORY; h++) {
                server.put(h, chain.headers().get(h), chain.blocks().get(h));
            }
            server.replyDelayMs = 50;
            CommandLine cl = Hashwatch.commandLine();
            RunCommand command = cl.getSubcommands().get("run").getCommand();
            String[] args = {"run", "--electrum", server.address().toString(), "--exchanges", "none", "--data-dir",
                tmp.resolve("data").toString(), "--kafka-port", String.valueOf(EmbeddedKafka.freePort()),
                "--metrics-port", String.valueOf(metricsPort), "--alerts-port", "-1"};
            String[] config = configArgs();
            String[] all = Arrays.copyOf(args, args.length + config.length);
            System.arraycopy(config, 0, all, args.length, config.length);
            ThreadCpu cpu = new ThreadCpu();
            double cpuAtStart = processCpuSeconds();
            double[] gcJitAtStart = gcAndJitSeconds();
            long start = System.nanoTime();
            Future<Integer> exit = thread.submit(() -> cl.execute(all));
            try {
                long deadline = start + Duration.ofMinutes(8).toNanos();
                long sourceDoneMs = -1;
                long sourceRoundTrips = 0;
                long lastPrint = start;
                long lastSample = start;
                double tip;
                while ((tip = tipHeight(metricsPort)) < HISTORY) {
                    if (exit.isDone() || System.nanoTime() > deadline) {
                        fail("run ended or timed out before the tip");
                    }
                    long now = System.nanoTime();
                    if (sourceDoneMs < 0 && gauge(metricsPort, "hashwatch_source_published_height{",
                            "source=\"electrum\"") >= HISTORY) {
                        sourceDoneMs = (now - start) / 1_000_000;
                        sourceRoundTrips = server.replies();
                    }
                    if (now - lastSample >= 1_000_000_000L) {
                        cpu.sample(); // about 10 ms of this JVM's CPU a sample: once a second
                        lastSample = now;
                    }
                    if (now - lastPrint >= 10_000_000_000L) {
                        System.out.printf("  %5.1f s: published %.0f, hashwatch_tip_height %.0f%n",
                                (now - start) / 1e9, gauge(metricsPort, "hashwatch_source_published_height{",
                                        "source=\"electrum\""), tip);
                        lastPrint = now;
                    }
                    // A scrape costs the run's JVM about 1 ms of CPU: every 20 ms it took 15% of the run's CPU.
                    Thread.sleep(POLL_MS);
                }
                long firstRunMs = (System.nanoTime() - start) / 1_000_000;
                System.out.printf("run --electrum, empty data dir to hashwatch_tip_height = %d (%d headers, 4,320"
                        + " proven coinbases, 50 ms a round trip, broker start and streams included): %.1f s%n",
                        HISTORY, HISTORY, firstRunMs / 1000.0);
                System.out.printf("  the source had published them at %.1f s; ceiling: its %d round trips x 50 ms ="
                        + " %.1f s. The pipeline behind it: %.1f s more%n", sourceDoneMs / 1000.0,
                        sourceRoundTrips, sourceRoundTrips * 0.05, (firstRunMs - sourceDoneMs) / 1000.0);
                cpu.sample();
                System.out.printf("  CPU of this JVM meanwhile %.1f s (%.0f us a header; GC and JIT included): %s;"
                        + " load average %.1f on %d cores%n", processCpuSeconds() - cpuAtStart,
                        (processCpuSeconds() - cpuAtStart) * 1e6 / HISTORY, cpu.byKind(),
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                        Runtime.getRuntime().availableProcessors());
                System.out.println("  the threads that took most: " + cpu.top(12));
                double[] gcJit = gcAndJitSeconds();
                System.out.printf("  garbage collection %.1f s (pauses and concurrent work as the collectors count it),"
                        + " JIT compilation %.1f s; heap max %d MiB%n", gcJit[0] - gcJitAtStart[0],
                        gcJit[1] - gcJitAtStart[1], Runtime.getRuntime().maxMemory() >> 20);
                long[] latencies = new long[TIPS];
                long fewestTrips = Long.MAX_VALUE;
                for (int i = 0; i < TIPS; i++) {
                    int height = HISTORY + 1 + i;
                    server.put(height, chain.headers().get(height), chain.blocks().get(height));
                    long repliesBefore = server.replies();
                    long t0 = System.nanoTime();
                    server.announce();
                    long tipDeadline = t0 + Duration.ofSeconds(30).toNanos();
                    while (tipHeight(metricsPort) < height && System.nanoTime() < tipDeadline) {
                        Thread.sleep(TIP_POLL_MS);
                    }
                    latencies[i] = (System.nanoTime() - t0) / 1_000_000;
                    // The background coinbase fill's requests may fall in between: the fewest are the tip's own.
                    fewestTrips = Math.min(fewestTrips, server.replies() - repliesBefore);
                    assertEquals(height, tipHeight(metricsPort), "tip " + height + " within 30 s");
                    Thread.sleep(200);
                }
                long[] sorted = latencies.clone();
                Arrays.sort(sorted);
                System.out.printf("pushed tip to hashwatch_tip_height on /metrics: p50 %d ms, max %d ms over %d"
                        + " tips (ceiling: the fewest round trips a tip took, %d x 50 ms = %d ms)%n", sorted[TIPS / 2],
                        sorted[TIPS - 1], TIPS, fewestTrips, fewestTrips * 50);
            } finally {
                command.requestStop();
                exit.get(60, TimeUnit.SECONDS);
            }
        } finally {
            thread.shutdownNow();
        }
    }
}
