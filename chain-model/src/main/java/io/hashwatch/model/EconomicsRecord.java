package io.hashwatch.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Mining economics at a block for every configured cost profile (topic {@code economics}, key
 * {@code network:height}), at the reference price of the block's own time; key {@code network:current} is the live
 * view (the tip at the latest reference price). Prices and costs in USD; null where they need a price and there is
 * none. What the profiles share is here once; what differs is in {@code profiles}, keyed by profile name in the order
 * of the settings. The block's hash and difficulty are on {@code blocks} under the same key.
 *
 * @param hashpriceBtcPerPhDay      as on {@code hashprice}
 * @param hashpriceUsdPerPhDay      as on {@code hashprice}
 * @param hostingRevenueUsdPerMwDay the AI/HPC lease: rate ($/kW/month) * 1000 / 30.4
 */
public record EconomicsRecord(String network, long height, long time, Double priceUsd, Long priceTimeMs,
                              double hashpriceBtcPerPhDay, Double hashpriceUsdPerPhDay,
                              double hostingRevenueUsdPerMwDay, Map<String, ProfileEconomics> profiles) {
    public EconomicsRecord {
        profiles = Collections.unmodifiableMap(new LinkedHashMap<>(profiles));
    }

    /**
     * One cost profile's economics.
     *
     * @param energyCostUsdPerPhDay             efficiency (J/TH = kW per PH/s) * 24 h * power price
     * @param energyCostPerBtcUsd               energy cost per PH/day / BTC per PH/day
     * @param allInCostPerBtcUsd                energy / electricity share, or (energy + overhead per PH/day) / BTC
     *                                          per PH/day
     * @param gap                               (price - all-in cost) / all-in cost
     * @param marginUsdPerPhDay                 USD hashprice - all-in cost per PH/day
     * @param breakevenPowerPriceUsdPerKwh      USD hashprice / (efficiency * 24)
     * @param miningRevenueUsdPerMwDay          USD hashprice * 1000 / efficiency (PH/s per MW)
     * @param powerOpportunitySpreadUsdPerMwDay mining revenue - hosting revenue per MW per day
     */
    public record ProfileEconomics(double efficiencyJoulesPerTh, double powerPriceUsdPerKwh,
                                   double energyCostUsdPerPhDay, double energyCostPerBtcUsd,
                                   double allInCostPerBtcUsd, Double gap, Double marginUsdPerPhDay,
                                   Double breakevenPowerPriceUsdPerKwh, Double miningRevenueUsdPerMwDay,
                                   Double powerOpportunitySpreadUsdPerMwDay) {
    }
}
