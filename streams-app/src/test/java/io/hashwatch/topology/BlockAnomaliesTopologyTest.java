package io.hashwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.bitcoin.Ancestors;
import io.hashwatch.bitcoin.BlockHeader;
import io.hashwatch.model.BlockAnomalyRecord;
import io.hashwatch.model.HeaderRecord;
import io.hashwatch.model.Topics;
import io.hashwatch.testing.RegtestChain;
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
 * earlier than their parent are common there; 156,368 sits at the median-time-past + 1 floor); live, a block more
 * than an hour ahead of its arrival.
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
        // To 156,400: the file's one block at the median time past + 1 floor is 156,368.
        List<BlockHeader> headers = SharedData.readParsedHeaders(file).subList(0, 6400);
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
            assertEquals(1, atFloor, "blocks at the MTP + 1 floor");
            long floorTime = headers.get((int) (156_368 - first)).time();
            assertTrue(got.contains("156368:at_mtp_floor:" + (floorTime - 1)), "" + got);
            assertEquals(1.0, h.counter("hashwatch_block_anomalies", "network", "mainnet", "kind", "at_mtp_floor",
                    "pool", "unattributed"));
            assertEquals(before, h.counter("hashwatch_block_anomalies", "network", "mainnet", "kind", "before_parent",
                    "pool", "unattributed"));
            System.out.printf("2011-2012, blocks %d..%d: %d earlier than their parent, %d at the MTP + 1 floor%n",
                    first, first + headers.size() - 1, before, atFloor);
        }
    }

    /**
     * Live, a block more than an hour ahead of its arrival (the stream task's wall clock) is an anomaly, one within the
     * hour is not. The clock is the driver's, started at the real time; the blocks sit 15 min either side of the
     * line, far beyond anything this test's own run time could move it.
     */
    @Test
    void aLiveBlockMoreThanAnHourAheadOfItsArrivalIsAnAnomaly() {
        long before = System.currentTimeMillis() / 1000;
        long now = before + 1;
        try (TopologyHarness h = new TopologyHarness(stateDir, "anomalies-ahead", now)) {
            long after = System.currentTimeMillis() / 1000 + 1;
            h.nowSeconds.set(after); // the future-time rule's clock (a header up to 2 h ahead is valid)
            // RegtestChain mines the next header at the given time + 600 s.
            RegtestChain near = RegtestChain.after("11".repeat(32), 1_000, after + 2_700 - 600, 5);
            near.extend(1);
            RegtestChain far = RegtestChain.after(near.tipHash(), 1_001, after + 4_500 - 600, 6);
            far.extend(1);
            h.send(near.record(1_001));
            assertEquals(List.of(), h.drain(Topics.BLOCK_ANOMALIES), "45 min ahead");
            h.send(far.record(1_002));
            List<TestRecord<String, BlockAnomalyRecord>> out = h.drain(Topics.BLOCK_ANOMALIES);
            assertEquals(1, out.size(), out.toString());
            BlockAnomalyRecord r = out.get(0).value();
            assertEquals("regtest:1002:ahead_of_arrival", out.get(0).key());
            assertEquals("ahead_of_arrival", r.kind());
            assertEquals(far.tipTime(), r.time());
            // The reference is the arrival: the driver's clock, between this test's start and the block's time - 1 h.
            assertTrue(r.reference() >= before && r.reference() < r.time() - 3600, r.toString());
            assertEquals((r.time() - r.reference()) + " s ahead of its arrival", r.detail());
            assertEquals(1.0, h.counter("hashwatch_block_anomalies", "network", "regtest", "kind", "ahead_of_arrival",
                    "pool", "unattributed"));
        }
    }

    /** The line itself: exactly an hour ahead is not an anomaly, a second more is; a replayed block never is. */
    @Test
    void aheadOfArrivalIsStrictlyMoreThanAnHour() {
        Ancestors none = height -> null;
        long t = 1_700_000_000L;
        PoolEntry e = PoolEntry.unattributed(10, "aa".repeat(32), 2).onBestChain(t, "00");
        assertEquals(List.of(), kinds(BlockAnomalies.detect("regtest", e, "unattributed", none, t - 3600)));
        assertEquals(List.of("ahead_of_arrival"),
                kinds(BlockAnomalies.detect("regtest", e, "unattributed", none, t - 3601)));
        // Replayed: arrival years after the block's time.
        assertEquals(List.of(), kinds(BlockAnomalies.detect("regtest", e, "unattributed", none, t + 86_400 * 365)));
    }

    private static List<String> kinds(List<BlockAnomalyRecord> records) {
        return records.stream().map(BlockAnomalyRecord::kind).toList();
    }
}
