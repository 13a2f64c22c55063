package io.hashwatch.model;

/**
 * A miner-stress event of a final day (topic {@code miner-signals}, key {@code network:YYYY-MM-DD:signal}, with
 * {@code :profile} for a profile's event): a corrected day republishes its events and deletes (tombstones) those it no
 * longer has.
 *
 * @param signal  capitulation_started, recovery, buy_signal, puell_below_0_5, puell_above_4, under_water_3_days,
 *                halving_within_30_days
 * @param profile the cost profile of under_water_3_days, else null
 * @param value   the figure behind it: the ribbon oscillator, the Puell multiple, the profile's margin (USD per
 *                PH/s per day), the days to the halving; null for the buy signal
 */
public record MinerSignalRecord(String network, String day, String signal, @Nullable String profile, Double value) {
}
