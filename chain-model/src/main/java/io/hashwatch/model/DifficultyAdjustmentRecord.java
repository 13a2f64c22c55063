package io.hashwatch.model;

/**
 * One retarget (topic {@code difficulty-adjustments}, key {@code network:height}) at the height of the first block
 * with the new bits.
 *
 * @param change                   new difficulty / old difficulty - 1
 * @param epochDurationSeconds     time of this block minus time of the old epoch's first block (2016 intervals);
 *                                 null, as the next two, when that epoch began before the known history
 * @param meanBlockIntervalSeconds epochDurationSeconds / 2016
 * @param consensusTimespanSeconds the span the retarget rule used: last minus first block of the old epoch
 *                                 (2015 intervals), before clamping
 */
public record DifficultyAdjustmentRecord(String network, long height, String hash, long time, long epoch,
                                         String oldBits, String newBits, double oldDifficulty, double newDifficulty,
                                         double change, Long epochDurationSeconds, Double meanBlockIntervalSeconds,
                                         Long consensusTimespanSeconds) {
}
