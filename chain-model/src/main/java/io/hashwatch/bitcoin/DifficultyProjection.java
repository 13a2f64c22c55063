package io.hashwatch.bitcoin;

/**
 * The next difficulty adjustment as mempool.space projects it (backend difficulty-adjustment.ts,
 * calcDifficultyAdjustment, mainnet), with "now" supplied by the caller: the tip's timestamp in event time.
 *
 * @param progressPercent       blocks of the epoch mined, 0..100
 * @param difficultyChangePercent projected change, clamped to [-75, +300]
 * @param estimatedRetargetDateMs now + remaining blocks * adjusted average interval
 * @param remainingBlocks       blocks until the next retarget
 * @param remainingTimeMs       remaining blocks * adjusted average interval
 * @param nextRetargetHeight    height of the first block with new bits
 * @param timeAvgMs             mean interval of this epoch's blocks so far
 * @param adjustedTimeAvgMs     mean interval over the 504-block window early in an epoch, else timeAvgMs
 */
public record DifficultyProjection(double progressPercent, double difficultyChangePercent,
                                   long estimatedRetargetDateMs, int remainingBlocks, long remainingTimeMs,
                                   long nextRetargetHeight, long timeAvgMs, long adjustedTimeAvgMs) {

    /** Below this many blocks into an epoch, the window reaches back 504 blocks into the previous epoch. */
    public static final int QUARTER_EPOCH_BLOCKS = 503;

    /**
     * @param epochStartTime      time of the epoch's first block (mempool's DATime)
     * @param quarterEpochTime    time of the block 504 below the tip, or null when unknown
     * @param nowSeconds          the clock: the tip's time in event time
     * @param height              tip height
     * @param previousRetargetPercent the last adjustment's change in percent
     * @param tipTime             the tip's timestamp (used at the epoch's last block)
     */
    public static DifficultyProjection calculate(long epochStartTime, Long quarterEpochTime, long nowSeconds,
                                                 long height, double previousRetargetPercent, long tipTime) {
        final int epochLength = Network.RETARGET_INTERVAL;
        final double blockSecondsTarget = Network.TARGET_SPACING_SECONDS;

        double diffSeconds = Math.max(0, nowSeconds - epochStartTime);
        int blocksInEpoch = height >= 0 ? (int) (height % epochLength) : 0;
        double progressPercent = height >= 0 ? (double) blocksInEpoch / epochLength * 100 : 100;
        int remainingBlocks = epochLength - blocksInEpoch;
        long nextRetargetHeight = height >= 0 ? height + remainingBlocks : 0;
        double actualTimespan = (blocksInEpoch == epochLength - 1 ? tipTime : nowSeconds) - epochStartTime;

        double change;
        double timeAvgSecs = blocksInEpoch != 0 ? diffSeconds / blocksInEpoch : blockSecondsTarget;
        double adjustedTimeAvgSecs = timeAvgSecs;
        if (quarterEpochTime != null && quarterEpochTime != 0 && blocksInEpoch < QUARTER_EPOCH_BLOCKS) {
            double timeLastEpoch = epochStartTime - quarterEpochTime;
            double adjustedTimeLastEpoch = timeLastEpoch * (1 + (previousRetargetPercent / 100));
            double adjustedTimeSpan = diffSeconds + adjustedTimeLastEpoch;
            adjustedTimeAvgSecs = adjustedTimeSpan / 503;
            change = (blockSecondsTarget / (adjustedTimeSpan / 504) - 1) * 100;
        } else {
            change = (blockSecondsTarget / (actualTimespan / (blocksInEpoch + 1)) - 1) * 100;
        }
        change = Math.max(-75, Math.min(300, change));

        long timeAvg = (long) Math.floor(timeAvgSecs * 1000);
        long adjustedTimeAvg = (long) Math.floor(adjustedTimeAvgSecs * 1000);
        long remainingTime = remainingBlocks * adjustedTimeAvg;
        long estimatedRetargetDate = remainingTime + nowSeconds * 1000;
        return new DifficultyProjection(progressPercent, change, estimatedRetargetDate, remainingBlocks,
                remainingTime, nextRetargetHeight, timeAvg, adjustedTimeAvg);
    }
}
