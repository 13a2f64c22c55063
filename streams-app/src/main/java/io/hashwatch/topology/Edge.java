package io.hashwatch.topology;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * A typed edge from one sub-topology to the next: a repartition topic ({@code hashwatch-<name>-repartition}) that
 * Kafka Streams creates, and purges once consumed, partitioned by network so that a chain stays in order. Each
 * sub-topology behind an edge is a task of its own, which any stream thread or instance can run.
 * <p>A processor with several outputs forwards to each child by name; this is the name of the edge's first node.
 */
record Edge<V>(String name, Serde<V> valueSerde) {

    /** The node a parent forwards to: the DSL puts a filter (dropping null keys) in front of a repartition sink. */
    String entryNode() {
        return name + "-repartition-filter";
    }

    void forward(ProcessorContext<String, ? super V> context, Record<String, V> record) {
        context.forward(record, entryNode());
    }

    /** The records {@code parent} forwards to this edge, read back on the far side of its topic. */
    @SuppressWarnings("unchecked")
    KStream<String, V> from(KStream<String, ?> parent) {
        return ((KStream<String, V>) parent).repartition(Repartitioned.<String, V>as(name)
                .withKeySerde(Serdes.String()).withValueSerde(valueSerde)
                .withStreamPartitioner(new NetworkPartitioner<>()));
    }
}
