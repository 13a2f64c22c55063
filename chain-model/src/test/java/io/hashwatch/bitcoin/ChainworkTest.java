package io.hashwatch.bitcoin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.testing.SharedData;
import io.hashwatch.testing.SharedData.HeaderRow;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Work per block and difficulty against the chainwork and difficulty published with the real headers. */
class ChainworkTest {
    private static List<HeaderRow> epochRows;
    private static List<HeaderRow> bitcoinjRows;
    /** Both CSVs by height (they agree where they overlap: checked below). */
    private static Map<Long, HeaderRow> published;

    @BeforeAll
    static void load() {
        epochRows = SharedData.readHeaderCsv(SharedData.requireHeaders("epoch_boundaries_0-832608.ckb.csv"));
        bitcoinjRows = SharedData.readHeaderCsv(
                SharedData.requireHeaders("bitcoinj_checkpoints_2016-878976.decoded.csv"));
        published = new TreeMap<>();
        for (HeaderRow r : epochRows) {
            published.put(r.height(), r);
        }
        for (HeaderRow r : bitcoinjRows) {
            HeaderRow other = published.putIfAbsent(r.height(), r);
            if (other != null) {
                assertEquals(other.hash(), r.hash(), "the two sources disagree at " + r.height());
                assertEquals(other.chainwork(), r.chainwork(), "the two sources disagree at " + r.height());
            }
        }
    }

    @Test
    void cumulativeBlockProofFromGenesisEqualsPublishedChainwork() {
        HeaderRun run = HeaderRun.load("mainnet_0-10236.floresta.bin");
        int compared = 0;
        for (HeaderRow r : published.values()) {
            if (r.height() > run.last()) {
                break;
            }
            BlockSummary s = run.summary(r.height());
            assertEquals(r.hash(), s.hash());
            assertEquals(r.chainwork(), s.chainwork(), "chainwork at " + r.height());
            compared++;
        }
        // 0, then 2015/2016, 4031/4032, 6047/6048, 8063/8064, 10079/10080.
        assertEquals(11, compared);
        // Genesis alone: 2^256 / (0xffff * 2^208 + 1) = 0x100010001, as Core reports it.
        assertEquals(new BigInteger("100010001", 16), run.summary(0).chainwork());
    }

    @Test
    void workGainedAcrossMidChainFilesEqualsPublishedChainworkDifferences() {
        int compared = 0;
        for (String file : List.of("mainnet_80001-100000.btcrelay.bin", "mainnet_586657-589289.dfinity.bin",
                "mainnet_150001-340000.btcrelay.bin")) {
            HeaderRun run = HeaderRun.load(file);
            List<HeaderRow> inside = new ArrayList<>();
            for (HeaderRow r : published.values()) {
                if (r.height() >= run.first && r.height() <= run.last()) {
                    inside.add(r);
                }
            }
            assertTrue(inside.size() >= 2, file);
            HeaderRow base = inside.get(0);
            for (HeaderRow r : inside) {
                assertEquals(r.hash(), run.summary(r.height()).hash());
                BigInteger ours = run.summary(r.height()).chainwork().subtract(run.summary(base.height()).chainwork());
                assertEquals(r.chainwork().subtract(base.chainwork()), ours,
                        file + ": work from " + base.height() + " to " + r.height());
                compared++;
            }
        }
        assertTrue(compared > 100, "compared " + compared);
    }

    @Test
    void difficultyIsCoreGetDifficultyAsPublished() {
        // The CSVs print Core's double difficulty with 4 decimals, so ours must round to the printed value: within
        // half a unit of the 4th decimal, which is far tighter than 1e-12 relative for the large modern values.
        BigDecimal halfUnit = new BigDecimal("0.00005");
        int rows = 0;
        for (List<HeaderRow> csv : List.of(epochRows, bitcoinjRows)) {
            for (HeaderRow r : csv) {
                double d = Work.difficulty(r.bits());
                BigDecimal error = new BigDecimal(d).subtract(r.difficulty()).abs();
                assertTrue(error.compareTo(halfUnit) <= 0,
                        "difficulty at " + r.height() + ": " + new BigDecimal(d) + " vs " + r.difficulty());
                rows++;
            }
        }
        assertEquals(827 + 436, rows);
    }

    @Test
    void chainworkIsAboutDifficultyTimes2To32() {
        // work = 2^256 / (target + 1) and difficulty = 0xffff * 2^208 / target, so work / (difficulty * 2^32) is
        // 2^16 / 0xffff (1.0000153) up to the floor, worth at most 1 / work <= 2^-32 (work >= ~2^32 on mainnet).
        for (HeaderRow r : bitcoinjRows) {
            BigInteger work = Work.blockProof(CompactTarget.decode(r.bits()));
            double ratio = Work.coreDouble(work) / (Work.difficulty(r.bits()) * 4294967296.0);
            assertEquals(65536.0 / 65535.0, ratio, 3e-10, "at " + r.height());
        }
    }
}
