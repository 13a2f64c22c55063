package io.hashwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.bitcoin.Subsidy;
import io.hashwatch.model.BlockAnomalyRecord;
import io.hashwatch.model.HeaderRecord;
import io.hashwatch.model.Topics;
import io.hashwatch.pools.CoinbaseTag;
import io.hashwatch.testing.RegtestChain;
import io.hashwatch.testing.TopologyHarness;
import io.hashwatch.topology.PoolsTopologyTest.Sample;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fee shock and the unknown coinbase tags, over a regtest chain carrying a real Foundry USA coinbase of
 * ../shared/data/pools (PoolsTopologyTest's samples) and a made-up new pool's tag, against a recount of the fee
 * shares written here.
 */
class FeeShockAndTagsTest {
    private static final int BLOCKS = 1_300;
    /** Fees jump from 0.1 BTC a block to 30 BTC from this height on. */
    private static final int SHOCK_FROM = 1_150;

    @TempDir
    Path stateDir;

    @Test
    void aFeeJumpAndARepeatedUnknownTagAreRecordedOnce() throws IOException {
        List<Sample> samples = PoolsTopologyTest.samples();
        Sample known = samples.stream().filter(s -> s.poolId() == 111).findFirst().orElseThrow();
        // A pool the list does not know yet (the real unknown coinbases carry no readable tag).
        Sample unknown = new Sample(java.util.HexFormat.of().formatHex("/NewPool/".getBytes(
                java.nio.charset.StandardCharsets.US_ASCII)), List.of(new long[] {5_000_000_000L}), List.of("51"), 0);
        RegtestChain chain = RegtestChain.fromGenesis(41);
        chain.extend(BLOCKS);
        // The unknown pool's blocks: two 200 blocks apart (more than a day at 600 s), then three within a day.
        List<Integer> unknownAt = List.of(400, 600, 900, 950, 1_000);
        long[] fees = new long[BLOCKS + 1];
        String tagSeen = null;
        try (TopologyHarness h = new TopologyHarness(stateDir, "fee-shock", chain.tipTime() + 60)) {
            for (int i = 0; i <= BLOCKS; i++) {
                fees[i] = i >= SHOCK_FROM ? 3_000_000_000L : 10_000_000L;
                Sample s = unknownAt.contains(i) ? unknown : known;
                HeaderRecord base = chain.record(i);
                String cb = i == 0 ? null : PoolsTopologyTest.coinbase(i, s);
                h.send(new HeaderRecord(base.network(), i, base.headerHex(), null, 100, base.source(), null, cb,
                        i == 0 ? null : fees[i]));
                if (i == 1_000) {
                    // The tag is in three blocks of the last day: its series, with the count.
                    var gauges = h.registry.find("hashwatch_pools_unknown_tag_blocks").gauges();
                    assertEquals(1, gauges.size());
                    var gauge = gauges.iterator().next();
                    tagSeen = gauge.getId().getTag("tag");
                    assertEquals(3.0, gauge.value());
                }
            }
            // A day later it has aged out.
            assertEquals(0, h.registry.find("hashwatch_pools_unknown_tag_blocks").gauges().size());
            List<BlockAnomalyRecord> out = new ArrayList<>();
            h.drain(Topics.BLOCK_ANOMALIES).stream().map(TestRecord::value).forEach(out::add);

            // The recount: the first height where the 144-block share exceeds twice the 4,320-block one.
            int onset = -1;
            for (int tip = 1; tip <= BLOCKS && onset < 0; tip++) {
                double[] day = share(fees, tip, 144);
                double[] month = share(fees, tip, 4320);
                if (day[1] >= 100 && month[1] >= 1008 && day[0] > 2 * month[0]) {
                    onset = tip;
                }
            }
            assertTrue(onset >= SHOCK_FROM, "onset " + onset);
            List<Long> shocks = out.stream().filter(a -> a.kind().equals("fee_shock")).map(a -> a.height()).toList();
            assertEquals(List.of((long) onset), shocks, "one record, where the shock starts");
            double[] day = share(fees, BLOCKS, 144);
            assertEquals(day[0], h.gauge("hashwatch_fee_share_ratio", "network", "regtest", "window", "1d"), 1e-12);
            assertEquals(share(fees, BLOCKS, 4320)[0], h.gauge("hashwatch_fee_share_ratio", "network", "regtest",
                    "window", "30d"), 1e-12);

            List<BlockAnomalyRecord> tags = out.stream().filter(a -> a.kind().equals("unknown_tag")).toList();
            assertEquals(List.of(1_000L), tags.stream().map(BlockAnomalyRecord::height).toList());
            String tag = tagSeen;
            assertTrue(tag.contains(CoinbaseTag.of(unknown.tagHex())), tag);
            assertTrue(tags.get(0).detail().contains("'" + tag + "'"), tags.get(0).detail());
            assertFalse(out.stream().anyMatch(a -> a.kind().equals("empty")));
            System.out.printf("fee shock at %d (fees jump at %d): 144-block share %.4f; unknown tag '%s' x3 at 1,000%n",
                    onset, SHOCK_FROM, day[0], tag);
        }
    }

    /** Fees / (subsidy + fees) of heights 1..tip in the window of n blocks ending at tip, and how many had fees. */
    private static double[] share(long[] fees, int tip, int n) {
        long f = 0;
        long reward = 0;
        int count = 0;
        for (int h = Math.max(1, tip - n + 1); h <= tip; h++) {
            f += fees[h];
            reward += Subsidy.subsidySat(h) + fees[h];
            count++;
        }
        return new double[] {(double) f / reward, count};
    }
}
