package io.hashwatch.bitcoin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.testing.SharedData;
import io.hashwatch.testing.SharedData.HeaderRow;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The projection against mempool.space's published test vectors (backend/src/__tests__/api/
 * difficulty-adjustment.test.ts; vector 3 is testnet, which hashwatch does not model) and against every real
 * retarget of the chain.
 */
class DifficultyProjectionTest {

    private static long dt(String iso) {
        return Instant.parse(iso).getEpochSecond();
    }

    private static void assertProjection(DifficultyProjection p, double progress, double change, long retargetDate,
                                         int remaining, long remainingTime, long next, long timeAvg,
                                         long adjustedTimeAvg) {
        assertEquals(progress, p.progressPercent(), 0.0, "progressPercent");
        assertEquals(change, p.difficultyChangePercent(), 0.0, "difficultyChange");
        assertEquals(retargetDate, p.estimatedRetargetDateMs(), "estimatedRetargetDate");
        assertEquals(remaining, p.remainingBlocks(), "remainingBlocks");
        assertEquals(remainingTime, p.remainingTimeMs(), "remainingTime");
        assertEquals(next, p.nextRetargetHeight(), "nextRetargetHeight");
        assertEquals(timeAvg, p.timeAvgMs(), "timeAvg");
        assertEquals(adjustedTimeAvg, p.adjustedTimeAvgMs(), "adjustedTimeAvg");
    }

    @Test
    void mempoolVector1NormalAdjustment() {
        DifficultyProjection p = DifficultyProjection.calculate(dt("2024-02-02T15:42:06Z"), dt("2024-02-08T14:43:05Z"),
                dt("2024-02-11T22:43:01Z"), 830_027, 7.333505241141637, 0);
        assertProjection(p, 71.97420634920636, 8.512745140778843, 1708004001715L, 565, 312620715L, 830_592,
                553311, 553311);
    }

    @Test
    void mempoolVector2WithinTheQuarterEpochOverlap() {
        DifficultyProjection p = DifficultyProjection.calculate(dt("2022-08-18T11:07:00Z"), dt("2022-08-16T03:16:54Z"),
                dt("2022-08-19T14:03:53Z"), 750_134, 0.6280047707459726, 0);
        assertProjection(p, 9.027777777777777, 1.0420538959004633, 1662009048328L, 1834, 1091215328L, 751_968,
                533038, 594992);
    }

    @Test
    void mempoolVector4MainnetLockIn() {
        DifficultyProjection p = DifficultyProjection.calculate(dt("2023-04-20T09:57:33Z"), dt("2022-08-16T03:16:54Z"),
                dt("2023-05-04T14:54:09Z"), 788_255, 1.7220298879531821, dt("2023-05-04T14:54:26Z"));
        assertProjection(p, 99.95039682539682, -1.4512637555574193, 1683212658129L, 1, 609129L, 788_256,
                609129, 609129);
    }

    @Test
    void atEachEpochsLastBlockTheProjectionIsTheRealRetarget() {
        List<HeaderRow> rows = SharedData.readHeaderCsv(SharedData.requireHeaders("epoch_boundaries_0-832608.ckb.csv"));
        Map<Long, HeaderRow> byHeight = new TreeMap<>();
        for (HeaderRow r : rows) {
            byHeight.put(r.height(), r);
        }
        int epochs = 0;
        int compared = 0;
        double worst = 0;
        for (long start = 0; byHeight.containsKey(start + 2016); start += 2016) {
            HeaderRow first = byHeight.get(start);
            HeaderRow last = byHeight.get(start + 2015);
            HeaderRow next = byHeight.get(start + 2016);
            // Event time: "now" is the tip's own timestamp.
            DifficultyProjection p = DifficultyProjection.calculate(first.time(), null, last.time(), last.height(),
                    0.0, last.time());
            assertEquals(1, p.remainingBlocks());
            assertEquals(next.height(), p.nextRetargetHeight());
            assertEquals(2015.0 / 2016 * 100, p.progressPercent(), 0.0);
            assertEquals(next.bits(), Network.MAINNET.nextEpochBits(last.bits(), first.time(), last.time()));
            epochs++;

            long span = last.time() - first.time();
            BigInteger uncapped = CompactTarget.decode(last.bits()).multiply(BigInteger.valueOf(span))
                    .divide(BigInteger.valueOf(Network.TARGET_TIMESPAN_SECONDS));
            boolean clamped = span != Network.clampTimespan(span)
                    || uncapped.compareTo(Network.MAINNET.powLimit()) > 0;
            if (!clamped) {
                double real = (Work.difficulty(next.bits()) / Work.difficulty(last.bits()) - 1) * 100;
                double err = Math.abs(p.difficultyChangePercent() - real);
                worst = Math.max(worst, err);
                assertTrue(err < 0.01, "retarget at " + next.height() + ": projected "
                        + p.difficultyChangePercent() + "%, real " + real + "%");
                compared++;
            }
        }
        assertEquals(413, epochs);
        assertTrue(compared > 380, "unclamped epochs " + compared);
        System.out.printf("projection vs real retarget: %d unclamped epochs, worst %.6f percentage points%n",
                compared, worst);
    }
}
