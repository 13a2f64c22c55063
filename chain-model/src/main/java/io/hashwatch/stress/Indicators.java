package io.hashwatch.stress;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * Hash ribbons, the Puell multiple and the difficulty ribbon over a daily series. The series is folded from its
 * first day: the ribbons' state (whether a recovery awaits its buy signal) depends on the days before, so a caller
 * that recomputes a window of recent days gets the same state as the full history once the window starts before the
 * last recovery.
 */
public final class Indicators {
    static final int HASH_FAST = 30;
    static final int HASH_SLOW = 60;
    static final int PRICE_FAST = 10;
    static final int PRICE_SLOW = 20;
    static final int PUELL_WINDOW = 365;

    private Indicators() {
    }

    /**
     * The indicators of every day of {@code days}, which must be consecutive UTC days in order (a day without
     * blocks has no totals: the caller cannot skip it, as a moving average over days would shift).
     */
    public static List<DayIndicators> compute(List<DayTotals> days) {
        int n = days.size();
        double[] hashrate = new double[n];
        double[] difficulty = new double[n];
        Double[] close = new Double[n];
        Double[] issuance = new Double[n];
        LocalDate previous = null;
        for (int i = 0; i < n; i++) {
            DayTotals d = days.get(i);
            LocalDate day = LocalDate.parse(d.day());
            if (previous != null && !day.equals(previous.plusDays(1))) {
                throw new IllegalArgumentException("days must be consecutive: " + previous + " then " + day);
            }
            previous = day;
            hashrate[i] = d.hashrate();
            difficulty[i] = d.meanDifficulty();
            close[i] = d.closePriceUsd();
            issuance[i] = d.subsidyUsd();
        }
        List<DayIndicators> out = new ArrayList<>(n);
        boolean awaitingBuy = false;
        int pricedDays = 0;
        for (int i = 0; i < n; i++) {
            pricedDays = close[i] != null && issuance[i] != null ? pricedDays + 1 : 0;
            Double s30 = sma(hashrate, i, HASH_FAST);
            Double s60 = sma(hashrate, i, HASH_SLOW);
            Double p10 = sma(close, i, PRICE_FAST);
            Double p20 = sma(close, i, PRICE_SLOW);
            Boolean capitulation = s30 == null || s60 == null ? null : s30 < s60;
            Boolean before = i == 0 ? null : out.get(i - 1).capitulation();
            boolean started = Boolean.TRUE.equals(capitulation) && Boolean.FALSE.equals(before);
            boolean recovery = Boolean.FALSE.equals(capitulation) && Boolean.TRUE.equals(before);
            if (started) {
                awaitingBuy = false;
            }
            if (recovery) {
                awaitingBuy = true;
            }
            boolean buy = false;
            if (awaitingBuy && p10 != null && p20 != null && p10 > p20) {
                DayIndicators y = i == 0 ? null : out.get(i - 1);
                boolean crossed = y != null && y.priceSma10() != null && y.priceSma20() != null
                        && y.priceSma10() <= y.priceSma20();
                if (recovery || crossed) {
                    buy = true;
                    awaitingBuy = false;
                }
            }
            Double sma365 = sma(issuance, i, PUELL_WINDOW);
            List<Double> ribbon = new ArrayList<>(DayIndicators.RIBBON_WINDOWS.size());
            boolean full = true;
            for (int w : DayIndicators.RIBBON_WINDOWS) {
                Double s = sma(difficulty, i, w);
                ribbon.add(s);
                full &= s != null;
            }
            out.add(new DayIndicators(days.get(i).day(), i + 1, pricedDays, s30, s60,
                    capitulation == null ? null : s30 / s60 - 1, capitulation, started, recovery, buy, p10, p20,
                    sma365, sma365 == null || issuance[i] == null ? null : issuance[i] / sma365, ribbon,
                    full ? compression(ribbon) : null));
        }
        return out;
    }

    /** Mean of the {@code window} values ending at {@code i}, null when fewer exist. */
    static Double sma(double[] values, int i, int window) {
        if (i + 1 < window) {
            return null;
        }
        double sum = 0;
        for (int k = i - window + 1; k <= i; k++) {
            sum += values[k];
        }
        return sum / window;
    }

    /** Mean of the {@code window} values ending at {@code i}, null when fewer exist or one of them is null. */
    static Double sma(Double[] values, int i, int window) {
        if (i + 1 < window) {
            return null;
        }
        double sum = 0;
        for (int k = i - window + 1; k <= i; k++) {
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
