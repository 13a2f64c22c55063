package io.hashwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.bitcoin.RawBlock;
import io.hashwatch.model.HeaderRecord;
import io.hashwatch.model.PoolBlockRecord;
import io.hashwatch.model.PoolWindowsRecord.PoolShare;
import io.hashwatch.model.PoolWindowsRecord.PoolWindow;
import io.hashwatch.model.PoolWindowsRecord;
import io.hashwatch.model.RejectReason;
import io.hashwatch.model.Topics;
import io.hashwatch.pools.PoolList;
import io.hashwatch.testing.RegtestChain;
import io.hashwatch.testing.SharedData;
import io.hashwatch.testing.TopologyHarness;
import io.hashwatch.topology.PoolsTopologyTest.Planned;
import io.hashwatch.topology.PoolsTopologyTest.Sample;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Coinbases filled in after their blocks were connected (a source filling the history's coinbases in the background,
 * {@code coinbase_fill}): each re-attributes its height in the pools sub-topology ({@code pools} emitted again), and
 * the windows at the tip are recounted and published again where they hold it; the chain is left alone (no duplicate,
 * no reorganization, no block, hashrate or difficulty record emitted again).
 */
class CoinbaseFillTopologyTest {
    /** The known miners of the real blocks 840,002..840,007, as their coinbases say (BackfillIntegrationTest). */
    private static final Map<Long, String> MINERS = Map.of(840_002L, "foundryusa", 840_003L, "antpool",
            840_004L, "antpool", 840_005L, "antpool", 840_006L, "poolin", 840_007L, "antpool");

    private static final String BLOCKS = "data/blocks/raw/mainnet_840002-840007.blocks.gz";

    @TempDir
    Path stateDir;

    /** The header of {@code height} as a source without its coinbase would send it (the tx count kept). */
    private static HeaderRecord bare(RegtestChain chain, long height, Integer txCount) {
        HeaderRecord base = chain.record(height);
        return new HeaderRecord(base.network(), height, base.headerHex(), null, txCount, base.source(), null);
    }

    private static void assertChainLeftAlone(TopologyHarness h, String network, double duplicates) {
        assertTrue(h.drain(Topics.BLOCKS).isEmpty(), "no block record again");
        assertTrue(h.drain(Topics.HASHRATE).isEmpty(), "no hashrate record again");
        assertTrue(h.drain(Topics.DIFFICULTY).isEmpty(), "no difficulty record again");
        assertTrue(h.drain(Topics.REORGS).isEmpty(), "no reorganization");
        assertEquals(duplicates, h.counter("hashwatch_headers_duplicate", "network", network), "no duplicate");
    }

    @Test
    void filledCoinbasesReattributeTheirHeightsAndTheWindowsThatHoldThem() throws IOException {
        List<Sample> samples = PoolsTopologyTest.samples();
        int blocks = 400;
        int filledUpTo = 300;
        RegtestChain chain = RegtestChain.fromGenesis(13);
        chain.extend(blocks);
        List<Planned> plan = new ArrayList<>();
        plan.add(new Planned(null, 1));
        plan.addAll(PoolsTopologyTest.plan(samples, blocks, 7));
        try (TopologyHarness h = new TopologyHarness(stateDir, "coinbase-fill", 1_400_000_000L)) {
            for (int i = 0; i <= blocks; i++) {
                h.send(i <= filledUpTo ? bare(chain, i, plan.get(i).txCount())
                        : PoolsTopologyTest.header(chain, i, plan.get(i)));
            }
            List<TestRecord<String, PoolBlockRecord>> first = h.drain(Topics.POOLS);
            assertEquals(blocks + 1, first.size());
            assertEquals("unattributed", first.get(filledUpTo).value().attribution());
            h.drain(Topics.BLOCKS);
            h.drain(Topics.HASHRATE);
            h.drain(Topics.DIFFICULTY);
            h.drain(Topics.POOL_WINDOWS);
            double duplicates = h.counter("hashwatch_headers_duplicate", "network", "regtest");

            for (int i = 0; i <= filledUpTo; i++) {
                h.send(PoolsTopologyTest.header(chain, i, plan.get(i)).asCoinbaseFill());
            }
            List<TestRecord<String, PoolBlockRecord>> filled = h.drain(Topics.POOLS);
            List<String> expectedKeys = new ArrayList<>();
            for (int i = 0; i <= filledUpTo; i++) {
                if (plan.get(i).sample() != null) {
                    expectedKeys.add("regtest:" + i);
                }
            }
            assertEquals(expectedKeys, filled.stream().map(TestRecord::key).toList(),
                    "each height that got a coinbase, once, oldest first");
            for (TestRecord<String, PoolBlockRecord> r : filled) {
                int height = (int) r.value().height();
                // The attribution against the stated pools of the plan.
                PoolsTopologyTest.check(chain, plan, height, r.value());
                assertEquals(chain.at(height).time() * 1000, r.timestamp(), "stamped with the block's time");
            }
            // The tip's windows held the filled heights: recounted and published again, as a recount of the plan.
            List<TestRecord<String, PoolWindowsRecord>> tipWindows = h.drain(Topics.POOL_WINDOWS);
            assertEquals(1, tipWindows.size());
            PoolsTopologyTest.checkWindows(chain, plan, blocks, tipWindows.get(0).value());
            assertEquals(chain.at(blocks).time() * 1000, tipWindows.get(0).timestamp(), "stamped as the tip");
            assertChainLeftAlone(h, "regtest", duplicates);
            assertTrue(h.drain(Topics.DEAD_LETTERS).isEmpty());

            // A height already attributed: nothing again.
            h.send(PoolsTopologyTest.header(chain, 350, plan.get(350)).asCoinbaseFill());
            assertTrue(h.drain(Topics.POOLS).isEmpty());

            // The tip's running windows were recounted: the next block's windows count the filled attributions.
            chain.extend(1);
            plan.add(PoolsTopologyTest.plan(samples, 1, 8).get(0));
            h.send(PoolsTopologyTest.header(chain, blocks + 1, plan.get(blocks + 1)));
            List<TestRecord<String, PoolBlockRecord>> next = h.drain(Topics.POOLS);
            assertEquals(1, next.size());
            PoolsTopologyTest.check(chain, plan, blocks + 1, next.get(0).value());
            List<TestRecord<String, PoolWindowsRecord>> nextWindows = h.drain(Topics.POOL_WINDOWS);
            PoolsTopologyTest.checkWindows(chain, plan, blocks + 1, nextWindows.get(nextWindows.size() - 1).value());
        }
    }

    /** The real blocks 840,002..840,007: header, coinbase (hex) and its txid-free parts as published. */
    record Real(long height, String headerHex, String coinbaseHex) {
    }

    static List<Real> realBlocks() throws IOException {
        byte[] data;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(SharedData.require(BLOCKS)))) {
            data = in.readAllBytes();
        }
        List<Real> out = new ArrayList<>();
        long height = 840_002;
        for (RawBlock b : RawBlock.parseAll(data)) {
            out.add(new Real(height++, b.header().hex(), b.coinbaseHex()));
        }
        return out;
    }

    /** fees_claimed of ../shared/data/blocks/block_fees_points.csv by height (outputs less the subsidy). */
    static Map<Long, Long> knownFees() throws IOException {
        Map<Long, Long> out = new HashMap<>();
        for (String line : Files.readAllLines(SharedData.require("data/blocks/block_fees_points.csv"))) {
            String[] f = line.split(",");
            if (f[0].matches("\\d+") && f[5].startsWith("coinbase_output_sum")) {
                out.put(Long.parseLong(f[0]), Long.parseLong(f[2]));
            }
        }
        return out;
    }

    @Test
    void realBlocksFilledAfterTheirHeadersGetTheirKnownPools() throws IOException {
        List<Real> real = realBlocks();
        Map<Long, Long> fees = knownFees();
        try (TopologyHarness h = new TopologyHarness(stateDir, "coinbase-fill-real", 1_800_000_000L)) {
            for (Real r : real) {
                h.send(new HeaderRecord("mainnet", r.height(), r.headerHex(), null, null, "electrum", null));
            }
            assertEquals(6, h.drain(Topics.BLOCKS).size());
            assertTrue(h.drain(Topics.POOLS).stream().allMatch(r -> r.value().poolId() == null));
            h.drain(Topics.POOL_WINDOWS);
            h.drain(Topics.HASHRATE);
            h.drain(Topics.DIFFICULTY);
            double duplicates = h.counter("hashwatch_headers_duplicate", "network", "mainnet");

            for (Real r : real.subList(0, 4)) {
                h.send(fill(r, fees));
            }
            List<TestRecord<String, PoolBlockRecord>> out = h.drain(Topics.POOLS);
            assertEquals(List.of("mainnet:840002", "mainnet:840003", "mainnet:840004", "mainnet:840005"),
                    out.stream().map(TestRecord::key).toList());
            for (TestRecord<String, PoolBlockRecord> r : out) {
                assertEquals("attributed", r.value().attribution());
                assertEquals(MINERS.get(r.value().height()), r.value().poolSlug(), "pool of " + r.key());
                assertEquals(fees.get(r.value().height()), r.value().feesClaimedSat(), "claimed fees of " + r.key());
            }
            // The tip's windows (840,002..840,007) now hold the four filled blocks: three AntPool, one Foundry USA.
            List<TestRecord<String, PoolWindowsRecord>> windows = h.drain(Topics.POOL_WINDOWS);
            assertEquals(1, windows.size());
            PoolWindow day = windows.get(0).value().windows().get(0);
            assertEquals(6, day.blocks());
            assertEquals(4, day.withCoinbase());
            assertEquals(2, day.unattributedBlocks());
            assertEquals(List.of("antpool", "foundryusa"), day.pools().stream().map(PoolShare::slug).toList());
            assertEquals(List.of(3, 1), day.pools().stream().map(PoolShare::blocks).toList());
            assertChainLeftAlone(h, "mainnet", duplicates);

            // A fill for another block at 840,006 (one nonce byte changed): not the best chain's, dead-lettered.
            Real six = real.get(4);
            String other = six.headerHex().substring(0, 152) + "00000000";
            h.send(new HeaderRecord("mainnet", six.height(), other, null, null, "electrum", null, six.coinbaseHex(),
                    fees.get(six.height())).asCoinbaseFill());
            List<TestRecord<String, byte[]>> dead = h.drain(Topics.DEAD_LETTERS);
            assertEquals(1, dead.size());
            assertEquals(RejectReason.FILL_NOT_ON_BEST_CHAIN.label(), TopologyHarness.reason(dead.get(0)));
            assertTrue(h.drain(Topics.POOLS).isEmpty());

            h.send(fill(six, fees));
            h.send(fill(real.get(5), fees));
            List<TestRecord<String, PoolBlockRecord>> last = h.drain(Topics.POOLS);
            assertEquals(List.of("poolin", "antpool"), last.stream().map(r -> r.value().poolSlug()).toList());
            List<TestRecord<String, PoolWindowsRecord>> lastWindows = h.drain(Topics.POOL_WINDOWS);
            PoolWindow lastDay = lastWindows.get(lastWindows.size() - 1).value().windows().get(0);
            assertEquals(6, lastDay.withCoinbase());
            assertEquals(4, lastDay.pools().get(0).blocks(), "antpool: 840,003..840,005 and 840,007");
            assertChainLeftAlone(h, "mainnet", duplicates);

            // The height store holds the attributions (what a restart rebuilds the windows from).
            KeyValueStore<String, PoolEntry> store = h.driver.getKeyValueStore(PoolsProcessor.BLOCKS_STORE);
            for (Real r : real) {
                PoolEntry e = store.get(ChainIndex.storeKey("mainnet", r.height()));
                assertEquals(MINERS.get(r.height()), e.poolId() == null ? null
                        : PoolList.bundled().byId(e.poolId()).orElseThrow().slug(), "stored " + r);
            }
            // A plain duplicate (no fill flag) is still a duplicate, and attributes nothing.
            h.send(new HeaderRecord("mainnet", six.height(), six.headerHex(), null, null, "electrum", null));
            assertEquals(duplicates + 1, h.counter("hashwatch_headers_duplicate", "network", "mainnet"));
            assertTrue(h.drain(Topics.POOLS).isEmpty());
            assertNull(h.drain(Topics.DEAD_LETTERS).stream().findAny().orElse(null));
        }
    }

    /**
     * The droughts of the real blocks 840,002..840,007 sent with their coinbases, at every tip, against a recount
     * from the miners their coinbases state: each pool's share of the held blocks and the blocks since its last,
     * (1 - share)^gap. At 840,007 Foundry USA (1 of 6, last at 840,002) has gone 5 blocks: (5/6)^5 = 3125/7776.
     */
    @Test
    void theDroughtsOfTheRealBlocksAfterTheHalvingMatchTheirMiners() throws IOException {
        List<Real> real = realBlocks();
        Map<Long, Long> fees = knownFees();
        PoolList list = PoolList.bundled();
        try (TopologyHarness h = new TopologyHarness(stateDir, "droughts-real", 1_800_000_000L)) {
            PoolWindowsRecord last = null;
            for (Real r : real) {
                h.send(new HeaderRecord("mainnet", r.height(), r.headerHex(), null, null, "electrum", null,
                        r.coinbaseHex(), fees.get(r.height())));
                List<TestRecord<String, PoolWindowsRecord>> windows = h.drain(Topics.POOL_WINDOWS);
                assertEquals(1, windows.size(), "windows at " + r.height());
                last = windows.get(0).value();
                // The recount: blocks and latest height of each stated miner up to this tip.
                Map<String, Integer> blocks = new java.util.TreeMap<>();
                Map<String, Long> latest = new HashMap<>();
                for (long k = 840_002; k <= r.height(); k++) {
                    blocks.merge(MINERS.get(k), 1, Integer::sum);
                    latest.put(MINERS.get(k), k);
                }
                int held = (int) (r.height() - 840_002 + 1);
                List<PoolWindowsRecord.PoolDrought> expected = new ArrayList<>();
                for (Map.Entry<String, Integer> b : blocks.entrySet()) {
                    double share = b.getValue() / (double) held;
                    long gap = r.height() - latest.get(b.getKey());
                    int id = list.pools().stream().filter(p -> p.slug().equals(b.getKey())).findFirst()
                            .orElseThrow().id();
                    expected.add(new PoolWindowsRecord.PoolDrought(id, b.getKey(), share, 1008, gap,
                            Math.pow(1 - share, gap)));
                }
                expected.sort((x, y) -> x.share() != y.share() ? Double.compare(y.share(), x.share())
                        : Integer.compare(x.id(), y.id()));
                List<PoolWindowsRecord.PoolDrought> got = last.droughts();
                assertEquals(expected.stream().map(d -> d.slug() + " " + d.blocksSinceLast()).toList(),
                        got.stream().map(d -> d.slug() + " " + d.blocksSinceLast()).toList(), "at " + r.height());
                for (int i = 0; i < expected.size(); i++) {
                    assertEquals(1008, got.get(i).shareWindowBlocks());
                    assertEquals(expected.get(i).share(), got.get(i).share(), 1e-15, "share at " + r.height());
                    assertEquals(expected.get(i).probability(), got.get(i).probability(), 1e-15,
                            "odds at " + r.height());
                }
            }
            PoolWindowsRecord.PoolDrought foundry = last.droughts().stream()
                    .filter(d -> d.slug().equals("foundryusa")).findFirst().orElseThrow();
            assertEquals(5, foundry.blocksSinceLast());
            assertEquals(3125.0 / 7776, foundry.probability(), 1e-15);
            // The gauges PoolSilent reads are the tip's droughts.
            for (PoolWindowsRecord.PoolDrought d : last.droughts()) {
                assertEquals(d.probability(), h.gauge("hashwatch_pool_drought_probability_ratio", "network",
                        "mainnet", "pool", d.slug()), 1e-15);
                assertEquals(d.blocksSinceLast(), h.gauge("hashwatch_pool_drought_blocks", "network", "mainnet",
                        "pool", d.slug()));
                assertEquals(d.share(), h.gauge("hashwatch_pool_drought_share_ratio", "network", "mainnet", "pool",
                        d.slug()), 1e-15);
            }
            System.out.println("droughts at 840,007: " + last.droughts());
        }
    }

    private static HeaderRecord fill(Real r, Map<Long, Long> fees) {
        return new HeaderRecord("mainnet", r.height(), r.headerHex(), null, null, "electrum", null, r.coinbaseHex(),
                fees.get(r.height())).asCoinbaseFill();
    }
}
