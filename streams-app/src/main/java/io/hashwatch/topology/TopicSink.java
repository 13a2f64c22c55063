package io.hashwatch.topology;

import io.hashwatch.model.Topics.Topic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * A sink node writing one output topic with that topic's serdes, by the name its parent forwards to. Kafka types a
 * processor's output once for all its children; forwarding through this checks each record against its topic.
 */
record TopicSink<V>(String name, Topic<String, V> topic) {

    void forward(ProcessorContext<String, ? super V> context, Record<String, V> record) {
        context.forward(record, name);
    }

    void addTo(Topology topology, StreamPartitioner<? super String, ? super V> partitioner, String parent) {
        topology.addSink(name, topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer(),
                partitioner, parent);
    }
}
