package io.hashwatch.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import io.hashwatch.model.Topics;

/**
 * How the streams app connects and commits.
 *
 * @param bootstrapServers  Kafka bootstrap servers
 * @param applicationId     Kafka Streams application id (consumer group, internal topic prefix)
 * @param stateDir          where RocksDB state stores live
 * @param replicationFactor replication of internal topics; -1 takes the broker default
 * @param commitIntervalMs  commit (and, with exactly-once, transaction) interval
 * @param kafkaOverrides    any further client settings (TLS, SASL, tuning), passed through as given
 */
public record StreamsSettings(String bootstrapServers, String applicationId, Path stateDir, int replicationFactor,
                              long commitIntervalMs, Map<String, String> kafkaOverrides) {

    public static final String DEFAULT_APPLICATION_ID = "hashwatch";
    public static final long DEFAULT_COMMIT_INTERVAL_MS = 100;
    /**
     * One stream thread per core: the verification, economics, pools and miner-stress sub-topologies are tasks of
     * their own, which the threads share (the {@code --stream-threads} default).
     */
    public static final int DEFAULT_STREAM_THREADS = Runtime.getRuntime().availableProcessors();

    public Properties toProperties() {
        Properties p = new Properties();
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, replicationFactor);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitIntervalMs);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, DEFAULT_STREAM_THREADS);
        // Generated names would leak into metric labels and changelog topic names.
        p.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        // Input is parsed by the topology itself, which sends what it rejects to the dead-letter topic with a
        // reason; these handlers are the safety net for anything else, so one bad record never stops the app.
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, ProcessingErrorHandler.class);
        p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, SendErrorHandler.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        p.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, Topics.DEAD_LETTERS.name());
        // Each header becomes about ten records (outputs and changelogs) of compressible JSON: larger lz4 batches
        // cut the broker's work per record (hashwatch bench: about +50% headers/s). A commit flushes whatever is
        // lingering, so read_committed latency does not grow with linger.ms.
        p.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        p.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 262_144);
        p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 20);
        p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class);
        p.putAll(kafkaOverrides);
        return p;
    }
}
