package io.hashwatch.topology;

import io.hashwatch.model.Topics;
import io.hashwatch.model.Topics.Topic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * A sink node writing one output topic with that topic's serdes, by the name its parent forwards to. Kafka types a
 * processor's output once for all its children; forwarding through this checks each record against its topic, and
 * stamps it with the topic's schema version.
 */
record TopicSink<V>(String name, Topic<String, V> topic) {

    void forward(ProcessorContext<String, ? super V> context, Record<String, V> record) {
        context.forward(stamped(record, topic), name);
    }

    /** The record with the schema version of {@code topic} in its headers, as every output record carries it. */
    static <V> Record<String, V> stamped(Record<String, V> record, Topic<String, ?> topic) {
        record.headers().remove(Topics.SCHEMA_VERSION_HEADER).add(topic.schemaHeader());
        return record;
    }

    void addTo(Topology topology, StreamPartitioner<? super String, ? super V> partitioner, String parent) {
        topology.addSink(name, topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer(),
                partitioner, parent);
    }
}
