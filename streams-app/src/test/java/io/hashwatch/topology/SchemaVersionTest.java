package io.hashwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.hashwatch.bitcoin.BlockHeader;
import io.hashwatch.model.HeaderRecord;
import io.hashwatch.model.Json;
import io.hashwatch.model.PriceTick;
import io.hashwatch.model.Topics;
import io.hashwatch.model.Topics.Topic;
import io.hashwatch.testing.RegtestChain;
import io.hashwatch.testing.SharedData;
import io.hashwatch.testing.TopicSchemas;
import io.hashwatch.testing.TopologyHarness;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every record the topology writes says the schema version of its topic in a header, as docs/topics.md tells, and
 * (dead letters aside, which hold the input as it came) conforms to the topic's JSON Schema in docs/schemas/.
 */
class SchemaVersionTest {
    /**
     * The versions docs/topics.md publishes, written here rather than read from {@link Topics}: a version raised there
     * without the docs and this table is a failure here.
     */
    private static final Map<String, String> PUBLISHED = Map.ofEntries(Map.entry("blocks", "1"),
            Map.entry("hashrate", "1"), Map.entry("difficulty", "2"), Map.entry("difficulty-adjustments", "1"),
            Map.entry("reference-prices", "1"), Map.entry("hashprice", "2"), Map.entry("economics", "4"),
            Map.entry("miner-days", "1"), Map.entry("miner-signals", "1"), Map.entry("pools", "2"), Map.entry("pool-windows", "1"),
            Map.entry("reorgs", "1"), Map.entry("dead-letters", "1"), Map.entry("block-anomalies", "1"));

    @TempDir
    Path state;

    @Test
    void everyOutputTopicHasAPublishedVersion() {
        assertEquals(new TreeSet<>(PUBLISHED.keySet()),
                new TreeSet<>(Topics.outputs().stream().map(Topic::name).toList()));
    }

    /**
     * 1,000 real mainnet headers from 205,400 (October 2012: a retarget at 205,632, and the halving at 210,000 comes
     * within 30 days, a miner-stress event) with a price tick before each block, a malformed header, and a regtest
     * branch that overtakes: a record on every output topic.
     */
    @Test
    void everyOutputRecordCarriesItsTopicsSchemaVersionAndMatchesItsSchema() {
        Path file = SharedData.requireHeaders("mainnet_150001-340000.btcrelay.bin");
        int from = 205_400;
        List<BlockHeader> headers = SharedData.readParsedHeaders(file)
                .subList(from - (int) SharedData.firstHeight(file), from - (int) SharedData.firstHeight(file) + 1000);
        TopicSchemas schemas = TopicSchemas.ofRepository();
        Map<String, Integer> counts = new TreeMap<>();
        try (TopologyHarness t = new TopologyHarness(state, "schema-version-test", 1_700_000_000L)) {
            for (int h = 0; h < headers.size(); h++) {
                long ms = headers.get(h).time() * 1000;
                t.send(new PriceTick("coinbase", "BTC-USD", 11.0, 0.1, ms - 90_000, ms - 89_995, null));
                t.send(new HeaderRecord("mainnet", from + h, headers.get(h).hex(), null, null, "test", null));
                if (h % 1000 == 0) {
                    drainAndCheck(t, schemas, counts);
                }
            }
            t.sendHeader("{not json");
            RegtestChain main = RegtestChain.fromGenesis(4);
            main.extend(10);
            RegtestChain fork = main.fork(7);
            fork.extend(5);
            t.send(main.records(0, 10));
            t.send(fork.records(8, 12));
            drainAndCheck(t, schemas, counts);
        }
        for (String topic : PUBLISHED.keySet()) {
            assertFalse(counts.getOrDefault(topic, 0) == 0, topic + " written: " + counts);
        }
        System.out.println("records checked: " + counts);
    }

    private static void drainAndCheck(TopologyHarness t, TopicSchemas schemas, Map<String, Integer> counts) {
        for (Topic<?, ?> topic : Topics.outputs()) {
            @SuppressWarnings("unchecked")
            List<? extends TestRecord<String, ?>> records = t.drain((Topic<String, Object>) topic);
            for (TestRecord<String, ?> r : records) {
                assertEquals(PUBLISHED.get(topic.name()), TopologyHarness.header(r, Topics.SCHEMA_VERSION_HEADER),
                        topic.name() + " " + r.key());
                if (topic != Topics.DEAD_LETTERS && r.value() != null) {
                    schemas.assertValid(topic.name(), Json.MAPPER.valueToTree(r.value()));
                }
            }
            counts.merge(topic.name(), records.size(), Integer::sum);
        }
    }
}
