package io.hashwatch.topology;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * What the economics processor needs of a connected block, forwarded to it by the chain processor. Also the value of
 * the {@code economics-tips} store, as JSON: renaming a component changes the stored format. The components for the
 * miner-stress series are not stored (the tip's live view does not use them): they travel in memory only.
 *
 * @param bits                     the compact target, for the block's work (the miner-stress daily hashrate)
 * @param feesSat                  the block's own fees, null when the source gave none
 * @param epochMeanIntervalSeconds the current epoch's mean block interval (as on {@code difficulty}), for the
 *                                 halving estimate
 */
record ConnectedBlock(String network, long height, String hash, long time, double difficulty, long subsidySat,
                      Double feesSatAvg144, boolean feesIncluded, @JsonIgnore Long bits, @JsonIgnore Long feesSat,
                      @JsonIgnore Double epochMeanIntervalSeconds) implements EconomicsEvent {
}
