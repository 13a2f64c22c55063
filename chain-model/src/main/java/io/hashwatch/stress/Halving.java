package io.hashwatch.stress;

import io.hashwatch.bitcoin.Hashprice;
import io.hashwatch.bitcoin.Subsidy;

/**
 * The countdown to the next halving at a block.
 *
 * @param time            the block's time (seconds)
 * @param blocksLeft      210,000 - height mod 210,000
 * @param estimatedTime   the block's time + blocks left * the epoch's mean interval (event time, seconds); null
 *                        without an interval
 * @param nextSubsidySat  the subsidy from the halving on
 */
public record Halving(long height, long time, long nextHalvingHeight, long blocksLeft, Long estimatedTime, long subsidySat,
                      long nextSubsidySat) {

    /**
     * @param meanIntervalSeconds the current epoch's mean block interval (null when unknown)
     */
    public static Halving at(long height, long time, Double meanIntervalSeconds) {
        long left = Subsidy.HALVING_INTERVAL - height % Subsidy.HALVING_INTERVAL;
        long next = height + left;
        return new Halving(height, time, next, left,
                meanIntervalSeconds == null ? null : time + Math.round(left * meanIntervalSeconds),
                Subsidy.subsidySat(height), Subsidy.subsidySat(next));
    }

    /** BTC per PH/s per day after the halving at today's difficulty and average fees per block. */
    public double hashpriceAfterBtcPerPhDay(double difficulty, double feesSatPerBlock) {
        return Hashprice.btcPerPhDay(nextSubsidySat + feesSatPerBlock, difficulty);
    }
}
