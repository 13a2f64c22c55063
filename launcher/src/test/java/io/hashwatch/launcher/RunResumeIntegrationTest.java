package io.hashwatch.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.hashwatch.launcher.PipelineOutput.Rec;
import io.hashwatch.model.Topics;
import io.hashwatch.testing.SharedData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hashwatch run} stopped (as by Ctrl-C) mid-replay and run again on the same {@code --data-dir} resumes: its
 * embedded broker keeps the topics, records and the streams app's committed offsets, the streams state is kept
 * (its RocksDB stores under DATA_DIR/streams), and the second run processes only what the first had not.
 *
 * <p>No existing test showed this for {@code run} itself: {@code EmbeddedKafkaTest} restarts the bare broker and
 * {@code LiveHeadersIntegrationTest} resumes the live header source from the topic's tail, neither runs the streams
 * app twice. Both runs here are in this JVM, through the command line ({@link Hashwatch#commandLine()}), stopped
 * with {@link RunCommand#requestStop()} (what the Ctrl-C hook calls).
 *
 * <p>The second run, given the longer file, replays only what the headers topic does not have yet: it reads the
 * topic's last header back, finds it in the file at its height and goes on from there (the first run published the
 * whole of its shorter file). The counters of the second run prove the rest: it verifies exactly the heights the
 * first did not, and sees no duplicate; had the offsets been lost it would consume the first run's records again
 * (duplicates, from the kept state). Had the state been lost, the heights after the restart would come out of a new
 * anchor (partial verification, windows not full), and the outputs would differ from the reference run over the
 * same input that the test compares them with.
 */
class RunResumeIntegrationTest {
    @TempDir
    Path tmp;

    private static void await(InProcessRun run, BooleanSupplier condition, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
        while (!condition.getAsBoolean()) {
            run.assertRunning();
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    private static boolean topicsExist(String bootstrap) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                3000))) {
            Set<String> names = admin.listTopics(new ListTopicsOptions().timeoutMs(3000)).names()
                    .get(5, TimeUnit.SECONDS);
            return names.contains(Topics.HASHRATE.name());
        } catch (Exception e) {
            return false;
        }
    }

    private static long committedOffset(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            OffsetAndMetadata o = admin.listConsumerGroupOffsets("hashwatch").partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS).get(new TopicPartition(Topics.HEADERS.name(), 0));
            return o == null ? -1 : o.offset();
        }
    }

    /** The sum of a counter's samples for mainnet on /metrics. */
    private static double counter(int metricsPort, String name) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        return r.body().lines().filter(l -> l.startsWith(name + "{") && l.contains("network=\"mainnet\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    @Timeout(300)
    void aSecondRunOnTheSameDataDirResumesWhereTheFirstStopped() throws Exception {
        Path all = SharedData.requireHeaders(CrashRecoveryIntegrationTest.FILE);
        long from = 280_000;
        int count = 6_000;
        int firstFile = 4_000;
        Path partial = CrashRecoveryIntegrationTest.slice(all, from, firstFile,
                tmp.resolve("mainnet_280000-283999.bin"));
        Path full = CrashRecoveryIntegrationTest.slice(all, from, count, tmp.resolve("mainnet_280000-285999.bin"));
        Path data = tmp.resolve("data");
        int kafkaPort = EmbeddedKafka.freePort();
        String bootstrap = "127.0.0.1:" + kafkaPort;
        long t0 = System.nanoTime();

        // Run 1: stopped once a third of the heights are committed.
        try (InProcessRun run = new InProcessRun("run", "--headers", partial.toString(), "--start-height",
                String.valueOf(from), "--exchanges", "none", "--data-dir", data.toString(), "--kafka-port",
                String.valueOf(kafkaPort), "--metrics-port", "0", "--alerts-port", "-1")) {
            await(run, () -> topicsExist(bootstrap), "the run's broker and topics");
            try (PipelineOutput.CommittedKeys hashrate = new PipelineOutput.CommittedKeys(bootstrap, Map.of(),
                    Topics.HASHRATE.name())) {
                await(run, () -> hashrate.count() >= count / 3, "a third of the heights committed");
            }
            assertEquals(0, run.stop(), "a clean stop");
        }
        CrashRecoveryIntegrationTest.phase(t0, "first run stopped");

        // Between the runs: what the first left behind, read from its broker's data directory.
        long consumed;
        try (EmbeddedKafka kafka = EmbeddedKafka.start(data.resolve("kafka"), kafkaPort)) {
            consumed = committedOffset(kafka.bootstrapServers());
            Map<String, List<Rec>> out = PipelineOutput.readAllOutputs(kafka.bootstrapServers(), Map.of());
            for (String t : PipelineOutput.PER_BLOCK) {
                PipelineOutput.assertEachHeightOfAPrefix(t + " after the first run", out.get(t), from,
                        (int) consumed);
            }
            assertEquals(consumed, out.get(Topics.BLOCKS.name()).size(), "blocks of every header consumed");
            assertTrue(consumed >= count / 3 && consumed <= firstFile, "the first run stopped mid-way, after "
                    + consumed + " of " + count + " headers");
        }
        System.out.printf("first run: %d of %d heights processed and committed%n", consumed, count);

        // Run 2: the full file, same data directory.
        int metricsPort = EmbeddedKafka.freePort();
        try (InProcessRun run = new InProcessRun("run", "--headers", full.toString(), "--start-height",
                String.valueOf(from), "--exchanges", "none", "--data-dir", data.toString(), "--kafka-port",
                String.valueOf(kafkaPort), "--metrics-port", String.valueOf(metricsPort), "--alerts-port", "-1")) {
            await(run, () -> topicsExist(bootstrap), "the run's broker and topics");
            try (PipelineOutput.CommittedKeys last = new PipelineOutput.CommittedKeys(bootstrap, Map.of(),
                    PipelineOutput.LAST_PER_BLOCK)) {
                await(run, () -> last.count() >= count, "every height committed");
            }
            long end = count;
            await(run, () -> {
                try {
                    return committedOffset(bootstrap) == end;
                } catch (Exception e) {
                    return false;
                }
            }, "the app's offset at the end of the headers topic");

            assertEquals(count - consumed, counter(metricsPort, "hashwatch_headers_verified_total"),
                    "the second run verified exactly the heights the first had not");
            assertEquals(0, counter(metricsPort, "hashwatch_headers_duplicate_total"),
                    "nothing re-published, nothing consumed twice");

            Map<String, List<Rec>> out = PipelineOutput.readAllOutputs(bootstrap, Map.of());
            PipelineOutput.assertExactlyOnce(out, from, from + count - 1);
            List<Rec> input = PipelineOutput.readCommitted(bootstrap, Map.of(), Topics.HEADERS.name());
            assertEquals(end, input.size());
            PipelineOutput.assertSameAsReference(PipelineOutput.reference(input, tmp.resolve("reference")), out);
            assertEquals(0, run.stop(), "a clean stop");
        }
        CrashRecoveryIntegrationTest.phase(t0, "second run: resumed, every height once");
    }
}
