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
            long start = System.nanoTime();
            Future<Integer> exit = thread.submit(() -> cl.execute(all));
            try {
                long deadline = start + Duration.ofMinutes(8).toNanos();
                long sourceDoneMs = -1;
                long sourceRoundTrips = 0;
                long lastPrint = start;
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
                    if (now - lastPrint >= 10_000_000_000L) {
                        System.out.printf("  %5.1f s: published %.0f, hashwatch_tip_height %.0f%n",
                                (now - start) / 1e9, gauge(metricsPort, "hashwatch_source_published_height{",
                                        "source=\"electrum\""), tip);
                        lastPrint = now;
                    }
                    Thread.sleep(20);
                }
                long firstRunMs = (System.nanoTime() - start) / 1_000_000;
                System.out.printf("run --electrum, empty data dir to hashwatch_tip_height = %d (%d headers, 4,320"
                        + " proven coinbases, 50 ms a round trip, broker start and streams included): %.1f s%n",
                        HISTORY, HISTORY, firstRunMs / 1000.0);
                System.out.printf("  the source had published them at %.1f s; ceiling: its %d round trips x 50 ms ="
                        + " %.1f s. The pipeline behind it: %.1f s more%n", sourceDoneMs / 1000.0,
                        sourceRoundTrips, sourceRoundTrips * 0.05, (firstRunMs - sourceDoneMs) / 1000.0);
                long[] latencies = new long[TIPS];
                for (int i = 0; i < TIPS; i++) {
                    int height = HISTORY + 1 + i;
                    server.put(height, chain.headers().get(height), chain.blocks().get(height));
                    long t0 = System.nanoTime();
                    server.announce();
                    long tipDeadline = t0 + Duration.ofSeconds(30).toNanos();
                    while (tipHeight(metricsPort) < height && System.nanoTime() < tipDeadline) {
                        Thread.sleep(2);
                    }
                    latencies[i] = (System.nanoTime() - t0) / 1_000_000;
                    assertEquals(height, tipHeight(metricsPort), "tip " + height + " within 30 s");
                    Thread.sleep(200);
                }
                long[] sorted = latencies.clone();
                Arrays.sort(sorted);
                System.out.printf("pushed tip to hashwatch_tip_height on /metrics: p50 %d ms, max %d ms over %d"
                        + " tips (4 round trips of 50 ms in it)%n", sorted[TIPS / 2], sorted[TIPS - 1], TIPS);
            } finally {
                command.requestStop();
                exit.get(60, TimeUnit.SECONDS);
            }
        } finally {
            thread.shutdownNow();
        }
    }
}
