package io.hashwatch.topology;

import io.hashwatch.stress.DayBlock;

/**
 * A block of the best chain with its hashprice, forwarded by the economics processor to the miner-stress processor.
 * Also the value of the {@code miner-day-blocks} store, as JSON.
 *
 * @param feesSatAvg144            average fees per block over the last 144 (for the hashprice after the halving)
 * @param epochMeanIntervalSeconds the current epoch's mean block interval, for the halving estimate
 */
record StressBlock(String network, DayBlock block, Double feesSatAvg144, Double epochMeanIntervalSeconds) {
}
