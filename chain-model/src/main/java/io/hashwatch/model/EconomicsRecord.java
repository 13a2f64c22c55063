package io.hashwatch.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Mining economics at a block for every configured cost profile (topic {@code economics}, key
 * {@code network:height}), at the reference price of the block's own time; key {@code network:current} is the live
 * view (the tip at the latest reference price). Prices and costs in USD; null where they need a price and there is
 * none. The profiles are keyed by profile name in the order of the settings. What they are figured from is written
 * once elsewhere: the price and the hashprice on {@code hashprice}, the block's hash and difficulty on {@code blocks},
 * both under the same key; the profiles' settings in the economics settings.
 *
 * @param nextHalving               the same economics after the next halving, at this block's difficulty and fees
 *                                  (absent from records before it was added)
 */
public record EconomicsRecord(String network, long height, long time, Map<String, ProfileEconomics> profiles,
                              @JsonInclude(JsonInclude.Include.NON_NULL) NextHalving nextHalving) {
    public EconomicsRecord {
        profiles = Collections.unmodifiableMap(new LinkedHashMap<>(profiles));
    }

    /**
     * The next halving seen from a block: when, and what mining earns after it if difficulty and fees stayed as they
     * are. A profile's all-in cost per BTC and margin then follow from these and its settings
     * ({@link io.hashwatch.economics.MiningEconomics#afterHalving}): the API's economics resource states them, the
     * per-block record does not repeat them (schema 4).
     *
     * @param blocksLeft            210,000 - height mod 210,000
     * @param estimatedTime         the block's time + blocks left x the epoch's mean interval (seconds; null
     *                              without an interval)
     * @param nextSubsidySat        the subsidy from the halving on
     * @param hashpriceBtcPerPhDay  (next subsidy + the 144-block average fees) per PH/s per day at this difficulty
     * @param hashpriceUsdPerPhDay  the same at this block's price (null without a price)
     */
    public record NextHalving(long blocksLeft, Long estimatedTime, long nextSubsidySat, double hashpriceBtcPerPhDay,
                              Double hashpriceUsdPerPhDay) {
    }

    /**
     * One cost profile's economics.
     *
     * @param energyCostPerBtcUsd               energy cost per PH/day / BTC per PH/day
     * @param allInCostPerBtcUsd                energy / electricity share, or (energy + overhead per PH/day) / BTC
     *                                          per PH/day
     * @param gap                               (price - all-in cost) / all-in cost
     * @param marginUsdPerPhDay                 USD hashprice - all-in cost per PH/day
     * @param breakevenPowerPriceUsdPerKwh      USD hashprice / (efficiency * 24)
     * @param miningRevenueUsdPerMwDay          USD hashprice * 1000 / efficiency (PH/s per MW)
     * @param powerOpportunitySpreadUsdPerMwDay mining revenue - hosting revenue per MW per day
     */
    public record ProfileEconomics(double energyCostPerBtcUsd,
                                   double allInCostPerBtcUsd, Double gap, Double marginUsdPerPhDay,
                                   Double breakevenPowerPriceUsdPerKwh, Double miningRevenueUsdPerMwDay,
                                   Double powerOpportunitySpreadUsdPerMwDay) {
    }
}
