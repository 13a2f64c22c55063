package io.hashwatch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.hashwatch.model.Topics;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** What the API takes from a client: interval words, numbers, queries and Last-Event-ID positions. */
class ApiInputTest {
    @Test
    void intervalsAreMempoolsWordsOnly() {
        assertEquals(86_400L, Interval.parse("24h").seconds());
        assertEquals(3 * 365 * 86_400L, Interval.parse("3y").seconds());
        assertEquals(Long.MIN_VALUE, Interval.parse("all").since(1_700_000_000L));
        for (String bad : new String[] {"", "1d", "24H", "5y", "all ", "1m;drop"}) {
            ApiException e = assertThrows(ApiException.class, () -> Interval.parse(bad));
            assertEquals(400, e.status());
        }
    }

    @Test
    void numbersAndQueriesAreCheckedAndClipped() {
        assertEquals(400, assertThrows(ApiException.class, () -> Api.parseLong("12x", "height")).status());
        assertEquals(400, assertThrows(ApiException.class, () -> Api.parseInt("99999999999", "n")).status());
        assertEquals(Map.of("from", "1", "to", "2 3"), Api.query("from=1&to=2%203"));
        assertEquals(400, assertThrows(ApiException.class, () -> Api.query("a=%zz")).status());
        assertEquals(43, Api.clip("x".repeat(500)).length());
        assertEquals("a?b", Api.clip("a\nb"));
    }

    @Test
    void positionsRoundTripAndForeignOnesAreRefused() {
        Map<TopicPartition, Long> p = Map.of(new TopicPartition(Topics.BLOCKS.name(), 0), 2633L,
                new TopicPartition(Topics.POOLS.name(), 1), 7L, new TopicPartition(Topics.ALERTS.name(), 0), 0L);
        String id = Events.encode(p);
        assertEquals("0.0.2633_3.1.7_5.0.0", id);
        assertEquals(p, Events.decode(id));
        for (String bad : new String[] {"garbage", "9.0.1", "0.0", "0.0.x", "", "-1.0.1", "0.0.1_", "0.-1.1", "0.0.-5", "0.0.1.2"}) {
            assertNull(Events.decode(bad), bad);
        }
    }
}
