package io.hashwatch.launcher;

import io.hashwatch.launcher.PipelineOutput.Rec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.model.Topics;
import io.hashwatch.source.HeaderFileSource;
import io.hashwatch.source.HeaderPublisher;
import io.hashwatch.source.Pacing;
import io.hashwatch.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once through a real crash: the streams app ({@code hashwatch run --role streams}) runs in a separate JVM
 * against a real KRaft broker (the launcher's {@link EmbeddedKafka}, in this JVM), is killed with SIGKILL while it
 * processes 20,000 real mainnet headers (no shutdown hook, no flush, no commit), and is started again on the same
 * data directory. Then every output topic, read as a {@code read_committed} consumer, must hold every height exactly
 * once, and record for record the same keys, values and timestamps as an uninterrupted run.
 *
 * <p>The uninterrupted run is the production topology ({@code HashwatchTopology.build}) in a
 * {@code TopologyTestDriver} fed the exact content of the {@code headers} topic: the driver processes each record
 * once by construction, it is deterministic, and it costs seconds instead of a second broker and child JVM; the
 * broker-level behaviour that could differ (transactions, offsets, restoration) is what the crashed run exercises.
 *
 * <p>The kill lands mid-way by construction, not by timing: two thirds of the headers are in the topic when the
 * app starts, it is killed once a third of the heights are committed, and the last third is published only after the
 * kill. What was committed at the kill is checked too: a contiguous prefix of the heights, each once, the same
 * number in every per-block topic (one input record's outputs commit together or not at all).
 */
class CrashRecoveryIntegrationTest {
    static final String FILE = "mainnet_150001-340000.btcrelay.bin";
    static final long FILE_FIRST = 150_001;

    @TempDir
    Path tmp;

    /** {@code count} headers from {@code height} of the shared mainnet file, as a header file of their own. */
    static Path slice(Path all, long height, int count, Path to) throws Exception {
        byte[] bytes = Files.readAllBytes(all);
        int from = Math.toIntExact((height - FILE_FIRST) * 80);
        Files.write(to, Arrays.copyOfRange(bytes, from, from + count * 80));
        return to;
    }

    /** Publishes a header file to the headers topic as {@code run} does (the same publisher, idempotent). */
    static void publish(String bootstrap, Path file, long startHeight) {
        try (HeaderPublisher publisher = new HeaderPublisher(bootstrap, Map.of())) {
            publisher.publish(new HeaderFileSource(file, startHeight, "mainnet"), Pacing.asFastAsPossible());
        }
    }

    static void createTopics(String bootstrap) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicSetup.createAll(admin, 1, Optional.of((short) 1), Duration.ofSeconds(60));
        }
    }

    /**
     * A crashed member stays in the consumer group until its session expires; the broker's minimum (6 s) instead of
     * the 45 s default lets the restart get its task sooner. Passed as a user would: kafka.* in --config.
     */
    static Path clientConfig(Path dir, String... moreLines) throws Exception {
        Path f = dir.resolve("hashwatch.properties");
        Files.writeString(f, "kafka.session.timeout.ms=6000\nkafka.heartbeat.interval.ms=2000\n"
                + String.join("\n", moreLines) + "\n");
        return f;
    }

    static void phase(long t0, String what) {
        System.out.printf("%6.1f s  %s%n", (System.nanoTime() - t0) / 1e9, what);
    }

    @Test
    @Timeout(300)
    void sigkillMidRunThenRestartLosesAndDuplicatesNothing() throws Exception {
        Path all = SharedData.requireHeaders(FILE);
        long from = 300_000;
        int count = 20_000;
        int before = count * 2 / 3;
        long last = from + count - 1;
        Path partA = slice(all, from, before, tmp.resolve("mainnet_300000-313332.bin"));
        Path partB = slice(all, from + before, count - before, tmp.resolve("mainnet_313333-319999.bin"));
        Path log = ChildJvm.logFile("crash-recovery");
        long t0 = System.nanoTime();

        try (EmbeddedKafka kafka = EmbeddedKafka.start(tmp.resolve("kafka"), 0)) {
            String bootstrap = kafka.bootstrapServers();
            createTopics(bootstrap);
            publish(bootstrap, partA, from);
            phase(t0, "broker up, " + before + " headers published");
            List<String> args = List.of("run", "--role", "streams", "--bootstrap-servers", bootstrap,
                    "--data-dir", tmp.resolve("data").toString(), "--metrics-port", "0", "--alerts-port", "-1",
                    "--exchanges", "none", "--esplora", "none", "--config", clientConfig(tmp).toString());

            int killedWith;
            try (ChildJvm child = ChildJvm.start(log, args);
                 PipelineOutput.CommittedKeys hashrate = new PipelineOutput.CommittedKeys(bootstrap, Map.of(),
                         Topics.HASHRATE.name())) {
                child.await(() -> hashrate.count() >= count / 3, "a third of the heights committed", Duration
                        .ofSeconds(150));
                phase(t0, "a third committed");
                killedWith = child.kill();
            }
            assertEquals(ChildJvm.SIGKILL_EXIT, killedWith, "the streams app died of SIGKILL");

            // What was committed when it died: a prefix of the heights, each once, in each per-block topic (the
            // chain's topics in step; economics' a sub-topology behind, no further).
            Map<String, List<Rec>> atKill = PipelineOutput.readAllOutputs(bootstrap, Map.of());
            int committed = atKill.get(Topics.BLOCKS.name()).size();
            assertTrue(committed >= count / 3 && committed <= before && committed < count,
                    "some but not all output committed before the kill: " + committed + " of " + count);
            for (String t : PipelineOutput.PER_BLOCK) {
                PipelineOutput.assertEachHeightOfAPrefix(t + " at the kill", atKill.get(t), from, committed);
            }
            for (String t : List.of(Topics.HASHRATE.name(), Topics.DIFFICULTY.name())) {
                assertEquals(committed, atKill.get(t).size(), t + " in step with blocks");
            }
            int inLog = PipelineOutput.readUncommitted(bootstrap, Map.of(), Topics.BLOCKS.name()).size();
            System.out.printf("SIGKILL after %d of %d heights committed (%d published); blocks log holds %d"
                    + " records, %d of them in the killed app's open transaction%n", committed, count, before,
                    inLog, inLog - committed);

            publish(bootstrap, partB, from + before);
            try (ChildJvm child = ChildJvm.start(log, args);
                 PipelineOutput.CommittedKeys lastTopic = new PipelineOutput.CommittedKeys(bootstrap, Map.of(),
                         PipelineOutput.LAST_PER_BLOCK)) {
                child.await(() -> lastTopic.count() >= count, "every height committed after the restart",
                        Duration.ofSeconds(180));
                phase(t0, "restart done");
                int rc = child.terminate(Duration.ofSeconds(60));
                assertTrue(rc == 0 || rc == ChildJvm.SIGTERM_EXIT, "clean stop, exit " + rc + ":\n" + child.tail());
            }

            Map<String, List<Rec>> out = PipelineOutput.readAllOutputs(bootstrap, Map.of());
            PipelineOutput.assertExactlyOnce(out, from, last);
            List<Rec> input = PipelineOutput.readCommitted(bootstrap, Map.of(), Topics.HEADERS.name());
            assertEquals(count, input.size(), "each header published once");
            phase(t0, "outputs read");
            Map<String, List<Rec>> reference = PipelineOutput.reference(input, tmp.resolve("reference"));
            phase(t0, "reference computed");
            PipelineOutput.assertSameAsReference(reference, out);
            int aborted = PipelineOutput.readUncommitted(bootstrap, Map.of(), Topics.BLOCKS.name()).size()
                    - out.get(Topics.BLOCKS.name()).size();
            System.out.printf("after the restart: %d heights once in every topic, equal to the uninterrupted run;"
                    + " %d aborted block records in the log, invisible to read_committed; %.1f s%n", count,
                    aborted, (System.nanoTime() - t0) / 1e9);
        }
    }
}
