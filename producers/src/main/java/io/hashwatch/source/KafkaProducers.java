package io.hashwatch.source;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The one producer configuration of every hashwatch source: idempotent, {@code acks=all}, String keys, JSON bytes. */
public final class KafkaProducers {
    /**
     * For a producer that writes to a partition just created: the broker refused a first batch
     * (NOT_LEADER_OR_FOLLOWER, still creating the partition) and took the next one, which a new producer's sequence
     * allows; the first then failed on its sequence number until it expired, and the chain lost its first header (2
     * of about 30 runs of a 1,000-header backfill).
     */
    public static final Map<String, Object> ONE_REQUEST_IN_FLIGHT =
            Map.of(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);

    private KafkaProducers() {
    }

    /**
     * @param clientId        the producer's client id
     * @param defaults        settings a user may override (linger, timeouts)
     * @param extraProperties the user's client settings (TLS, SASL, tuning), passed through
     */
    public static Map<String, Object> idempotent(String bootstrapServers, String clientId, Map<String, ?> defaults,
                                                 Map<String, ?> extraProperties) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.putAll(defaults);
        if (extraProperties != null) {
            p.putAll(extraProperties);
        }
        // Not overridable: what makes a source lose and duplicate nothing.
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }
}
