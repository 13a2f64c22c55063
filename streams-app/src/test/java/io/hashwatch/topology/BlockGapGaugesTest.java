package io.hashwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.bitcoin.BlockGaps;
import io.hashwatch.bitcoin.BlockHeader;
import io.hashwatch.model.HashrateRecord;
import io.hashwatch.model.HeaderRecord;
import io.hashwatch.model.Topics;
import io.hashwatch.testing.RegtestChain;
import io.hashwatch.testing.SharedData;
import io.hashwatch.testing.TopologyHarness;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The network's gap gauges (NoBlockForLong): in a replay of real headers, the interval each tip closed, in the
 * headers' own time; live, the wall-clock time since the tip arrived.
 */
class BlockGapGaugesTest {
    private static final String FILE = "mainnet_150001-340000.btcrelay.bin";
    /** The first block of the file whose interval is under P < 0.001 at the 7-day hashrate (BlockGapsTest). */
    private static final long LONG_GAP_HEIGHT = 151_252;

    @TempDir
    Path stateDir;

    @Test
    void replayingRealHeadersTheGapIsTheIntervalTheTipClosed() {
        Path file = SharedData.requireHeaders(FILE);
        long first = SharedData.firstHeight(file);
        List<BlockHeader> headers = SharedData.readParsedHeaders(file).subList(0, (int) (LONG_GAP_HEIGHT - first + 1));
        try (TopologyHarness h = new TopologyHarness(stateDir, "gap-replay", 1_400_000_000L)) {
            for (int i = 0; i < headers.size(); i++) {
                h.send(new HeaderRecord("mainnet", first + i, headers.get(i).hex(), null, null, "file", null));
                long height = first + i;
                if (height == LONG_GAP_HEIGHT - 1 || height == LONG_GAP_HEIGHT) {
                    List<TestRecord<String, HashrateRecord>> rates = h.drain(Topics.HASHRATE);
                    HashrateRecord rate = rates.get(rates.size() - 1).value();
                    long gap = headers.get(i).time() - headers.get(i - 1).time();
                    assertEquals(gap, h.gauge("hashwatch_block_gap_seconds", "network", "mainnet"));
                    double p = h.gauge("hashwatch_block_gap_probability_ratio", "network", "mainnet");
                    assertEquals(BlockGaps.networkGapProbability(gap, h.gauge("hashwatch_difficulty", "network",
                            "mainnet"), rate.hashrate7dHps()), p, 1e-15);
                    System.out.printf("replay: block %d closed a %d s interval, P = %.3g%n", height, gap, p);
                    assertEquals(height == LONG_GAP_HEIGHT, p < 0.001, "at " + height);
                } else if (i % 200 == 0) {
                    h.drain(Topics.HASHRATE);
                }
            }
        }
    }

    @Test
    void liveTheGapRunsFromTheTipsArrival() {
        RegtestChain chain = RegtestChain.fromGenesis(31);
        chain.extend(200);
        long arrival = chain.tipTime() + 45;
        try (TopologyHarness h = new TopologyHarness(stateDir, "gap-live", arrival)) {
            h.send(chain.records(0, 200));
            assertEquals(0.0, h.gauge("hashwatch_block_gap_seconds", "network", "regtest"));
            assertEquals(1.0, h.gauge("hashwatch_block_gap_probability_ratio", "network", "regtest"));
            // Ten minutes later: a 600 s mean interval at regtest's 7-day hashrate (600 s spacing) gives ~exp(-1).
            h.nowSeconds.set(arrival + 600);
            assertEquals(600.0, h.gauge("hashwatch_block_gap_seconds", "network", "regtest"));
            assertEquals(Math.exp(-1), h.gauge("hashwatch_block_gap_probability_ratio", "network", "regtest"), 0.01);
            // Two hours without a block: exp(-12), far under the 0.001 of NoBlockForLong.
            h.nowSeconds.set(arrival + 7200);
            assertTrue(h.gauge("hashwatch_block_gap_probability_ratio", "network", "regtest") < 1e-5);
        }
    }
}
