package io.hashwatch.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The ceiling's measurement on a real broker (in-process KRaft), with a commit grain coarser than the run. */
class ThroughputMeterTest {
    private static final String INPUT = "meter-test-in";
    private static final int RECORDS = 50_000;
    /** Longer than the processing of the records: their committed offset moves once, at the end. */
    private static final long COMMIT_INTERVAL_MS = 4_000;

    @Test
    void theSustainedRateIsReadFromConsumptionNotFromTheCommitsGrain() throws Exception {
        BenchBroker.withFreshBroker("hashwatch-meter-test-", Map.of(), broker -> {
            broker.admin().createTopics(List.of(new NewTopic(INPUT, 1, (short) 1))).all().get(60, TimeUnit.SECONDS);
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                    ProducerConfig.LINGER_MS_CONFIG, 20), new StringSerializer(), new ByteArraySerializer())) {
                for (int i = 0; i < RECORDS; i++) {
                    producer.send(new ProducerRecord<>(INPUT, "k" + i,
                            ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8)));
                }
            }
            Measured m = ThroughputMeter.measure(broker.admin(),
                    broker.streamsSettings(PassThroughTopology.APPLICATION_ID, COMMIT_INTERVAL_MS),
                    PassThroughTopology.build(INPUT, PassThroughTopology.OUTPUT, Map.class), INPUT, RECORDS);

            assertEquals(RECORDS, m.records());
            // Read off the committed offsets, 10% and 90% would fall on the same commit: no rate (NaN).
            assertFalse(Double.isNaN(m.sustainedPerSecond()), "no sustained rate was measured");
            // The end-to-end rate waits for the commit; the sustained one does not.
            assertTrue(m.sustainedPerSecond() > m.perSecond(), "sustained " + m.sustainedPerSecond()
                    + "/s against end to end " + m.perSecond() + "/s");
        });
    }
}
