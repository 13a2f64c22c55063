package io.hashwatch.topology;

import io.hashwatch.model.Topics.Topic;

/**
 * A record a processor emits with where it goes: an output topic (a null value is a tombstone), or, with a null
 * topic, the next processor in the topology.
 */
record Routed(Topic<String, ?> topic, Object value) {
    static Routed onward(Object value) {
        return new Routed(null, value);
    }
}
