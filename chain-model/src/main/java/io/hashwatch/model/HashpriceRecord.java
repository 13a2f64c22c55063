package io.hashwatch.model;

/**
 * Hashprice at a block (topic {@code hashprice}, key {@code network:height}), with the reference price at the
 * block's own timestamp (event time). Key {@code network:current} carries the live view: the tip's hashprice at
 * the latest reference price, updated on every reference-price update. The block's hash and difficulty are on
 * {@code blocks} (and {@code difficulty}) under the same key.
 *
 * @param feesSatAvg144          average fees per block over the last 144 blocks whose fees the source gave
 * @param feesIncluded           false when the source gave no fees: the hashprice is then subsidy-only
 * @param priceUsd               reference BTC-USD price at the block's time (null when none within the max age)
 * @param priceTimeMs            start of that reference price's minute
 * @param networkCostModelUsd    the difficulty-regression model's price: exp(a + b ln(difficulty)) / supply, with
 *                               the 2022 constants
 * @param networkCostModelRefitUsd the same with the refitted constants (null when none are configured)
 * @param difficultyMultiple     price / {@code networkCostModelUsd} (null without a price)
 * @param difficultyMultipleRefit price / {@code networkCostModelRefitUsd}
 */
public record HashpriceRecord(String network, long height, long time, long subsidySat, Double feesSatAvg144,
                              boolean feesIncluded, double hashpriceBtcPerPhDay, double hashvalueSatsPerThDay,
                              Double priceUsd, Long priceTimeMs, Double hashpriceUsdPerPhDay,
                              double supplyBtc, double networkCostModelUsd, Double networkCostModelRefitUsd,
                              Double difficultyMultiple, Double difficultyMultipleRefit) {
}
