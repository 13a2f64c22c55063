package io.hashwatch.model;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** Every topic hashwatch reads or writes, with its serdes. The single place topic names are spelled. */
public final class Topics {

    /** What a topic keeps: the topic-level configs hashwatch creates it with. */
    public enum Retention {
        /** Keyed so that the latest record per key is the truth (per-height outputs: a correction replaces). */
        COMPACTED(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)),
        /**
         * The history, kept whole: replayed records carry old timestamps that time-based retention would delete. The
         * broker rolls a segment when the records' timestamps span {@code segment.ms} (7 days): headers stamped with
         * their blocks' times made a segment every 1,000 headers of a history (163 files and index maps for 190,000),
         * so segments roll by size only.
         */
        FOREVER(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1", TopicConfig.SEGMENT_MS_CONFIG,
                String.valueOf(Duration.ofDays(100 * 365).toMillis()))),
        /** The broker's default retention. */
        BROKER_DEFAULT(Map.of());

        private final Map<String, String> configs;

        Retention(Map<String, String> configs) {
            this.configs = configs;
        }

        public Map<String, String> configs() {
            return configs;
        }
    }

    /**
     * A topic, its serdes, what it keeps, and the version of its records' schema (docs/topics.md): raised when a
     * field is removed or changes meaning, not when an optional one is added.
     */
    public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde, Retention retention,
                              int schemaVersion) {
        public Topic {
            if (schemaVersion < 1 || schemaVersion >= SCHEMA_HEADERS.length) {
                throw new IllegalArgumentException("schema version of " + name + " must be 1.."
                        + (SCHEMA_HEADERS.length - 1) + ", got " + schemaVersion);
            }
        }

        /** The {@link #SCHEMA_VERSION_HEADER} every record hashwatch writes to this topic carries (one instance). */
        public Header schemaHeader() {
            return SCHEMA_HEADERS[schemaVersion];
        }
    }

    /** Record header with the schema version of the record's value, e.g. {@code "2"}. */
    public static final String SCHEMA_VERSION_HEADER = "hashwatch.schema.version";
    /** The header of each version, made once: it is added to every output record. */
    private static final Header[] SCHEMA_HEADERS = IntStream.range(0, 16).mapToObj(v -> (Header) new RecordHeader(
            SCHEMA_VERSION_HEADER, Integer.toString(v).getBytes(StandardCharsets.US_ASCII))).toArray(Header[]::new);

    /** Input: block headers, key network, value a {@link HeaderRecord} as JSON (read raw, parsed by the topology). */
    public static final Topic<String, byte[]> HEADERS =
            new Topic<>("headers", Serdes.String(), Serdes.ByteArray(), Retention.FOREVER, 1);
    /** Input: price ticks, key exchange, value a {@link PriceTick} as JSON (read raw, parsed by the topology). */
    public static final Topic<String, byte[]> PRICES =
            new Topic<>("prices", Serdes.String(), Serdes.ByteArray(), Retention.FOREVER, 1);
    public static final Topic<String, BlockRecord> BLOCKS =
            new Topic<>("blocks", Serdes.String(), Json.serde(BlockRecord.class), Retention.COMPACTED, 1);
    public static final Topic<String, HashrateRecord> HASHRATE =
            new Topic<>("hashrate", Serdes.String(), Json.serde(HashrateRecord.class), Retention.COMPACTED, 1);
    public static final Topic<String, DifficultyRecord> DIFFICULTY =
            new Topic<>("difficulty", Serdes.String(), Json.serde(DifficultyRecord.class), Retention.COMPACTED, 2);
    public static final Topic<String, DifficultyAdjustmentRecord> DIFFICULTY_ADJUSTMENTS =
            new Topic<>("difficulty-adjustments", Serdes.String(), Json.serde(DifficultyAdjustmentRecord.class),
                    Retention.COMPACTED, 1);
    public static final Topic<String, ReferencePrice> REFERENCE_PRICES =
            new Topic<>("reference-prices", Serdes.String(), Json.serde(ReferencePrice.class), Retention.COMPACTED, 1);
    public static final Topic<String, HashpriceRecord> HASHPRICE =
            new Topic<>("hashprice", Serdes.String(), Json.serde(HashpriceRecord.class), Retention.COMPACTED, 2);
    public static final Topic<String, EconomicsRecord> ECONOMICS =
            new Topic<>("economics", Serdes.String(), Json.serde(EconomicsRecord.class), Retention.COMPACTED, 4);
    public static final Topic<String, MinerDayRecord> MINER_DAYS =
            new Topic<>("miner-days", Serdes.String(), Json.serde(MinerDayRecord.class), Retention.COMPACTED, 1);
    public static final Topic<String, MinerSignalRecord> MINER_SIGNALS =
            new Topic<>("miner-signals", Serdes.String(), Json.serde(MinerSignalRecord.class), Retention.COMPACTED,
                    1);
    /** Who mined each block ({@link PoolBlockRecord}), key {@code network:height}. */
    public static final Topic<String, PoolBlockRecord> POOLS =
            new Topic<>("pools", Serdes.String(), Json.serde(PoolBlockRecord.class), Retention.COMPACTED, 2);
    /**
     * The pools of the windows ending at the tip ({@link PoolWindowsRecord}), key the network: one record a network
     * a commit interval.
     */
    public static final Topic<String, PoolWindowsRecord> POOL_WINDOWS =
            new Topic<>("pool-windows", Serdes.String(), Json.serde(PoolWindowsRecord.class), Retention.COMPACTED, 1);
    /** Unusual best-chain blocks (empty, odd timestamps), key {@code network:height:kind}. */
    public static final Topic<String, BlockAnomalyRecord> BLOCK_ANOMALIES =
            new Topic<>("block-anomalies", Serdes.String(), Json.serde(BlockAnomalyRecord.class),
                    Retention.COMPACTED, 1);
    /** Branches off the best chain a Bitcoin Core source knows, key {@code network:tip_hash} (producers write it). */
    public static final Topic<String, StaleBranchRecord> STALE_BRANCHES =
            new Topic<>("stale-branches", Serdes.String(), Json.serde(StaleBranchRecord.class), Retention.COMPACTED,
                    1);
    /** Alertmanager notifications, one record per alert, published by hashwatch's webhook endpoint. */
    public static final Topic<String, AlertRecord> ALERTS =
            new Topic<>("alerts", Serdes.String(), Json.serde(AlertRecord.class), Retention.COMPACTED, 1);
    public static final Topic<String, ReorgRecord> REORGS =
            new Topic<>("reorgs", Serdes.String(), Json.serde(ReorgRecord.class), Retention.FOREVER, 1);
    /** Rejected input, value byte for byte as received, reason in the {@code hashwatch.reject.*} headers. */
    public static final Topic<String, byte[]> DEAD_LETTERS =
            new Topic<>("dead-letters", Serdes.String(), Serdes.ByteArray(),
                    Retention.BROKER_DEFAULT, 1);

    /** Header names on dead-letter records. */
    public static final String REJECT_REASON_HEADER = "hashwatch.reject.reason";
    public static final String REJECT_DETAIL_HEADER = "hashwatch.reject.detail";
    public static final String REJECT_SOURCE_TOPIC_HEADER = "hashwatch.reject.source.topic";

    private Topics() {
    }

    public static List<Topic<?, ?>> inputs() {
        return List.of(HEADERS, PRICES);
    }

    /** Output topics, in the order backfill writes them. */
    public static List<Topic<?, ?>> outputs() {
        return List.of(BLOCKS, HASHRATE, DIFFICULTY, DIFFICULTY_ADJUSTMENTS, REFERENCE_PRICES, HASHPRICE, ECONOMICS,
                MINER_DAYS, MINER_SIGNALS, POOLS, POOL_WINDOWS, BLOCK_ANOMALIES, REORGS, DEAD_LETTERS);
    }

    public static List<Topic<?, ?>> all() {
        return List.of(HEADERS, PRICES, BLOCKS, HASHRATE, DIFFICULTY, DIFFICULTY_ADJUSTMENTS, REFERENCE_PRICES,
                HASHPRICE, ECONOMICS, MINER_DAYS, MINER_SIGNALS, POOLS, POOL_WINDOWS, BLOCK_ANOMALIES, REORGS,
                DEAD_LETTERS, ALERTS, STALE_BRANCHES);
    }

    /** Key of per-block records: latest per key is the truth, so compaction keeps the corrected history. */
    public static String blockKey(String network, long height) {
        return network + ":" + height;
    }
}
