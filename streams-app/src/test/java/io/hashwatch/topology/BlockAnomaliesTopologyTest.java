package io.hashwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.bitcoin.BlockHeader;
import io.hashwatch.model.BlockAnomalyRecord;
import io.hashwatch.model.HeaderRecord;
import io.hashwatch.model.Topics;
import io.hashwatch.testing.SharedData;
import io.hashwatch.testing.TopologyHarness;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Block anomalies in the production topology, on real data, against a recount written here from the raw headers:
 * the empty blocks of 2009 (real tx counts and coinbases of blocks 0..438) and the timestamps of 2011-2012 (blocks
 * earlier than their parent are common there).
 */
class BlockAnomaliesTopologyTest {
    private static final long NOW = 1_400_000_000L;

    @TempDir
    Path stateDir;

    @Test
    void theEmptyBlocksOf2009AreTheCoinbaseOnlyOnes() throws IOException {
        List<BlockHeader> headers = SharedData.readParsedHeaders(SharedData.requireHeaders(
                "mainnet_0-10236.floresta.bin")).subList(0, 439);
        Map<Long, Integer> txCount = new HashMap<>();
        for (Map<String, String> row : SharedData.readCsv(SharedData.require("data/blocks/block_fees_h0-438.csv"))) {
            txCount.put(Long.parseLong(row.get("height")), Integer.parseInt(row.get("tx_count")));
        }
        Map<Long, String> coinbase = new HashMap<>();
        for (Map<String, String> row : SharedData.readCsv(SharedData.require(
                "data/pools/coinbases_early_h0-438.csv"))) {
            coinbase.put(Long.parseLong(row.get("height")), row.get("coinbase_tx_hex"));
        }
        try (TopologyHarness h = new TopologyHarness(stateDir, "anomalies-2009", NOW)) {
            for (int i = 0; i < headers.size(); i++) {
                h.send(new HeaderRecord("mainnet", i, headers.get(i).hex(), 0L, txCount.get((long) i), "file", null,
                        coinbase.get((long) i), 0L));
            }
            List<TestRecord<String, BlockAnomalyRecord>> out = h.drain(Topics.BLOCK_ANOMALIES);
            TreeSet<Long> empty = new TreeSet<>();
            for (TestRecord<String, BlockAnomalyRecord> r : out) {
                if (r.value().kind().equals("empty")) {
                    empty.add(r.value().height());
                    assertEquals("mainnet:" + r.value().height() + ":empty", r.key());
                    assertEquals("unknown", r.value().poolSlug());
                    assertNull(r.value().reference());
                }
            }
            TreeSet<Long> expected = new TreeSet<>();
            txCount.forEach((height, n) -> {
                if (n == 1) {
                    expected.add(height);
                }
            });
            assertEquals(expected, empty);
            assertTrue(expected.size() > 400 && expected.size() < 439, expected.size() + " empty blocks");
            assertEquals(expected.size(), h.counter("hashwatch_block_anomalies", "network", "mainnet", "kind", "empty",
                    "pool", "unknown"));
            System.out.printf("2009, blocks 0..438: %d empty (coinbase only), %d with transactions%n",
                    expected.size(), 439 - expected.size());
        }
    }

    @Test
    void timestampAnomaliesOfRealHeadersMatchARecount() {
        Path file = SharedData.requireHeaders("mainnet_150001-340000.btcrelay.bin");
        long first = SharedData.firstHeight(file);
        List<BlockHeader> headers = SharedData.readParsedHeaders(file).subList(0, 6000);
        try (TopologyHarness h = new TopologyHarness(stateDir, "anomalies-2011", NOW)) {
            List<String> got = new ArrayList<>();
            for (int i = 0; i < headers.size(); i++) {
                h.send(new HeaderRecord("mainnet", first + i, headers.get(i).hex(), null, null, "file", null));
                if (i % 500 == 499 || i == headers.size() - 1) {
                    for (TestRecord<String, BlockAnomalyRecord> r : h.drain(Topics.BLOCK_ANOMALIES)) {
                        got.add(r.value().height() + ":" + r.value().kind() + ":" + r.value().reference());
                        assertEquals("unattributed", r.value().poolSlug());
                    }
                }
            }
            // The recount: parent and median-time-past from the raw timestamps (the chain state starts at the
            // file's first header, so the median needs 11 blocks of it).
            List<String> expected = new ArrayList<>();
            int before = 0;
            int atFloor = 0;
            for (int i = 1; i < headers.size(); i++) {
                long t = headers.get(i).time();
                long parent = headers.get(i - 1).time();
                if (t < parent) {
                    expected.add((first + i) + ":before_parent:" + parent);
                    before++;
                }
                if (i >= 11) {
                    long[] past = new long[11];
                    for (int k = 0; k < 11; k++) {
                        past[k] = headers.get(i - 1 - k).time();
                    }
                    Arrays.sort(past);
                    if (t == past[5] + 1) {
                        expected.add((first + i) + ":at_mtp_floor:" + past[5]);
                        atFloor++;
                    }
                }
            }
            assertEquals(expected, got);
            assertTrue(before > 100, before + " blocks before their parent");
            assertEquals(before, h.counter("hashwatch_block_anomalies", "network", "mainnet", "kind", "before_parent",
                    "pool", "unattributed"));
            System.out.printf("2011-2012, blocks %d..%d: %d earlier than their parent, %d at the MTP + 1 floor%n",
                    first, first + headers.size() - 1, before, atFloor);
        }
    }
}
