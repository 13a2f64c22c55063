package io.hashwatch.stress;

import java.util.List;

/**
 * The indicators of one day, from the daily series up to and including it. A value whose window is not yet full is
 * null; {@code historyDays} and {@code pricedDays} say how much history there is.
 *
 * @param historyDays           days in the series up to this one
 * @param pricedDays            consecutive days up to this one with a closing price and USD issuance
 * @param hashrateSma30         hash ribbons (C. Edwards): SMA30 of the daily hashrate
 * @param hashrateSma60         SMA60 of the daily hashrate
 * @param ribbonOscillator      SMA30 / SMA60 - 1 (times 100 is Capriole's percent)
 * @param capitulation          SMA30 &lt; SMA60
 * @param capitulationStarted   SMA30 crossed under SMA60 today
 * @param recovery              SMA30 crossed back over SMA60 today (the capitulation's end)
 * @param buySignal             Edwards' buy: after a recovery (and before the next capitulation), the first day the
 *                              price's SMA10 crosses above its SMA20, or the recovery day itself if SMA10 &gt; SMA20
 * @param awaitingBuy           a recovery has happened and its buy signal has not yet
 * @param priceSma10            SMA10 of the closing price
 * @param priceSma20            SMA20 of the closing price
 * @param issuanceUsdSma365     SMA365 of the USD issuance (subsidy only)
 * @param puellMultiple         the day's USD issuance / its SMA365 (Glassnode)
 * @param difficultyRibbon      SMAs of the daily mean difficulty over {@link #RIBBON_WINDOWS} days (W. Woo), each null
 *                              until its window is full
 * @param ribbonCompression     population standard deviation / mean of the eight, null until all eight exist
 */
public record DayIndicators(String day, int historyDays, int pricedDays, Double hashrateSma30, Double hashrateSma60,
                            Double ribbonOscillator, Boolean capitulation, boolean capitulationStarted,
                            boolean recovery, boolean buySignal, boolean awaitingBuy, Double priceSma10, Double priceSma20,
                            Double issuanceUsdSma365, Double puellMultiple, List<Double> difficultyRibbon,
                            Double ribbonCompression) {
    public static final List<Integer> RIBBON_WINDOWS = List.of(9, 14, 25, 40, 60, 90, 128, 200);

    public DayIndicators {
        // Nulls are values here (a window not yet full): an unmodifiable copy that keeps them.
        difficultyRibbon = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(difficultyRibbon));
    }
}
