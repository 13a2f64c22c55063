package io.hashwatch.stress;

import java.util.List;

/**
 * The difficulty-regression network cost model (Glassnode / Checkmate): ln(market cap) = a + b ln(difficulty),
 * fitted by ordinary least squares on daily points; the model price is exp(a + b ln(difficulty)) / supply, with
 * Core's difficulty (Glassnode's D / 2^32).
 */
public final class DifficultyRegression {
    /** A fit over less than a year of days is dominated by one cycle's trend: refused. */
    public static final int MIN_DAYS = 365;

    private DifficultyRegression() {
    }

    /** One day: Core's difficulty, and price x supply. */
    public record Point(String day, double difficulty, double marketCapUsd) {
    }

    /**
     * @param from    first day of the window
     * @param to      last day of the window
     * @param rSquared coefficient of determination of ln(market cap) on ln(difficulty)
     */
    public record Fit(double intercept, double slope, double rSquared, int days, String from, String to) {
        public double modelPriceUsd(double difficulty, double supplyBtc) {
            return DifficultyRegression.modelPriceUsd(intercept, slope, difficulty, supplyBtc);
        }
    }

    public static double modelPriceUsd(double intercept, double slope, double difficulty, double supplyBtc) {
        return Math.exp(intercept + slope * Math.log(difficulty)) / supplyBtc;
    }

    /** Price / model price: above 1 the market pays more than the modelled cost of production. */
    public static double difficultyMultiple(double priceUsd, double modelPriceUsd) {
        return priceUsd / modelPriceUsd;
    }

    /**
     * The least-squares fit over {@code points} (one per day, in day order).
     *
     * @throws IllegalArgumentException with fewer than {@link #MIN_DAYS} points, a non-positive value, or no spread
     *                                  of difficulty
     */
    public static Fit fit(List<Point> points) {
        if (points.size() < MIN_DAYS) {
            throw new IllegalArgumentException("a difficulty regression needs at least " + MIN_DAYS
                    + " daily points, got " + points.size());
        }
        int n = points.size();
        double[] x = new double[n];
        double[] y = new double[n];
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            Point p = points.get(i);
            if (!(p.difficulty() > 0) || !(p.marketCapUsd() > 0)) {
                throw new IllegalArgumentException("day " + p.day() + ": difficulty and market cap must be > 0");
            }
            x[i] = Math.log(p.difficulty());
            y[i] = Math.log(p.marketCapUsd());
            mx += x[i] / n;
            my += y[i] / n;
        }
        // Centred sums: ln(difficulty) spans ~10..32, uncentred squares would lose digits.
        double sxx = 0;
        double sxy = 0;
        double syy = 0;
        for (int i = 0; i < n; i++) {
            sxx += (x[i] - mx) * (x[i] - mx);
            sxy += (x[i] - mx) * (y[i] - my);
            syy += (y[i] - my) * (y[i] - my);
        }
        if (sxx == 0) {
            throw new IllegalArgumentException("difficulty does not change over the window: no slope to fit");
        }
        double slope = sxy / sxx;
        double intercept = my - slope * mx;
        double ssRes = 0;
        for (int i = 0; i < n; i++) {
            double r = y[i] - intercept - slope * x[i];
            ssRes += r * r;
        }
        return new Fit(intercept, slope, 1 - ssRes / syy, n, points.get(0).day(), points.get(n - 1).day());
    }
}
