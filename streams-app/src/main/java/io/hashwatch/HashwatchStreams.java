package io.hashwatch;

import io.hashwatch.config.EconomicsSettings;
import io.hashwatch.config.StreamsSettings;
import io.hashwatch.metrics.ChainMetrics;
import io.hashwatch.metrics.EconomicsMetrics;
import io.hashwatch.metrics.PoolMetrics;
import io.hashwatch.pools.PoolList;
import io.hashwatch.topology.HashwatchTopology;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The streams app at run time: the topology on a KafkaStreams instance, its metrics bound to a registry. */
public final class HashwatchStreams implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HashwatchStreams.class);

    private final Topology topology;
    private final KafkaStreams streams;
    private final KafkaStreamsMetrics streamsMetrics;

    public HashwatchStreams(StreamsSettings settings, MeterRegistry registry) {
        this(settings, EconomicsSettings.defaults(), registry);
    }

    public HashwatchStreams(StreamsSettings settings, EconomicsSettings economics, MeterRegistry registry) {
        this(settings, economics, PoolList.bundled(), registry);
    }

    /** @param pools the mining-pools list blocks are attributed by (the bundled one, or {@code --pools FILE}'s) */
    public HashwatchStreams(StreamsSettings settings, EconomicsSettings economics, PoolList pools,
                            MeterRegistry registry) {
        Properties properties = settings.toProperties();
        topology = HashwatchTopology.build(new ChainMetrics(registry), new EconomicsMetrics(registry, economics),
                new PoolMetrics(registry), pools, economics, () -> System.currentTimeMillis() / 1000, properties);
        streams = new KafkaStreams(topology, properties);
        streams.setStateListener((now, before) -> log.info("Kafka Streams state {} -> {}", before, now));
        streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(registry);
    }

    public void start() {
        streams.start();
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    public KafkaStreams kafkaStreams() {
        return streams;
    }

    /** The sub-topologies, their processors, stores and topics. */
    public TopologyDescription describe() {
        return topology.describe();
    }

    @Override
    public void close() {
        // Leave the group on a clean stop so that a restart gets its tasks back at once, not after the session
        // timeout (45 s) expires the old member.
        streams.close(CloseOptions.timeout(Duration.ofSeconds(30))
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        streamsMetrics.close();
    }
}
