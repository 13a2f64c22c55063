package io.hashwatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The producer's linger follows the settings in effect, the user's overrides included. */
class StreamsSettingsTest {
    private static final String LINGER = "producer.linger.ms";

    private static Properties properties(long commitIntervalMs, Map<String, String> overrides) {
        return new StreamsSettings("localhost:9092", "app", Path.of("state"), 1, commitIntervalMs, overrides)
                .toProperties();
    }

    @Test
    void withExactlyOnceTheProducerLingersForTheCommitInterval() {
        assertEquals(100L, properties(100, Map.of()).get(LINGER));
        assertEquals(1000L, properties(1000, Map.of()).get(LINGER));
        // A commit interval set as a client override is the one in effect.
        assertEquals(30_000L, properties(100, Map.of("commit.interval.ms", "30000")).get(LINGER));
    }

    @Test
    void withoutExactlyOnceRecordsAreReadWhenSentSoTheLingerStaysShort() {
        assertEquals(StreamsSettings.AT_LEAST_ONCE_LINGER_MS,
                properties(1000, Map.of("processing.guarantee", "at_least_once")).get(LINGER));
    }

    @Test
    void aLingerTheUserSetsWins() {
        assertEquals("5", properties(1000, Map.of(LINGER, "5")).get(LINGER));
        Properties unprefixed = properties(1000, Map.of("linger.ms", "7"));
        assertEquals("7", unprefixed.get("linger.ms"));
        // A prefixed value would take precedence over the user's unprefixed one for the producer.
        assertFalse(unprefixed.containsKey(LINGER));
    }
}
