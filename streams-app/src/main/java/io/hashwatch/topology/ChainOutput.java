package io.hashwatch.topology;

import io.hashwatch.model.Topics.Topic;

/** A record the chain processor emits, tagged with the topic it goes to; a null value is a tombstone. */
record ChainOutput(Topic<String, ?> topic, Object value) {
}
