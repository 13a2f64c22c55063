package io.hashwatch.model;

/**
 * Difficulty and the projected next adjustment at a block (topic {@code difficulty}, key {@code network:height}),
 * projected in event time: the block's own timestamp is "now".
 *
 * @param progress                ratio of the epoch's blocks mined (height mod 2016) / 2016
 * @param projectedChange         projected next adjustment as a ratio (+0.05 is +5%); at the epoch's last block,
 *                                the consensus result itself
 * @param projectedNextBits       the next epoch's bits, known exactly at the epoch's last block (else null)
 * @param projectedRetargetTime   seconds since the epoch when the next retarget is expected
 * @param previousChange          the last adjustment's change as a ratio, null if not seen
 * @param projectionMethod        "epoch", "quarter_epoch_window" (fewer than 503 blocks in), or "consensus"
 */
public record DifficultyRecord(String network, long height, String hash, long time, String bits,
                               double difficulty, long epoch, long epochStartHeight, int blocksInEpoch,
                               double progress, int blocksRemaining, long nextRetargetHeight,
                               Double projectedChange, @Nullable String projectedNextBits, Long projectedRetargetTime,
                               Double meanBlockIntervalSeconds, Double previousChange,
                               @Nullable String projectionMethod) {
}
