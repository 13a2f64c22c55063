package io.hashwatch.source.price;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.hashwatch.model.Json;
import io.hashwatch.model.PriceTick;
import io.hashwatch.model.Topics;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class PricePublisherTest {
    private static final PriceTick TICK = new PriceTick("coinbase", "BTC-USD", 68000.1, 0.25, 1_713_571_767_123L,
            1_713_571_767_200L, "12345");

    private static MockProducer<String, byte[]> mock(boolean autoComplete) {
        return new MockProducer<>(autoComplete, null, new StringSerializer(), new ByteArraySerializer());
    }

    @Test
    void sendsTicksToThePricesTopicKeyedByExchangeAsSnakeCaseJson() throws Exception {
        MockProducer<String, byte[]> mock = mock(true);
        PriceTick noSize = new PriceTick("cmc", "BTC-USD", 116.9899979, null, 1_367_452_800_000L, 5L, null);
        try (PricePublisher p = new PricePublisher(mock)) {
            p.accept(TICK);
            p.accept(noSize);
            p.flush();
            assertEquals(2, p.sent());
            assertEquals(0, p.failures());
        }
        List<ProducerRecord<String, byte[]>> sent = mock.history();
        assertEquals(2, sent.size());
        ProducerRecord<String, byte[]> r = sent.get(0);
        assertEquals(Topics.PRICES.name(), r.topic());
        assertEquals("coinbase", r.key());
        assertEquals(TICK.receiveTimeMs(), r.timestamp(), "record time is the receive time");
        assertEquals(TICK, Json.read(r.value(), PriceTick.class));
        JsonNode json = Json.MAPPER.readTree(r.value());
        assertEquals(List.of("exchange", "pair", "price", "size", "trade_time_ms", "receive_time_ms", "trade_id"),
                fieldNames(json));
        assertEquals("cmc", sent.get(1).key());
        assertEquals(noSize, Json.read(sent.get(1).value(), PriceTick.class));
        assertTrue(Json.MAPPER.readTree(sent.get(1).value()).get("size").isNull());
    }

    @Test
    void aTickWithoutAUsablePriceIsNeverWritten() {
        MockProducer<String, byte[]> mock = mock(true);
        try (PricePublisher p = new PricePublisher(mock)) {
            for (double bad : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
                assertThrows(IllegalArgumentException.class, () -> p.accept(new PriceTick("kraken", "BTC-USD", bad,
                        null, 1, 1, null)));
            }
            assertThrows(IllegalArgumentException.class, () -> p.accept(new PriceTick(null, "BTC-USD", 1, null, 1, 1,
                    null)));
        }
        assertEquals(0, mock.history().size());
    }

    @Test
    void aFailedSendIsCountedAndFailsTheFlush() {
        MockProducer<String, byte[]> mock = new MockProducer<>(false, null, new StringSerializer(),
                new ByteArraySerializer()) {
            @Override
            public synchronized void flush() {
                errorNext(new KafkaException("broker says no"));
            }
        };
        try (PricePublisher p = new PricePublisher(mock)) {
            p.accept(TICK);
            KafkaException e = assertThrows(KafkaException.class, p::flush);
            assertTrue(e.getMessage().contains("broker says no"), e.getMessage());
            assertEquals(1, p.failures());
            assertEquals(0, p.sent());
        }
    }

    @Test
    void producerConfigIsIdempotentWithAcksAll() {
        Map<String, Object> c = PricePublisher.producerConfig("k:9092", Map.of("acks", "1",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false, "linger.ms", "20"));
        assertEquals("k:9092", c.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG));
        assertEquals("all", c.get(ProducerConfig.ACKS_CONFIG));
        assertEquals(true, c.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG));
        assertEquals("20", c.get(ProducerConfig.LINGER_MS_CONFIG));
        assertEquals(StringSerializer.class.getName(), c.get(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG));
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> out = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
