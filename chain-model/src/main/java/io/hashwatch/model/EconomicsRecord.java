package io.hashwatch.model;

/**
 * Mining economics of one cost profile at a block (topic {@code economics}, key {@code network:height:profile}),
 * at the reference price of the block's time; key {@code network:current:profile} is the live view.
 * Prices and costs in USD; null where they need a price and there is none.
 *
 * @param energyCostUsdPerPhDay       efficiency (J/TH = kW per PH/s) * 24 h * power price
 * @param energyCostPerBtcUsd         energy cost per PH/day / BTC per PH/day
 * @param allInCostPerBtcUsd          energy / electricity share, or (energy + overhead per PH/day) / BTC per PH/day
 * @param gap                         (price - all-in cost) / all-in cost
 * @param marginUsdPerPhDay           USD hashprice - all-in cost per PH/day
 * @param breakevenPowerPriceUsdPerKwh USD hashprice / (efficiency * 24)
 * @param miningRevenueUsdPerMwDay    USD hashprice * 1000 / efficiency (PH/s per MW)
 * @param hostingRevenueUsdPerMwDay   the AI/HPC lease: rate ($/kW/month) * 1000 / 30.4
 * @param powerOpportunitySpreadUsdPerMwDay mining revenue - hosting revenue per MW per day
 */
public record EconomicsRecord(String network, long height, String hash, long time, String profile,
                              double efficiencyJoulesPerTh, double powerPriceUsdPerKwh,
                              Double priceUsd, Long priceTimeMs, double hashpriceBtcPerPhDay,
                              Double hashpriceUsdPerPhDay, double energyCostUsdPerPhDay,
                              double energyCostPerBtcUsd, double allInCostPerBtcUsd, Double gap,
                              Double marginUsdPerPhDay, Double breakevenPowerPriceUsdPerKwh,
                              Double miningRevenueUsdPerMwDay, double hostingRevenueUsdPerMwDay,
                              Double powerOpportunitySpreadUsdPerMwDay) {
}
