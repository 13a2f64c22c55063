package io.hashwatch.bitcoin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.testing.SharedData;
import io.hashwatch.testing.SharedData.HeaderRow;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The mainnet retarget rule (Core's CalculateNextWorkRequired) against the first and last header of every epoch of
 * the real chain, 0..832,608.
 */
class RetargetRuleTest {
    private static final int EPOCH = Network.RETARGET_INTERVAL;
    private static Map<Long, HeaderRow> byHeight;
    private static long lastHeight;

    @BeforeAll
    static void load() {
        List<HeaderRow> rows = SharedData.readHeaderCsv(SharedData.requireHeaders("epoch_boundaries_0-832608.ckb.csv"));
        byHeight = new TreeMap<>();
        for (HeaderRow r : rows) {
            byHeight.put(r.height(), r);
        }
        lastHeight = rows.get(rows.size() - 1).height();
    }

    @Test
    void everyRowIsTheFirstOrLastHeaderOfAnEpochAndMatchesItsRawHeader() {
        for (HeaderRow r : byHeight.values()) {
            long inEpoch = r.height() % EPOCH;
            assertTrue(inEpoch == 0 || inEpoch == EPOCH - 1, "height " + r.height());
            BlockHeader h = r.header();
            assertEquals(r.hash(), h.hash(), "hash of the raw header at " + r.height());
            assertEquals(r.prevHash(), h.prevHash());
            assertEquals(r.merkleRoot(), h.merkleRoot());
            assertEquals(r.version(), h.version());
            assertEquals(r.time(), h.time());
            assertEquals(r.bits(), h.bits());
            assertEquals(r.nonce(), h.nonce());
            assertTrue(HeaderVerifier.checkProofOfWork(Network.MAINNET, h).accepted(), "PoW at " + r.height());
        }
        assertEquals(832_608, lastHeight);
        assertEquals(2 * 413 + 1, byHeight.size());
    }

    @Test
    void nextEpochBitsReproducesAll413Adjustments() {
        int adjustments = 0;
        int clampedUp = 0;
        int clampedDown = 0;
        int cappedAtPowLimit = 0;
        long clampedEpochStart = -1;
        for (long start = 0; start + EPOCH <= lastHeight; start += EPOCH) {
            HeaderRow first = row(start);
            HeaderRow last = row(start + EPOCH - 1);
            HeaderRow next = row(start + EPOCH);
            assertEquals(first.bits(), last.bits(), "bits are constant within the epoch starting at " + start);
            long bits = Network.MAINNET.nextEpochBits(last.bits(), first.time(), last.time());
            assertEquals(CompactTarget.toHex(next.bits()), CompactTarget.toHex(bits), "retarget at " + next.height());
            adjustments++;
            long span = last.time() - first.time();
            if (span < Network.TARGET_TIMESPAN_SECONDS / 4) {
                clampedUp++;
                clampedEpochStart = start;
                // Without the clamp the rule would have asked for more than x4: the clamp decided these bits.
                long unclamped = CompactTarget.encode(CompactTarget.decode(last.bits())
                        .multiply(BigInteger.valueOf(span)).divide(BigInteger.valueOf(Network.TARGET_TIMESPAN_SECONDS)));
                assertTrue(unclamped != next.bits(), "clamp made no difference at " + next.height());
            } else if (span > Network.TARGET_TIMESPAN_SECONDS * 4) {
                clampedDown++;
            }
            if (next.bits() == Network.MAINNET.powLimitBits() && span > Network.TARGET_TIMESPAN_SECONDS) {
                cappedAtPowLimit++;
            }
        }
        assertEquals(413, adjustments);
        // The x4 clamp bound once in history: epoch 66,528..68,543 (July 2010) took 289,434 s < 302,400 s.
        assertEquals(1, clampedUp);
        assertEquals(66_528, clampedEpochStart);
        assertEquals(0, clampedDown);
        // The first epochs were slower than two weeks and stayed at powLimit.
        assertTrue(cappedAtPowLimit > 0);
    }

    @Test
    void theRuleUses2015IntervalsNot2016() {
        // Core's famous off-by-one: the span is time(last) - time(first), not time(next first) - time(first).
        int differ = 0;
        for (long start = 0; start + EPOCH <= lastHeight; start += EPOCH) {
            HeaderRow first = row(start);
            HeaderRow last = row(start + EPOCH - 1);
            HeaderRow next = row(start + EPOCH);
            if (Network.MAINNET.nextEpochBits(last.bits(), first.time(), next.time()) != next.bits()) {
                differ++;
            }
        }
        assertTrue(differ > 100, "using 2016 intervals changes the result of " + differ + " retargets");
    }

    @Test
    void everyRealTransitionIsPermittedAndAFivefoldChangeIsNot() {
        int checked = 0;
        for (long start = 0; start + EPOCH <= lastHeight; start += EPOCH) {
            long oldBits = row(start + EPOCH - 1).bits();
            long newBits = row(start + EPOCH).bits();
            assertTrue(Network.MAINNET.permittedTransition(oldBits, newBits), "retarget at " + (start + EPOCH));

            BigInteger old = CompactTarget.decode(oldBits);
            long fiveTimesEasier = CompactTarget.encode(old.multiply(BigInteger.valueOf(5)));
            long fiveTimesHarder = CompactTarget.encode(old.divide(BigInteger.valueOf(5)));
            assertFalse(Network.MAINNET.permittedTransition(oldBits, fiveTimesEasier), "x5 at " + (start + EPOCH));
            assertFalse(Network.MAINNET.permittedTransition(oldBits, fiveTimesHarder), "/5 at " + (start + EPOCH));

            // The bounds themselves are permitted (x4 capped at powLimit, /4), as Core rounds them.
            long fourTimesEasier = CompactTarget.encode(old.shiftLeft(2).min(Network.MAINNET.powLimit()));
            long fourTimesHarder = CompactTarget.encode(old.shiftRight(2));
            assertTrue(Network.MAINNET.permittedTransition(oldBits, fourTimesEasier), "x4 at " + (start + EPOCH));
            assertTrue(Network.MAINNET.permittedTransition(oldBits, fourTimesHarder), "/4 at " + (start + EPOCH));
            checked++;
        }
        assertEquals(413, checked);
    }

    private static HeaderRow row(long height) {
        HeaderRow r = byHeight.get(height);
        if (r == null) {
            throw new AssertionError("no row at height " + height);
        }
        return r;
    }
}
