package io.hashwatch.stress;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * Hash ribbons, the Puell multiple and the difficulty ribbon over a daily series, one day at a time: a day's
 * indicators are made from the days up to it (at most {@link #MAX_WINDOW}) and the indicators of the day before,
 * which carry the ribbons' state (whether a recovery awaits its buy signal).
 */
public final class Indicators {
    static final int HASH_FAST = 30;
    static final int HASH_SLOW = 60;
    static final int PRICE_FAST = 10;
    static final int PRICE_SLOW = 20;
    static final int PUELL_WINDOW = 365;
    /** The longest window: a day's indicators need at most this many days, itself included. */
    public static final int MAX_WINDOW = PUELL_WINDOW;

    private Indicators() {
    }

    /**
     * The indicators of every day of {@code days}, which must be consecutive UTC days in order, the first the start of
     * the history.
     */
    public static List<DayIndicators> compute(List<DayTotals> days) {
        List<DayIndicators> out = new ArrayList<>(days.size());
        for (int i = 0; i < days.size(); i++) {
            out.add(next(days.subList(Math.max(0, i + 1 - MAX_WINDOW), i + 1), i == 0 ? null : out.get(i - 1)));
        }
        return out;
    }

    /**
     * The indicators of the last day of {@code window}.
     *
     * @param window   consecutive UTC days ending at the day, the last {@link #MAX_WINDOW} of the history (or all of
     *                 it when shorter)
     * @param previous the indicators of the day before, null when the day starts the history
     */
    public static DayIndicators next(List<DayTotals> window, DayIndicators previous) {
        int n = window.size();
        if (n == 0 || n > MAX_WINDOW) {
            throw new IllegalArgumentException("a window of 1.." + MAX_WINDOW + " days, got " + n);
        }
        return before(window.subList(0, n - 1), previous).next(window.get(n - 1));
    }

    /**
     * The days before a day, reduced to what the day's indicators need of them: each moving average's sum over its
     * earlier days. Made once for an open day, it gives the day's indicators in constant time as its totals change
     * block by block, equal to {@link #next} to the last bit (the sums add the same values in the same order).
     *
     * @param earlier  the consecutive UTC days before the day, the last {@code MAX_WINDOW - 1} of the history (or all
     *                 of it when shorter)
     * @param previous the indicators of the day before, null when the day starts the history
     */
    public static Before before(List<DayTotals> earlier, DayIndicators previous) {
        int n = earlier.size() + 1;
        if (n > MAX_WINDOW) {
            throw new IllegalArgumentException("a window of 1.." + MAX_WINDOW + " days, got " + n);
        }
        int history = previous == null ? 1 : previous.historyDays() + 1;
        if (n != Math.min(history, MAX_WINDOW)) {
            throw new IllegalArgumentException("window of " + n + " days for day " + history + " of the history");
        }
        int m = earlier.size();
        double[] hashrate = new double[m];
        double[] difficulty = new double[m];
        Double[] close = new Double[m];
        Double[] issuance = new Double[m];
        // One parse, then each day compared as the text of the one after it: parsing 365 dates made this the
        // miner-stress processor's largest cost at the turn of each day.
        LocalDate before = null;
        for (int i = 0; i < m; i++) {
            DayTotals d = earlier.get(i);
            LocalDate day = before == null ? LocalDate.parse(d.day()) : before.plusDays(1);
            if (before != null && !day.toString().equals(d.day())) {
                throw new IllegalArgumentException("days must be consecutive: " + before + " then " + d.day());
            }
            before = day;
            hashrate[i] = d.hashrate();
            difficulty[i] = d.meanDifficulty();
            close[i] = d.closePriceUsd();
            issuance[i] = d.subsidyUsd();
        }
        if (previous != null && (before == null || !before.toString().equals(previous.day()))) {
            throw new IllegalArgumentException("previous indicators of " + previous.day() + " for the day after "
                    + before);
        }
        Double[] ribbon = new Double[DayIndicators.RIBBON_WINDOWS.size()];
        for (int i = 0; i < ribbon.length; i++) {
            ribbon[i] = earlierSum(difficulty, DayIndicators.RIBBON_WINDOWS.get(i));
        }
        return new Before(before == null ? null : before.plusDays(1), previous, n, earlierSum(hashrate, HASH_FAST),
                earlierSum(hashrate, HASH_SLOW), earlierSum(close, PRICE_FAST), earlierSum(close, PRICE_SLOW),
                earlierSum(issuance, PUELL_WINDOW), ribbon);
    }

    /** What {@link #before} keeps: the sums of each window's days before the day, null where one is missing. */
    public static final class Before {
        private final LocalDate day;
        /** The day as the totals name it: compared as text at every block, not parsed. */
        private final String dayText;
        private final DayIndicators previous;
        private final int history;
        private final Double hash30;
        private final Double hash60;
        private final Double price10;
        private final Double price20;
        private final Double issuance365;
        private final Double[] ribbon;

        private Before(LocalDate day, DayIndicators previous, int windowDays, Double hash30, Double hash60,
                       Double price10, Double price20, Double issuance365, Double[] ribbon) {
            this.day = day;
            this.dayText = day == null ? null : day.toString();
            this.previous = previous;
            this.history = previous == null ? 1 : previous.historyDays() + 1;
            this.hash30 = windowDays >= HASH_FAST ? hash30 : null;
            this.hash60 = windowDays >= HASH_SLOW ? hash60 : null;
            this.price10 = windowDays >= PRICE_FAST ? price10 : null;
            this.price20 = windowDays >= PRICE_SLOW ? price20 : null;
            this.issuance365 = windowDays >= PUELL_WINDOW ? issuance365 : null;
            this.ribbon = ribbon.clone();
            for (int i = 0; i < ribbon.length; i++) {
                if (windowDays < DayIndicators.RIBBON_WINDOWS.get(i)) {
                    this.ribbon[i] = null;
                }
            }
        }

        /** The indicators of the day with these totals. */
        public DayIndicators next(DayTotals today) {
            if (day != null && !dayText.equals(today.day())) {
                throw new IllegalArgumentException("days must be consecutive: " + day.minusDays(1) + " then "
                        + today.day());
            }
            Double close = today.closePriceUsd();
            Double issuance = today.subsidyUsd();
            int pricedDays = close != null && issuance != null
                    ? (previous == null ? 0 : previous.pricedDays()) + 1 : 0;
            Double s30 = mean(hash30, today.hashrate(), HASH_FAST);
            Double s60 = mean(hash60, today.hashrate(), HASH_SLOW);
            Double p10 = mean(price10, close, PRICE_FAST);
            Double p20 = mean(price20, close, PRICE_SLOW);
            Boolean capitulation = s30 == null || s60 == null ? null : s30 < s60;
            Boolean was = previous == null ? null : previous.capitulation();
            boolean started = Boolean.TRUE.equals(capitulation) && Boolean.FALSE.equals(was);
            boolean recovery = Boolean.FALSE.equals(capitulation) && Boolean.TRUE.equals(was);
            boolean awaitingBuy = !started && (recovery || (previous != null && previous.awaitingBuy()));
            boolean buy = false;
            if (awaitingBuy && p10 != null && p20 != null && p10 > p20) {
                boolean crossed = previous != null && previous.priceSma10() != null && previous.priceSma20() != null
                        && previous.priceSma10() <= previous.priceSma20();
                if (recovery || crossed) {
                    buy = true;
                    awaitingBuy = false;
                }
            }
            Double sma365 = mean(issuance365, issuance, PUELL_WINDOW);
            List<Double> ribbonSmas = new ArrayList<>(ribbon.length);
            boolean full = true;
            for (int i = 0; i < ribbon.length; i++) {
                Double sma = mean(ribbon[i], today.meanDifficulty(), DayIndicators.RIBBON_WINDOWS.get(i));
                ribbonSmas.add(sma);
                full &= sma != null;
            }
            return new DayIndicators(today.day(), history, pricedDays, s30, s60,
                    capitulation == null ? null : s30 / s60 - 1, capitulation, started, recovery, buy, awaitingBuy,
                    p10, p20, sma365, sma365 == null || issuance == null ? null : issuance / sma365, ribbonSmas,
                    full ? compression(ribbonSmas) : null);
        }

        /** The window's mean: the earlier days' sum, then the day's value, over the window; null if one is missing. */
        private static Double mean(Double earlierSum, Double today, int window) {
            return earlierSum == null || today == null ? null : (earlierSum + today) / window;
        }
    }

    /**
     * The sum of the last {@code window - 1} values, added oldest first from 0, as a mean over the whole window adds them before the day's own; null when
     * fewer exist (the window is not full with the day itself either).
     */
    static Double earlierSum(double[] values, int window) {
        if (values.length < window - 1) {
            return null;
        }
        double sum = 0;
        for (int k = values.length - (window - 1); k < values.length; k++) {
            sum += values[k];
        }
        return sum;
    }

    /** As {@link #earlierSum(double[], int)}, null also when one of the values is. */
    static Double earlierSum(Double[] values, int window) {
        if (values.length < window - 1) {
            return null;
        }
        double sum = 0;
        for (int k = values.length - (window - 1); k < values.length; k++) {
            if (values[k] == null) {
                return null;
            }
            sum += values[k];
        }
        return sum;
    }

    /** Population standard deviation / mean. */
    static double compression(List<Double> values) {
        double mean = values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double var = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum() / values.size();
        return Math.sqrt(var) / mean;
    }
}
