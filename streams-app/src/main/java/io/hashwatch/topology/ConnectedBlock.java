package io.hashwatch.topology;


/**
 * What the economics processor needs of a connected block, sent to it by the chain processor over the
 * {@code economics-blocks} edge. Also the value of the {@code economics-tips} store, as JSON: renaming a component
 * changes the stored format (tips stored before the miner-stress components were added read them as null).
 *
 * @param bits                     the compact target, for the block's work (the miner-stress daily hashrate)
 * @param feesSat                  the block's own fees, null when the source gave none
 * @param epochMeanIntervalSeconds the current epoch's mean block interval (as on {@code difficulty}), for the
 *                                 halving estimate
 */
record ConnectedBlock(String network, long height, String hash, long time, double difficulty, long subsidySat,
                      Double feesSatAvg144, boolean feesIncluded, Long bits, Long feesSat,
                      Double epochMeanIntervalSeconds) implements EconomicsEvent {
}
