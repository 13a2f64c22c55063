package io.hashwatch.topology;

import io.hashwatch.metrics.ChainMetrics;
import io.hashwatch.model.Json;
import io.hashwatch.model.Topics;
import io.hashwatch.model.Topics.Topic;
import java.util.List;
import java.util.function.LongSupplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.BranchedKStream;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * The hashwatch topology, built by the one method that production and tests both call.
 *
 * <pre>
 * headers --> chain-processor [best-chain, side-branches] --+--> blocks
 *                                                           +--> hashrate
 *                                                           +--> difficulty
 *                                                           +--> difficulty-adjustments
 *                                                           +--> reorgs
 *                                                           +--> dead-letters
 * </pre>
 */
public final class HashwatchTopology {
    public static final String BEST_CHAIN_STORE = "best-chain";
    public static final String SIDE_BRANCH_STORE = "side-branches";

    private HashwatchTopology() {
    }

    public static Topology build(ChainMetrics metrics) {
        return build(metrics, () -> System.currentTimeMillis() / 1000);
    }

    /**
     * @param nowSeconds the clock for Core's future-time rule (headers more than 2 h ahead are rejected)
     */
    public static Topology build(ChainMetrics metrics, LongSupplier nowSeconds) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(BEST_CHAIN_STORE),
                Serdes.String(), Json.serde(StoredBlock.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SIDE_BRANCH_STORE),
                Serdes.String(), Json.serde(StoredBlock.class)));

        KStream<String, ChainOutput> chain = builder
                .stream(Topics.HEADERS.name(), Consumed.with(Topics.HEADERS.keySerde(), Topics.HEADERS.valueSerde())
                        .withName("headers-source"))
                .process(() -> new ChainProcessor(metrics, nowSeconds), Named.as("chain-processor"),
                        BEST_CHAIN_STORE, SIDE_BRANCH_STORE);

        BranchedKStream<String, ChainOutput> byTopic = chain.split(Named.as("chain-output-"));
        for (Topic<String, ?> topic : List.of(Topics.BLOCKS, Topics.HASHRATE, Topics.DIFFICULTY,
                Topics.DIFFICULTY_ADJUSTMENTS, Topics.REORGS, Topics.DEAD_LETTERS)) {
            byTopic.branch((key, out) -> out.topic() == topic, Branched.withConsumer(s -> sink(s, topic),
                    topic.name()));
        }
        return builder.build();
    }

    private static <V> void sink(KStream<String, ChainOutput> stream, Topic<String, V> topic) {
        @SuppressWarnings("unchecked")
        KStream<String, V> typed = stream.mapValues(out -> (V) out.value(), Named.as(topic.name() + "-values"));
        typed.to(topic.name(), Produced.with(topic.keySerde(), topic.valueSerde())
                .withName(topic.name() + "-sink")
                .withStreamPartitioner(new NetworkPartitioner<>()));
    }
}
