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
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            return r.body().lines().filter(l -> l.startsWith("hashwatch_tip_height{")
                    && l.contains("network=\"regtest\"")).mapToDouble(l -> Double.parseDouble(
                    l.substring(l.lastIndexOf(' ') + 1))).max().orElse(-1);
        } catch (Exception e) {
            return -1;
        }
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
            long start = System.nanoTime();
            Future<Integer> exit = thread.submit(() -> cl.execute("run", "--electrum", server.address().toString(),
                    "--exchanges", "none", "--data-dir", tmp.resolve("data").toString(), "--kafka-port",
                    String.valueOf(EmbeddedKafka.freePort()), "--metrics-port", String.valueOf(metricsPort),
                    "--alerts-port", "-1"));
            try {
                long deadline = start + Duration.ofMinutes(8).toNanos();
                while (tipHeight(metricsPort) < HISTORY) {
                    if (exit.isDone() || System.nanoTime() > deadline) {
                        fail("run ended or timed out before the tip");
                    }
                    Thread.sleep(20);
                }
                long firstRunMs = (System.nanoTime() - start) / 1_000_000;
                System.out.printf("run --electrum, empty data dir to hashwatch_tip_height = %d (%d headers, 4,320"
                        + " proven coinbases, 50 ms a round trip, broker start and streams included): %.1f s%n",
                        HISTORY, HISTORY, firstRunMs / 1000.0);
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
