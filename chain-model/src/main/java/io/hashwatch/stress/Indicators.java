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
        int history = previous == null ? 1 : previous.historyDays() + 1;
        if (n != Math.min(history, MAX_WINDOW)) {
            throw new IllegalArgumentException("window of " + n + " days for day " + history + " of the history");
        }
        double[] hashrate = new double[n];
        double[] difficulty = new double[n];
        Double[] close = new Double[n];
        Double[] issuance = new Double[n];
        LocalDate before = null;
        for (int i = 0; i < n; i++) {
            DayTotals d = window.get(i);
            LocalDate day = LocalDate.parse(d.day());
            if (before != null && !day.equals(before.plusDays(1))) {
                throw new IllegalArgumentException("days must be consecutive: " + before + " then " + day);
            }
            before = day;
            hashrate[i] = d.hashrate();
            difficulty[i] = d.meanDifficulty();
            close[i] = d.closePriceUsd();
            issuance[i] = d.subsidyUsd();
        }
        if (previous != null && !LocalDate.parse(previous.day()).plusDays(1).equals(before)) {
            throw new IllegalArgumentException("previous indicators of " + previous.day() + " for day " + before);
        }
        int last = n - 1;
        int pricedDays = close[last] != null && issuance[last] != null
                ? (previous == null ? 0 : previous.pricedDays()) + 1 : 0;
        Double s30 = sma(hashrate, HASH_FAST);
        Double s60 = sma(hashrate, HASH_SLOW);
        Double p10 = sma(close, PRICE_FAST);
        Double p20 = sma(close, PRICE_SLOW);
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
        Double sma365 = sma(issuance, PUELL_WINDOW);
        List<Double> ribbon = new ArrayList<>(DayIndicators.RIBBON_WINDOWS.size());
        boolean full = true;
        for (int w : DayIndicators.RIBBON_WINDOWS) {
            Double s = sma(difficulty, w);
            ribbon.add(s);
            full &= s != null;
        }
        return new DayIndicators(window.get(last).day(), history, pricedDays, s30, s60,
                capitulation == null ? null : s30 / s60 - 1, capitulation, started, recovery, buy, awaitingBuy, p10,
                p20, sma365, sma365 == null || issuance[last] == null ? null : issuance[last] / sma365, ribbon,
                full ? compression(ribbon) : null);
    }

    /** Mean of the last {@code window} values, null when fewer exist. */
    static Double sma(double[] values, int window) {
        if (values.length < window) {
            return null;
        }
        double sum = 0;
        for (int k = values.length - window; k < values.length; k++) {
            sum += values[k];
        }
        return sum / window;
    }

    /** Mean of the last {@code window} values, null when fewer exist or one of them is null. */
    static Double sma(Double[] values, int window) {
        if (values.length < window) {
            return null;
        }
        double sum = 0;
        for (int k = values.length - window; k < values.length; k++) {
            if (values[k] == null) {
                return null;
            }
            sum += values[k];
        }
        return sum / window;
    }

    /** Population standard deviation / mean. */
    static double compression(List<Double> values) {
        double mean = values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double var = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum() / values.size();
        return Math.sqrt(var) / mean;
    }
}
