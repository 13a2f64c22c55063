package io.hashwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.hashwatch.model.HeaderRecord;
import io.hashwatch.model.PriceTick;
import io.hashwatch.model.Topics;
import io.hashwatch.model.Topics.Topic;
import io.hashwatch.testing.TopologyHarness;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every record the topology writes says the schema version of its topic in a header, as docs/topics.md tells. */
class SchemaVersionTest {
    /** Block 0 of mainnet (2009-01-03). */
    private static final String MAINNET_GENESIS = "0100000000000000000000000000000000000000000000000000000000000000"
            + "000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c";
    private static final long GENESIS_MS = 1_231_006_505_000L;

    @TempDir
    Path state;

    @Test
    void everyOutputRecordCarriesItsTopicsSchemaVersion() {
        try (TopologyHarness t = new TopologyHarness(state, "schema-version-test", 1_700_000_000L)) {
            // Two minutes of trades before the block, so that a reference price closes and the block finds it.
            for (long ms = GENESIS_MS - 180_000; ms < GENESIS_MS; ms += 20_000) {
                t.send(new PriceTick("coinbase", "BTC-USD", 1.0, 0.1, ms, ms + 5, null));
            }
            t.send(new HeaderRecord("mainnet", 0, MAINNET_GENESIS, null, null, "test", null));
            t.sendHeader("{not json");
            for (Topic<String, ?> topic : List.of(Topics.BLOCKS, Topics.HASHRATE, Topics.DIFFICULTY,
                    Topics.HASHPRICE, Topics.ECONOMICS, Topics.REFERENCE_PRICES, Topics.DEAD_LETTERS)) {
                List<? extends TestRecord<String, ?>> records = t.drain(topic);
                assertFalse(records.isEmpty(), topic.name() + " written");
                for (TestRecord<String, ?> r : records) {
                    assertEquals(String.valueOf(topic.schemaVersion()),
                            TopologyHarness.header(r, Topics.SCHEMA_VERSION_HEADER), topic.name() + " " + r.key());
                }
            }
            assertEquals(2, Topics.ECONOMICS.schemaVersion(), "one record per block with every profile");
        }
    }
}
