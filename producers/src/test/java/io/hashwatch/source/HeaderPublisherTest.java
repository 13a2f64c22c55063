package io.hashwatch.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.model.HeaderRecord;
import io.hashwatch.model.Json;
import io.hashwatch.model.Topics;
import io.hashwatch.testing.RegtestChain;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class HeaderPublisherTest {

    private static List<HeaderRecord> chain(int n) {
        RegtestChain c = RegtestChain.fromGenesis(7);
        c.extend(n);
        return c.records(1, n);
    }

    @Test
    void publishesEveryRecordKeyedByNetworkAsJsonAndFlushes() {
        MockProducer<String, byte[]> mock = new MockProducer<>(true, null, new StringSerializer(),
                new ByteArraySerializer());
        List<Long> sleeps = new ArrayList<>();
        try (HeaderPublisher p = new HeaderPublisher(mock, (ms, stop) -> sleeps.add(ms) && false,
                System::nanoTime, Duration.ofSeconds(2))) {
            List<HeaderRecord> in = chain(5);
            HeaderPublisher.Result r = p.publish(in, Pacing.asFastAsPossible());
            assertEquals(5, r.published());
            assertEquals(1, r.firstHeight());
            assertEquals(5, r.lastHeight());
            assertTrue(mock.flushed());
            assertEquals(List.of(), sleeps);
            List<ProducerRecord<String, byte[]>> sent = mock.history();
            assertEquals(5, sent.size());
            for (int i = 0; i < 5; i++) {
                assertEquals(Topics.HEADERS.name(), sent.get(i).topic());
                assertEquals("regtest", sent.get(i).key());
                assertEquals(in.get(i), Json.read(sent.get(i).value(), HeaderRecord.class));
            }
        }
    }

    @Test
    void acceleratedPacingSleepsScaledGapsWithNegativeGapsAsZeroAndACap() {
        // Regtest fixture headers are 600 s apart: at x60 that is 10 s each, at x600 1 s.
        List<HeaderRecord> in = chain(4);
        List<Long> sleeps = new ArrayList<>();
        MockProducer<String, byte[]> mock = new MockProducer<>(true, null, new StringSerializer(),
                new ByteArraySerializer());
        try (HeaderPublisher p = new HeaderPublisher(mock, (ms, stop) -> sleeps.add(ms) && false,
                System::nanoTime, Duration.ofSeconds(2))) {
            p.publish(in, Pacing.accelerated(600));
            assertEquals(List.of(1000L, 1000L, 1000L), sleeps);
            sleeps.clear();
            p.publish(in, new Pacing(1, Duration.ofSeconds(3)));
            assertEquals(List.of(3000L, 3000L, 3000L), sleeps, "each sleep capped");
        }
        Pacing x2 = Pacing.accelerated(2);
        assertEquals(0, x2.sleepMillis(1000, 900), "a block stamped before its parent: no sleep");
        assertEquals(5_000, x2.sleepMillis(1000, 1010));
        assertEquals(10_000, x2.sleepMillis(0, 1_000_000), "capped at 10 s by default");
        assertEquals(0, Pacing.asFastAsPossible().sleepMillis(0, 600));
        assertThrows(IllegalArgumentException.class, () -> Pacing.accelerated(0));
        assertThrows(IllegalArgumentException.class, () -> Pacing.accelerated(-1));
    }

    @Test
    void stopEndsAPacedReplayEarly() {
        List<HeaderRecord> in = chain(10);
        MockProducer<String, byte[]> mock = new MockProducer<>(true, null, new StringSerializer(),
                new ByteArraySerializer());
        HeaderPublisher[] self = new HeaderPublisher[1];
        int[] calls = {0};
        try (HeaderPublisher p = new HeaderPublisher(mock, (ms, stop) -> {
            if (++calls[0] == 3) {
                self[0].stop();
            }
            return stop.getCount() == 0;
        }, System::nanoTime, Duration.ofSeconds(2))) {
            self[0] = p;
            HeaderPublisher.Result r = p.publish(in, Pacing.accelerated(1));
            assertEquals(3, r.published());
            assertTrue(r.stopped());
        }
    }

    @Test
    void aFailedSendFailsThePublish() {
        MockProducer<String, byte[]> mock = new MockProducer<>(false, null, new StringSerializer(),
                new ByteArraySerializer()) {
            @Override
            public synchronized void flush() {
                errorNext(new KafkaException("broker says no"));
            }
        };
        try (HeaderPublisher p = new HeaderPublisher(mock, (ms, stop) -> false, System::nanoTime,
                Duration.ofSeconds(2))) {
            KafkaException e = assertThrows(KafkaException.class, () -> p.publish(chain(2), Pacing.asFastAsPossible()));
            assertTrue(e.getMessage().contains("broker says no"), e.getMessage());
        }
    }

    @Test
    void producerConfigIsIdempotentAndPassesExtrasThrough() {
        Map<String, Object> c = HeaderPublisher.producerConfig("k:9092",
                Map.of("security.protocol", "SSL", "acks", "1", "linger.ms", "20"));
        assertEquals("k:9092", c.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG));
        assertEquals("all", c.get(ProducerConfig.ACKS_CONFIG));
        assertEquals(true, c.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG));
        assertEquals("SSL", c.get("security.protocol"));
        assertEquals("20", c.get(ProducerConfig.LINGER_MS_CONFIG));
    }
}
