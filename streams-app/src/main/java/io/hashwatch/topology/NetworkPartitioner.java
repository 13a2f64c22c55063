package io.hashwatch.topology;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Puts every record of a network on the partition its headers use (the default partitioner's choice for the
 * key {@code network}), whether keyed {@code network} or {@code network:height}: one chain stays in order on one
 * partition while per-height keys keep compaction meaningful.
 */
public final class NetworkPartitioner<V> implements StreamPartitioner<String, V> {
    private final String fixedNetwork;

    public NetworkPartitioner() {
        this(null);
    }

    private NetworkPartitioner(String fixedNetwork) {
        this.fixedNetwork = fixedNetwork;
    }

    /** Every record to the partition of one network's chain, whatever its key. */
    public static <V> NetworkPartitioner<V> of(String network) {
        return new NetworkPartitioner<>(network);
    }

    @Override
    public Optional<Set<Integer>> partitions(String topic, String key, V value, int numPartitions) {
        String network = fixedNetwork;
        if (network == null) {
            if (key == null) {
                return Optional.empty();
            }
            int colon = key.indexOf(':');
            network = colon < 0 ? key : key.substring(0, colon);
        }
        int partition = Utils.toPositive(Utils.murmur2(network.getBytes(StandardCharsets.UTF_8))) % numPartitions;
        return Optional.of(Set.of(partition));
    }
}
