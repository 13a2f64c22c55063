package io.hashwatch.stress;

import java.math.BigInteger;

/**
 * What the daily series needs of one block of the best chain. Also stored (as JSON) by the streaming stage, one
 * entry per block of an open day.
 *
 * @param work                  Core's block proof, floor(2^256 / (target + 1))
 * @param difficulty            Core's difficulty of the block
 * @param feesSat               the block's own fees, null when the source gave none
 * @param priceUsd              reference price at the block's own time, null when there is none
 * @param hashpriceBtcPerPhDay  the block's hashprice (as on {@code hashprice})
 * @param hashpriceUsdPerPhDay  its USD value, null without a price
 */
public record DayBlock(long height, long time, BigInteger work, double difficulty, long subsidySat, Long feesSat,
                       Double priceUsd, double hashpriceBtcPerPhDay, Double hashpriceUsdPerPhDay) {
}
