package io.hashwatch.stress;

import io.hashwatch.bitcoin.Subsidy;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Collection;

/**
 * One UTC day of blocks (by block time, as mempool.space's daily series): the totals the indicators are made of.
 * USD sums take each block at the price of its own time; a USD figure is null unless every block it sums has a price.
 *
 * @param day                    the UTC day, {@code YYYY-MM-DD}
 * @param hashrate               work of the day's blocks / 86,400 s, in hashes per second
 * @param meanDifficulty         mean of the blocks' difficulties
 * @param subsidyUsd             issuance in USD (Glassnode's Puell input), null unless every block has a price
 * @param feesBtc                fees of the blocks whose fees are known
 * @param feeBlocks              how many blocks' fees are known
 * @param feesComplete           whether every block's fees are known
 * @param feesUsd                fees in USD, null when no fee is known or a block with fees has no price
 * @param revenueBtc             subsidy + known fees
 * @param revenueUsd             subsidy + known fees in USD, null unless every block has a price
 * @param feeShare               fees / (subsidy + fees) over the blocks whose fees are known, null when none is
 * @param meanHashpriceUsdPerPhDay mean of the blocks' USD hashprices, null unless every block has one
 * @param closePriceUsd          the price of the day's latest block (by time, then height), null when it has none
 * @param pricedBlocks           how many blocks have a price
 */
public record DayTotals(String day, int blocks, long firstHeight, long lastHeight, double hashrate,
                        double meanDifficulty, double subsidyBtc, Double subsidyUsd, double feesBtc, int feeBlocks,
                        boolean feesComplete, Double feesUsd, double revenueBtc, Double revenueUsd, Double feeShare,
                        double meanHashpriceBtcPerPhDay, Double meanHashpriceUsdPerPhDay, Double closePriceUsd,
                        int pricedBlocks) {
    static final double SECONDS_PER_DAY = 86_400;

    /** The UTC day of a block time (seconds). */
    public static LocalDate dayOf(long timeSeconds) {
        return Instant.ofEpochSecond(timeSeconds).atZone(ZoneOffset.UTC).toLocalDate();
    }

    /** The totals of {@code day} from its blocks (any order; at least one). */
    public static DayTotals of(LocalDate day, Collection<DayBlock> blocks) {
        if (blocks.isEmpty()) {
            throw new IllegalArgumentException("day " + day + " has no blocks");
        }
        Accumulator a = new Accumulator(day);
        blocks.forEach(a::add);
        return a.totals();
    }

    /**
     * A day's totals built up block by block: each block costs a few additions, and the totals equal {@link #of}
     * over the same blocks in the same order.
     */
    public static final class Accumulator {
        private final LocalDate day;
        private final long dayStart;
        private BigInteger work = BigInteger.ZERO;
        private double difficulty;
        private long subsidySat;
        private long feesSat;
        private long subsidyOfFeeBlocks;
        private int feeBlocks;
        private int priced;
        private int pricedFeeBlocks;
        private double subsidyUsd;
        private double feesUsd;
        private double hashpriceBtc;
        private double hashpriceUsd;
        private long first = Long.MAX_VALUE;
        private long last = Long.MIN_VALUE;
        private int n;
        private DayBlock closing;
        private DayBlock top;

        public Accumulator(LocalDate day) {
            this.day = day;
            this.dayStart = day.toEpochDay() * (long) SECONDS_PER_DAY;
        }

        public void add(DayBlock b) {
            if (b.time() < dayStart || b.time() >= dayStart + (long) SECONDS_PER_DAY) {
                throw new IllegalArgumentException("block " + b.height() + " at " + b.time() + " is not of " + day);
            }
            n++;
            work = work.add(b.work());
            difficulty += b.difficulty();
            subsidySat += b.subsidySat();
            hashpriceBtc += b.hashpriceBtcPerPhDay();
            first = Math.min(first, b.height());
            last = Math.max(last, b.height());
            if (b.feesSat() != null) {
                feesSat += b.feesSat();
                subsidyOfFeeBlocks += b.subsidySat();
                feeBlocks++;
            }
            if (b.priceUsd() != null) {
                priced++;
                subsidyUsd += btc(b.subsidySat()) * b.priceUsd();
                if (b.feesSat() != null) {
                    pricedFeeBlocks++;
                    feesUsd += btc(b.feesSat()) * b.priceUsd();
                }
            }
            if (b.hashpriceUsdPerPhDay() != null) {
                hashpriceUsd += b.hashpriceUsdPerPhDay();
            }
            if (closing == null || b.time() > closing.time()
                    || (b.time() == closing.time() && b.height() > closing.height())) {
                closing = b;
            }
            if (top == null || b.height() > top.height()) {
                top = b;
            }
        }

        public boolean isEmpty() {
            return n == 0;
        }

        /** The highest block added. */
        public DayBlock top() {
            return top;
        }

        public DayTotals totals() {
            if (n == 0) {
                throw new IllegalStateException("day " + day + " has no blocks");
            }
            boolean allPriced = priced == n;
            Double subsidyUsdOrNull = allPriced ? subsidyUsd : null;
            Double feesUsdOrNull = feeBlocks > 0 && pricedFeeBlocks == feeBlocks ? feesUsd : null;
            Double revenueUsd = allPriced ? subsidyUsd + feesUsd : null;
            return new DayTotals(day.toString(), n, first, last, work.doubleValue() / SECONDS_PER_DAY,
                    difficulty / n, btc(subsidySat), subsidyUsdOrNull, btc(feesSat), feeBlocks, feeBlocks == n,
                    feesUsdOrNull, btc(subsidySat + feesSat), revenueUsd,
                    feeBlocks == 0 ? null : (double) feesSat / (subsidyOfFeeBlocks + feesSat),
                    hashpriceBtc / n, allPriced ? hashpriceUsd / n : null, closing.priceUsd(), priced);
        }
    }

    private static double btc(long sat) {
        return (double) sat / Subsidy.SAT_PER_BTC;
    }
}
