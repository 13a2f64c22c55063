package io.hashwatch.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hashwatch.bitcoin.BlockHeader;
import io.hashwatch.testing.SharedData;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The daily series and its indicators over the real headers 150,001..340,000 (2011-10 .. 2015-01, across the halving
 * at 210,000) with the real daily closes (CoinMarketCap via Kaggle, from 2013-05-01), against a straightforward
 * implementation written here from the definitions: targets and work from the raw bits with BigInteger, days by
 * {@code time / 86,400}, moving averages by prefix sums, the crosses and the buy signal by their own loop.
 */
class MinerStressRealDataTest {
    private static final long FIRST = 150_001;
    private static final BigInteger TWO_256 = BigInteger.ONE.shiftLeft(256);

    private static List<BlockHeader> headers;
    private static TreeMap<Long, Double> closes;
    /** The blocks of each full day (the file's first and last days are partial and left out), by epoch day. */
    private static final TreeMap<Long, List<Integer>> byDay = new TreeMap<>();

    @BeforeAll
    static void read() throws IOException {
        headers = SharedData.readParsedHeaders(SharedData.requireHeaders("mainnet_150001-340000.btcrelay.bin"));
        closes = closes(SharedData.require("data/prices/btcusd_daily_2013-05-01_2021-07-01.cmc_kaggle.csv"));
        for (int i = 0; i < headers.size(); i++) {
            byDay.computeIfAbsent(Math.floorDiv(headers.get(i).time(), 86_400L), d -> new ArrayList<>()).add(i);
        }
        byDay.pollFirstEntry();
        byDay.pollLastEntry();
    }

    private static BigInteger target(long bits) {
        int exp = (int) (bits >>> 24);
        BigInteger mant = BigInteger.valueOf(bits & 0x007fffffL);
        return exp >= 3 ? mant.shiftLeft(8 * (exp - 3)) : mant.shiftRight(8 * (3 - exp));
    }

    private static double difficulty(long bits) {
        return new BigDecimal(target(0x1d00ffffL)).divide(new BigDecimal(target(bits)), MathContext.DECIMAL128)
                .doubleValue();
    }

    private static long subsidy(long height) {
        return height < 210_000 ? 5_000_000_000L : 2_500_000_000L;
    }

    /** The last daily close before the block (the close of day D is the price at D+1 00:00 UTC), or null. */
    private static Double price(long timeSeconds) {
        Map.Entry<Long, Double> e = closes.floorEntry(timeSeconds * 1000);
        return e == null ? null : e.getValue();
    }

    private static DayBlock block(int i) {
        BlockHeader h = headers.get(i);
        long height = FIRST + i;
        double d = difficulty(h.bits());
        double btc = subsidy(height) / 1e8 * 86_400 * 1e15 / (d * 4294967296.0);
        Double p = price(h.time());
        return new DayBlock(height, h.time(), TWO_256.divide(target(h.bits()).add(BigInteger.ONE)), d,
                subsidy(height), null, p, btc, p == null ? null : btc * p);
    }

    private static List<DayTotals> series() {
        List<DayTotals> out = new ArrayList<>();
        for (Map.Entry<Long, List<Integer>> e : byDay.entrySet()) {
            out.add(DayTotals.of(LocalDate.ofEpochDay(e.getKey()), e.getValue().stream().map(
                    MinerStressRealDataTest::block).toList()));
        }
        return out;
    }

    @Test
    void dailyTotalsEqualTheDefinitions() {
        List<DayTotals> days = series();
        assertEquals(byDay.size(), days.size());
        assertTrue(days.size() > 1150, "three years of days: " + days.size());
        int i = 0;
        int halvingDaySeen = 0;
        for (Map.Entry<Long, List<Integer>> e : byDay.entrySet()) {
            DayTotals d = days.get(i++);
            assertEquals(LocalDate.ofEpochDay(e.getKey()).toString(), d.day());
            List<Integer> idx = e.getValue();
            BigInteger work = BigInteger.ZERO;
            double diff = 0;
            long subsidySat = 0;
            double usd = 0;
            boolean allPriced = true;
            double hpUsd = 0;
            long latestTime = Long.MIN_VALUE;
            long latestHeight = -1;
            for (int k : idx) {
                BlockHeader h = headers.get(k);
                work = work.add(TWO_256.divide(target(h.bits()).add(BigInteger.ONE)));
                diff += difficulty(h.bits());
                subsidySat += subsidy(FIRST + k);
                Double p = price(h.time());
                if (p == null) {
                    allPriced = false;
                } else {
                    usd += subsidy(FIRST + k) / 1e8 * p;
                    hpUsd += subsidy(FIRST + k) / 1e8 * 86_400 * 1e15 / (difficulty(h.bits()) * 4294967296.0) * p;
                }
                if (h.time() > latestTime || (h.time() == latestTime && FIRST + k > latestHeight)) {
                    latestTime = h.time();
                    latestHeight = FIRST + k;
                }
            }
            assertEquals(idx.size(), d.blocks());
            assertClose(new BigDecimal(work).divide(BigDecimal.valueOf(86_400), MathContext.DECIMAL128)
                    .doubleValue(), d.hashrate(), d.day());
            assertClose(diff / idx.size(), d.meanDifficulty(), d.day());
            assertEquals(subsidySat / 1e8, d.subsidyBtc(), 1e-9, d.day());
            if (idx.stream().anyMatch(k -> FIRST + k < 210_000) && idx.stream().anyMatch(k -> FIRST + k >= 210_000)) {
                halvingDaySeen++;
            }
            // Headers carry no fees: revenue is the subsidy, and the record says the fees are not known.
            assertFalse(d.feesComplete());
            assertEquals(0, d.feeBlocks());
            assertNull(d.feeShare());
            assertNull(d.feesUsd());
            assertEquals(d.subsidyBtc(), d.revenueBtc(), 0.0);
            if (allPriced) {
                assertClose(usd, d.subsidyUsd(), d.day());
                assertClose(usd, d.revenueUsd(), d.day());
                assertClose(hpUsd / idx.size(), d.meanHashpriceUsdPerPhDay(), d.day());
                assertEquals(price(latestTime), d.closePriceUsd());
            } else {
                assertNull(d.subsidyUsd(), d.day());
                assertNull(d.revenueUsd(), d.day());
            }
        }
        assertEquals(1, halvingDaySeen, "2012-11-28 has blocks of both subsidies");
        DayTotals halving = days.stream().filter(d -> d.day().equals("2012-11-28")).findFirst().orElseThrow();
        assertTrue(halving.firstHeight() < 210_000 && halving.lastHeight() >= 210_000);
    }

    /** Event dates the straightforward loop finds, for the docs and the comparison. */
    record Events(List<String> capitulations, List<String> recoveries, List<String> buys) {
    }

    @Test
    void indicatorsEqualAStraightforwardImplementation() {
        List<DayTotals> days = series();
        List<DayIndicators> got = Indicators.compute(days);
        int n = days.size();
        double[] hashPrefix = new double[n + 1];
        double[] diffPrefix = new double[n + 1];
        for (int i = 0; i < n; i++) {
            hashPrefix[i + 1] = hashPrefix[i] + days.get(i).hashrate();
            diffPrefix[i + 1] = diffPrefix[i] + days.get(i).meanDifficulty();
        }
        Double[] s30 = new Double[n];
        Double[] s60 = new Double[n];
        Double[] p10 = new Double[n];
        Double[] p20 = new Double[n];
        List<String> caps = new ArrayList<>();
        List<String> recs = new ArrayList<>();
        List<String> buys = new ArrayList<>();
        boolean waiting = false;
        int puellChecked = 0;
        int ribbonChecked = 0;
        for (int i = 0; i < n; i++) {
            DayIndicators g = got.get(i);
            assertEquals(days.get(i).day(), g.day());
            assertEquals(i + 1, g.historyDays());
            s30[i] = i >= 29 ? (hashPrefix[i + 1] - hashPrefix[i - 29]) / 30 : null;
            s60[i] = i >= 59 ? (hashPrefix[i + 1] - hashPrefix[i - 59]) / 60 : null;
            p10[i] = priceMean(days, i, 10);
            p20[i] = priceMean(days, i, 20);
            assertNear(s30[i], g.hashrateSma30(), g.day());
            assertNear(s60[i], g.hashrateSma60(), g.day());
            assertNear(p10[i], g.priceSma10(), g.day());
            assertNear(p20[i], g.priceSma20(), g.day());
            if (s60[i] == null) {
                assertNull(g.capitulation());
                assertNull(g.ribbonOscillator());
            } else {
                assertEquals(s30[i] < s60[i], g.capitulation(), g.day());
                assertNear(s30[i] / s60[i] - 1, g.ribbonOscillator(), g.day());
            }
            boolean cap = i > 0 && s60[i - 1] != null && s30[i - 1] >= s60[i - 1] && s30[i] < s60[i];
            boolean rec = i > 0 && s60[i - 1] != null && s30[i - 1] < s60[i - 1] && s30[i] >= s60[i];
            if (cap) {
                caps.add(g.day());
                waiting = false;
            }
            if (rec) {
                recs.add(g.day());
                waiting = true;
            }
            boolean buy = false;
            if (waiting && p20[i] != null && p10[i] > p20[i]
                    && (rec || (p20[i - 1] != null && p10[i - 1] <= p20[i - 1]))) {
                buy = true;
                waiting = false;
                buys.add(g.day());
            }
            assertEquals(cap, g.capitulationStarted(), g.day());
            assertEquals(rec, g.recovery(), g.day());
            assertEquals(buy, g.buySignal(), g.day());
            assertEquals(waiting, g.awaitingBuy(), g.day());

            // Puell: the 365 days up to today all with a USD issuance.
            Double sma365 = null;
            if (i >= 364) {
                double sum = 0;
                boolean all = true;
                for (int k = i - 364; k <= i; k++) {
                    all &= days.get(k).subsidyUsd() != null;
                    sum += all ? days.get(k).subsidyUsd() : 0;
                }
                sma365 = all ? sum / 365 : null;
            }
            assertNear(sma365, g.issuanceUsdSma365(), g.day());
            assertNear(sma365 == null ? null : days.get(i).subsidyUsd() / sma365, g.puellMultiple(), g.day());
            if (sma365 != null) {
                puellChecked++;
            }
            // Difficulty ribbon and its compression (population standard deviation / mean).
            int[] windows = {9, 14, 25, 40, 60, 90, 128, 200};
            double[] smas = new double[8];
            boolean allFull = true;
            for (int w = 0; w < 8; w++) {
                Double s = i + 1 >= windows[w] ? (diffPrefix[i + 1] - diffPrefix[i + 1 - windows[w]]) / windows[w]
                        : null;
                assertNear(s, g.difficultyRibbon().get(w), g.day() + " ribbon " + windows[w]);
                allFull &= s != null;
                smas[w] = s == null ? 0 : s;
            }
            if (allFull) {
                double mean = 0;
                for (double s : smas) {
                    mean += s / 8;
                }
                double ss = 0;
                for (double s : smas) {
                    ss += (s - mean) * (s - mean);
                }
                assertNear(Math.sqrt(ss / 8) / mean, g.ribbonCompression(), g.day());
                ribbonChecked++;
            } else {
                assertNull(g.ribbonCompression());
            }
        }
        System.out.println("hash ribbons over " + days.get(0).day() + " .. " + days.get(n - 1).day()
                + ": capitulations " + caps + ", recoveries " + recs + ", buy signals " + buys);
        assertTrue(puellChecked > 200, "Puell from a year after the first price: " + puellChecked);
        assertTrue(ribbonChecked > 900);
        assertTrue(caps.size() >= 3 && recs.size() >= 3, "real capitulations over three years");
        // Prices start 2013-05-01: a buy can only follow a recovery after 2013-05-20.
        assertTrue(!buys.isEmpty() && buys.get(0).compareTo("2013-05-20") > 0, buys.toString());
    }

    private static Double priceMean(List<DayTotals> days, int i, int w) {
        if (i + 1 < w) {
            return null;
        }
        double sum = 0;
        for (int k = i - w + 1; k <= i; k++) {
            if (days.get(k).closePriceUsd() == null) {
                return null;
            }
            sum += days.get(k).closePriceUsd();
        }
        return sum / w;
    }

    @Test
    void halvingCountdownAtRealBlocks() {
        // 2012-09-22, block 200,000: the countdown at the epoch's mean interval, against the real halving block.
        int i200k = (int) (200_000 - FIRST);
        long epochStart = 200_000 - 200_000 % 2016;
        BlockHeader tip = headers.get(i200k);
        double interval = (double) (tip.time() - headers.get((int) (epochStart - FIRST)).time())
                / (200_000 - epochStart);
        Halving h = Halving.at(200_000, tip.time(), interval);
        assertEquals(10_000, h.blocksLeft());
        assertEquals(210_000, h.nextHalvingHeight());
        assertEquals(2_500_000_000L, h.nextSubsidySat());
        assertEquals(5_000_000_000L, h.subsidySat());
        assertEquals(tip.time() + Math.round(10_000 * interval), h.estimatedTime());
        long actual = headers.get((int) (210_000 - FIRST)).time();
        assertEquals(1354116278L, actual, "block 210,000 at 2012-11-28 15:24:38 UTC");
        // 10,000 blocks out, at an epoch interval of 9.4 min, while hashrate still grew: about a week early.
        System.out.println("halving estimated at block 200,000: " + (h.estimatedTime() - actual) + " s off");
        assertTrue(Math.abs(h.estimatedTime() - actual) < 10 * 86_400, "within 10 days: " + (h.estimatedTime() - actual));

        assertEquals(1, Halving.at(209_999, 0, null).blocksLeft());
        assertNull(Halving.at(209_999, 0, null).estimatedTime());
        Halving after = Halving.at(210_000, 0, 600.0);
        assertEquals(210_000, after.blocksLeft());
        assertEquals(420_000, after.nextHalvingHeight());
        assertEquals(1_250_000_000L, after.nextSubsidySat());
        // Post-halving hashprice at block 200,000's difficulty, no fees: half today's.
        double d = difficulty(tip.bits());
        assertClose(25 * 86_400 * 1e15 / (d * 4294967296.0), h.hashpriceAfterBtcPerPhDay(d, 0), "after");
    }

    @Test
    void breakevenEfficiencyAndFleetsUnderWater() {
        // $0.06 per PH/s per day at $0.05/kWh: 0.06 / (24 * 0.05) = 0.05 J/TH.
        assertEquals(0.05, Fleets.breakevenEfficiencyJoulesPerTh(0.06, 0.05), 1e-15);
        // Luxor's example scale: $50/PH/day at $0.05/kWh covers machines up to 41.67 J/TH.
        assertEquals(50 / 1.2, Fleets.breakevenEfficiencyJoulesPerTh(50, 0.05), 1e-12);
        assertEquals(2, Fleets.underWater(40, List.of(27.0, 35.0, 43.0, 59.0)));
        assertEquals(0, Fleets.underWater(40, List.of(40.0)));
    }

    private static void assertClose(double expected, double actual, String what) {
        assertTrue(Math.abs(actual - expected) <= 1e-12 * Math.abs(expected), what + ": " + actual + " vs " + expected);
    }

    private static void assertNear(Double expected, Double actual, String what) {
        if (expected == null) {
            assertNull(actual, what);
            return;
        }
        assertTrue(actual != null && Math.abs(actual - expected) <= 1e-9 * Math.abs(expected),
                what + ": " + actual + " vs " + expected);
    }

    /** Close time (the next day's midnight UTC, ms) -> close, from date,open,high,low,close,volume rows. */
    private static TreeMap<Long, Double> closes(Path csv) throws IOException {
        TreeMap<Long, Double> out = new TreeMap<>();
        List<String> lines = Files.readAllLines(csv);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            out.put(LocalDate.parse(f[0]).plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli(),
                    Double.parseDouble(f[4]));
        }
        return out;
    }
}
