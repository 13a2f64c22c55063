package io.hashwatch.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.launcher.PipelineOutput.Rec;
import io.hashwatch.model.Topics;
import io.hashwatch.testing.SharedData;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * High availability on a real three-broker cluster (replication factor 3, min ISR 2): two streams instances of one
 * application, each in its own JVM. The one that owns mainnet's task is killed with SIGKILL in the middle of a
 * backfill of real headers; the other resumes from the last commit (from its standby), and the time from the kill
 * to the next committed output is measured. Then one broker of the three is stopped for the rest of the run. At the
 * end every output topic, read_committed, holds every height exactly once and equals an uninterrupted run; and the
 * survivor's /metrics serves mainnet's tip, the last height, while nothing else does, and its HTTP API answers it.
 * The survivor's API (each instance with {@code application.server}, forwarding to the other) is polled from the
 * kill on, and the time until it answers every path is printed beside the failover of the committed output.
 */
class FailoverIntegrationTest {
    @TempDir
    Path tmp;

    private static KafkaClusterTestKit threeBrokers() throws Exception {
        KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setBootstrapMetadataVersion(MetadataVersion.LATEST_PRODUCTION)
                .setCombined(true)
                .setNumBrokerNodes(3)
                .setNumControllerNodes(1)
                .build())
                .setConfigProp("default.replication.factor", "3")
                .setConfigProp("min.insync.replicas", "2")
                .setConfigProp("offsets.topic.replication.factor", "3")
                .setConfigProp("transaction.state.log.replication.factor", "3")
                .setConfigProp("transaction.state.log.min.isr", "2")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                // How often the coordinator aborts timed-out transactions (default 10 s): a killed instance's open
                // transaction holds back read_committed readers until then (docs/operations.md).
                .setConfigProp("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000")
                .build();
        ExecutorService starter = Executors.newSingleThreadExecutor();
        try {
            Future<?> started = starter.submit(() -> {
                cluster.format();
                cluster.startup();
                cluster.waitForReadyBrokers();
                return null;
            });
            started.get(120, TimeUnit.SECONDS);
        } catch (Exception e) {
            cluster.close();
            throw e;
        } finally {
            starter.shutdownNow();
        }
        return cluster;
    }

    /** The port of /metrics from the child's start-up line. */
    private static int metricsPort(ChildJvm child) {
        Matcher m = Pattern.compile("metrics on http://[0-9.]+:(\\d+)/metrics").matcher(child.output());
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** Mainnet's tip height on an instance's /metrics, or null when it serves none (or does not answer). */
    private static Double tip(int port) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.body().lines().filter(l -> l.startsWith("hashwatch_tip_height{") && l.contains(
                    "network=\"mainnet\"")).findFirst().map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ')
                    + 1))).orElse(null);
        } catch (Exception e) {
            return null;
        }
    }

    /** {@code GET /api/blocks/tip/height} of an instance's API, or null when it does not answer 200. */
    private static String apiTipHeight(int port) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/api/blocks/tip/height")).timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : null;
        } catch (Exception e) {
            return null;
        }
    }

    /** The API paths polled on the survivor after the kill: the chain's, the pools' and the miner days' stores. */
    private static final List<String> API_PATHS = List.of("/api/blocks/tip/height", "/api/v1/difficulty-adjustment",
            "/api/v1/mining/hashrate/1w", "/api/v1/mining/pools/1w", "/api/v1/hashwatch/pools",
            "/api/v1/hashwatch/miner-days");

    /**
     * When the survivor's API first answered every path 200 after the kill (seconds, -1 when not within 120 s), the
     * 503s before, and the last answer that was not 200.
     */
    private record ApiFailover(double seconds, int unavailable, String last) {
    }

    private static ApiFailover apiAnswersEveryPath(int port, long killedNanos) throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = killedNanos + Duration.ofSeconds(120).toNanos();
        int unavailable = 0;
        String last = "";
        while (System.nanoTime() < deadline) {
            boolean all = true;
            for (String path : API_PATHS) {
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                            + path)).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 200) {
                        all = false;
                        unavailable += r.statusCode() == 503 ? 1 : 0;
                        last = path + ": " + r.statusCode() + " " + r.body();
                    }
                } catch (Exception e) {
                    all = false;
                    last = path + ": " + e;
                }
            }
            if (all) {
                return new ApiFailover((System.nanoTime() - killedNanos) / 1e9, unavailable, last);
            }
            Thread.sleep(250);
        }
        return new ApiFailover(-1, unavailable, last);
    }

    @Test
    @Timeout(600)
    void killingTheOwnerMidBackfillLosesNothingAndTheOtherInstanceTakesOver() throws Exception {
        Path all = SharedData.requireHeaders(CrashRecoveryIntegrationTest.FILE);
        long from = 300_000;
        int count = 15_000;
        int before = count * 2 / 3;
        long last = from + count - 1;
        Path partA = CrashRecoveryIntegrationTest.slice(all, from, before, tmp.resolve("a.bin"));
        Path partB = CrashRecoveryIntegrationTest.slice(all, from + before, count - before, tmp.resolve("b.bin"));
        long t0 = System.nanoTime();
        try (KafkaClusterTestKit cluster = threeBrokers()) {
            String bootstrap = cluster.bootstrapServers();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                TopicSetup.createAll(admin, 1, Optional.of((short) 3), Duration.ofSeconds(60));
            }
            CrashRecoveryIntegrationTest.publish(bootstrap, partA, from);
            CrashRecoveryIntegrationTest.phase(t0, "three brokers up, " + before + " headers published");
            ChildJvm[] children = new ChildJvm[2];
            try (PipelineOutput.CommittedKeys blocks = new PipelineOutput.CommittedKeys(bootstrap, Map.of(),
                    Topics.BLOCKS.name());
                 PipelineOutput.CommittedKeys lastTopic = new PipelineOutput.CommittedKeys(bootstrap, Map.of(),
                         PipelineOutput.LAST_PER_BLOCK)) {
                for (int i = 0; i < 2; i++) {
                    // Replication 3 for the app's changelogs too; the 6 s session is the broker's minimum. Each
                    // instance's application.server is its metrics port, where the other forwards API requests.
                    int port;
                    try (ServerSocket free = new ServerSocket(0)) {
                        port = free.getLocalPort();
                    }
                    Path config = CrashRecoveryIntegrationTest.clientConfig(Files.createDirectories(
                            tmp.resolve("config-" + i)), "kafka.replication.factor=3",
                            "kafka.application.server=127.0.0.1:" + port);
                    children[i] = ChildJvm.start(ChildJvm.logFile("failover-" + i), List.of("run", "--role",
                            "streams", "--bootstrap-servers", bootstrap, "--data-dir", tmp.resolve("data-" + i)
                                    .toString(), "--metrics-port", Integer.toString(port), "--alerts-port", "-1",
                            "--exchanges", "none", "--esplora", "none", "--config", config.toString()));
                }
                children[0].await(() -> blocks.count() >= count / 3, "a third of the heights committed",
                        Duration.ofSeconds(240));
                int[] ports = {metricsPort(children[0]), metricsPort(children[1])};
                int owner = tip(ports[0]) != null ? 0 : 1;
                int other = 1 - owner;
                assertTrue(tip(ports[owner]) != null && tip(ports[other]) == null,
                        "one instance serves mainnet's tip: " + tip(ports[0]) + ", " + tip(ports[1]));
                CrashRecoveryIntegrationTest.phase(t0, "a third committed; instance " + owner + " owns mainnet");

                long killed = System.nanoTime();
                assertEquals(ChildJvm.SIGKILL_EXIT, children[owner].kill(), "the owner died of SIGKILL");
                // The survivor's API from the kill on: polled until every path answers 200 (503 with Retry-After
                // while the group moves the tasks), beside the failover of the committed output.
                ExecutorService poller = Executors.newSingleThreadExecutor();
                Future<ApiFailover> apiFailover = poller.submit(() -> apiAnswersEveryPath(ports[other], killed));
                // Everything committed before the kill, read (a read_committed consumer's end is the stable offset):
                // the next key is the new owner's work.
                int atKill = blocks.drain();
                CrashRecoveryIntegrationTest.publish(bootstrap, partB, from + before);
                children[other].await(() -> blocks.count() > atKill, "the next committed output",
                        Duration.ofSeconds(120));
                double failoverSeconds = (System.nanoTime() - killed) / 1e9;
                System.out.printf("FAILOVER from SIGKILL to the next committed output: %.1f s (session timeout 6 s;"
                        + " %d heights committed at the kill)%n", failoverSeconds, atKill);
                ApiFailover api = apiFailover.get(150, TimeUnit.SECONDS);
                poller.shutdownNow();
                System.out.printf("FAILOVER from SIGKILL to the survivor's API answering all of %s: %.1f s (%d"
                        + " answers 503 before; the committed output: %.1f s)%n", API_PATHS, api.seconds(),
                        api.unavailable(), failoverSeconds);
                assertTrue(api.seconds() >= 0, "the survivor's API answered every path within 120 s of the kill: "
                        + api.last());

                // One broker of three stops for the rest of the run (min ISR 2: writes go on).
                int stopped = cluster.brokers().keySet().stream().max(Integer::compare).orElseThrow();
                cluster.brokers().get(stopped).shutdown();
                CrashRecoveryIntegrationTest.phase(t0, "broker " + stopped + " stopped");
                children[other].await(() -> lastTopic.count() >= count, "every height committed",
                        Duration.ofSeconds(300));
                CrashRecoveryIntegrationTest.phase(t0, "all committed");
                children[other].await(() -> Double.valueOf(last).equals(tip(ports[other])),
                        "the survivor's tip gauge at the last height", Duration.ofSeconds(30));
                assertEquals(null, tip(ports[owner]), "the killed instance serves nothing");
                // The survivor's HTTP API (docs/api.md) answers from the stores it took over.
                children[other].await(() -> Long.toString(last).equals(apiTipHeight(ports[other])),
                        "the survivor's API at the last height", Duration.ofSeconds(30));
                int rc = children[other].terminate(Duration.ofSeconds(60));
                assertTrue(rc == 0 || rc == ChildJvm.SIGTERM_EXIT, "clean stop, exit " + rc);
            } finally {
                for (ChildJvm c : children) {
                    if (c != null) {
                        c.close();
                    }
                }
            }
            Map<String, List<Rec>> out = PipelineOutput.readAllOutputs(bootstrap, Map.of());
            PipelineOutput.assertExactlyOnce(out, from, last);
            List<Rec> input = PipelineOutput.readCommitted(bootstrap, Map.of(), Topics.HEADERS.name());
            assertEquals(count, input.size(), "each header published once");
            PipelineOutput.assertSameAsReference(PipelineOutput.reference(input, tmp.resolve("reference")), out);
            CrashRecoveryIntegrationTest.phase(t0, "every height once in every output, equal to the uninterrupted"
                    + " run, with one broker down");
        }
    }
}
