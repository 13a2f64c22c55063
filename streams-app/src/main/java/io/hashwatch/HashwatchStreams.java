package io.hashwatch;

import io.hashwatch.bitcoin.DifficultyForecast;
import io.hashwatch.config.EconomicsSettings;
import io.hashwatch.config.StreamsSettings;
import io.hashwatch.metrics.ChainMetrics;
import io.hashwatch.metrics.EconomicsMetrics;
import io.hashwatch.metrics.PoolMetrics;
import io.hashwatch.pools.PoolList;
import io.hashwatch.topology.HashwatchTopology;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.processor.internals.InternalTopicConfig;
import org.apache.kafka.streams.processor.internals.InternalTopologyBuilder;
import org.rocksdb.RocksDB;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The streams app at run time: the topology on a KafkaStreams instance, its metrics bound to a registry. */
public final class HashwatchStreams implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HashwatchStreams.class);

    /**
     * The Kafka Streams and client metrics served on {@code /metrics}: those the dashboards, the alert rules and the
     * docs read. The binder has about 400 more names, most of them per client, topic or partition; rendering them
     * all made each scrape cost as much as the API's answers (the bench's api step), and nothing read them.
     */
    static final Set<String> KAFKA_METRICS_SERVED = Set.of("kafka.consumer.fetch.manager.records.lag",
            "kafka.stream.client.state", "kafka.stream.alive.stream.threads", "kafka.stream.failed.stream.threads",
            "kafka.stream.thread.thread.state", "kafka.stream.thread.process.rate",
            "kafka.stream.thread.commit.latency.avg");

    private final StreamsConfig config;
    private final InspectableBuilder builder;
    private final Topology topology;
    private final KafkaStreams streams;
    private final KafkaStreamsMetrics streamsMetrics;
    /** {@link System#nanoTime()} when the app first reached RUNNING: where its start-up ends. */
    private final CompletableFuture<Long> firstRunning = new CompletableFuture<>();

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
        config = new StreamsConfig(properties);
        // The builder takes the app's settings for what applies as the topology is built (a processor.wrapper.class,
        // which the bench uses to measure each processor).
        builder = new InspectableBuilder(new TopologyConfig(config));
        topology = HashwatchTopology.build(new ChainMetrics(registry), new EconomicsMetrics(registry, economics),
                new PoolMetrics(registry), pools, economics, () -> System.currentTimeMillis() / 1000, builder);
        streams = new KafkaStreams(topology, properties);
        streams.setStateListener((now, before) -> {
            log.info("Kafka Streams state {} -> {}", before, now);
            if (now == KafkaStreams.State.RUNNING) {
                firstRunning.complete(System.nanoTime());
            }
        });
        streamsMetrics = new KafkaStreamsMetrics(streams);
        // Through a composite that keeps only the served Kafka metrics, so that the registry's other meters are
        // left as their owners configured them.
        CompositeMeterRegistry kafka = new CompositeMeterRegistry();
        kafka.config().meterFilter(MeterFilter.denyUnless(id -> KAFKA_METRICS_SERVED.contains(id.getName())));
        kafka.add(registry);
        streamsMetrics.bindTo(kafka);
    }

    public void start() {
        streams.start();
    }

    /**
     * Loads, on a thread of its own, what building and starting the app loads: the topology's classes (a throwaway
     * build) and RocksDB's native library; and computes the difficulty forecast's tables (0.3 s cold, otherwise spent
     * in the stream thread over the first blocks). Started before an embedded broker, it runs on the second core
     * while the broker starts, instead of after it (a short backfill's start-up, docs/performance.md). Best effort: a
     * failure here is left for the real build to report.
     */
    public static void warmUpInBackground(EconomicsSettings economics, PoolList pools) {
        Thread t = new Thread(() -> {
            try {
                RocksDB.loadLibrary();
                SimpleMeterRegistry scratch = new SimpleMeterRegistry();
                HashwatchTopology.build(new ChainMetrics(scratch), new EconomicsMetrics(scratch, economics),
                        new PoolMetrics(scratch), pools, economics, () -> System.currentTimeMillis() / 1000)
                        .describe();
                scratch.close();
                DifficultyForecast.precomputeQuantiles();
            } catch (RuntimeException | LinkageError e) {
                log.debug("warm-up failed (the app's own build reports it): {}", e.toString());
            }
        }, "hashwatch-warm-up");
        t.setDaemon(true);
        t.start();
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** The {@link System#nanoTime()} at which the app first reached RUNNING, once it has. */
    public Optional<Long> firstRunningNanos() {
        return Optional.ofNullable(firstRunning.getNow(null));
    }

    public KafkaStreams kafkaStreams() {
        return streams;
    }

    /**
     * The internal topics (repartition and changelog) Kafka Streams creates for this app in its first rebalance, each
     * with the configs it gives them there, for a caller that creates them beside the app's own topics on a fresh
     * cluster: Streams then finds them ready, where creating them in the rebalance took about 1.4 s of the
     * 1,000-header backfill (its topic manager re-checking them every 100 ms as the broker readied them one by one).
     * Read from Kafka Streams' own builder, so names and configs stay Streams' (a test compares them with the topics
     * Streams creates).
     *
     * @param partitions the partitions of the app's input topics (an internal topic takes its sub-topology's)
     */
    public List<NewTopic> internalTopics(int partitions, short replicationFactor) {
        // As Streams' topic manager derives them: the app's topic.* settings under each topic's own.
        Map<String, String> defaults = new TreeMap<>();
        config.originalsWithPrefix(StreamsConfig.TOPIC_PREFIX).forEach((k, v) -> {
            if (v != null) {
                defaults.put(k, v.toString());
            }
        });
        long windowRetention = config.getLong(StreamsConfig.WINDOW_STORE_CHANGE_LOG_ADDITIONAL_RETENTION_MS_CONFIG);
        return builder.internalTopics().stream()
                .map(t -> new NewTopic(t.name(), t.numberOfPartitions().orElse(partitions), replicationFactor)
                        .configs(t.properties(defaults, windowRetention)))
                .toList();
    }

    /**
     * A StreamsBuilder whose topology builder (protected) lists the internal topics, named for the application id
     * once KafkaStreams has been built on it.
     */
    private static final class InspectableBuilder extends StreamsBuilder {
        InspectableBuilder(TopologyConfig config) {
            super(config);
        }

        List<InternalTopicConfig> internalTopics() {
            Map<String, InternalTopicConfig> byName = new TreeMap<>();
            for (InternalTopologyBuilder.TopicsInfo info : internalTopologyBuilder.subtopologyToTopicsInfo().values()) {
                byName.putAll(info.repartitionSourceTopics);
                byName.putAll(info.stateChangelogTopics);
            }
            return List.copyOf(byName.values());
        }
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
