package io.hashwatch.bitcoin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.testing.SharedData;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The gap odds, and how often the real chain's intervals were as unlikely as the NoBlockForLong threshold. */
class BlockGapsTest {

    @Test
    void poolGapIsTheGeometricTail() {
        assertEquals(0.49, BlockGaps.poolGapProbability(0.3, 2), 1e-15);
        assertEquals(1.0, BlockGaps.poolGapProbability(0.3, 0));
        // A 5% pool: 135 blocks (about 22 hours) without one is the 0.001 line.
        assertTrue(BlockGaps.poolGapProbability(0.05, 134) > 0.001);
        assertTrue(BlockGaps.poolGapProbability(0.05, 135) < 0.001);
        assertThrows(IllegalArgumentException.class, () -> BlockGaps.poolGapProbability(1.5, 3));
    }

    @Test
    void networkGapIsTheExponentialTail() {
        // Difficulty 1 at 2^32 / 600 H/s: a 600 s mean interval.
        double rate = 4_294_967_296.0 / 600;
        assertEquals(600, BlockGaps.expectedIntervalSeconds(1, rate), 1e-9);
        assertEquals(Math.exp(-1), BlockGaps.networkGapProbability(600, 1, rate), 1e-15);
        assertEquals(1.0, BlockGaps.networkGapProbability(-30, 1, rate));
        assertTrue(Double.isNaN(BlockGaps.networkGapProbability(600, 1, Double.NaN)));
    }

    /**
     * Every interval of the real 2011-2015 headers at the 7-day hashrate (Core's estimator at the block that closes
     * it): if blocks were a Poisson process at that rate, a share 0.001 of them would fall under the 0.001 line.
     */
    @Test
    void realIntervalsUnderTheThresholdAreAsRareAsThePoissonModelSays() {
        Path file = SharedData.requireHeaders("mainnet_150001-340000.btcrelay.bin");
        long first = SharedData.firstHeight(file);
        List<BlockHeader> headers = SharedData.readParsedHeaders(file);
        List<BlockSummary> chain = new ArrayList<>(headers.size());
        BigInteger work = BigInteger.ZERO;
        for (int i = 0; i < headers.size(); i++) {
            BlockHeader h = headers.get(i);
            work = work.add(Work.blockProof(CompactTarget.decode(h.bits())));
            chain.add(new BlockSummary(first + i, null, h.time(), h.bits(), work));
        }
        Ancestors ancestors = height -> height < first || height >= first + chain.size() ? null
                : chain.get((int) (height - first));
        int intervals = 0;
        int under = 0;
        int beforeParent = 0;
        long firstUnder = -1;
        for (int i = NetworkHashrate.BLOCKS_7D; i < chain.size(); i++) {
            BlockSummary tip = chain.get(i);
            double hashrate = NetworkHashrate.estimate(tip, ancestors, NetworkHashrate.BLOCKS_7D)[0].hashesPerSecond();
            long gap = tip.time() - chain.get(i - 1).time();
            double p = BlockGaps.networkGapProbability(gap, Work.difficulty(tip.bits()), hashrate);
            intervals++;
            beforeParent += gap < 0 ? 1 : 0;
            if (p < 0.001) {
                under++;
                firstUnder = firstUnder < 0 ? tip.height() : firstUnder;
            }
        }
        double share = under / (double) intervals;
        System.out.printf("2011-2015: %d intervals, %d under P < 0.001 at the 7-day hashrate (%.5f; Poisson 0.001),"
                + " first at %d; %d blocks earlier than their parent%n", intervals, under, share, firstUnder,
                beforeParent);
        assertTrue(share > 0.0003 && share < 0.003, "share under the line " + share);
        assertTrue(beforeParent > 1000, "blocks before their parent " + beforeParent);
    }
}
