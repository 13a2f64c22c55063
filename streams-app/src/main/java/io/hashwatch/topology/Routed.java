package io.hashwatch.topology;

import io.hashwatch.model.Topics.Topic;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * A record a processor emits with where it goes: an output topic (a null value is a tombstone), or, with a null
 * topic, the next processor in the topology.
 */
record Routed(Topic<String, ?> topic, Object value) {
    /** Writes a routed value with the serde of the topic it is routed to. */
    static final Serde<Routed> SERDE = Serdes.serdeFrom(Routed::serialize, (topic, bytes) -> {
        throw new UnsupportedOperationException("routed records are only written");
    });

    @SuppressWarnings("unchecked")
    private static byte[] serialize(String topic, Routed routed) {
        return ((Topic<String, Object>) routed.topic()).valueSerde().serializer().serialize(topic, routed.value());
    }

    static Routed onward(Object value) {
        return new Routed(null, value);
    }
}
