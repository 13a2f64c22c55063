package io.hashwatch.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.launcher.PipelineOutput.Rec;
import io.hashwatch.model.HeaderRecord;
import io.hashwatch.model.Json;
import io.hashwatch.model.Topics;
import io.hashwatch.testing.SharedData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker goes away and comes back while {@code hashwatch run} (sources and streams, a separate JVM) replays
 * real headers into it: the launcher's {@link EmbeddedKafka} on a persistent data directory in this JVM is stopped
 * once a third of the heights are committed, kept down until the app has noticed (its Kafka clients log that the
 * node cannot be reached) and at least {@link #OUTAGE}, long enough for the streams app's commits to time out, and
 * started again on the same directory and port. The run must carry on by itself and end with every height exactly
 * once in the headers topic (the idempotent producer across the outage) and in every output topic, equal record for
 * record to an uninterrupted run of the same input (see {@link CrashRecoveryIntegrationTest} for why the reference
 * is the topology in a {@code TopologyTestDriver}).
 *
 * <p>The replay is paced ({@code --speed}) so that the header producer is usually still publishing when the broker
 * stops; the assertions do not depend on it or on the outage's length, the test prints where each side was and
 * whether the app had to close its tasks dirty and revive them.
 */
class BrokerRestartIntegrationTest {
    /** How long the broker stays down (at least; until the app has noticed). */
    static final Duration OUTAGE = Duration.ofSeconds(6);

    @TempDir
    Path tmp;

    private static int occurrences(String text, String of) {
        int n = 0;
        for (int i = text.indexOf(of); i >= 0; i = text.indexOf(of, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    @Timeout(300)
    void brokerStopAndRestartMidRunLosesAndDuplicatesNothing() throws Exception {
        Path all = SharedData.requireHeaders(CrashRecoveryIntegrationTest.FILE);
        long from = 260_000;
        int count = 8_000;
        Path headers = CrashRecoveryIntegrationTest.slice(all, from, count, tmp.resolve("mainnet_260000-267999.bin"));
        Path kafkaDir = tmp.resolve("kafka");
        Path log = ChildJvm.logFile("broker-restart");
        long t0 = System.nanoTime();

        EmbeddedKafka kafka = EmbeddedKafka.start(kafkaDir, 0);
        int port = kafka.port();
        String bootstrap = kafka.bootstrapServers();
        try {
            CrashRecoveryIntegrationTest.createTopics(bootstrap);
            // The streams app's producer (the "producer." prefix reaches only Kafka Streams' clients) gives up on a
            // commit after 2 s instead of 60: the outage then makes the app close its tasks dirty and revive them
            // (TaskCorruptedException), the recovery path of exactly-once, instead of just waiting it out.
            Path config = CrashRecoveryIntegrationTest.clientConfig(tmp, "kafka.producer.max.block.ms=2000");
            // 8,000 blocks of about 600 s at x300,000: about 15 s of publishing when nothing else slows it down.
            // --verbose: the Kafka clients' warnings, which say when they lose the broker, stay on the console.
            List<String> args = List.of("run", "--bootstrap-servers", bootstrap, "--headers", headers.toString(),
                    "--start-height", String.valueOf(from), "--speed", "300000", "--exchanges", "none",
                    "--data-dir", tmp.resolve("data").toString(), "--metrics-port", "0", "--alerts-port", "-1",
                    "--config", config.toString(), "--verbose");
            try (ChildJvm child = ChildJvm.start(log, args);
                 PipelineOutput.CommittedKeys hashrate = new PipelineOutput.CommittedKeys(bootstrap, Map.of(),
                         Topics.HASHRATE.name());
                 PipelineOutput.CommittedKeys last = new PipelineOutput.CommittedKeys(bootstrap, Map.of(),
                         PipelineOutput.LAST_PER_BLOCK)) {
                child.await(() -> hashrate.count() >= count / 3, "a third of the heights committed",
                        Duration.ofSeconds(150));
                int published = PipelineOutput.readCommitted(bootstrap, Map.of(), Topics.HEADERS.name()).size();
                int committed = hashrate.count();
                CrashRecoveryIntegrationTest.phase(t0, "stopping the broker: " + published + " of " + count
                        + " headers published, " + committed + " heights committed");

                String unreachable = "could not be established";
                int seen = occurrences(child.output(), unreachable);
                kafka.close();
                long stoppedAt = System.nanoTime();
                child.await(() -> occurrences(child.output(), unreachable) > seen,
                        "the app's Kafka clients to find the broker gone", Duration.ofSeconds(60));
                // Down long enough for commits to time out (see max.block.ms above).
                long downFor = OUTAGE.toNanos() - (System.nanoTime() - stoppedAt);
                if (downFor > 0) {
                    Thread.sleep(downFor / 1_000_000);
                }
                CrashRecoveryIntegrationTest.phase(t0, "the app lost the broker; starting it again");
                kafka = EmbeddedKafka.start(kafkaDir, port);
                assertEquals(bootstrap, kafka.bootstrapServers(), "same port");
                CrashRecoveryIntegrationTest.phase(t0, "broker up again");

                child.await(() -> last.count() >= count, "every height committed after the outage",
                        Duration.ofSeconds(180));
                CrashRecoveryIntegrationTest.phase(t0, "every height committed");
                assertTrue(child.process().isAlive(), "the run carried on by itself");
                int rc = child.terminate(Duration.ofSeconds(60));
                assertTrue(rc == 0 || rc == ChildJvm.SIGTERM_EXIT, "clean stop, exit " + rc + ":\n" + child.tail());
                assertFalse(child.output().contains("the streams app failed"), child.tail());
                assertFalse(child.output().contains("failed; stopping"), child.tail());
                System.out.println("tasks closed dirty and revived during the outage: "
                        + child.output().contains("are corrupted"));
            }

            List<Rec> input = PipelineOutput.readCommitted(bootstrap, Map.of(), Topics.HEADERS.name());
            PipelineOutput.assertEachHeight(Topics.HEADERS.name(), input.stream()
                    .map(r -> new Rec(r.key() + ":" + Json.read(r.value().getBytes(StandardCharsets.UTF_8),
                            HeaderRecord.class).height(), r.value(), r.timestamp())).toList(),
                    LongStream.range(from, from + count).boxed().toList(), 1);
            Map<String, List<Rec>> out = PipelineOutput.readAllOutputs(bootstrap, Map.of());
            PipelineOutput.assertExactlyOnce(out, from, from + count - 1);
            PipelineOutput.assertSameAsReference(PipelineOutput.reference(input, tmp.resolve("reference")), out);
            CrashRecoveryIntegrationTest.phase(t0, "every height once, equal to the uninterrupted run");
        } finally {
            kafka.close();
        }
    }
}
